"""An incremental build writes the same analogies graph, byte for byte, as a build from scratch.

The analogue step of an incremental build scores every pair again (a changed
article moves the corpus statistics every score reads) and copies only the
*serialisation* of the TriG blocks whose analogies did not change
(``analogues.blocks``). These tests edit a copy of the seeds several times (an
added initiative, a removed article, an edited one) and compare each incremental
build with a full build of the same files in a fresh folder. The blocks are made
small here so the seeds' analogies span many of them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from citykg.graph.analogues import blocks
from citykg.graph.build import build

#: written for this test: a city names a new platform and what it does
ADDED = "\n同时，本市上线了“智慧泊车”城市停车服务平台，车主可在手机上查询空余车位并在线缴纳停车费用。\n"


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blocks, "MIN_BLOCK_QUADS", 40)
    monkeypatch.setattr(blocks, "CUT_EVERY", 2)


def _full(src: Path, out: Path) -> bytes:
    report = build([src], out, jobs=1, post_steps=False)
    assert report.problems == []
    return report.trig.read_bytes()


def test_incremental_analogies_equal_a_full_build_after_several_edits(
    tmp_path: Path, seed_dir: Path, small_blocks: None
) -> None:
    src = tmp_path / "src"
    shutil.copytree(seed_dir, src)
    out = tmp_path / "out"
    _full(src, out)
    files = sorted(src.glob("*.txt"))

    def add_initiative() -> None:
        with files[0].open("a", encoding="utf-8") as fh:
            fh.write(ADDED)

    def remove_article() -> None:
        files[1].unlink()
        manifest = src / "manifest.json"
        entries = [e for e in json.loads(manifest.read_text(encoding="utf-8")) if e["file"] != files[1].name]
        manifest.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")

    def edit_article() -> None:
        text = files[2].read_text(encoding="utf-8")
        files[2].write_text(text.replace("。", "。\n", 1) + ADDED, encoding="utf-8")

    reused = []
    for n, edit in enumerate((add_initiative, remove_article, edit_article)):
        edit()
        again = build([src], out, jobs=1, post_steps=False, incremental=True)
        assert again.reused >= 3 and again.problems == []
        expected = _full(src, tmp_path / f"full{n}")
        assert again.trig.read_bytes() == expected, edit.__name__
        written, kept = again.analogy_blocks
        assert written > 3 and kept <= written
        reused.append(kept)
    assert any(reused), "no block of the analogies was reused"


def test_a_damaged_kept_block_is_written_again(tmp_path: Path, seed_dir: Path, small_blocks: None) -> None:
    src = tmp_path / "src"
    shutil.copytree(seed_dir, src)
    out = tmp_path / "out"
    first = _full(src, out)
    folder = out / "cache" / blocks.BLOCKS_DIR
    kept = sorted(folder.glob("*.trig"))
    assert len(kept) > 3
    kept[0].write_bytes(kept[0].read_bytes().replace(b"ck:score", b"ck:scorf", 1))
    (out / "cache" / "analogies.json").unlink()  # force the analogue step (not the whole-graph reuse)
    again = build([src], out, jobs=1, post_steps=False, incremental=True)
    assert again.trig.read_bytes() == first
    written, reused = again.analogy_blocks
    assert reused == written - 1
    assert b"ck:scorf" not in kept[0].read_bytes()


def test_a_block_is_cut_where_its_source_changes_so_an_insertion_moves_one_cut() -> None:
    from citykg.graph.analogues.data import Item
    from citykg.graph.analogues.explain import Analogy

    def an(source: str) -> Analogy:
        return Analogy(Item(source, "", "Reform", "a"), Item("z", "", "Reform", "b"), 0.9, ["x"], ["k"], ["y"])

    sources = [f"s{n:04d}" for n in range(20000)]
    before = [[a.source.iri for a in b] for b in blocks.cut(an(s) for s in sources)]
    after = [[a.source.iri for a in b] for b in blocks.cut(an(s) for s in [*sources[:10], "s0009x", *sources[10:]])]
    assert len(before) > 3
    assert before[1:] == after[1:]  # only the block of the insertion differs
    assert all(len({*b}) == len(b) for b in before)  # one analogy per source here: cuts between sources


def test_unchanged_files_are_read_from_the_cache_without_ingest(
    tmp_path: Path, seed_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An incremental build reads the entry of a file whose bytes and name it has built before
    straight from the cache (``graph.reuse``); only the others are read and normalised. A damaged
    entry of an unchanged file is extracted again; the TriG equals a full build's either way."""
    from citykg.graph import worker as worker_mod

    src = tmp_path / "src"
    shutil.copytree(seed_dir, src)
    out = tmp_path / "out"
    _full(src, out)
    read: list[str] = []
    real = worker_mod.read_document
    monkeypatch.setattr(worker_mod, "read_document", lambda p, *a, **k: read.append(Path(p).name) or real(p, *a, **k))
    files = sorted(src.glob("*.txt"))
    with files[0].open("a", encoding="utf-8") as fh:
        fh.write(ADDED)
    names = json.loads((out / "cache" / "index.json").read_text(encoding="utf-8"))["documents"]
    damaged = next(h for h, name in names.items() if name == files[1].name)
    entry = out / "cache" / f"{damaged}.trig"
    entry.write_bytes(entry.read_bytes()[:-20] + b"damaged\n")
    files[2].rename(files[2].with_name("renamed-" + files[2].name))  # same bytes, another name
    manifest = src / "manifest.json"
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    for e in entries:
        e["file"] = "renamed-" + e["file"] if e["file"] == files[2].name else e["file"]
    manifest.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    again = build([src], out, jobs=1, post_steps=False, incremental=True)
    assert sorted(read) == sorted([files[0].name, files[1].name, "renamed-" + files[2].name])
    assert again.problems == [] and again.extracted == 3 and again.reused == again.documents - 3
    assert again.trig.read_bytes() == _full(src, tmp_path / "full")
    read.clear()
    still = build([src], out, jobs=1, post_steps=False, incremental=True)
    assert read == [] and still.extracted == 0  # every entry (the rewritten ones too) known by its bytes
    assert still.trig.read_bytes() == again.trig.read_bytes()


def test_the_kept_item_preparation_is_used_and_a_damaged_one_rebuilt(
    tmp_path: Path, seed_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An incremental build prepares only the items whose inputs changed (``analogues.prepstore``)
    and writes what a full build writes; a damaged kept file is ignored and written again."""
    from citykg.graph.analogues import prepare as prepare_mod
    from citykg.graph.analogues import prepstore

    src = tmp_path / "src"
    shutil.copytree(seed_dir, src)
    out = tmp_path / "out"
    _full(src, out)
    kept = out / "cache" / prepstore.CACHE_NAME
    assert kept.exists()
    counts: list[int] = []
    real = prepare_mod._fresh
    monkeypatch.setattr(prepare_mod, "_fresh", lambda data, items, m: counts.append(len(items)) or real(data, items, m))
    files = sorted(src.glob("*.txt"))
    with files[0].open("a", encoding="utf-8") as fh:
        fh.write(ADDED)
    again = build([src], out, jobs=1, post_steps=False, incremental=True)
    assert len(counts) == 1
    items = counts[0]  # the items of the edited article (an item's sentences may come from several)
    full = _full(src, tmp_path / "full0")
    assert again.problems == [] and again.trig.read_bytes() == full
    assert 0 < items < counts[1] // 2, counts  # counts[1]: the full build prepared every item
    raw = kept.read_bytes()
    kept.write_bytes(raw[:-5] + b"xxxxx")  # damaged: ignored, every item prepared, the file written again
    with files[1].open("a", encoding="utf-8") as fh:
        fh.write(ADDED)
    counts.clear()
    third = build([src], out, jobs=1, post_steps=False, incremental=True)
    assert counts == [counts[0]] and counts[0] > items
    assert third.problems == [] and third.trig.read_bytes() == _full(src, tmp_path / "full1")
    assert kept.read_bytes()[-5:] != b"xxxxx"
