"""The TriG's block index (``citykg.store.trigindex``): what a scan finds, without the scan, and
never for a file it was not written for."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.store import trigdiff, trigindex, trigparts


def scanned(trig: Path) -> list[trigparts.Block]:
    data = trig.read_bytes()
    blocks = trigparts.scan_blocks(data)
    assert blocks is not None
    return trigparts.block_digests(data, blocks)


def edited(src: Path, dst: Path, old: str, new: str) -> Path:
    """A copy of ``src`` with the first ``old`` replaced (in one document graph)."""
    text = src.read_text(encoding="utf-8")
    assert old in text
    dst.write_text(text.replace(old, new, 1), encoding="utf-8")
    return dst


def a_label(trig: Path) -> str:
    """A literal written once in the file, in a document graph."""
    text = trig.read_text(encoding="utf-8")
    store = ox.Store()
    store.load(path=str(trig), format=ox.RdfFormat.TRIG)
    for q in store:
        if (
            "/doc/" in q.graph_name.value
            and isinstance(q.object, ox.Literal)
            and text.count(f'"{q.object.value}"') == 1
        ):
            return f'"{q.object.value}"'
    raise AssertionError("no literal written once")


def test_the_build_writes_the_blocks_a_scan_finds(built: Path) -> None:
    trig = built / "citykg.trig"
    index = trigindex.load(trig)
    assert index is not None and index.size == trig.stat().st_size
    blocks = scanned(trig)
    assert index.blocks == blocks and [b.digest for b in index.blocks] == [b.digest for b in blocks]
    data = trig.read_bytes()
    assert (
        trigparts.digests(data, index.blocks)
        == trigparts.digests(data, blocks)
        == trigparts.graph_digests(trig)
    )
    assert index.sha256 == trigparts.hashlib.sha256(data).hexdigest()
    assert {b.graph for b in blocks} == {g.value for g in _named_graphs(trig)}
    assert sum(b.end - b.start for b in blocks) == len(data)  # the blocks tile the file


def _named_graphs(trig: Path) -> set[ox.NamedNode]:
    store = ox.Store()
    store.load(path=str(trig), format=ox.RdfFormat.TRIG)
    return set(store.named_graphs())


def test_an_index_is_not_used_for_another_file(built: Path, tmp_path: Path) -> None:
    """A copied-over, hand-edited or touched TriG (other size or mtime) has no index: it is scanned."""
    trig = tmp_path / "citykg.trig"
    shutil.copy2(built / "citykg.trig", trig)
    shutil.copy2(trigindex.index_path(built / "citykg.trig"), trigindex.index_path(trig))
    assert trigindex.load(trig) is not None  # a copy keeping the mtime is the same file
    label = a_label(trig)
    edited(trig, trig, label, label[:-1] + "x" + '"')
    assert trigindex.load(trig) is None
    same_size = tmp_path / "same.trig"
    shutil.copy2(built / "citykg.trig", same_size)
    shutil.copy2(trigindex.index_path(built / "citykg.trig"), trigindex.index_path(same_size))
    data = bytearray(same_size.read_bytes())
    at = data.index(label.encode()) + 1
    data[at : at + 1] = b"Z" if data[at : at + 1] != b"Z" else b"Y"
    st = same_size.stat()
    same_size.write_bytes(bytes(data))
    os.utime(same_size, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert trigindex.load(same_size) is None
    # graph_blocks on bytes of the indexed size but other content scans them (the SHA-256 differs)
    assert trigparts.graph_blocks(bytes(data)) == trigparts.scan_blocks(bytes(data))
    assert all(not b.digest for b in trigparts.graph_blocks(bytes(data)) or [])


def test_graph_blocks_of_indexed_bytes_do_not_scan(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trig = built / "citykg.trig"
    index = trigindex.load(trig)
    assert index is not None
    data = trig.read_bytes()

    def no_scan(data: bytes) -> None:
        raise AssertionError("scanned")

    monkeypatch.setattr(trigparts, "scan_blocks", no_scan)
    blocks = trigparts.graph_blocks(data)
    assert blocks == index.blocks and all(b.digest for b in blocks)


def test_an_edit_scans_only_the_pieces_the_previous_index_does_not_know(built: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    old = built / "citykg.trig"
    label = a_label(old)
    new = edited(old, tmp_path / "citykg.trig", label, label[:-1] + "（改）" + '"')
    calls: list[int] = []
    real = trigindex.scan_blocks
    monkeypatch.setattr(trigindex, "scan_blocks", lambda data: calls.append(len(data)) or real(data))
    index = trigindex.write(new, previous=old)
    assert index is not None and len(calls) == 1  # the edited document's block only
    assert index.blocks == scanned(new)
    assert [b.digest for b in index.blocks] == [b.digest for b in scanned(new)]
    assert trigindex.load(new) == index


def test_a_foreign_layout_gets_no_index(tmp_path: Path) -> None:
    trig = tmp_path / "citykg.trig"
    trig.write_text("@prefix e: <https://e.org/> .\ne:g { e:s e:p 1 . }\n", encoding="utf-8")
    assert trigindex.write(trig) is None and not trigindex.index_path(trig).exists()


def test_the_store_patch_from_indexes_reads_only_changed_blocks_and_equals_the_scan(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = built / "citykg.trig"
    label = a_label(old)
    new = edited(old, tmp_path / "citykg.trig", label, label[:-1] + "（改）" + '"')
    assert trigindex.write(new, previous=old) is not None
    read: list[int] = []
    real = trigdiff.read_blocks
    monkeypatch.setattr(
        trigdiff, "read_blocks", lambda path, blocks: read.append(len(blocks)) or real(path, blocks)
    )
    fast = trigdiff.trig_diff(old, new)
    assert read == [1, 1]  # one block of each file
    trigindex.index_path(new).unlink()
    slow = trigdiff.trig_diff(old, new)
    assert fast is not None and slow is not None and read == [1, 1]
    assert (fast.removed, fast.added, fast.graphs, fast.dropped) == (
        slow.removed,
        slow.added,
        slow.graphs,
        slow.dropped,
    )
    assert fast.removed and fast.added and len(fast.graphs) == 1
    store = ox.Store()
    store.load(path=str(old), format=ox.RdfFormat.TRIG)
    trigdiff.apply_diff(store, fast)
    scratch = ox.Store()
    scratch.load(path=str(new), format=ox.RdfFormat.TRIG)
    assert set(store) == set(scratch)


def test_the_indexes_known_in_a_process_are_few_and_the_newest_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trigparts, "_KNOWN", {})
    data = b"@prefix e: <x:> .\ne:g {\n\te:s e:p 1 .\n}\n"
    blocks = trigparts.block_digests(data, trigparts.scan_blocks(data) or [])
    for n in range(trigparts.KNOWN_MAX + 2):
        trigparts.remember(len(data) + n, f"other{n}", blocks)
    trigparts.remember(len(data), trigparts.hashlib.sha256(data).hexdigest(), blocks)
    assert sum(len(v) for v in trigparts._KNOWN.values()) == trigparts.KNOWN_MAX
    assert trigparts.graph_blocks(data) == blocks and trigparts.graph_blocks(data)[0].digest
