"""Big views (over SPRING_MAX nodes) are laid out the same in every process.

String hashing differs between processes, so any loop over a set of node ids can change
order; the two-level layout caps hub links and sums floats in loop order, so a rebuild of
the same TriG drew the overview with other coordinates (and an incremental site step
rewrote pages a full one would have kept).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from citykg.viz.layout import SPRING_MAX

SCRIPT = """
import json, random
from citykg.viz.layout import layout
rnd = random.Random(7)
n = {n}
nodes = [f"n{{i}}" for i in range(n)]
edges = [(nodes[rnd.randrange(n)], nodes[rnd.randrange(n)]) for _ in range(3 * n)]
edges += [("n0", v) for v in nodes[1:60]] + [("n1", v) for v in nodes[40:120]]
pos = layout(nodes, edges)
print(json.dumps(sorted((k, round(x, 9), round(y, 9)) for k, (x, y) in pos.items())))
"""


def _run(seed: str) -> list:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(n=SPRING_MAX + 150)], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_two_level_layout_does_not_depend_on_string_hashing() -> None:
    first, second = _run("1"), _run("2")
    assert len(first) == SPRING_MAX + 150
    assert first == second
