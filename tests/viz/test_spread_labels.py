"""``spread_labels`` checks far rings of its spiral a group at a time (numpy) instead of spot by
spot: the positions must be exactly those of the spot-by-spot search (pages are compared byte for
byte between full and incremental builds, and between builds made before and after the change)."""

from __future__ import annotations

import random
from itertools import islice

from citykg.viz import layout as L


def _spot_by_spot(pos: dict, boxes: dict) -> None:
    """The plain greedy search: every spot of the spiral, in order, against every placed box."""
    L._make_room(pos, boxes)
    keys = sorted((k for k in pos if k in boxes), key=lambda k: (-boxes[k][2], -boxes[k][0], k))
    placed: list = []
    for k in keys:
        x0, y0 = pos[k]
        for n, (dx, dy) in enumerate(islice(L._spiral(L.SPIRAL_STEP, L.SPIRAL_ASPECT), L.SPIRAL_TRIES + 1)):
            r = L._rect((x0 + dx, y0 + dy), boxes[k])
            if n >= L.SPIRAL_TRIES or not any(
                r[0] < q[2] and q[0] < r[2] and r[1] < q[3] and q[1] < r[3] for q in placed
            ):
                pos[k] = (x0 + dx, y0 + dy)
                placed.append(r)
                break


def _crowd(n: int, seed: int) -> tuple[dict, dict]:
    """``n`` nodes: most in a tight hub (their labels need far rings), some spread out; label
    widths and node sizes of many kinds."""
    rnd = random.Random(seed)
    pos, boxes = {}, {}
    for i in range(n):
        spread = 40.0 if i % 3 else 900.0
        pos[f"n{i}"] = (rnd.uniform(-spread, spread), rnd.uniform(-spread / 3, spread / 3))
        label = "城" * rnd.randrange(1, 9) + "x" * rnd.randrange(0, 12)
        boxes[f"n{i}"] = L.label_box(label, rnd.choice([8.0, 10.0, 16.0, 25.0]))
    return pos, boxes


def test_grouped_rings_place_every_label_where_the_spot_by_spot_search_does() -> None:
    for n, seed in [(30, 1), (250, 2), (300, 3)]:
        pos, boxes = _crowd(n, seed)
        fast, slow = dict(pos), dict(pos)
        L.spread_labels(fast, boxes)
        _spot_by_spot(slow, boxes)
        assert fast == slow
        assert not L.overlapping(fast, boxes)


def test_far_rings_are_used_in_a_crowded_hub() -> None:
    """The crowd really reaches the rings checked with numpy (else the test above proves little)."""
    pos, boxes = _crowd(250, 2)
    before = dict(pos)
    L._make_room(before, boxes)
    after = dict(pos)
    L.spread_labels(after, boxes)
    head = L._rings(L.SPIRAL_STEP, L.SPIRAL_ASPECT, L.SPIRAL_TRIES)[0][0]  # inner radius of the first group
    moved = [((after[k][0] - before[k][0]) / L.SPIRAL_ASPECT, after[k][1] - before[k][1]) for k in pos]
    assert sum(1 for dx, dy in moved if (dx * dx + dy * dy) ** 0.5 >= head - 1) > 50
