"""chart.bar_conflicts compares only the bars of one subject and date: same result, in the same
order, as comparing every pair (what it did before; a comparison page of many bars was quadratic)."""

from __future__ import annotations

import random
from collections import defaultdict

from citykg.graph.adoption.conflicts import agree
from citykg.viz.chart import Bar, _claim, bar_conflicts
from citykg.viz.data import Evidence, Observation


def _all_pairs(bars: list[Bar], unit: str) -> dict[str, list[Bar]]:
    """The all-pairs rule, as it was written before the grouping."""
    claims = {b.key: _claim(b, unit) for b in bars}
    out: dict[str, list[Bar]] = defaultdict(list)
    for i, a in enumerate(bars):
        for b in bars[i + 1 :]:
            ca, cb = claims[a.key], claims[b.key]
            if (ca.subject, ca.as_of) != (cb.subject, cb.as_of) or not ca.subject or not ca.as_of:
                continue
            if ca.file != cb.file and not agree(ca, cb):
                out[a.key].append(b)
                out[b.key].append(a)
    return dict(out)


def _bars(n: int, seed: int) -> list[Bar]:
    rng = random.Random(seed)
    bars = []
    for k in range(n):
        value = rng.choice(["10", "12", "10.5", "300", "约"])
        obs = Observation(
            iri=f"obs{k}", indicator="ind", value=value, unit="个",
            qualifier=rng.choice(["", "exact", "atLeast", "approximately"]),
            refers_to=rng.choice(["s1", "s2", "s3", None]), as_of=rng.choice(["2023", "2024", ""]),
            evidence=[Evidence("一句话。", rng.choice(["d1", "d2", "d3"]))] if rng.random() < 0.9 else [],
        )  # fmt: skip
        bars.append(Bar(f"ev-{k}", "主体", float(value) if value[0].isdigit() else 0.0, obs))
    return bars


def test_grouped_conflicts_equal_all_pairs() -> None:
    found = 0
    for seed in range(6):
        bars = _bars(120, seed)
        got, want = bar_conflicts(bars, "个"), _all_pairs(bars, "个")
        assert {k: [b.key for b in v] for k, v in got.items()} == {k: [b.key for b in v] for k, v in want.items()}
        assert list(got) == list(want)  # the same insertion order too
        found += len(want)
    assert found > 0  # the random bars do disagree
