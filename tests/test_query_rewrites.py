"""Saved queries rewritten for speed answer exactly what they answered before.

Issue 15: at 2,000 articles some saved queries ran for tens of seconds (or minutes)
because Oxigraph joined a fallback branch guarded by a per-row ``FILTER NOT EXISTS``,
or paired every observation with every other. Each rewritten query's previous text is
kept under ``tests/fixtures/queries-before/``; here both texts run on real builds
(the bundled seeds and the diffusion corpus, each as built and with its adoption
events removed, so the "no ck:Adoption" fallback branches answer too) and their rows,
sorted, must be identical. The timings are in bench/ and the helper's notes, not here.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.errors import QueryError
from citykg.graph.build import build
from citykg.namespaces import PREFIXES
from citykg.store import querylib
from citykg.store.core import EmbeddedStore, memory_store

BEFORE = Path(__file__).parent / "fixtures" / "queries-before"
DIFFUSION = Path(__file__).parent / "graph" / "data" / "diffusion"
REWRITTEN = sorted(p.stem for p in BEFORE.glob("*.rq"))
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ADOPTION = ox.NamedNode(PREFIXES["ck"] + "Adoption")


@pytest.fixture(scope="module")
def diffusion_trig(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rewrites-diffusion")
    assert not build([DIFFUSION], out, post_steps=False, jobs=1).problems
    return out / "citykg.trig"


def without_adoptions(store: EmbeddedStore) -> EmbeddedStore:
    """The same data with every ck:Adoption node's triples removed (a build made before them)."""
    events = {q.subject for q in store.store.quads_for_pattern(None, RDF_TYPE, ADOPTION)}
    for event in events:
        for quad in list(store.store.quads_for_pattern(event, None, None)):
            store.store.remove(quad)
    return store


def stores(seed_trig: Path, diffusion_trig: Path) -> list[tuple[str, EmbeddedStore]]:
    return [
        ("seeds", memory_store(seed_trig)),
        ("seeds-no-adoptions", without_adoptions(memory_store(seed_trig))),
        ("diffusion", memory_store(diffusion_trig)),
        ("diffusion-no-adoptions", without_adoptions(memory_store(diffusion_trig))),
    ]


def answer(store: EmbeddedStore, text: str, saved: querylib.SavedQuery, given: dict[str, str]) -> list[tuple]:
    rows = store.select(text, querylib.bind_params(saved, given, store))
    return sorted(tuple(str(v) for v in row.values()) for row in rows)


# Label lists per IRI parameter kind, so a query with a city or reform parameter runs for several.
LABELS = {
    "city": "SELECT DISTINCT ?l WHERE { ?x a ck:City ; rdfs:label ?l } ORDER BY ?l",
    "reform": "SELECT DISTINCT ?l WHERE { ?x a ck:ReformConcept ; skos:prefLabel ?l FILTER(LANG(?l) = 'zh') } ORDER BY ?l",
}
VALUES_PER_PARAM = 4  # labels tried per IRI parameter besides the example (keeps the test short)


def parameter_sets(saved: querylib.SavedQuery, store: EmbeddedStore) -> list[dict[str, str]]:
    """The example; every integer parameter at 1 (more rows); a few labels of the store per IRI parameter."""
    sets = [dict(saved.example)]
    for p in saved.params:
        if p.kind == "integer" and p.default is not None and p.name not in ("limit", "offset"):
            sets.append({**saved.example, p.name: "1"})
        if p.kind == "iri" and p.resolve in LABELS:
            labels = [str(r["l"]) for r in store.select(LABELS[p.resolve])][:VALUES_PER_PARAM]
            sets.extend({**saved.example, p.name: label} for label in labels)
    return sets


def test_every_kept_query_is_a_saved_query() -> None:
    assert REWRITTEN, "tests/fixtures/queries-before/ holds the replaced texts"
    assert set(REWRITTEN) <= set(querylib.catalogue())


@pytest.mark.parametrize("name", REWRITTEN)
def test_rewrite_answers_the_same_rows(name: str, built_trig: Path, diffusion_trig: Path) -> None:
    saved = querylib.find(name)
    old = (BEFORE / f"{name}.rq").read_text(encoding="utf-8")
    assert old != saved.text, f"{name}: the kept text is the one it replaced"
    answered = 0
    for label, store in stores(built_trig, diffusion_trig):
        for given in parameter_sets(saved, store):
            try:
                before = answer(store, old, saved, given)
            except QueryError:  # the example names a city or reform this build lacks
                continue
            after = answer(store, saved.text, saved, given)
            assert after == before, f"{name} on {label} with {given}"
            answered += bool(after)
    assert answered, f"{name}: no build answers any row, so the comparison proves nothing"
