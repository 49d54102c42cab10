"""Load a big TriG / N-Quads file into a store in parts, so the bulk loader's memory stays bounded.

Oxigraph's bulk loader buffers what one call loads (its default target is about
2 GB per thread, and pyoxigraph does not expose the setting), so loading a
4M-quad build in one call needs 1.8 GB. Fed in parts of ``PART_BYTES`` it needs
a fraction of that. In-memory loads (``open_store(memory=True)``) and ``citykg validate``
use this; the persistent ``OUT/store`` is loaded in one call, because on disk each later
part makes RocksDB compact and rewrite the earlier ones uncompressed
(``citykg.store.loading``). A part boundary must not cut a statement:

- N-Quads / N-Triples are one statement per line: any line boundary is one;
- TriG / Turtle: a line that starts a ``@prefix`` / ``PREFIX`` directive after a
  line that did not, i.e. the start of a block of directives. ``citykg build``
  writes every block with its prefixes (``graph/trig.py``), so its TriG splits
  into many parts; each part is given every prefix seen before it, so a file
  that declares its prefixes once and uses them later still parses.

A file where no boundary is found is loaded in one call, as before. A line
starting with ``@prefix`` inside a triple-quoted literal would be taken for a
boundary and make a part fail to parse: callers retry with one call on
``SyntaxError`` (``load_in_memory``), so the worst case is the old
memory, never wrong data.

``graph_digests`` hashes each named graph's blocks, so two builds can be compared graph
by graph without parsing (``citykg.store.trigdiff``, the site step). The build also writes
where its TriG's blocks are and their digests beside it (``citykg.store.trigindex``): a
``graph_blocks`` call on bytes an index was made or loaded for in this process returns the
indexed blocks (digests included) once the bytes' SHA-256 matches, instead of scanning.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

PART_BYTES = 16 << 20  # 4.2M quads (230 MB TriG): 0.43 GB peak and ~1.15x the time of one call at 1.7 GB
_LINE_BASED = (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES)
_DIRECTIVES = (b"@prefix", b"PREFIX", b"prefix", b"@base", b"BASE", b"base")


def parts(path: Path, fmt: ox.RdfFormat, part_bytes: int = PART_BYTES) -> Iterator[bytes]:
    """The file as self-contained parts of about ``part_bytes`` (one part if it cannot be split)."""
    line_based = fmt in _LINE_BASED
    in_effect: dict[bytes, bytes] = {}  # directive name (b"@prefix ck:", b"@base") -> its last line
    part: list[bytes] = []
    size = 0
    in_directives = is_directive = False
    with path.open("rb") as fh:
        for line in fh:
            starts_block = False
            if not line_based:
                is_directive = line.lstrip().startswith(_DIRECTIVES)
                starts_block = is_directive and not in_directives
                in_directives = is_directive
            if size >= part_bytes and (line_based or starts_block):
                yield b"".join(part)
                part, size = list(in_effect.values()), 0
            if is_directive:
                words = line.split()
                name = b" ".join(words[:2]) if words[0].lower().lstrip(b"@") == b"prefix" else words[0]
                in_effect[name] = line if line.endswith(b"\n") else line + b"\n"
            part.append(line)
            size += len(line)
    if part:
        yield b"".join(part)


def bulk_load_parts(store: ox.Store, path: Path, fmt: ox.RdfFormat, part_bytes: int | None = None) -> int:
    """``store.bulk_load`` the file part by part; returns the number of parts. Raises SyntaxError."""
    n = 0
    for data in parts(path, fmt, PART_BYTES if part_bytes is None else part_bytes):
        store.bulk_load(input=data, format=fmt)
        n += 1
    return n


# --- the graph blocks of a TriG file written by ``citykg build`` ---------------------------------
#
# ``graph/rdf/trig.py`` writes every graph as one or more blocks: a run of directive lines,
# ``NAME {``, statement lines (each starting with a tab), ``}`` and a blank line. Hashing each
# graph's blocks tells which graphs two builds differ in, without parsing either file.

_HEADER = re.compile(rb"^(?:GRAPH[ \t]+)?(<[^>\s]*>|[^\s{}<>\"#]+)[ \t]*\{[ \t]*$", re.M)
_DIRECTIVES_ONLY = re.compile(rb"(?:[ \t]*(?:(?:@prefix|PREFIX|prefix)[^\n]*)?\n)*")
_PREFIX = re.compile(rb"(?:@prefix|PREFIX|prefix)\s+([^\s:]*):\s*<([^>]*)>")
_NOT_STATEMENT = re.compile(rb"^(?!\t)", re.M)
_PN_ESCAPE = re.compile(rb"\\(.)")
_BLANK_LINES = re.compile(rb"(?:[ \t]*\n)*")
#: indexes (``trigindex``) known in this process: file size -> [(SHA-256 of the file, its blocks)]
_KNOWN: dict[int, list[tuple[str, list[Block]]]] = {}
#: indexes kept in ``_KNOWN`` at most (a build knows its previous TriG's and its own)
KNOWN_MAX = 4


@dataclass(frozen=True)
class Block:
    """One graph block of a TriG file: byte offsets into it."""

    graph: str  # the graph's IRI
    start: int  # where the block's directives start
    body: int  # the first statement line (after ``NAME {``)
    close: int  # the newline before the closing ``}``
    end: int  # after the block's ``}`` line and the blank lines after it (where the next block starts)
    digest: str = field(default="", compare=False)  # SHA-256 of data[start:end] when an index knows it


def load_in_memory(path: Path, fmt: ox.RdfFormat) -> ox.Store:
    """A new in-memory store loaded with ``path`` part by part (``bulk_load_parts``: the bulk
    loader's memory bounded). If a part does not parse (a split inside a multi-line literal of a
    foreign file), the file is loaded again in one call, which either works or gives the real error.
    """
    store = ox.Store()
    try:
        bulk_load_parts(store, path, fmt)
        return store
    except SyntaxError:
        pass  # retried below, once the traceback (which holds the store) is gone
    del store
    store = ox.Store()
    store.bulk_load(path=str(path), format=fmt)
    return store


def graph_name(token: bytes, directives: bytes) -> str | None:
    r"""The IRI of a graph name as written in a header, given the block's directives (None: unknown prefix).

    >>> graph_name(rb"ckr:graph\/analogies", b"@prefix ckr: <https://w3id.org/citykg/resource/> .\n")
    'https://w3id.org/citykg/resource/graph/analogies'
    >>> graph_name(b"<https://e.org/g>", b""), graph_name(b"ex:g", b"")
    ('https://e.org/g', None)
    """
    if token.startswith(b"<"):
        return token[1:-1].decode()
    prefix, _, local = token.partition(b":")
    namespaces = {m.group(1): m.group(2) for m in _PREFIX.finditer(directives)}
    if prefix not in namespaces:
        return None
    return (namespaces[prefix] + _PN_ESCAPE.sub(rb"\1", local)).decode()


def graph_blocks(data: bytes) -> list[Block] | None:
    """The graph blocks of ``data``, or None when it is not laid out as ``citykg build`` writes TriG.

    Laid out means: only ``@prefix`` directives and blank lines between blocks (no default-graph
    triples, no ``@base``), prefixed or ``<IRI>`` graph names, and every line of a block's body a
    statement (first line of a subject: one tab) or its continuation (two tabs).

    >>> [(b.graph, b.body, b.close) for b in graph_blocks(b"@prefix e: <x:> .\\ne:g {\\n\\te:s e:p 1 .\\n}\\n\\n")]
    [('x:g', 24, 37)]
    >>> graph_blocks(b"@prefix e: <x:> .\\ne:s e:p 1 .\\n") is None
    True
    """
    known = _KNOWN.get(len(data))
    if known:
        sha = hashlib.sha256(data).hexdigest()
        for digest, blocks in known:
            if digest == sha:
                return list(blocks)
    return scan_blocks(data)


def scan_blocks(data: bytes) -> list[Block] | None:
    """``graph_blocks`` by reading every line of ``data`` (no index consulted; no digests)."""
    blocks: list[Block] = []
    pos, size = 0, len(data)
    while pos < size:
        directives = _DIRECTIVES_ONLY.match(data, pos).end()  # always matches (maybe nothing)
        if directives == size and blocks:
            break
        m = _HEADER.match(data, directives)
        if m is None:
            return None
        body = m.end() + 1
        close = data.find(b"\n}", m.end())
        if close < 0 or data.count(b"\n", body - 1, close) != data.count(b"\n\t", body - 1, close):
            return None
        end = close + 2  # after "}"
        if end < size and data[end : end + 1] != b"\n":
            return None
        graph = graph_name(m.group(1), data[pos : m.start()])
        if graph is None:
            return None
        end = _BLANK_LINES.match(data, min(end + 1, size)).end()
        blocks.append(Block(graph, pos, body, max(close + 1, body), end))
        pos = end
    return blocks or None


def graph_digests(trig: Path) -> dict[str, str]:
    """The digest of each named graph's blocks in ``trig`` (a TriG file written by ``citykg build``;
    ``digests``: SHA-256 of the one block, or of the blocks' SHA-256s).

    Two builds' digests differ exactly for the graphs whose text differs (the build writes
    the same graph as the same bytes), so a later step can redo only what changed. Raises
    ValueError when the file is not laid out as the build writes it (see ``graph_blocks``).
    """
    data = trig.read_bytes()
    blocks = graph_blocks(data)
    if blocks is None:
        raise ValueError(f"{trig}: not a TriG file laid out as citykg build writes it")
    return digests(data, blocks)


def digests(data: bytes, blocks: list[Block]) -> dict[str, str]:
    """The digest of each graph's ``blocks`` (in order) of ``data``: the SHA-256 of its block, or
    of its blocks' SHA-256s (hex, in order) when it has several. A block's known ``digest`` (an
    index's) is taken as it is; the others are hashed.

    >>> data = b"@prefix e: <x:> .\\ne:g {\\n\\te:s e:p 1 .\\n}\\n\\n"
    >>> digests(data, graph_blocks(data)) == {"x:g": hashlib.sha256(data).hexdigest()}
    True
    """
    per: dict[str, list[str]] = {}
    view = memoryview(data)
    for b in blocks:
        per.setdefault(b.graph, []).append(b.digest or hashlib.sha256(view[b.start : b.end]).hexdigest())
    view.release()
    return {
        g: ds[0] if len(ds) == 1 else hashlib.sha256("".join(ds).encode()).hexdigest()
        for g, ds in per.items()
    }


def block_digests(data: bytes, blocks: list[Block]) -> list[Block]:
    """``blocks`` with their ``digest`` (hashed where it is not known)."""
    view = memoryview(data)
    out = [
        b if b.digest else replace(b, digest=hashlib.sha256(view[b.start : b.end]).hexdigest())
        for b in blocks
    ]
    view.release()
    return out


def remember(size: int, sha256: str, blocks: list[Block]) -> None:
    """Let ``graph_blocks`` answer for a file of ``size`` bytes and this SHA-256 with ``blocks``
    (an index's, digests included) without scanning it."""
    known = _KNOWN.pop(size, [])  # re-inserted last: the oldest are forgotten first
    _KNOWN[size] = [(sha256, list(blocks))] + [k for k in known if k[0] != sha256]
    while sum(len(v) for v in _KNOWN.values()) > KNOWN_MAX:
        _KNOWN.pop(next(iter(_KNOWN)))
