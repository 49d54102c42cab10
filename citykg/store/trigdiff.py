"""What changed between two builds' TriG files, as quads: the store of a build is patched, not reloaded.

An incremental build usually changes a few document graphs and some analogies of a
TriG file of millions of quads. Loading the new file from scratch costs as much as
the first load; copying the previous store (a checkpoint of hard links) and applying
the difference costs a fraction. The difference is found without parsing either
file whole, from the way ``citykg build`` writes TriG (``graph/rdf/trig.py``; blocks
found by ``citykg.store.trigparts.graph_blocks``):

1. the graphs whose blocks hash differently (``trigparts.digests``; read from the
   files' indexes, ``citykg.store.trigindex``, when both have a valid one: then only
   the blocks in one file and not the other are read at all);
2. within those, the *statements* (a subject's lines: one tab, then continuation lines
   with two) of the blocks in one file and not the other (a block with the same digest
   in both holds the same statements) that are in one file and not the other - a
   changed analogy is one statement of one of the 132 blocks of the 3.2M-quad analogies graph;
3. those statements parsed (with their block's directives and graph name) into quads:
   remove ``old - new``, add ``new - old``.

This is exact: a graph's statements partition its quads (each quad is written once), so
a quad in an unchanged statement (or block) is in both files and in neither set. Graphs gone from
the new file are dropped whole (so the store lists no empty graph). A difference that
would bind blank nodes (which cannot be matched between parses) is refused, as is one
larger than ``PATCH_MAX_FRACTION`` of the new file: the caller then loads from scratch.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from citykg.store import trigindex
from citykg.store.trigparts import Block, block_digests, digests, graph_blocks

#: Changed statement bytes (old + new) per byte of the new TriG above which loading from
#: scratch is cheaper: applying a quad costs a transaction, about 3x a bulk-loaded one.
PATCH_MAX_FRACTION = 0.2
_STATEMENT = re.compile(rb"^\t[^\t][^\n]*\n(?:\t\t[^\n]*\n)*", re.M)


@dataclass
class TrigDiff:
    """Quads to remove and add, and graphs to drop, to turn the old file's store into the new one's."""

    removed: set[ox.Quad] = field(default_factory=set)
    added: set[ox.Quad] = field(default_factory=set)
    dropped: list[str] = field(default_factory=list)  # graph IRIs not in the new file
    graphs: list[str] = field(default_factory=list)  # graph IRIs whose text changed (dropped included)
    changed_bytes: int = 0  # statement bytes in one file only


def statements(data: bytes, blocks: Iterable[Block]) -> set[tuple[bytes, bytes]]:
    r"""(context, statement) pairs of ``blocks``: context = the block's directives and ``NAME {`` line.

    >>> data = b"@prefix e: <x:> .\ne:g {\n\te:s e:p 1 ;\n\t\te:q 2 .\n\te:t e:p 3 .\n}\n"
    >>> sorted(s for _, s in statements(data, graph_blocks(data)))
    [b'\te:s e:p 1 ;\n\t\te:q 2 .\n', b'\te:t e:p 3 .\n']
    """
    found: set[tuple[bytes, bytes]] = set()
    for b in blocks:
        context = data[b.start : b.body]
        found.update((context, m.group()) for m in _STATEMENT.finditer(data, b.body, b.close + 1))
    return found


def quads_of(pairs: Iterable[tuple[bytes, bytes]]) -> set[ox.Quad] | None:
    """The quads of (context, statement) pairs, parsed per context; None if any has a blank node."""
    by_context: dict[bytes, list[bytes]] = defaultdict(list)
    for context, text in pairs:
        by_context[context].append(text)
    quads: set[ox.Quad] = set()
    for context, texts in by_context.items():
        document = context + b"".join(texts) + b"}\n"
        for q in ox.parse(input=document, format=ox.RdfFormat.TRIG):
            if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
                return None
            quads.add(q)
    return quads


def trig_diff(old: Path, new: Path, max_fraction: float = PATCH_MAX_FRACTION) -> TrigDiff | None:
    """The difference from ``old`` to ``new`` (TriG files written by the build), or None.

    None when either file is not laid out as the build writes it, when the difference is
    larger than ``max_fraction`` of ``new`` (or binds blank nodes): load ``new`` from scratch.
    Raises SyntaxError when a changed statement does not parse.
    """
    old_index, new_index = trigindex.load(old), trigindex.load(new)
    if old_index is not None and new_index is not None:
        found = _indexed(old, old_index.blocks, new, new_index.blocks)
        if found is not None:
            return _finish(*found, new_index.size, max_fraction)
    old_data, new_data = old.read_bytes(), new.read_bytes()
    old_blocks, new_blocks = graph_blocks(old_data), graph_blocks(new_data)
    if old_blocks is None or new_blocks is None:
        return None
    old_blocks, new_blocks = block_digests(old_data, old_blocks), block_digests(new_data, new_blocks)
    diff = _graphs(old_blocks, new_blocks)
    mine = [b for b in old_blocks if b.graph in diff.graphs and b.graph not in diff.dropped]
    gone, came = changed_statements(
        old_data, mine, new_data, [b for b in new_blocks if b.graph in diff.graphs]
    )
    return _finish(diff, gone, came, len(new_data), max_fraction)


def _graphs(old_blocks: list[Block], new_blocks: list[Block]) -> TrigDiff:
    """The graphs whose blocks differ (and those gone), from blocks with digests."""
    before, after = digests(b"", old_blocks), digests(b"", new_blocks)
    changed = {g for g in before.keys() | after.keys() if before.get(g) != after.get(g)}
    return TrigDiff(graphs=sorted(changed), dropped=sorted(before.keys() - after.keys()))


def unmatched(old_blocks: list[Block], new_blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """The blocks (with digests) of each side whose bytes are not a block of the other side.

    >>> a, b, c = (Block("g", 0, 0, 0, 0, d) for d in "abc")
    >>> unmatched([a, b], [b, c])
    ([Block(graph='g', start=0, body=0, close=0, end=0, digest='a')], [Block(graph='g', start=0, body=0, close=0, end=0, digest='c')])
    """
    left, right = Counter(b.digest for b in old_blocks), Counter(b.digest for b in new_blocks)
    both = left & right
    return _minus(old_blocks, both), _minus(new_blocks, both)


def _minus(blocks: list[Block], shared: Counter[str]) -> list[Block]:
    out, skip = [], Counter(shared)
    for b in blocks:
        if skip[b.digest] > 0:
            skip[b.digest] -= 1
        else:
            out.append(b)
    return out


Pairs = set[tuple[bytes, bytes]]


def changed_statements(old_data: bytes, old_blocks: list[Block], new_data: bytes,
                       new_blocks: list[Block]) -> tuple[Pairs, Pairs]:  # fmt: skip
    """(gone, came): the statements of ``old_blocks`` not in ``new_blocks`` and the reverse.

    Blocks with the same bytes on both sides (digests, hashed here when unknown) are skipped:
    they hold the same statements, and a statement is written once per file."""
    old_only, new_only = unmatched(block_digests(old_data, old_blocks), block_digests(new_data, new_blocks))
    gone, came = statements(old_data, old_only), statements(new_data, new_only)
    return gone - came, came - gone


def _indexed(
    old: Path, old_blocks: list[Block], new: Path, new_blocks: list[Block]
) -> tuple[TrigDiff, Pairs, Pairs] | None:
    """``trig_diff``'s graphs and statements from two valid indexes: only the blocks in one file
    and not the other are read (None: a block read does not have its indexed digest)."""
    diff = _graphs(old_blocks, new_blocks)
    mine = [b for b in old_blocks if b.graph in diff.graphs and b.graph not in diff.dropped]
    old_only, new_only = unmatched(mine, [b for b in new_blocks if b.graph in diff.graphs])
    old_part, new_part = read_blocks(old, old_only), read_blocks(new, new_only)
    if old_part is None or new_part is None:
        return None
    gone, came = statements(*old_part), statements(*new_part)
    return diff, gone - came, came - gone


def read_blocks(path: Path, blocks: list[Block]) -> tuple[bytes, list[Block]] | None:
    """The bytes of ``blocks`` (with digests) of ``path`` one after the other, and the blocks at
    their offsets there; None when a read does not have its digest or fails (the file changed since)."""
    parts: list[bytes] = []
    moved: list[Block] = []
    at = 0
    try:
        with path.open("rb") as fh:
            for b in blocks:
                fh.seek(b.start)
                data = fh.read(b.end - b.start)
                if hashlib.sha256(data).hexdigest() != b.digest:
                    return None
                shift = at - b.start
                moved.append(Block(b.graph, at, b.body + shift, b.close + shift, b.end + shift, b.digest))
                parts.append(data)
                at += len(data)
    except OSError:
        return None
    return b"".join(parts), moved


def _finish(diff: TrigDiff, gone: Pairs, came: Pairs, new_size: int, max_fraction: float) -> TrigDiff | None:
    """The quads of the changed statements, unless there are too many of them (or blank nodes)."""
    if not diff.graphs:
        return diff
    diff.changed_bytes = sum(len(t) for _, t in gone) + sum(len(t) for _, t in came)
    if diff.changed_bytes > max_fraction * max(new_size, 1):
        return None
    removed, added = quads_of(gone), quads_of(came)
    if removed is None or added is None:
        return None
    diff.removed, diff.added = removed - added, added - removed
    return diff


def apply_diff(store: ox.Store, diff: TrigDiff) -> None:
    """Apply ``diff`` to a writable ``store`` holding the old file's quads."""
    for graph in diff.dropped:
        store.remove_graph(ox.NamedNode(graph))
    for q in diff.removed:
        store.remove(q)
    store.extend(diff.added)


__all__ = [
    "PATCH_MAX_FRACTION",
    "TrigDiff",
    "apply_diff",
    "changed_statements",
    "quads_of",
    "statements",
    "trig_diff",
    "unmatched",
]
