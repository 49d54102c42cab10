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
  compaction too (+37 MiB at 2,000 articles): when the build has computed it before
  the load (``citykg.graph.rdf.summaryparts``), it is streamed in the same call,
  after the TriG (``Chain``);
- a copy of the previous store is a checkpoint (``Store.backup``): hard links to its
  immutable files, milliseconds, no extra disk until the copy diverges;
- a store whose summaries graph is the build's computed one keeps that file beside its
  own, gzipped (``KEPT_SUMMARIES``: 0.4 MB instead of 14.9 at 2,000 articles, 25 ms each way,
  so the store's folder is no larger than the database): the patched copy of it then changes
  only the summary lines that differ from the new build's (91,170 quads parsed and compared at
  2,000 articles before).
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import zlib
from pathlib import Path

import pyoxigraph as ox

from citykg.store import summaries, trigdiff

#: bytes per read of the files a ``Chain`` joins (Oxigraph asks for ~2 KB at a time)
READ_BUFFER = 1 << 20
#: the computed summaries graph (TriG, one triple a line) a store holds exactly, kept gzipped in its folder
KEPT_SUMMARIES = "citykg-summaries.trig.gz"
#: gzip level of the kept summaries (6: 37x smaller at 2,000 articles in 50 ms; level 1 is 2x faster, 20% larger)
KEPT_LEVEL = 6


class Chain(io.RawIOBase):
    """Files read one after the other as one stream (two TriG documents make one: a
    document may declare its prefixes again)."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self._files = [p.open("rb", buffering=READ_BUFFER) for p in paths]

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while self._files:
            data = self._files[0].read(size)
            if data or size == 0:
                return data
            self._files.pop(0).close()
        return b""

    def close(self) -> None:
        for fh in self._files:
            fh.close()
        self._files = []
        super().close()


def load(
    trig: Path, folder: Path, fmt: ox.RdfFormat, lenient: bool = False, summaries: Path | None = None
) -> None:
    """Bulk-load ``trig`` into a new store in ``folder`` in one call, then close it. Raises SyntaxError.

    ``lenient`` skips Oxigraph's checks of IRIs (syntax errors are still errors), as
    ``oxigraph load --lenient`` does for input known to be valid: ~8% less CPU at 2,000 articles.
    ``summaries``: a TriG file of the summaries graph, loaded in the same call (after ``trig``,
    which must then be TriG too).
    """
    shutil.rmtree(folder, ignore_errors=True)
    store = ox.Store(str(folder))
    try:
        if summaries is None:
            store.bulk_load(path=str(trig), format=fmt, lenient=lenient)
        else:
            with Chain([trig, summaries]) as stream:
                store.bulk_load(input=stream, format=fmt, lenient=lenient)
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
    try:  # the summaries the copy holds (``summarise``)
        os.link(previous / KEPT_SUMMARIES, folder / KEPT_SUMMARIES)
    except OSError:
        pass  # none kept (or no hard links here): the summaries are compared quad by quad
    store = ox.Store(str(folder))
    try:
        trigdiff.apply_diff(store, diff)
        store.flush()  # into the store's files: a checkpoint of it (the next patch) has no log replayed
    finally:
        del store


def fill(
    folder: Path, trig: Path, fmt: ox.RdfFormat, patched: bool, lenient: bool, computed: Path | None
) -> None:
    """Finish the new store in ``folder``: bulk-load ``trig`` unless ``folder`` is ``patched``
    already, and give it its summaries graph: the ``computed`` one (a TriG file the build
    wrote) when there is one, in the same bulk load when there is one; else queried."""
    together = computed if fmt == ox.RdfFormat.TRIG else None  # one stream: one format
    if not patched:
        load(trig, folder, fmt, lenient, together)
    if patched or together is None:
        summarise(folder, computed)
    (folder / KEPT_SUMMARIES).unlink(missing_ok=True)
    if computed is not None:  # the store's summaries graph is now exactly this file's
        data = gzip.compress(computed.read_bytes(), compresslevel=KEPT_LEVEL, mtime=0)
        (folder / KEPT_SUMMARIES).write_bytes(data)  # the folder is the new store's, renamed when whole


def summarise(folder: Path, computed: Path | None = None) -> int:
    """(Re)compute ``ckr:graph/summaries`` of the store in ``folder``; returns how many quads changed.

    The queries run on a read-only open (no background compaction, see above), then
    one short writable session removes and adds only what differs. ``computed``: the
    summaries graph as TriG, already computed (by the build): read instead of queried.
    """
    kept = folder / KEPT_SUMMARIES
    if computed is not None and kept.is_file():
        try:
            gone, came = changed_lines(kept, computed)
        except (OSError, ValueError, SyntaxError):
            pass  # not what ``fill`` keeps: compared quad by quad below
        else:
            if _holds(folder, kept, gone, came):
                return _apply(folder, gone, came, bulk=False)
    reader = ox.Store.read_only(str(folder))
    try:
        if computed is None:
            new = set(summaries.summary_quads(reader))
        else:
            new = set(ox.parse(path=str(computed), format=ox.RdfFormat.TRIG))
        old = set(reader.quads_for_pattern(None, None, None, summaries.GRAPH_SUMMARIES))
    finally:
        del reader
    return _apply(folder, old - new, new - old, bulk=not old)


def changed_lines(kept: Path, computed: Path) -> tuple[set[ox.Quad], set[ox.Quad]]:
    """The quads of the lines of ``kept`` not in ``computed`` and the reverse (two summaries
    graphs as ``SummaryMerge.write`` writes them: a graph line, one triple a line, ``}``)."""
    before, after = _kept_lines(kept), computed.read_bytes().splitlines()
    if before[:1] != after[:1] or not before or not after:
        raise ValueError(f"{kept}, {computed}: not two summaries graphs")
    gone, came = set(before[1:-1]) - set(after[1:-1]), set(after[1:-1]) - set(before[1:-1])
    old = set(ox.parse(input=b"\n".join([before[0], *sorted(gone), b"}"]), format=ox.RdfFormat.TRIG))
    new = set(ox.parse(input=b"\n".join([after[0], *sorted(came), b"}"]), format=ox.RdfFormat.TRIG))
    return old - new, new - old


def _kept_lines(kept: Path) -> list[bytes]:
    """The lines of the kept summaries graph (gzipped); a damaged file raises ``ValueError``."""
    try:
        return gzip.decompress(kept.read_bytes()).splitlines()
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise ValueError(f"{kept}: {err}") from err


def _holds(folder: Path, kept: Path, gone: set[ox.Quad], came: set[ox.Quad]) -> bool:
    """Does the store in ``folder`` hold the ``kept`` summaries, as far as a cheap check tells: as
    many summary quads as it has lines, every quad to remove and none of those to add?"""
    reader = ox.Store.read_only(str(folder))
    try:
        count = (
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{summaries.GRAPH_SUMMARIES.value}> {{ ?s ?p ?o }} }}"
        )
        held = int(next(iter(reader.query(count)))["n"].value)
        lines = sum(1 for line in _kept_lines(kept)[1:-1] if line.strip())
        return held == lines and all(q in reader for q in gone) and not any(q in reader for q in came)
    finally:
        del reader


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


__all__ = ["Chain", "fill", "load", "patch", "summarise"]
