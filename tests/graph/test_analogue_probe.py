"""The recall probe of issue 14 and the ranking of analogies, on real builds.

The probe (tests/graph/data/analogue-probe.json) lists initiatives of the dev articles and
their true analogues found by reading; the corpus is the seeds + the dev texts from
../shared (skipped when absent) + the hand-written heldout articles.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.graph.build import build
from tests.graph.probe import measure

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT.parent / "shared" / "eval" / "dev" / "texts"
HELDOUT = Path(__file__).parent / "data" / "heldout"
SCORES = """PREFIX ck: <https://w3id.org/citykg/ontology#>
SELECT ?a ?s ?t ?score WHERE { ?a a ck:Analogy ; ck:source ?s ; ck:target ?t ; ck:score ?score }"""


def _load(trig: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(trig), format=ox.RdfFormat.TRIG)
    return store


@pytest.fixture(scope="module")
def probe_store(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path) -> ox.Store:
    if not DEV.is_dir():
        pytest.skip("../shared/eval/dev/texts is not here")
    src = tmp_path_factory.mktemp("probe-corpus")
    for f in [*seed_dir.glob("*.txt"), *DEV.glob("*.txt")]:
        shutil.copy(f, src / f.name)
    for f in HELDOUT.glob("*.txt"):
        shutil.copy(f, src / f"syn_{f.name}")
    out = tmp_path_factory.mktemp("probe-out")
    build([src], out, jobs=1, post_steps=False)
    return _load(out / "citykg.trig")


def test_the_probe_is_found_in_the_materialised_graph(probe_store: ox.Store) -> None:
    res = measure(probe_store)
    assert res.listed >= 80
    assert res.precision >= 0.90, res
    assert res.recall >= 0.75, "\n".join(res.missed)  # 0.769 / 1.000 when written (0.40 before)


def _scores(store: ox.Store) -> list[tuple[str, str, float]]:
    return [
        (r["s"].value, r["t"].value, float(r["score"].value))
        for r in store.query(SCORES, use_default_graph_as_union=True)
    ]


def test_fewer_than_a_third_of_the_seed_analogies_score_exactly_one(built_trig: Path) -> None:
    scores = [s for _, _, s in _scores(_load(built_trig))]
    assert len(scores) > 30
    assert sum(s >= 1.0 for s in scores) < len(scores) / 3


def test_first_ranks_rarely_tie(built_trig: Path) -> None:
    """Evidence strength breaks ties: most initiatives have one best analogue."""
    by_item: dict[str, list[float]] = defaultdict(list)
    for s, t, score in _scores(_load(built_trig)):
        by_item[s].append(score)
        by_item[t].append(score)
    ranked = [sorted(v, reverse=True) for v in by_item.values() if len(v) >= 2]
    ties = sum(v[0] == v[1] for v in ranked)
    assert ranked and ties <= len(ranked) / 4, (ties, len(ranked))


def test_a_tie_at_the_top_means_equally_strong_evidence(built_trig: Path) -> None:
    """Two analogies of one initiative share the first rank only when their evidence is equally strong."""
    from citykg.graph.analogues.data import load_input
    from citykg.graph.analogues.finder import Finder
    from citykg.namespaces import GRAPH_ANALOGIES

    store = _load(built_trig)
    store.remove_graph(ox.NamedNode(str(GRAPH_ANALOGIES)))
    finder = Finder(load_input(store))
    index = {it.iri: n for n, it in enumerate(finder.items)}
    by_item: dict[str, list] = defaultdict(list)
    for an in finder.analogies():
        by_item[an.source.iri].append((an.score, an.target.iri))
        by_item[an.target.iri].append((an.score, an.source.iri))
    ties = 0
    for x, partners in by_item.items():
        partners.sort(reverse=True)
        if len(partners) < 2 or partners[0][0] != partners[1][0]:
            continue
        ties += 1
        i, (j, k) = index[x], (index[partners[0][1]], index[partners[1][1]])
        # equally strong: the whole evidence (features, names capped, both sides' strength) agrees
        # to within what three decimals of the score can show (about 0.06 logit units up there)
        assert abs(strength(finder, i, j) - strength(finder, i, k)) < 0.06, (x, partners[:2])
    assert ties < len(by_item) / 4


def strength(finder: object, i: int, j: int) -> float:
    """The logit a pair's shown score is made of (before the competition and the threshold floor)."""
    f = finder  # type: ignore[assignment]
    return f.quick_logit(i, j) - f.excess(i, j) + f.prep[i].strength + f.prep[j].strength  # type: ignore[attr-defined]
