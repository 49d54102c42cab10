"""Where a store's summaries graph comes from: the build's TriG holds it (then the store is exactly
the file's quads, nothing queried); any other file gets it queried, a stale copy replaced."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.store import core, loading, summaries, trigindex

FIXTURE = Path(__file__).parents[1] / "fixtures" / "sparql-mini.trig"
STALE = ox.Quad(
    ox.NamedNode("https://e.org/not-a-concept"),
    ox.NamedNode("https://w3id.org/citykg/ontology#realizedIn"),
    ox.NamedNode("https://e.org/nowhere"),
    summaries.GRAPH_SUMMARIES,
)


def in_summaries(folder: Path) -> set[ox.Quad]:
    return set(ox.Store.read_only(str(folder)).quads_for_pattern(None, None, None, summaries.GRAPH_SUMMARIES))


def reference(trig: Path) -> set[ox.Quad]:
    store = ox.Store()
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    if store.contains_named_graph(summaries.GRAPH_SUMMARIES):
        store.remove_graph(summaries.GRAPH_SUMMARIES)
    return set(summaries.summary_quads(store))


def copy_build(built: Path, dest: Path) -> Path:
    """The build's TriG and its block index, modification times kept (the index stays valid)."""
    dest.mkdir()
    shutil.copy2(built / "citykg.trig", dest / "citykg.trig")
    shutil.copy2(trigindex.index_path(built / "citykg.trig"), trigindex.index_path(dest / "citykg.trig"))
    return dest


def test_a_stale_summaries_graph_in_a_foreign_trig_is_replaced(tmp_path: Path) -> None:
    data = FIXTURE.read_text(encoding="utf-8")
    (tmp_path / "citykg.trig").write_text(data + f"\n<{STALE.graph_name.value}> {{ {STALE.triple} . }}\n")
    assert trigindex.load(tmp_path / "citykg.trig") is None  # not the build's file
    folder = core.refresh_store(tmp_path, lenient=True)
    held = in_summaries(folder)
    assert STALE not in held and held == reference(tmp_path / "citykg.trig") and len(held) > 5
    assert json.loads((folder / core.MARKER).read_text())[core.SUMMARIES_FROM_TRIG] is False


def test_the_builds_trig_is_loaded_as_it_is(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = copy_build(built, tmp_path / "out")
    monkeypatch.setattr(summaries, "summary_quads", None)  # a query would fail
    folder = core.refresh_store(out, force=True)
    assert set(ox.Store.read_only(str(folder))) == set(ox.parse(path=str(out / "citykg.trig")))
    assert json.loads((folder / core.MARKER).read_text())[core.SUMMARIES_FROM_TRIG] is True


def test_an_edited_copy_of_the_builds_trig_has_its_summaries_queried(built: Path, tmp_path: Path) -> None:
    out = copy_build(built, tmp_path / "out")
    trig = out / "citykg.trig"
    trig.write_bytes(trig.read_bytes() + f"<{STALE.graph_name.value}> {{ {STALE.triple} . }}\n".encode())
    folder = core.refresh_store(out)
    assert STALE not in in_summaries(folder) and in_summaries(folder) == reference(trig)


def test_a_store_whose_summaries_were_queried_is_not_patched_to_one_from_the_trig(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A previous store (e.g. from before the build wrote the summaries into its TriG) whose
    summaries were not its TriG's: a patch would keep its rows the new TriG no longer has."""
    base = copy_build(built, tmp_path / "base")
    core.refresh_store(base)
    marker_path = base / "store" / core.MARKER
    marker = json.loads(marker_path.read_text())
    del marker[core.SUMMARIES_FROM_TRIG]  # what a store of an earlier version carries
    marker_path.write_text(json.dumps(marker))
    assert core.is_fresh(base / "citykg.trig", base / "store")
    new = copy_build(built, tmp_path / "new")
    loads: list[Path] = []
    real = loading.load
    monkeypatch.setattr(loading, "load", lambda trig, *a: loads.append(trig) or real(trig, *a))
    core.refresh_store(new, base=base)
    assert loads == [new / "citykg.trig"]  # loaded from scratch, not patched
    marker["summaries_from_trig"] = True
    marker_path.write_text(json.dumps(marker))
    (new / "store" / core.MARKER).unlink()
    core.refresh_store(new, base=base)
    assert len(loads) == 1  # now the patch is taken (an empty difference)
    assert set(ox.Store.read_only(str(new / "store"))) == set(ox.parse(path=str(new / "citykg.trig")))


def test_the_in_memory_load_of_the_builds_trig_queries_nothing(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The endpoint's workers load the TriG into memory: its summaries graph is taken as it is."""
    out = copy_build(built, tmp_path / "out")
    want = set(ox.parse(path=str(out / "citykg.trig")))
    monkeypatch.setattr(summaries, "summary_quads", None)  # a query would fail
    assert set(core._load_in_memory(out / "citykg.trig")) == want
