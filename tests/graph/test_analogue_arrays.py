"""The finder scores its candidate pairs over arrays (``analogues.arrays``): every logit and every
kept pair equal the pair-at-a-time reference (``Finder.quick_logit``, ``select.compete``), bit for bit."""

from __future__ import annotations

import random

import numpy as np
import pyoxigraph as ox
import pytest

from citykg.graph.analogues.arrays import compete_arrays, pair_logits
from citykg.graph.analogues.blocking import candidate_arrays
from citykg.graph.analogues.data import load_input
from citykg.graph.analogues.finder import Finder
from citykg.graph.analogues.rules import shared_document
from citykg.graph.analogues.select import compete

#: profiles the grouped variant puts the seed items in
GROUPS = 5


@pytest.mark.parametrize("grouped", [False, True])
def test_array_logits_equal_quick_logit_on_the_seeds(built_dataset: ox.Store, grouped: bool) -> None:
    """``grouped``: the items are put in a few shared profiles (the seeds share none; a big corpus
    mostly does), so the memo's first-pair values are what both ways reuse."""
    finder, reference = Finder(load_input(built_dataset)), Finder(load_input(built_dataset))
    if grouped:
        for f in (finder, reference):
            f.profile = [n % GROUPS for n in range(len(f.items))]
            f._shared = [n % GROUPS != 0 for n in range(len(f.items))]  # profile 0: scored pair by pair
    pairs = list(finder.candidates())
    assert len(pairs) > 100
    i, j = candidate_arrays(finder._blocks())
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == pairs
    items, prep = finder.items, finder.prep
    z = pair_logits(i, j, finder.profile, finder._shared, finder._profile_logit, finder._province,
                    finder._provincial, finder._document,
                    lambda a, b: shared_document(items[a], items[b], prep[a].key, prep[b].key))  # fmt: skip
    assert z.tolist() == [reference.quick_logit(a, b) for a, b in pairs]
    city: dict[str, int] = {}
    cities = [city.setdefault(it.city, len(city)) for it in items]
    for floor in (-2.0, 0.0, 1.5):
        mine = compete_arrays(i, j, z, cities, finder._kind, floor)
        theirs = compete(pairs, reference.quick_logit, cities, reference._kind, floor)
        assert mine.as_dict() == theirs.as_dict() and list(mine.items()) == list(theirs.items())


def test_array_competition_equals_the_loop_on_random_pairs() -> None:
    rng = random.Random(7)
    for _ in range(20):
        n = rng.randint(2, 40)
        city = [rng.randint(0, 4) for _ in range(n)]
        kind = [rng.randint(0, 3) for _ in range(n)]
        pairs = sorted({(a, b) for a, b in ((rng.randrange(n), rng.randrange(n)) for _ in range(3 * n)) if a < b})
        logits = {p: rng.choice([rng.uniform(-6, 8), 2.0, 3.0]) for p in pairs}  # ties too
        i = np.array([p[0] for p in pairs], dtype=np.int64)
        j = np.array([p[1] for p in pairs], dtype=np.int64)
        z = np.array([logits[p] for p in pairs], dtype=np.float64)
        for floor in (-1.0, 0.0, 2.5):
            mine = compete_arrays(i, j, z, city, kind, floor)
            theirs = compete(pairs, lambda a, b, s=logits: s[(a, b)], city, kind, floor)
            assert list(mine.items()) == list(theirs.items())


def test_no_pairs() -> None:
    empty = np.empty(0, dtype=np.int64)
    z = pair_logits(empty, empty, [0], [False], lambda a, b: 0.0, [""], [False], [False], lambda a, b: False)
    assert z.tolist() == [] and len(compete_arrays(empty, empty, z, [0], [0], 0.0)) == 0
    assert Finder(load_input(ox.Store())).analogies() == []
