"""The analogies graph written as TriG blocks that an incremental build can reuse as bytes.

Serialising the analogies (a ck:Analogy node, its reasons and two ck:analogousTo
quads each: 3.2 M quads at 2,000 articles) costs more than scoring them. Most of
them are the same after one article changed, so the graph is cut into blocks
whose bytes are a function of their own analogies only, and each block is kept
in ``OUT/cache/analogy-blocks/`` under a digest of what it holds
(``block_digest``): an incremental build writes only the blocks whose analogies
changed and copies the rest. The result is byte for byte what a full build
writes, because both cut and serialise the same way: every block is computed
from the analogies of this build, only its serialisation is looked up.

Where a block ends depends on the analogies around the cut only, not on how many
came before it (content-defined cuts): a block ends before an analogy whose
source initiative differs from the previous one's, once the block holds at least
``MIN_BLOCK_QUADS`` quads and the new source's IRI hashes to 0 modulo
``CUT_EVERY`` (or the block reached ``BLOCK_QUADS``). An analogy added or removed
therefore changes its own block, not every block after it (cutting every
``BLOCK_QUADS`` quads did). A small graph (the seeds: ~1,000 quads) is one block.
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from citykg.graph.analogues.explain import Analogy, quads_for, reasons_text
from citykg.graph.rdf.trig import BLOCK_QUADS, block

#: a block is not cut before it holds this many quads (so a small graph is one block)
MIN_BLOCK_QUADS = 20_000
#: a source initiative starts a new block (past the minimum) when its IRI's crc32 is 0 modulo this
#: (~64 sources of ~2 analogies of ~19 quads: blocks of ~20,000 - 25,000 quads at 2,000 articles)
CUT_EVERY = 64
#: quads of an analogy besides its reasons and kinds: type, source, target, score, analogousTo x 2
FIXED_QUADS = 6
#: folder of OUT/cache holding one TriG file per block, named by its digest, and its manifest
BLOCKS_DIR = "analogy-blocks"
MANIFEST = "blocks.json"


def analogy_quads(an: Analogy) -> int:
    """How many quads ``quads_for`` writes for ``an``."""
    return FIXED_QUADS + len(an.basis) + len(an.basis_zh) + len(an.kinds)


def cut(analogies: Iterable[Analogy]) -> Iterator[list[Analogy]]:
    """The analogies in blocks (content-defined cuts at a change of source; see the module doc).

    >>> from citykg.graph.analogues.data import Item
    >>> an = [Analogy(Item(f"s{n}", "", "Reform", "c"), Item("t", "", "Reform", "d"), 1.0, [], []) for n in range(3)]
    >>> [len(b) for b in cut(an)]
    [3]
    """
    for part, _ in _counted_cut(analogies):
        yield part


def _counted_cut(analogies: Iterable[Analogy]) -> Iterator[tuple[list[Analogy], int]]:
    """``cut``, each block with its number of quads."""
    current: list[Analogy] = []
    quads = 0
    for an in analogies:
        if current and an.source.iri != current[-1].source.iri and (
            quads >= BLOCK_QUADS or (quads >= MIN_BLOCK_QUADS and _cuts_at(an.source.iri))
        ):
            yield current, quads
            current, quads = [], 0
        current.append(an)
        quads += FIXED_QUADS + len(an.basis) + len(an.basis_zh) + len(an.kinds)  # ``analogy_quads``
    if current:
        yield current, quads


def _cuts_at(iri: str) -> bool:
    """Does a block end before the first analogy of source ``iri`` (once past the minimum)?"""
    return zlib.crc32(iri.encode()) % CUT_EVERY == 0


def block_digest(analogies: list[Analogy], salt: str) -> str:
    """A digest of everything ``quads_for`` writes for ``analogies`` (and ``salt``: the code and
    library versions that shape the bytes). Equal digests, equal TriG blocks."""
    h = hashlib.sha256(salt.encode())
    scores: dict[float, str] = {}  # shown scores repeat (3 decimals): each ``repr`` once
    text = "".join([  # one string, encoded and hashed once (the same bytes as analogy by analogy)
        f"{an.source.iri}\x1f{an.target.iri}\x1f{scores.get(an.score) or scores.setdefault(an.score, repr(an.score))}"
        f"\x1f{an.text or reasons_text(an.basis, an.basis_zh, an.kinds)}\x1e"
        for an in analogies
    ])
    h.update(text.encode())
    return h.hexdigest()


def write(analogies: Iterable[Analogy], fh: BinaryIO, cache: Path | None, salt: str,
          reuse: bool) -> tuple[int, int, int]:  # fmt: skip
    """Write the analogies graph to ``fh`` in blocks; returns (quads, blocks, blocks reused).

    With ``cache`` every block's bytes are kept there (the manifest lists this build's
    blocks; the others are removed); with ``reuse`` too, a block already kept under its
    digest is copied instead of serialised. A damaged kept block (its bytes' digest differs
    from the manifest's) is serialised again."""
    folder = cache / BLOCKS_DIR if cache is not None else None
    known = _manifest(folder) if folder is not None and reuse else {}
    kept: dict[str, list[object]] = {}
    quads = blocks = reused = 0
    for part, n in _counted_cut(analogies):
        key = block_digest(part, salt) if folder is not None else ""
        data = _kept(folder, key, known) if folder is not None else None
        if data is None:
            data = block(quads_for(part))
            if folder is not None:
                _save(folder, key, data)
        else:
            reused += 1
        fh.write(data)
        quads, blocks = quads + n, blocks + 1
        if folder is not None:
            kept[key] = [n, hashlib.sha256(data).hexdigest()]
    if folder is not None:
        _finish(folder, kept)
    return quads, blocks, reused


def _manifest(folder: Path) -> dict[str, list[object]]:
    try:
        raw = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}


def _kept(folder: Path, key: str, known: dict[str, list[object]]) -> bytes | None:
    """The kept bytes of block ``key`` when the manifest lists it and they are intact."""
    entry = known.get(key)
    if not isinstance(entry, list) or len(entry) != 2:
        return None
    try:
        data = (folder / f"{key}.trig").read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == entry[1] else None


def _save(folder: Path, key: str, data: bytes) -> None:
    from citykg.graph.cache import atomic_write  # graph.cache imports nothing of the analogues

    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / f"{key}.trig", data)


def _finish(folder: Path, kept: dict[str, list[object]]) -> None:
    """Write the manifest of this build's blocks and remove the files of the others."""
    from citykg.graph.cache import atomic_write

    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / MANIFEST, json.dumps(kept, sort_keys=True).encode())
    for f in folder.glob("*.trig"):
        if f.stem not in kept:
            try:
                os.unlink(f)
            except OSError:
                pass  # another build's leftover is harmless: the manifest decides what is reused
