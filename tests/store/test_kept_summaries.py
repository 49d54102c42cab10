"""A store keeps the summaries file it holds (``loading.KEPT_SUMMARIES``): the next summarise
changes only the lines that differ, and a kept file that is not one is compared quad by quad."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.iris import GRAPH_SUMMARIES_IRI
from citykg.store import loading, summaries

G = f"<{GRAPH_SUMMARIES_IRI}>"


def graph_file(path: Path, *objects: int) -> Path:
    """A summaries graph written as ``SummaryMerge.write`` writes one (our own triples)."""
    lines = sorted(f"<https://e.org/s{o}> <https://e.org/p> <https://e.org/o{o}> ." for o in objects)
    path.write_text(f"{G} {{\n" + "\n".join(lines) + "\n}\n", encoding="utf-8")
    return path


def held(folder: Path) -> set[ox.Quad]:
    store = ox.Store.read_only(str(folder))
    return set(store.quads_for_pattern(None, None, None, summaries.GRAPH_SUMMARIES))


@pytest.mark.parametrize("kept_text", [None, "not a summaries graph\n", "plain: not gzipped\n"])
def test_summarise_from_kept_lines_or_quad_by_quad(tmp_path: Path, kept_text: str | None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    folder = tmp_path / "store"
    old = graph_file(tmp_path / "old.trig", 1, 2, 3)
    store = ox.Store(str(folder))
    store.bulk_load(path=str(old), format=ox.RdfFormat.TRIG)
    store.add(
        ox.Quad(
            ox.NamedNode("https://e.org/x"),
            ox.NamedNode("https://e.org/p"),
            ox.Literal("1"),
            ox.NamedNode("https://e.org/g"),
        )
    )
    del store
    kept = old.read_bytes() if kept_text is None else kept_text.encode()
    # the store keeps it gzipped; a file that is not gzip data is not one either
    (folder / loading.KEPT_SUMMARIES).write_bytes(kept if kept_text and "plain" in kept_text else gzip.compress(kept))
    new = graph_file(tmp_path / "new.trig", 2, 3, 4)
    parsed: list[str] = []
    real_parse = ox.parse
    monkeypatch.setattr(
        loading.ox, "parse", lambda **kw: parsed.append(str(kw.get("path", "lines"))) or real_parse(**kw)
    )
    assert loading.summarise(folder, new) == 2  # s1 gone, s4 came
    assert held(folder) == set(real_parse(path=str(new), format=ox.RdfFormat.TRIG))
    assert (str(new) in parsed) == (kept_text is not None)  # the whole file parsed only without a kept copy
    assert len(ox.Store.read_only(str(folder))) == 4  # the other graph untouched
