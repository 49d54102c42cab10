"""Practices a city names in its own words are found as analogues of the seeds' standard reforms.

The articles of tests/graph/data/mechanisms/ were written for this test (see its README): each
describes, in one city's own name, a practice one seed city runs under a national name. The build
of the seeds plus these articles must materialise an analogy from each article's initiative to a
seed initiative of the expected concept, explained in both languages — found by what the sentences
say the initiative does (the ``facet:does-*`` mechanism facets) or by a variant writers use.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.graph.build import build

DATA = Path(__file__).parent / "data" / "mechanisms"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))["articles"]
ANALOGIES = """PREFIX ck: <https://w3id.org/citykg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?file ?label ?other ?otherFile ?concept ?score ?basis WHERE {
  ?n a ck:Analogy ; ck:score ?score ; ck:source|ck:target ?x, ?y . FILTER(?x != ?y)
  ?x rdfs:label ?label ; ck:evidence/ck:inDocument/ck:fileName ?file .
  ?y rdfs:label ?other ; ck:evidence/ck:inDocument/ck:fileName ?otherFile .
  OPTIONAL { ?y ck:realizes ?concept }
  OPTIONAL { ?n ck:basis ?basis } }"""


@pytest.fixture(scope="module")
def analogies(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path) -> dict[tuple[str, str], list[dict]]:
    src = tmp_path_factory.mktemp("mechanism-corpus")
    for f in [*seed_dir.glob("*.txt"), *DATA.glob("*.txt")]:
        shutil.copy(f, src / f.name)
    out = tmp_path_factory.mktemp("mechanism-out")
    build([src], out, jobs=1, post_steps=False)
    store = ox.Store()
    store.load(path=str(out / "citykg.trig"), format=ox.RdfFormat.TRIG)
    rows: dict[tuple[str, str], list[dict]] = defaultdict(list)
    result = store.query(ANALOGIES, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    for r in result:
        row = {n: r[n].value for n in names if r[n] is not None}
        rows[(row["file"], row["label"])].append(row)
    return rows


def _concept(row: dict) -> str:
    """The local name of the concept the other side realizes (reform and platform schemes alike)."""
    return row.get("concept", "").rsplit("/", 1)[-1]


@pytest.mark.parametrize("case", EXPECTED, ids=[c["file"] for c in EXPECTED])
def test_own_words_practice_links_to_the_seed_concept(analogies: dict, case: dict) -> None:
    rows = analogies.get((case["file"], case["initiative"]), [])
    seeds = [r for r in rows if r["otherFile"][:3].isdigit()]
    hits = [r for r in seeds if _concept(r) == case["concept"]]
    assert hits, f"{case['initiative']} ({case['file']}): no analogy to a seed {case['concept']}; got {seeds}"
    best = max(seeds, key=lambda r: float(r["score"]))
    assert float(best["score"]) >= 0.5
    assert any(_concept(r) == case["concept"] for r in seeds if r["score"] == best["score"]), (
        f"the best analogue of {case['initiative']} is {best['other']}, not a {case['concept']}")


def test_mechanism_analogies_are_explained_in_both_languages(analogies: dict) -> None:
    bases = {b for rows in analogies.values() for r in rows if r["file"] == "jiaxing.txt" for b in [r.get("basis", "")]}
    text = " ".join(bases)
    assert "both do" in text and "两者做法相同" in text, bases
