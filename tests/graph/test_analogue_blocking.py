"""Candidate generation over arrays (``blocking._candidate_codes``) proposes exactly the pairs that
pairing block by block proposed (the code before, kept here as the reference): on the seeds' items,
on random items with large concept blocks (the sorted-neighbourhood path) and linked concepts, and
on nothing."""

from __future__ import annotations

import random
from array import array
from bisect import bisect_left
from collections.abc import Sequence

import numpy as np
import pyoxigraph as ox
import pytest

from citykg.graph.analogues.blocking import MAX_BLOCK, WINDOW, BlockItem, _candidate_codes, sorted_unique
from citykg.graph.analogues.data import load_input
from citykg.graph.analogues.finder import Finder


def _reference_codes(items: Sequence[BlockItem]) -> np.ndarray:
    """The candidate pairs (i < j) as sorted unique codes i * len(items) + j."""
    blocks: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        for c in it.concepts:
            blocks.setdefault("c " + c, []).append(i)
        for g in it.name_terms:
            blocks.setdefault("n " + g, []).append(i)
        for g in it.context_terms:
            blocks.setdefault("x " + g, []).append(i)
    codes = array("q")  # a pair (a < b) as a * n + b; 8 bytes each, deduplicated at the end
    n = len(items)

    def emit(i: int, j: int) -> None:
        if i != j and items[i].city != items[j].city:
            codes.append(i * n + j if i < j else j * n + i)

    order: dict[str, list[int]] = {}
    done: set[tuple[int, ...]] = set()  # n-grams of one name often block the very same items
    for name in sorted(blocks):
        members = blocks[name]
        if len(members) > MAX_BLOCK and not name.startswith("c "):
            continue
        if tuple(members) in done:
            if name.startswith("c "):
                order[name] = sorted(members, key=lambda i: (items[i].key, items[i].city, i))
            continue
        done.add(tuple(members))
        if len(members) <= MAX_BLOCK:
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    emit(members[x], members[y])
        elif name.startswith("c "):
            ranked = sorted(members, key=lambda i: (items[i].key, items[i].city, i))
            order[name] = ranked
            for x in range(len(ranked)):
                for y in range(x + 1, min(x + 1 + WINDOW, len(ranked))):
                    emit(ranked[x], ranked[y])
    keys_of: dict[str, list[str]] = {}
    for i, it in enumerate(items):  # concepts linked in the schemes
        for c in sorted(it.linked):
            members = blocks.get("c " + c, [])
            if len(members) <= MAX_BLOCK:
                for j in members:
                    emit(i, j)
                continue
            ranked = order[("c " + c)]
            if ("c " + c) not in keys_of:
                keys_of["c " + c] = [items[j].key for j in ranked]
            at = bisect_left(keys_of["c " + c], it.key)
            for j in ranked[max(0, at - WINDOW // 2) : at + WINDOW // 2]:
                emit(i, j)
    del blocks, order, done, keys_of
    return sorted_unique(np.frombuffer(codes, dtype=np.int64))


def _random_items(seed: int, n: int) -> list[BlockItem]:
    rng = random.Random(seed)
    concepts = [f"k{x}" for x in range(6)]
    grams = [f"g{x}" for x in range(40)]
    keys = [f"key{x:02d}" for x in range(30)]
    shared = [frozenset(rng.sample(grams, 3)) for _ in range(12)]  # items share term sets, as in the finder
    out = []
    for _ in range(n):
        own = frozenset(rng.sample(concepts, rng.choice([0, 1, 1, 2])))
        linked = frozenset(rng.sample([*concepts, "unknown"], rng.choice([0, 0, 1, 2])))
        names = rng.choice(shared) if rng.random() < 0.5 else frozenset(rng.sample(grams, rng.randint(0, 4)))
        context = frozenset(rng.sample(grams, rng.randint(0, 2)))
        out.append(BlockItem(f"city{rng.randint(0, 9)}", rng.choice(keys), own, linked, names, context))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_array_candidates_equal_the_block_by_block_pairs(seed: int) -> None:
    items = _random_items(seed, [30, 900, 1600][seed % 3])
    got, want = _candidate_codes(items), _reference_codes(items)
    assert got.tolist() == want.tolist()
    sizes = {}
    for it in items:
        for c in it.concepts:
            sizes[c] = sizes.get(c, 0) + 1
    if seed % 3:
        assert max(sizes.values()) > MAX_BLOCK + WINDOW  # the sorted-neighbourhood path is exercised


def test_array_candidates_of_the_seeds(built_dataset: ox.Store) -> None:
    items = Finder(load_input(built_dataset))._blocks()
    got = _candidate_codes(items)
    assert len(got) > 100 and got.tolist() == _reference_codes(items).tolist()


def test_no_candidates() -> None:
    empty = frozenset()
    lone = BlockItem("c", "k", frozenset({"x"}), empty, empty, empty)
    assert _candidate_codes([]).tolist() == [] and _candidate_codes([lone]).tolist() == []
    same_city = [lone, BlockItem("c", "k", frozenset({"x"}), empty, empty, empty)]
    assert _candidate_codes(same_city).tolist() == []
    bare = [BlockItem(f"c{n}", "k", empty, empty, empty, empty) for n in range(3)]
    assert _candidate_codes(bare).tolist() == [] == sorted_unique(np.empty(0, np.int64)).tolist()
