"""Benchmark the TriG block index (``citykg.store.trigindex``) against scanning the files.

    python bench/bench_trigindex.py OUT     # OUT: a finished build (citykg.trig and its .blocks sidecar)

Same process, same run, CPU seconds of this process. An edited copy of OUT's TriG is made
in a temp folder (one literal of the middle document graph changed, our own character), then:

1. ``scan``: what every comparison of the two files cost before the index: read both, find
   the graph blocks line by line (``trigparts.scan_blocks``) and hash every graph;
2. ``index``: what the build spends on its sidecar (``trigindex.write``, with the previous
   file's index: only the edited document's block is scanned);
3. ``graph_blocks``: ``graph_blocks`` of the edited file's bytes (indexed: a SHA-256 check);
4. ``trig_diff, indexes`` vs ``trig_diff, scan (no index)``: the store patch's diff.

Prints one JSON line per row and the ratios.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from citykg.store import trigdiff, trigindex, trigparts

#: our own character, put after the first character of the chosen literal
MARK = "改"


def timed(name: str, fn: Callable[[], object]) -> float:
    t = time.process_time()
    fn()
    cpu = time.process_time() - t
    print(json.dumps({"row": name, "cpu_s": round(cpu, 3)}, ensure_ascii=False))
    return cpu


def edited_copy(trig: Path, folder: Path) -> Path:
    """``trig`` with one literal of its middle document graph changed."""
    data = trig.read_bytes()
    index = trigindex.load(trig)
    if index is None:
        raise SystemExit(f"{trig}: no valid block index beside it (build it with this code first)")
    docs = [b for b in index.blocks if "/doc/" in b.graph]
    block = docs[len(docs) // 2]
    at = data.index(b'"', block.body, block.close) + 1
    new = folder / trig.name
    new.write_bytes(data[:at] + MARK.encode() + data[at:])
    return new


def scan(old: Path, new: Path) -> None:
    for path in (old, new):
        data = path.read_bytes()
        blocks = trigparts.scan_blocks(data)
        assert blocks is not None
        trigparts.digests(data, blocks)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    args = ap.parse_args()
    old = args.out / "citykg.trig"
    with tempfile.TemporaryDirectory() as tmp:
        new = edited_copy(old, Path(tmp))
        rows = {"scan": timed("scan: read + scan_blocks + digests of both files", lambda: scan(old, new))}
        rows["index"] = timed(
            "index: trigindex.write(new, previous=old)", lambda: trigindex.write(new, previous=old)
        )
        data = new.read_bytes()
        rows["blocks"] = timed("graph_blocks(new bytes), indexed", lambda: trigparts.graph_blocks(data))
        fast = trigdiff.trig_diff(old, new)
        rows["diff_index"] = timed("trig_diff, indexes", lambda: trigdiff.trig_diff(old, new))
        shutil.move(trigindex.index_path(new), Path(tmp) / "kept.blocks")
        trigindex.load = lambda trig: None  # neither file's index (nor the bytes') known: both scanned
        trigparts._KNOWN.clear()
        slow = trigdiff.trig_diff(old, new)
        rows["diff_scan"] = timed("trig_diff, scan (no index)", lambda: trigdiff.trig_diff(old, new))
        assert (
            fast is not None and slow is not None and (fast.removed, fast.added) == (slow.removed, slow.added)
        )
    print(json.dumps({"ratio trig_diff index/scan": round(rows["diff_index"] / rows["diff_scan"], 3),
                      "ratio build's index/old scans": round(rows["index"] / rows["scan"], 3)}))  # fmt: skip


if __name__ == "__main__":
    main()
