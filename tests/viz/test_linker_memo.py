"""A ``Linker`` answers each node's own page and related links once per run (a node is on many
pages), but every page that asks still records the page names the answer looked up: the
incremental site re-renders a page when one of them comes or goes."""

from __future__ import annotations

from pathlib import Path

from citykg.viz.data import load_model
from citykg.viz.links import Linker
from citykg.viz.source import ViewSource


def _asked(linker: Linker, ask) -> tuple[object, set[str]]:
    linker.asked = names = set()
    try:
        return ask(), names
    finally:
        linker.asked = None


def test_a_remembered_answer_records_the_same_names_as_the_first(mini_trig: Path, tmp_path: Path) -> None:
    model = load_model(ViewSource(mini_trig))
    pages = {"overview.html", "map.html"} | {f"city-{a.adcode}.html" for a in model.areas.values() if a.adcode}
    memo, fresh = Linker(model, tmp_path, set(pages)), Linker(model, tmp_path, set(pages))
    iris = [*model.initiatives, *model.observations, *model.areas, *model.concepts, *model.docs]
    assert iris
    for iri in iris:
        first = _asked(memo, lambda iri=iri: (memo.page_of(iri), memo.related(iri)))
        again = _asked(memo, lambda iri=iri: (memo.page_of(iri), memo.related(iri)))
        plain = _asked(fresh, lambda iri=iri: (fresh._page_of(iri), list(fresh._related(iri))))
        assert first == again == plain
    assert any(names for iri in iris for _, names in [_asked(memo, lambda iri=iri: memo.page_of(iri))])
    # a page that does not record (a single view) gets the same answers
    assert [memo.page_of(i) for i in iris] == [fresh._page_of(i) for i in iris]
