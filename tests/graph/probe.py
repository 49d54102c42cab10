"""Measure the analogue recall probe (tests/graph/data/analogue-probe.json) on a built graph.

Shared by ``test_analogue_probe.py`` and by hand (``python tests/graph/probe.py OUT/citykg.trig``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

PROBE = Path(__file__).parent / "data" / "analogue-probe.json"
PAIRS = """PREFIX ck: <https://w3id.org/citykg/ontology#>
SELECT DISTINCT ?s ?t WHERE { ?a a ck:Analogy ; ck:source ?s ; ck:target ?t }"""
NAMES = """PREFIX ck: <https://w3id.org/citykg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?x ?label ?file WHERE { ?x rdfs:label ?label ; ck:evidence/ck:inDocument/ck:fileName ?file }"""


@dataclass
class Result:
    found: int = 0
    listed: int = 0
    wrong_found: int = 0
    missed: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.listed if self.listed else 0.0

    @property
    def precision(self) -> float:
        judged = self.found + self.wrong_found
        return self.found / judged if judged else 1.0


def measure(store: ox.Store, probe: Path = PROBE) -> Result:
    """Recall and precision of the probe on the materialised ck:Analogy nodes of ``store``."""
    iris: dict[tuple[str, str], set[str]] = {}
    for r in store.query(NAMES, use_default_graph_as_union=True):
        iris.setdefault((r["file"].value, r["label"].value), set()).add(r["x"].value)
    pairs = {
        frozenset((r["s"].value, r["t"].value)) for r in store.query(PAIRS, use_default_graph_as_union=True)
    }

    def linked(a: dict[str, str], b: dict[str, str]) -> bool:
        left = iris.get((a["file"], a["initiative"]), set())
        right = iris.get((b["file"], b["initiative"]), set())
        return any(frozenset((x, y)) in pairs for x in left for y in right)

    out = Result()
    for p in json.loads(probe.read_text(encoding="utf-8"))["probe"]:
        for b in p["analogues"]:
            out.listed += 1
            if linked(p, b):
                out.found += 1
            else:
                out.missed.append(f"{p['initiative']} ({p['file']}) ~ {b['initiative']} ({b['file']})")
        out.wrong_found += sum(linked(p, b) for b in p["not_analogues"])
    return out


if __name__ == "__main__":
    st = ox.Store()
    st.load(path=sys.argv[1], format=ox.RdfFormat.TRIG)
    res = measure(st)
    print(f"recall {res.found}/{res.listed} = {res.recall:.3f}  precision {res.precision:.3f}")
    print("\n".join(res.missed))
