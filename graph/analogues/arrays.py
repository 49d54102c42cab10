"""The analogue finder's candidate scoring over arrays: the same numbers as a pair at a time, faster.

A 2,000-article build scores ~740,000 candidate pairs. ``Finder.quick_logit`` looks up
a memo per pair of *profiles* (items that score alike against anything) and adds what
depends on where the two items are; ``select.compete`` then finds the best pair of
each two (city, kind) sides. Here the distinct pairs of shared profiles are scored
once each (at their first pair, as the memo does), the place-dependent weights are
added with the same float operations in the same order, and the competition is a
grouped maximum: every logit equals the pair-at-a-time one bit for bit (tests
compare both ways on the seeds and on random inputs).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence

import numpy as np

from citykg.graph.analogues.score import GAP_CAP, GAP_MARGIN, WEIGHTS
from citykg.graph.analogues.select import Scored


def pair_logits(i: np.ndarray, j: np.ndarray, profile: Sequence[int], shared: Sequence[bool],
                profile_logit: Callable[[int, int], float], province: Sequence[str],
                provincial: Sequence[bool], document: Sequence[bool],
                same_document: Callable[[int, int], bool]) -> np.ndarray:  # fmt: skip
    """``Finder.quick_logit`` of every pair (``i[n]``, ``j[n]``).

    ``profile_logit(i, j)``: the logit of a pair without the place-dependent weights
    (called once per distinct pair of shared profiles, at its first pair, and once per
    other pair, in pair order); ``same_document(i, j)``: do two policy documents cite one
    higher-level document (``rules.shared_document``)."""
    z = np.empty(len(i), dtype=np.float64)
    prof = np.asarray(profile, dtype=np.int64)
    both = np.asarray(shared, dtype=bool)
    both = both[i] & both[j]
    pk = prof[i] * (int(prof.max(initial=0)) + 1) + prof[j]
    keys, first, inverse = np.unique(pk[both], return_index=True, return_inverse=True)
    si, sj = i[both], j[both]
    values = np.array([profile_logit(int(si[n]), int(sj[n])) for n in first.tolist()], dtype=np.float64)
    z[both] = values[inverse] if len(keys) else values[:0]
    alone = np.flatnonzero(~both)
    z[alone] = [profile_logit(a, b) for a, b in zip(i[alone].tolist(), j[alone].tolist(), strict=True)]
    codes: dict[str, int] = {}
    place = np.array([codes.setdefault(p, len(codes)) if p else -1 for p in province], dtype=np.int64)
    listed = np.asarray(provincial, dtype=bool)
    pi, pj = place[i], place[j]
    other = (listed[i] | listed[j]) & (pi >= 0) & (pj >= 0) & (pi != pj)
    z[other] += WEIGHTS["other_province"]
    docs = np.asarray(document, dtype=bool)
    for n in np.flatnonzero(docs[i] & docs[j]).tolist():
        if same_document(int(i[n]), int(j[n])):
            z[n] += WEIGHTS["shared_document"]
    return z


def compete_arrays(i: np.ndarray, j: np.ndarray, z: np.ndarray, city: Sequence[int], kind: Sequence[int],
                   floor: float) -> Scored:  # fmt: skip
    """``select.compete`` of pairs already scored (``z``): the same pairs and logits.

    >>> i, j, z = np.array([0, 0, 2]), np.array([1, 3, 1]), np.array([5.0, 2.0, 4.5])
    >>> compete_arrays(i, j, z, [0, 1, 0, 1], [7, 7, 7, 7], 0.0).as_dict()
    {(0, 1): 5.0, (2, 1): 4.5}
    """
    nk = max(kind, default=0) + 1
    side = np.asarray(city, dtype=np.int64) * nk + np.asarray(kind, dtype=np.int64)
    span = int(side.max(initial=0)) + 1
    a, b = side[i], side[j]
    group = np.where(a < b, a * span + b, b * span + a)
    keys, inverse = np.unique(group, return_inverse=True)
    best = np.full(len(keys), -np.inf)
    np.maximum.at(best, inverse, z)
    up = z >= floor
    zu = z[up]
    gap = best[inverse[up]] - zu
    final = zu + WEIGHTS["not_counterpart"] * np.minimum(np.maximum(gap - GAP_MARGIN, 0.0), GAP_CAP) / GAP_CAP
    keep = final >= floor
    return Scored(array("l", i[up][keep].tolist()), array("l", j[up][keep].tolist()),
                  array("d", final[keep].tolist()))  # fmt: skip


def ranking_logits(i: np.ndarray, j: np.ndarray, z: np.ndarray, profile: Sequence[int],
                   excess: Callable[[int, int], float], strength: Sequence[float], floor: float) -> np.ndarray:  # fmt: skip
    """The logits the kept pairs are ranked by (``Finder.iter_analogies``): ``z`` minus the name
    excess (``excess(i, j)``, a function of the pair of profiles: asked once per distinct one), plus
    each side's strength of evidence, never below ``floor`` (the threshold admits, strength only
    ranks). The same float operations in the same order as a pair at a time.

    >>> ranking_logits(np.array([0]), np.array([1]), np.array([1.0]), [0, 1], lambda a, b: 0.5, [0.25, 0.0], 0.0)
    array([0.75])
    """
    prof = np.asarray(profile, dtype=np.int64)
    pk = prof[i] * (int(prof.max(initial=0)) + 1) + prof[j]
    _, first, inverse = np.unique(pk, return_index=True, return_inverse=True)
    ex = np.array([excess(int(i[n]), int(j[n])) for n in first.tolist()], dtype=np.float64)
    power = np.asarray(strength, dtype=np.float64)
    x = z - ex[inverse.reshape(-1)] + power[i] + power[j]
    return np.where(floor > x, floor, x)  # ``max(x, floor)``: x unless floor is greater
