"""Where the graph blocks of a build's TriG are, and their digests: a sidecar beside the file.

Comparing two builds' TriG files (the store patch, ``citykg.store.trigdiff``; the site
step, ``viz.incsite``) needs each file's graph blocks (``trigparts.graph_blocks``) and
digests. Finding them reads and checks every line of a 356 MB file (about 1.2 CPU s at
2,000 articles), twice per file and step. The build writes them once, beside the TriG
(``OUT/.citykg.trig.blocks``, JSON, temp file then rename), with the TriG's size,
modification time and SHA-256:

- ``load(trig)`` returns the blocks when the sidecar matches the file's size and mtime
  (a hand-edited or copied-over TriG has another: it is scanned as before);
- both ``write`` and ``load`` tell ``trigparts`` about the index, so ``graph_blocks(data)``
  on bytes whose SHA-256 is the indexed file's returns its blocks without a scan.

Every block of an index was checked once for the build's layout: ``write`` cuts the new
file at its ``}`` lines, hashes each piece, and takes the blocks of a piece whose digest is
a block of the previous build's index (the same bytes, checked when that index was made);
every other piece (an edited article, a changed block of analogies) is scanned
(``trigparts.scan_blocks``). A piece that does not scan means no index: readers scan.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

from citykg.store.trigparts import Block, remember, scan_blocks

#: format of the sidecar (another value: ignored, the file is scanned)
VERSION = 1
_CLOSE = b"\n}\n"


@dataclass(frozen=True)
class TrigIndex:
    """The graph blocks of one TriG file (digests included) and what identifies the file."""

    size: int
    mtime_ns: int
    sha256: str
    blocks: list[Block]


def index_path(trig: Path) -> Path:
    """The sidecar of ``trig``.

    >>> index_path(Path("out/citykg.trig")).as_posix()
    'out/.citykg.trig.blocks'
    """
    return trig.with_name(f".{trig.name}.blocks")


def load(trig: Path) -> TrigIndex | None:
    """The index of ``trig`` when its sidecar was written for this very file (size, mtime), else None."""
    try:
        raw = json.loads(index_path(trig).read_bytes())
        st = trig.stat()
        if not isinstance(raw, dict) or raw.get("version") != VERSION:
            return None
        if raw["size"] != st.st_size or raw["mtime_ns"] != st.st_mtime_ns:
            return None
        graphs = raw["graphs"]
        blocks = [Block(graphs[g], s, b, c, e, d) for g, s, b, c, e, d in raw["blocks"]]
        index = TrigIndex(st.st_size, st.st_mtime_ns, str(raw["sha256"]), blocks)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    remember(index.size, index.sha256, index.blocks)
    return index


def holds_graph(trig: Path, graph: str) -> bool:
    """True when ``trig`` has a valid index (``load``) listing a block of the named graph ``graph``."""
    index = load(trig)
    return index is not None and any(b.graph == graph for b in index.blocks)


def piece_end(data: bytes, pos: int) -> int:
    """Where the piece of ``data`` starting at ``pos`` ends: after its next ``}`` line and the blank
    lines after it (the end of ``data`` when there is none).

    In a file laid out as the build writes it the pieces are its graph blocks (a statement line
    starts with a tab, so ``\\n}\\n`` only closes a block); ``build_index`` checks each piece.

    >>> data = b"a {\\n\\tx .\\n}\\n\\nb {\\n\\ty .\\n}\\n"
    >>> piece_end(data, 0), piece_end(data, 12)
    (12, 23)
    """
    size = len(data)
    close = data.find(_CLOSE, pos)
    end = size if close < 0 else close + len(_CLOSE)
    while end < size and data[end : end + 1] == b"\n":
        end += 1
    return end


def build_index(data: bytes, previous: TrigIndex | None = None) -> list[Block] | None:
    """The blocks of ``data`` with digests, or None when it is not laid out as the build writes it.

    A piece whose digest is a block of ``previous`` (a valid index of another file) takes
    that block's layout; the others are scanned. Where the previous file had a block at the
    same offset (shifted by what came or went before it), its length is tried first: the
    bytes hash to its digest when they are that block, and no search for the piece's end
    is needed (most of an incremental build's TriG)."""
    known = {b.digest: b for b in previous.blocks} if previous is not None else {}
    at = {b.start: b for b in previous.blocks} if previous is not None else {}
    blocks: list[Block] = []
    view = memoryview(data)
    pos, shift, size = 0, 0, len(data)
    try:
        while pos < size:
            old = at.get(pos - shift)
            end = pos + old.end - old.start if old is not None else -1
            digest = _sha(view, pos, end) if 0 < end <= size else ""
            if old is None or digest != old.digest or (end < size and data[end : end + 1] == b"\n"):
                end = piece_end(data, pos)
                digest = _sha(view, pos, end)
                old = known.get(digest)
            if old is not None and old.end - old.start == end - pos:
                shift = pos - old.start
                blocks.append(
                    replace(old, start=pos, body=old.body + shift, close=old.close + shift, end=end)
                )
            elif not _scanned(data, view, pos, end, digest, blocks):
                return None
            pos = end
    finally:
        view.release()
    return blocks or None


def _sha(view: memoryview, start: int, end: int) -> str:
    return hashlib.sha256(view[start:end]).hexdigest()


def _scanned(data: bytes, view: memoryview, start: int, end: int, digest: str, blocks: list[Block]) -> bool:
    """Add the blocks a scan finds in the piece ``data[start:end]`` (False: it is not laid out so)."""
    found = scan_blocks(bytes(view[start:end]))
    if found is None or found[-1].end != end - start:
        return False
    for b in found:
        sha = digest if len(found) == 1 else _sha(view, b.start + start, b.end + start)
        blocks.append(Block(b.graph, b.start + start, b.body + start, b.close + start, b.end + start, sha))
    return True


def write(trig: Path, previous: Path | None = None) -> TrigIndex | None:
    """Index ``trig`` (a TriG file the build has just written) into its sidecar; returns the index,
    or None (and no sidecar) when the file is not laid out as the build writes it.

    ``previous``: the previous build's TriG, whose index (when valid) spares scanning the
    blocks both files share."""
    sidecar = index_path(trig)
    sidecar.unlink(missing_ok=True)
    data = trig.read_bytes()
    blocks = build_index(data, load(previous) if previous is not None else None)
    if blocks is None:
        return None
    st = trig.stat()
    index = TrigIndex(st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest(), blocks)
    del data
    graphs: dict[str, int] = {}
    rows = [
        [graphs.setdefault(b.graph, len(graphs)), b.start, b.body, b.close, b.end, b.digest] for b in blocks
    ]
    raw = {"version": VERSION, "size": index.size, "mtime_ns": index.mtime_ns, "sha256": index.sha256,
           "graphs": list(graphs), "blocks": rows}  # fmt: skip
    tmp = sidecar.with_name(f"{sidecar.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(json.dumps(raw, separators=(",", ":")).encode())
        os.replace(tmp, sidecar)
    finally:
        tmp.unlink(missing_ok=True)
    remember(index.size, index.sha256, index.blocks)
    return index


__all__ = ["TrigIndex", "build_index", "holds_graph", "index_path", "load", "piece_end", "write"]
