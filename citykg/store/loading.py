"""Making the persistent store's files: bulk load, patch a copy of the previous store, add summaries.

``citykg.store.core.refresh_store`` decides when and where; this module does the
RocksDB work, with two findings measured at 2,000 articles (bench/bench_store.py):

- the bulk loader writes sorted, LZ4-compressed files once; anything that later
  *compacts* them (loading in several calls, ``optimize()``, or just a long writable
  session, whose background compaction starts at once) rewrites them into a level
  that the store's options leave uncompressed: twice the disk, 1.5x the CPU. So the
  TriG is loaded in one call (as ``oxigraph load`` does), queries run on read-only
  opens, and writable sessions are short;
- the summaries graph, written into a bulk-loaded store afterwards, sets off such a
  compaction too (+37 MiB at 2,000 articles): so the build writes it into the TriG
  (``citykg.graph.rdf.summaryparts``), and the one bulk load holds it; only a TriG
  without it (not the build's, or a merge that could not be exact) has it queried here;
- a copy of the previous store is a checkpoint (``Store.backup``): hard links to its
  immutable files, milliseconds, no extra disk until the copy diverges. The TriG
  difference it is patched with covers the summaries graph like any other.
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
        store.flush()  # into the store's files: a checkpoint of it (the next patch) has no log replayed
    finally:
        del store


def fill(folder: Path, trig: Path, fmt: ox.RdfFormat, patched: bool, lenient: bool, from_trig: bool) -> None:
    """Finish the new store in ``folder``: bulk-load ``trig`` unless ``folder`` is ``patched``
    already; then, unless ``from_trig`` (the file's summaries graph is exact, and a patched
    store's previous one was its TriG's too), give it its summaries graph by the queries."""
    if not patched:
        load(trig, folder, fmt, lenient)
    if not from_trig:
        summarise(folder)


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
    return _apply(folder, old - new, new - old, bulk=not old)


def _apply(folder: Path, gone: set[ox.Quad], came: set[ox.Quad], bulk: bool) -> int:
    """Remove ``gone`` from the store in ``folder`` and add ``came`` (``bulk``: into a store without
    summaries yet); returns how many quads changed."""
    if not gone and not came:
        return 0
    writer = ox.Store(str(folder))
    try:
        for q in gone:
            writer.remove(q)
        if bulk:
            writer.bulk_extend(came)
        else:
            writer.extend(came)
        writer.flush()  # see ``patch``: a checkpoint taken later must hold these writes
    finally:
        del writer
    return len(gone) + len(came)


__all__ = ["fill", "load", "patch", "summarise"]
