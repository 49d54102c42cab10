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


def answer(
    store: EmbeddedStore, text: str, saved: querylib.SavedQuery, given: dict[str, str], paged: bool = True
) -> list[tuple]:
    """Sorted rows of ``text`` with ``given`` bound as ``saved`` declares them (``paged=False``: an old
    text that had no page, so ``limit``/``offset`` are left out)."""
    params = querylib.bind_params(saved, given, store)
    if not paged:
        params = {k: v for k, v in params.items() if k not in PAGE}
    rows = store.select(text, params)
    return sorted(tuple(str(v) for v in row.values()) for row in rows)


PAGE = ("limit", "offset")
#: A page size that holds every row of these builds: a query that gained paging answers it whole.
EVERYTHING = "100000"


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
    # a listing that gained paging: the old rows are the new query's rows with a page holding everything
    gained_paging = saved.param("limit") is not None and "limit" not in old.split("\n# columns:")[0]
    answered = 0
    for label, store in stores(built_trig, diffusion_trig):
        for given in parameter_sets(saved, store):
            try:
                before = answer(store, old, saved, given, paged=not gained_paging)
            except QueryError:  # the example names a city or reform this build lacks
                continue
            after = answer(
                store, saved.text, saved, {**given, "limit": EVERYTHING} if gained_paging else given
            )
            assert after == before, f"{name} on {label} with {given}"
            answered += bool(after)
    assert answered, f"{name}: no build answers any row, so the comparison proves nothing"


#: The reforms run in most cities of a build (by their Chinese labels): what a paging test pages.
WIDEST_REFORMS = """SELECT ?l (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?i ck:realizes ?r ; ck:inCity ?c . ?r skos:prefLabel ?l FILTER(LANG(?l) = "zh")
} GROUP BY ?l ORDER BY DESC(?n) ?l LIMIT 3"""


def test_pages_put_together_are_the_whole_listing(diffusion_trig: Path) -> None:
    """A paged listing: consecutive pages of two cities, concatenated, are every row, in order."""
    saved, store = querylib.find("cities-running-reform"), memory_store(diffusion_trig)
    widest = store.select(WIDEST_REFORMS)
    assert int(str(widest[0]["n"])) > 2, "the diffusion corpus has a reform in several cities"
    for row in widest:
        given = {"reform": str(row["l"])}
        whole = store.select(saved.text, querylib.bind_params(saved, {**given, "limit": EVERYTHING}, store))
        pages: list[dict] = []
        for offset in range(0, int(str(row["n"])) + 2, 2):
            page = {**given, "limit": "2", "offset": str(offset)}
            pages += store.select(saved.text, querylib.bind_params(saved, page, store))
        assert pages == whole and whole, given
