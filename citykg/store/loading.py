"""Making the persistent store's files: bulk load, patch a copy of the previous store, add summaries.

``citykg.store.core.refresh_store`` decides when and where; this module does the
RocksDB work, with two findings measured at 2,000 articles (bench/bench_store.py):

- the bulk loader writes sorted, LZ4-compressed files once; anything that later
  *compacts* them (loading in several calls, ``optimize()``, or just a long writable
  session, whose background compaction starts at once) rewrites them into a level
  that the store's options leave uncompressed: twice the disk, 1.5x the CPU. So the
  TriG is loaded in one call (as ``oxigraph load`` does), queries run on read-only
  opens, and writable sessions are short;
- a copy of the previous store is a checkpoint (``Store.backup``): hard links to its
  immutable files, milliseconds, no extra disk until the copy diverges.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from citykg.store import summaries, trigdiff


def load(trig: Path, folder: Path, fmt: ox.RdfFormat, lenient: bool = False) -> None:
    """Bulk-load ``trig`` into a new store in ``folder`` in one call, then close it. Raises SyntaxError.

    ``lenient`` skips Oxigraph's checks of IRIs (syntax errors are still errors), as
    ``oxigraph load --lenient`` does for input known to be valid: ~8% less CPU at 2,000 articles.
    """
    shutil.rmtree(folder, ignore_errors=True)
    store = ox.Store(str(folder))
    try:
        store.bulk_load(path=str(trig), format=fmt, lenient=lenient)
    finally:
        del store  # closed before anything else opens the folder (or removes it)


def patch(previous: Path, diff: trigdiff.TrigDiff, folder: Path) -> None:
    """Make ``folder`` a checkpoint of the store in ``previous`` with ``diff`` applied.

    ``previous`` is only opened read-only: its files stay as they were.
    """
    shutil.rmtree(folder, ignore_errors=True)
    reader = ox.Store.read_only(str(previous))
    try:
        reader.backup(str(folder))
    finally:
        del reader
    store = ox.Store(str(folder))
    try:
        trigdiff.apply_diff(store, diff)
    finally:
        del store


def summarise(folder: Path) -> int:
    """(Re)compute ``ckr:graph/summaries`` of the store in ``folder``; returns how many quads changed.

    The queries run on a read-only open (no background compaction, see above), then
    one short writable session removes and adds only what differs.
    """
    reader = ox.Store.read_only(str(folder))
    try:
        new = set(summaries.summary_quads(reader))
        old = set(reader.quads_for_pattern(None, None, None, summaries.GRAPH_SUMMARIES))
    finally:
        del reader
    if new == old:
        return 0
    writer = ox.Store(str(folder))
    try:
        for q in old - new:
            writer.remove(q)
        if old:
            writer.extend(new - old)
        else:
            writer.bulk_extend(new)
    finally:
        del writer
    return len(old ^ new)


__all__ = ["load", "patch", "summarise"]
