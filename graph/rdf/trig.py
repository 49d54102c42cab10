"""Writing the build's TriG: graph blocks, spooled parts, and the final temp-file + rename.

The build writes each document graph as one sorted TriG block as soon as it is
extracted (into a spool file beside the output), the analogies as they are
computed (another spool), and at the end assembles ``citykg.trig``: the graphs
still in the working store (ontology, schemes, divisions), then the spools, in a
temp file that replaces the old TriG only when it is complete. Every block
repeats the prefixes, so each is a TriG document of its own (and a reader may
split the file there). Output is sorted within each block and in input order
between them, so rebuilding the same input gives the same bytes.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Sequence
from itertools import islice
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from citykg.namespaces import PREFIXES

WRITE_CHUNK = 20_000  # subjects per TriG block when writing a big graph from the store
BLOCK_QUADS = 50_000  # quads per TriG block when writing a stream of quads (the analogies)
COPY_BUFFER = 1 << 20  # bytes per read when the spools are copied into the TriG


def quad_key(q: ox.Quad) -> tuple[str, str, str]:
    return (q.subject.value, q.predicate.value, str(q.object))


def block(quads: Iterable[ox.Quad]) -> bytes:
    """One TriG block (prefixes included) of ``quads``, sorted."""
    return ox.serialize(sorted(quads, key=quad_key), format=ox.RdfFormat.TRIG, prefixes=PREFIXES) + b"\n"


def write_store_graphs(store: ox.Store, fh: BinaryIO) -> int:
    """Write the named graphs of ``store`` in IRI order, in blocks of ``WRITE_CHUNK`` subjects; returns quads.

    Subject by subject in bounded chunks, so a large graph is never held sorted in
    memory at once; the same order as one sort. The default graph (the build's
    working set) is not written.
    """
    n = 0
    for g in sorted(store.named_graphs(), key=lambda g: g.value):
        subjects = sorted({q.subject for q in store.quads_for_pattern(None, None, None, g)}, key=lambda t: t.value)
        for i in range(0, len(subjects), WRITE_CHUNK):
            quads = [q for sub in subjects[i : i + WRITE_CHUNK] for q in store.quads_for_pattern(sub, None, None, g)]
            fh.write(block(quads))
            n += len(quads)
    return n


def write_blocks(quads: Iterable[ox.Quad], fh: BinaryIO, size: int = BLOCK_QUADS) -> int:
    """Write a stream of quads as TriG blocks of at most ``size`` quads; returns how many."""
    it, n = iter(quads), 0
    while batch := list(islice(it, size)):
        fh.write(block(batch))
        n += len(batch)
    return n


class Spool:
    """A temp file beside ``target`` that collects TriG blocks; removed by ``close``."""

    def __init__(self, target: Path, name: str) -> None:
        self.path = target.with_name(f".{target.name}.{os.getpid()}.{name}")
        self.fh: BinaryIO = self.path.open("wb")
        self.quads = 0

    def write(self, data: bytes, quads: int) -> None:
        self.fh.write(data)
        self.quads += quads

    def adopt(self, path: Path, quads: int) -> None:
        """Make the finished TriG file ``path`` (``quads`` quads) this spool's content (a hard
        link when possible, else a copy); ``path`` itself is left as it is."""
        self.fh.close()
        self.path.unlink(missing_ok=True)
        try:
            os.link(path, self.path)
        except OSError:
            shutil.copyfile(path, self.path)
        self.fh = self.path.open("ab")
        self.quads = quads

    def reset(self) -> None:
        """Empty the spool: a new file (never truncated in place: it may share its inode with a
        cached copy, ``adopt``)."""
        self.fh.close()
        self.path.unlink(missing_ok=True)
        self.fh = self.path.open("wb")
        self.quads = 0

    def close(self) -> None:
        if not self.fh.closed:
            self.fh.close()
        self.path.unlink(missing_ok=True)


def write_trig(store: ox.Store, target: Path, parts: Sequence[Spool] = ()) -> Path:
    """Write ``target``: the named graphs of ``store``, then the ``parts``; via a temp file + rename."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as fh:
            write_store_graphs(store, fh)
            for part in parts:
                part.fh.flush()
                with part.path.open("rb") as src:
                    shutil.copyfileobj(src, fh, COPY_BUFFER)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
