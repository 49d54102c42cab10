"""The derived summaries graph: small whole-graph aggregates, written into the TriG by the build.

Some saved questions compare every city with every other (similar-cities,
reform-gaps, shared-reforms), count over every observation or piece of evidence
(list-indicators, list-articles), or page through the cities active in a domain
(initiatives-by-domain). Joined from the extracted triples at
query time they cost 100-300 ms at a million triples on the on-disk store; read
from a summary they cost a few milliseconds. So every citykg store holds one
named graph, ``ckr:graph/summaries``, derived from the rest and defined here
with SPARQL:

- ``?concept ck:realizedIn ?city``: some initiative of the city realizes the concept;
- ``?domain ck:activeIn ?city``: some initiative of the city is in the domain;
- ``?indicator ck:reportedIn ?city``: some observation of the indicator is about the
  city or one of its initiatives;
- ``?document ck:nodeCount ?n``: how many extracted nodes have evidence in the article.

The build does not query: its workers keep what the summaries read from each
document (``citykg.graph.rdf.summaryparts``), and the build merges those parts into
this graph and writes it into the TriG with the knowledge graphs. The merge gives
exactly the CONSTRUCTs' triples (tests/test_summaries.py); when it cannot be sure, the
TriG has no summaries graph and the store step runs the queries. So the build's store
is exactly ``oxigraph load citykg.trig`` (one bulk load, no graph written afterwards,
which would make RocksDB compact the big files: +3% disk at 2,000 articles), and any
store loaded from the file (``oxigraph load``, Fuseki, GraphDB) runs the saved queries
that read the summaries. A TriG that is not the build's (no valid block index, e.g. an
edited one) gets the graph queried on load, so a stale copy is replaced, never trusted;
the in-memory loads always recompute it. ``citykg validate`` and ``citykg export``
(unless ``--with-summaries``) leave it out: it is derived. ``citykg push`` uploads the
store's graphs, so a server gets the summaries too. Nothing here depends on how the
build makes the data, only on the ontology terms it uses.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from citykg.iris import CK_IRI, GRAPH_SUMMARIES_IRI, PREFIXES

GRAPH_SUMMARIES = ox.NamedNode(GRAPH_SUMMARIES_IRI)
# Bump when a summary is added or changes meaning: persistent stores stamped with an
# older version are rebuilt on their next open (see citykg.store.core.is_fresh).
VERSION = 1

# Each summary ?s ck:<name> ?o is defined by one graph pattern binding ?s and ?o (over the union
# of all graphs). Whole predicates are joined in sub-SELECTs (one hash join) rather than looked
# up node by node: under a second at a million triples.
PAIRS: dict[str, str] = {
    "realizedIn": """
        { SELECT ?initiative ?s WHERE { ?initiative ck:realizes ?s } }
        { SELECT ?initiative ?o WHERE { ?initiative ck:inCity ?o } }""",
    "activeIn": """
        { SELECT ?initiative ?s WHERE { ?initiative ck:domain ?s } }
        { SELECT ?initiative ?o WHERE { ?initiative ck:inCity ?o } }""",
    "reportedIn": """
        {
          SELECT DISTINCT ?s ?o WHERE {
            {
              SELECT DISTINCT ?s ?about WHERE {
                { SELECT ?obs ?s WHERE { ?obs ck:indicator ?s } }
                { SELECT ?obs ?about WHERE { ?obs ck:refersTo ?about } }
              }
            }
            OPTIONAL { { SELECT ?about ?owner WHERE { ?about ck:inCity ?owner } } }
            BIND(COALESCE(?owner, ?about) AS ?o)
          }
        }
        { SELECT ?o WHERE { ?o a ck:City } }""",
}
#: the CONSTRUCT of every summary: the definition (and the fallback of ``GROUPED``)
SUMMARIES: dict[str, str] = {
    **{name: f"CONSTRUCT {{ ?s ck:{name} ?o }} WHERE {{{body}\n}}" for name, body in PAIRS.items()},
    "nodeCount": """
        CONSTRUCT { ?document ck:nodeCount ?n } WHERE {
          SELECT ?document (COUNT(DISTINCT ?node) AS ?n) WHERE {
            { SELECT ?document WHERE { ?document a ck:SourceDocument } }
            OPTIONAL {
              { SELECT ?ev ?document WHERE { ?ev ck:inDocument ?document } }
              { SELECT ?node ?ev WHERE { ?node ck:evidence ?ev } }
            }
          }
          GROUP BY ?document
        }""",
}


# The same summaries asked so that Oxigraph decodes as few terms as it can. Its joins run on
# term ids; what costs is turning ids back into strings, one RocksDB lookup per term of every
# row, ~10 us on a freshly bulk-loaded (compressed) store. A CONSTRUCT decodes every joined
# row before it drops the repeats (at 2,000 articles 95k rows for 30k realizedIn triples, 151k
# for 6k activeIn), so these ask for the DISTINCT pairs grouped by subject, one row per subject
# with its objects joined by spaces: the subject is decoded once, each object once. At 2,000
# articles: 9.7 -> 3.6 CPU-s for the four summaries (bench/bench_store.py). ?n and ?iris let
# summary_quads check that every object is an IRI; otherwise it asks the CONSTRUCT above.
# nodeCount has one row per document already: its CONSTRUCT is as cheap.
_GROUPED = """
    SELECT ?s (GROUP_CONCAT(STR(?o); SEPARATOR=" ") AS ?os) (COUNT(?o) AS ?n)
           (SUM(IF(isIRI(?o), 1, 0)) AS ?iris)
    WHERE { SELECT DISTINCT ?s ?o WHERE { %s } }
    GROUP BY ?s"""
GROUPED: dict[str, str] = {name: _GROUPED % body for name, body in PAIRS.items()}


def needs_summaries(query: str) -> bool:
    """True when ``query`` reads a predicate that only ``ckr:graph/summaries`` holds.

    >>> needs_summaries("SELECT ?c { ?r ck:realizedIn ?c }"), needs_summaries('SELECT * { ?s ?p "ck:activeIn" }')
    (True, False)
    """
    from citykg.store.sparqlsyntax import tokens

    names = {f"ck:{name}" for name in SUMMARIES} | {f"<{CK_IRI}{name}>" for name in SUMMARIES}
    return any(t.kind in ("word", "iri") and t.text in names for t in tokens(query))


HAS_SUMMARIES = f"ASK {{ GRAPH <{GRAPH_SUMMARIES.value}> {{ ?s ?p ?o }} }}"
#: What to tell someone whose store lacks the derived graph.
LOAD_HINT = "load the build's citykg.trig (it holds the graph), citykg export --format trig --with-summaries, or use citykg push"


def summary_quads(store: ox.Store) -> list[ox.Quad]:
    """The quads of ``ckr:graph/summaries`` for the data of ``store`` (left unchanged).

    Reads the union of all graphs (naming every graph but the summaries as the default
    graph is 10x slower); an existing summaries graph holds none of the predicates read.
    Each summary comes from its ``GROUPED`` query when there is one and every object is an
    IRI, else from its CONSTRUCT in ``SUMMARIES``: the same triples either way.
    """
    quads: list[ox.Quad] = []
    for name, query in SUMMARIES.items():
        grouped = _grouped_quads(store, name) if name in GROUPED else None
        if grouped is None:
            triples = store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
            grouped = [ox.Quad(t.subject, t.predicate, t.object, GRAPH_SUMMARIES) for t in triples]
        quads.extend(grouped)
    return quads


def _grouped_quads(store: ox.Store, name: str) -> list[ox.Quad] | None:
    """The triples of summary ``name`` from its ``GROUPED`` query; None when a subject or an
    object is not an IRI (or not one a space-separated list can carry)."""
    predicate = ox.NamedNode(CK_IRI + name)
    nodes: dict[str, ox.NamedNode] = {}
    quads: list[ox.Quad] = []
    for row in store.query(GROUPED[name], prefixes=PREFIXES, use_default_graph_as_union=True):
        subject, joined = row["s"], row["os"]
        count = int(row["n"].value)
        objects = joined.value.split(" ") if joined is not None else []
        if not isinstance(subject, ox.NamedNode) or int(row["iris"].value) != count or len(objects) != count:
            return None
        for iri in objects:
            node = nodes.get(iri)
            if node is None:
                try:
                    node = nodes[iri] = ox.NamedNode(iri)
                except ValueError:  # an IRI a lenient load let through: the CONSTRUCT keeps it as it is
                    return None
            quads.append(ox.Quad(subject, predicate, node, GRAPH_SUMMARIES))
    return quads


def add_summaries(store: ox.Store) -> int:
    """(Re)compute ``ckr:graph/summaries`` in a writable ``store``; returns its number of triples."""
    if store.contains_named_graph(GRAPH_SUMMARIES):
        store.remove_graph(GRAPH_SUMMARIES)
    quads = summary_quads(store)
    store.bulk_extend(quads)
    return len(quads)


def check_requirements(saved: Any, store: Any) -> None:
    """QueryError when ``saved`` reads ``ckr:graph/summaries`` and ``store`` does not have it.

    citykg's own stores always add the graph; a server loaded another way may not.
    """
    from citykg.errors import QueryError

    if getattr(store, "always_summarised", False) or not needs_summaries(saved.text):
        return
    if not store.query(HAS_SUMMARIES, source="summaries check").boolean:
        raise QueryError(
            f'Query "{saved.name}" reads the derived summaries graph <{GRAPH_SUMMARIES.value}>, '
            f"which {store.label} does not have - {LOAD_HINT}."
        )


__all__ = [
    "GRAPH_SUMMARIES",
    "GROUPED",
    "HAS_SUMMARIES",
    "LOAD_HINT",
    "SUMMARIES",
    "VERSION",
    "add_summaries",
    "check_requirements",
    "needs_summaries",
    "summary_quads",
]
