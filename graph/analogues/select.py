"""Which scored pairs keep their score: one thing's counterpart in another city, not every synonym.

Articles often name one kind of thing several times: 无证明城市, 无证明办事 and 免证办
in one city, 无证明城市 and 零证明 in another, all the certificate-free-city reform;
智慧社区 and a district's 智慧社区平台. Scored on their own, each of them pairs with
each of the other city's, so one analogy comes out as six. So the pairs between two cities
compete within their *kinds* (``Preparation.kind``: the concept set, else the name
key): only the best pair of a kind of thing in city A with a kind of thing in city
B, and those within ``GAP_MARGIN`` logit units of it, keep their score; the
others lose up to ``WEIGHTS["not_counterpart"]`` (all of it at ``GAP_MARGIN`` +
``GAP_CAP`` behind). Pairs of different kinds do not compete: 一码通城 ~ 鲁通码 (a
city code ~ the provincial code) keeps its score next to 一网通办 ~ 一网通办 of the
same two cities, and so does 居民码 ~ 鲁通码, a near tie of the former.

The scores live in three flat arrays, not a dict of tuples: a big build scores
hundreds of thousands of candidate pairs.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from citykg.graph.analogues.score import GAP_CAP, GAP_MARGIN, WEIGHTS


@dataclass
class Scored:
    """Pairs (i < j) and their logits, in parallel arrays."""

    i: array = field(default_factory=lambda: array("l"))
    j: array = field(default_factory=lambda: array("l"))
    z: array = field(default_factory=lambda: array("d"))

    def __len__(self) -> int:
        return len(self.z)

    def items(self) -> Iterable[tuple[tuple[int, int], float]]:
        """``((i, j), z)`` like ``dict.items()`` (what ``cap_pairs`` reads)."""
        return zip(zip(self.i, self.j, strict=True), self.z, strict=True)

    def as_dict(self) -> dict[tuple[int, int], float]:
        return dict(self.items())


def compete(
    pairs: Iterable[tuple[int, int]],
    logit: Callable[[int, int], float],
    city: Sequence[int],
    kind: Sequence[int],
    floor: float,
) -> Scored:
    """Score ``pairs`` with ``logit`` and apply the competition; keep those reaching ``floor``.

    ``city``/``kind``: small ints per item. The penalty only lowers scores, so a pair
    whose raw logit is below ``floor`` is never stored; its score still counts as
    the best of its kinds.

    >>> scores = {(0, 1): 5.0, (0, 3): 2.0, (2, 1): 4.5}
    >>> kept = compete(scores, lambda i, j: scores[(i, j)], [0, 1, 0, 1], [7, 7, 7, 7], 0.0)
    >>> kept.as_dict()  # 0~3 trails 0~1 by 3 logit units: the full penalty
    {(0, 1): 5.0, (2, 1): 4.5}
    """
    nk = max(kind, default=0) + 1
    side = [c * nk + k for c, k in zip(city, kind, strict=True)]  # (city, kind) as one int
    span = (max(side, default=0) + 1) if side else 1
    best: dict[int, float] = {}  # (side of i, side of j), unordered, as one int -> best raw logit
    get = best.get
    out = Scored()
    for i, j in pairs:
        z = logit(i, j)
        a, b = side[i], side[j]
        g = a * span + b if a < b else b * span + a
        if z > get(g, -math.inf):
            best[g] = z
        if z >= floor:
            out.i.append(i)
            out.j.append(j)
            out.z.append(z)
    weight = WEIGHTS["not_counterpart"]
    keep = array("b", bytes(len(out)))
    for n in range(len(out)):
        a, b = side[out.i[n]], side[out.j[n]]
        gap = best[a * span + b if a < b else b * span + a] - out.z[n]
        z = out.z[n] + weight * min(max(gap - GAP_MARGIN, 0.0), GAP_CAP) / GAP_CAP
        out.z[n] = z
        keep[n] = z >= floor
    if all(keep):
        return out
    kept = Scored()
    for n in range(len(out)):
        if keep[n]:
            kept.i.append(out.i[n])
            kept.j.append(out.j[n])
            kept.z.append(out.z[n])
    return kept
