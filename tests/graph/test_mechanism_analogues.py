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
from click.testing import CliRunner

from citykg.cli import cli
from citykg.evaluate import evaluate
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
def built_out(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path) -> Path:
    src = tmp_path_factory.mktemp("mechanism-corpus")
    for f in [*seed_dir.glob("*.txt"), *DATA.glob("*.txt")]:
        shutil.copy(f, src / f.name)
    out = tmp_path_factory.mktemp("mechanism-out")
    build([src], out, jobs=1, post_steps=False)
    return out


@pytest.fixture(scope="module")
def analogies(built_out: Path) -> dict[tuple[str, str], list[dict]]:
    store = ox.Store()
    store.load(path=str(built_out / "citykg.trig"), format=ox.RdfFormat.TRIG)
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


def test_eval_scores_the_links_to_the_seed_articles(built_out: Path, seed_dir: Path, tmp_path: Path) -> None:
    """``citykg eval --seed-files`` measures what the held-back set is scored on: for each reform an
    article shares with the seeds (its gold ``seed_reforms``), is it linked to them by an analogy."""
    gold = {"documents": [{"file": c["file"], "entities": [], "metrics": [], "seed_reforms": [c["seed_reform"]]}
                          for c in EXPECTED]}
    gold["documents"][0]["seed_reforms"].append("全市一家医院")  # a seed reform that article does not run
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    seeds = sorted(f.name for f in seed_dir.glob("*.txt"))
    result = evaluate(built_out, path, seeds)
    assert result.misses["seed_links"] == [{"file": EXPECTED[0]["file"], "reform": "全市一家医院"}]
    assert result.summary["seed_link_recall"] == len(EXPECTED) / (len(EXPECTED) + 1)
    shown = CliRunner().invoke(cli, ["eval", str(built_out), "--gold", str(path), "--seed-files", ",".join(seeds),
                                     "--misses", "--tsv"])
    assert shown.exit_code == 0, shown.output
    assert f"seed_link_recall\t{len(EXPECTED) / (len(EXPECTED) + 1):.3f}" in shown.output
    assert "missed seed_links\t" + EXPECTED[0]["file"] in shown.output
    assert "seed_link_recall" not in evaluate(built_out, path).summary
