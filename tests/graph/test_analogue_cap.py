"""``score.cap_pairs`` ranks the pairs over arrays: the same pairs as the pair-at-a-time ranking it
replaced (kept below as the reference), on random logits with many ties and repeated names."""

from __future__ import annotations

import random
import zlib

import pytest

from citykg.graph.analogues.score import MAX_PER_ITEM, SCORE_DECIMALS, cap_pairs, to_score
from citykg.graph.analogues.select import Scored

_SCALE = 10**SCORE_DECIMALS


def _reference(logits: dict[tuple[int, int], float], names: list[str], top: int, most: int) -> list[tuple[int, int]]:
    entries = []
    for (i, j), z in logits.items():
        a, b = (i, j) if names[i] <= names[j] else (j, i)
        rank = _SCALE - round(round(to_score(z), SCORE_DECIMALS) * _SCALE)
        entries.append((rank << 32 | zlib.crc32(f"{names[a]} {names[b]}".encode()), i, j))
    entries.sort()
    count: dict[int, int] = {}
    last: dict[int, int] = {}
    ties: dict[int, list[int] | None] = {}
    chosen: set[int] = set()
    for n, (key, i, j) in enumerate(entries):
        for x in (i, j):
            c = count.get(x, 0)
            count[x] = c + 1
            if c < top:
                chosen.add(n)
                if c == top - 1:
                    last[x] = key >> 32
            elif key >> 32 == last[x] and ties.get(x, []) is not None:
                extra = ties.setdefault(x, [])
                assert extra is not None
                extra.append(n)
                if top + len(extra) > most:
                    ties[x] = None
    for extra in ties.values():
        if extra is not None:
            chosen.update(extra)
    degree: dict[int, int] = {}
    kept = []
    for n, (_, i, j) in enumerate(entries):
        if n in chosen and degree.get(i, 0) < most and degree.get(j, 0) < most:
            degree[i], degree[j] = degree.get(i, 0) + 1, degree.get(j, 0) + 1
            kept.append((i, j))
    return sorted(kept)


@pytest.mark.parametrize("seed", range(8))
def test_cap_pairs_equals_the_pair_at_a_time_ranking(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(5, 60)
    names = [rng.choice(["一网通办", "城市大脑", "智慧社区", f"平台{k}", "b", "a"]) for k in range(n)]
    pairs = {(a, b) for a, b in ((rng.randrange(n), rng.randrange(n)) for _ in range(6 * n)) if a < b}
    logits = {p: rng.choice([9.0, 9.0001, 3.0, -0.0, 0.0, rng.uniform(-3, 12)]) for p in sorted(pairs)}
    for top, most in ((1, 2), (2, 3), (6, MAX_PER_ITEM)):
        want = _reference(logits, names, top, most)
        assert cap_pairs(logits, names, top, most) == want
        assert cap_pairs(list(logits.items()), names, top, most) == want
        scored = Scored()
        for (i, j), z in logits.items():
            scored.i.append(i)
            scored.j.append(j)
            scored.z.append(z)
        assert cap_pairs(scored, names, top, most) == want


def test_cap_pairs_of_nothing() -> None:
    assert cap_pairs({}, [], 6) == [] and cap_pairs(Scored(), ["a"], 6) == []


@pytest.mark.parametrize("seed", range(4))
def test_pair_crcs_equal_zlib_on_each_joined_pair(seed: int) -> None:
    """The table-driven CRCs of ``a b`` (any lengths, non-ASCII, empty names) are zlib's, bit for bit."""
    import numpy as np

    from citykg.graph.analogues.crcpairs import pair_crcs

    rng = random.Random(seed)
    alphabet = "ab平台一网通办/:#0" + chr(0x20000)
    names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(50)]
    a = np.array([rng.randrange(50) for _ in range(500)], dtype=np.int64)
    b = np.array([rng.randrange(50) for _ in range(500)], dtype=np.int64)
    want = [zlib.crc32(f"{names[x]} {names[y]}".encode()) for x, y in zip(a.tolist(), b.tolist(), strict=True)]
    assert pair_crcs(names, a, b).tolist() == want


def test_cap_pairs_of_items_in_name_order_equals_the_reference() -> None:
    """The finder's items come in IRI order (``cap_pairs`` then skips ranking the names): same pairs."""
    rng = random.Random(7)
    n = 40
    names = sorted({f"https://x/{rng.randrange(10**6)}" for _ in range(n)})
    pairs = {(a, b) for a, b in ((rng.randrange(len(names)), rng.randrange(len(names))) for _ in range(8 * n)) if a < b}
    logits = {p: rng.choice([9.0, 9.0, 3.0, rng.uniform(-3, 12)]) for p in sorted(pairs)}
    for top, most in ((1, 2), (2, 3), (6, MAX_PER_ITEM)):
        assert cap_pairs(logits, names, top, most) == _reference(logits, names, top, most)
