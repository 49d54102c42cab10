"""Candidate generation for the analogue finder: which pairs are worth scoring at all.

Two initiatives are compared only if they are in different cities and share a
block: a concept they realize (or a concept linked to it in the schemes), a
rare character n-gram of their names, or one of the most telling n-grams of
their contexts. Blocks of up to ``MAX_BLOCK`` members are paired exhaustively;
a larger concept block (一网通办 in hundreds of cities) is paired by a sorted
neighbourhood: members sorted by name and each paired with the next ``WINDOW``
ones, so identical and near-identical names meet while the work stays linear.
Larger name/context blocks are common words (智慧, 平台) and propose nothing.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from itertools import chain
from typing import NamedTuple

import numpy as np

MAX_BLOCK = 64
WINDOW = 16
CONTEXT_TERMS = 12  # highest-weighted context n-grams of an item used for blocking
PAIR_CHUNK = 1 << 16  # pairs turned into Python ints at a time (a million at once cost ~100 MB)


class BlockItem(NamedTuple):  # 80,000 at 2,000 articles: a tuple is made ~5x faster than a frozen dataclass
    """What blocking needs to know about one item."""

    city: str
    key: str  # name key (place names removed)
    concepts: frozenset[str]
    linked: frozenset[str]  # concepts linked to its own in the schemes
    name_terms: frozenset[str]
    context_terms: frozenset[str]


def _candidate_codes(items: Sequence[BlockItem]) -> np.ndarray:
    """The candidate pairs (i < j) as sorted unique codes i * len(items) + j.

    Over arrays: the items' block memberships as (block, item) rows (items share their term
    sets, so each distinct set is looked up once), the blocks of one size paired at once
    (identical blocks once), the large concept blocks by their sorted neighbourhood, the
    linked concepts by a join; the same set of pairs as pairing block by block
    (``_reference_codes`` in the tests)."""
    n = len(items)
    if n < 2:
        return np.empty(0, np.int64)
    ids: dict[str, int] = {}
    kinds = [  # items share their term sets: each distinct one is looked up once
        _memberships([it.concepts for it in items], "c ", ids),
        _memberships([it.name_terms for it in items], "n ", ids),
        _memberships([it.context_terms for it in items], "x ", ids),
    ]
    if not ids:
        return np.empty(0, np.int64)
    b = np.concatenate([r[0] for r in kinds])
    m = np.concatenate([r[1] for r in kinds])
    rows = np.sort(b * n + m)  # by block, then member (one integer sort: ~3x faster than a lexsort)
    b, m = rows // n, rows % n
    nb = len(ids)
    size = np.bincount(b, minlength=nb)
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    concept = np.zeros(nb, dtype=bool)
    concept[np.array([k for name, k in ids.items() if name.startswith("c ")], dtype=np.int64)] = True
    city = _codes([it.city for it in items])
    key = _codes([it.key for it in items])  # ranks in string order
    parts = [_small_block_pairs(m, start, size)]
    ranked: dict[int, np.ndarray] = {}  # large concept block -> its members by (key, city, item)
    for k in np.flatnonzero(concept & (size > MAX_BLOCK)).tolist():
        mem = m[start[k] : start[k] + size[k]]
        ranked[k] = mem[np.lexsort((mem, city[mem], key[mem]))]
        parts += [np.stack([ranked[k][:-d], ranked[k][d:]]) for d in range(1, min(WINDOW, len(mem) - 1) + 1)]
    parts += _linked_pairs(items, ids, m, start, size, ranked, key)
    pairs = np.concatenate(parts, axis=1)
    a, z = pairs[0], pairs[1]
    keep = (a != z) & (city[a] != city[z])
    lo, hi = np.minimum(a[keep], z[keep]), np.maximum(a[keep], z[keep])
    return sorted_unique(lo * n + hi)


def _memberships(held: list[frozenset[str]], prefix: str, ids: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """The (block, item) rows of one kind of block: item ``i`` is in the blocks of the terms
    ``held[i]`` (``prefix`` + term, numbered by ``ids``; new terms are added). Items share their
    term sets, so each distinct set is numbered once and the rows are gathered over arrays."""
    of_set: dict[int, int] = {}  # id of a term set -> its number (the items hold the sets meanwhile)
    distinct: list[list[int]] = []
    which = []
    for terms in held:
        k = of_set.get(id(terms))
        if k is None:
            k = of_set[id(terms)] = len(distinct)
            distinct.append([ids.setdefault(prefix + t, len(ids)) for t in terms])
        which.append(k)
    size = np.array([len(x) for x in distinct], dtype=np.int64)
    flat = np.array(list(chain.from_iterable(distinct)), dtype=np.int64)
    sid = np.array(which, dtype=np.int64)
    lens = size[sid]
    first = (np.cumsum(size) - size)[sid]  # where each item's set starts in ``flat``
    at = np.repeat(first - (np.cumsum(lens) - lens), lens) + np.arange(int(lens.sum()))
    return flat[at], np.repeat(np.arange(len(held), dtype=np.int64), lens)


def _codes(values: list[str]) -> np.ndarray:
    """Each value's rank among the distinct values in string order."""
    rank = {v: r for r, v in enumerate(sorted(set(values)))}
    return np.array([rank[v] for v in values], dtype=np.int64)


def _small_block_pairs(m: np.ndarray, start: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Every pair of members of each block of 2 - ``MAX_BLOCK`` members (identical blocks once)."""
    out = [np.empty((2, 0), np.int64)]
    for k in range(2, MAX_BLOCK + 1):
        at = start[size == k]
        if not len(at):
            continue
        rows = np.unique(m[at[:, None] + np.arange(k)], axis=0)
        x, y = np.triu_indices(k, 1)
        out.append(np.stack([rows[:, x].ravel(), rows[:, y].ravel()]))
    return np.concatenate(out, axis=1)


def _linked_pairs(items: Sequence[BlockItem], ids: dict[str, int], m: np.ndarray, start: np.ndarray,
                  size: np.ndarray, ranked: dict[int, np.ndarray], key: np.ndarray) -> list[np.ndarray]:  # fmt: skip
    """Each item with the members of the blocks of the concepts linked to its own: all of a block of
    at most ``MAX_BLOCK``, else the ``WINDOW`` around its name key in the block's sorted order."""
    rows_i, rows_b = array("q"), array("q")
    for i, it in enumerate(items):
        for c in it.linked:
            k = ids.get("c " + c)
            if k is not None:
                rows_i.append(i)
                rows_b.append(k)
    li, lb = np.frombuffer(rows_i, dtype=np.int64), np.frombuffer(rows_b, dtype=np.int64)
    small = size[lb] <= MAX_BLOCK
    si, sb = li[small], lb[small]
    reps = size[sb]
    first = np.repeat(start[sb], reps)
    offset = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
    out = [np.stack([np.repeat(si, reps), m[first + offset]])]
    half = WINDOW // 2
    for k, members in ranked.items():
        who = li[~small & (lb == k)]
        if not len(who):
            continue
        at = np.searchsorted(key[members], key[who], side="left")
        idx = at[:, None] + np.arange(-half, half)
        ok = (idx >= 0) & (idx < len(members))
        out.append(np.stack([np.repeat(who, ok.sum(axis=1)), members[idx[ok]]]))
    return out


def sorted_unique(codes: np.ndarray) -> np.ndarray:
    """``np.unique(codes)`` of integers by a sort (numpy 2's hash-based unique took 1.4 s where the
    sort takes 0.1 s on the 1.2 million codes of a 2,000-article build).

    >>> sorted_unique(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    if not len(codes):
        return np.empty(0, np.int64)
    ordered = np.sort(codes)
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def candidate_arrays(items: Sequence[BlockItem]) -> tuple[np.ndarray, np.ndarray]:
    """``candidate_pairs`` as two arrays (i, j), in the same order.

    >>> a = BlockItem("c1", "k", frozenset({"x"}), frozenset(), frozenset(), frozenset())
    >>> b = BlockItem("c2", "k", frozenset({"x"}), frozenset(), frozenset(), frozenset())
    >>> [x.tolist() for x in candidate_arrays([a, b])]
    [[0], [1]]
    """
    unique = _candidate_codes(items)
    return unique // len(items), unique % len(items)


def candidate_pairs(items: Sequence[BlockItem]) -> Iterator[tuple[int, int]]:
    """Distinct pairs (i < j) of items of different cities sharing a block, in (i, j) order.

    The pairs are collected as one int each and deduplicated at once (a set of
    a million pairs as Python ints costs ~100 MB), then yielded.
    """
    unique = _candidate_codes(items)
    n = len(items)
    for start in range(0, len(unique), PAIR_CHUNK):  # a chunk at a time: no list of a million ints
        chunk = unique[start : start + PAIR_CHUNK]
        yield from zip((chunk // n).tolist(), (chunk % n).tolist(), strict=True)
