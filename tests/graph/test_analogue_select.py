"""Pair competition of the analogue finder (graph/analogue_select.py), on small score tables.

Items are numbered; ``city`` and ``kind`` say where each one is and what it is
(the finder's kind: its concept set, else its name key). Logits are made up.
"""

from __future__ import annotations

import pytest

from citykg.graph.analogues.score import GAP_CAP, GAP_MARGIN, WEIGHTS
from citykg.graph.analogues.select import compete

A, B, C = 0, 1, 2  # cities
K, L = 0, 1  # kinds


def run(scores: dict[tuple[int, int], float], city: list[int], kind: list[int], floor: float = 0.0):
    return compete(sorted(scores), lambda i, j: scores[(i, j)], city, kind, floor).as_dict()


@pytest.mark.parametrize(
    ("scores", "city", "kind", "kept"),
    [
        # two names of one thing in each city: the identical names pair, the synonyms do not
        ({(0, 1): 12.0, (0, 3): 3.0, (1, 2): 3.0, (2, 3): 3.5}, [A, B, A, B], [K] * 4, {(0, 1)}),
        # near ties (within the margin) both stay: two cities' one code, a platform and its app
        ({(0, 1): 5.0, (1, 2): 4.5}, [A, B, A], [K] * 3, {(0, 1), (1, 2)}),
        # different kinds do not compete: a command centre ~ city brain next to two city-management platforms
        ({(0, 1): 9.0, (0, 3): 2.0}, [A, B, A, B], [K, K, L, L], {(0, 1), (0, 3)}),
        # pairs of other cities do not compete either
        ({(0, 1): 9.0, (0, 2): 2.0}, [A, B, C], [K] * 3, {(0, 1), (0, 2)}),
    ],
)
def test_competition_table(
    scores: dict[tuple[int, int], float], city: list[int], kind: list[int], kept: set[tuple[int, int]]
) -> None:
    assert set(run(scores, city, kind)) == kept


def test_penalty_grows_with_the_gap_and_is_capped() -> None:
    best = 8.0
    for gap, expected in [
        (GAP_MARGIN, 0.0),
        (GAP_MARGIN + GAP_CAP / 2, WEIGHTS["not_counterpart"] / 2),
        (GAP_MARGIN + GAP_CAP * 3, WEIGHTS["not_counterpart"]),
    ]:
        out = run({(0, 1): best, (1, 2): best - gap}, [A, B, A], [K] * 3, floor=-100.0)
        assert out[(0, 1)] == best  # the best pair keeps its score
        assert out[(1, 2)] == pytest.approx(best - gap + expected)


def test_floor_filters_before_and_after_the_penalty() -> None:
    scores = {(0, 1): 4.0, (1, 2): 1.9, (0, 3): 0.5}
    out = run(scores, [A, B, A, C], [K] * 4, floor=1.0)
    assert set(out) == {(0, 1)}  # 0~3 starts below the floor; 1~2 trails 0~1 by 2.1: pushed below it


def test_no_pairs() -> None:
    assert run({}, [], []) == {}

