"""The ``query`` view: any CONSTRUCT answer, or a SELECT whose columns are node pairs, as a graph.

CONSTRUCT triples with an IRI object become edges labelled by the predicate;
literal objects become tooltip rows of their subject (``rdfs:label`` names it).
A SELECT links the IRI-valued columns of each row in column order (``?a ?b`` ->
a-b edges; ``?a ?b ?c`` -> a-b and b-c), other columns go into edge tooltips.
Nodes are styled by their class in the build (city, reform, platform, ...).
"""

from __future__ import annotations

import itertools

import pyoxigraph as ox

from citykg.errors import QueryError
from citykg.namespaces import PREFIXES
from citykg.store.sparqlterms import QueryResult
from citykg.viz.data import Model
from citykg.viz.graphview import GraphView, VEdge, VNode, dedupe_edges
from citykg.viz.views import _weigh_by_degree, concept_class, initiative_node, observation_node

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = {"http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel"}


def curie(iri: str) -> str:
    """A short prefixed name for an IRI when a citykg prefix matches.

    >>> curie("http://www.w3.org/2000/01/rdf-schema#label")
    'rdfs:label'
    """
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def model_node(model: Model, iri: str) -> VNode:
    """A node for any IRI, styled and described from the build when the build knows it."""
    if iri in model.initiatives:
        return initiative_node(model, model.initiatives[iri])
    if iri in model.observations:
        return observation_node(model, model.observations[iri])
    if iri in model.areas:
        area = model.areas[iri]
        return VNode(
            iri, area.label, area.level, 1.0, [area.label], [], [("行政区划代码 adcode", area.adcode)]
        )
    if iri in model.concepts:
        c = model.concepts[iri]
        return VNode(
            iri, c.label, concept_class(c), 1.0, [], [], [("英文 English", c.label_en)] if c.label_en else []
        )
    if iri in model.docs:
        d = model.docs[iri]
        return VNode(
            iri, d.title or d.file, "SourceDocument", 1.0, [], [], [("日期 date", d.date)] if d.date else []
        )
    return VNode(iri, model.label(iri), "Resource", 1.0, [], [], [("IRI", iri)])


def node_columns(model: Model, result: QueryResult) -> dict[int, list[str | None]]:
    """Columns whose values are nodes: IRIs, or labels that name one area or concept of the build.

    Saved queries often return a city by its label; such a column still names nodes.
    """
    by_label: dict[str, set[str]] = {}
    for table in (model.areas, model.concepts):
        for iri, item in table.items():
            by_label.setdefault(item.label, set()).add(iri)
    cols: dict[int, list[str | None]] = {}
    by_name: set[int] = set()  # columns resolved from labels
    for i, _ in enumerate(result.variables):
        values = [row[i] for row in result.rows]
        present = [v for v in values if v is not None]
        if not present:
            continue
        if any(isinstance(v, ox.NamedNode) for v in present):
            cols[i] = [v.value if isinstance(v, ox.NamedNode) else None for v in values]
            continue
        named = [by_label.get(v.value, set()) if isinstance(v, ox.Literal) else set() for v in values]
        if all(len(n) == 1 for n, v in zip(named, values, strict=True) if v is not None):
            cols[i] = [next(iter(n)) if len(n) == 1 else None for n in named]
            by_name.add(i)
    # a label column naming the same node as another column of the row adds nothing
    for i in sorted(by_name):
        if any(
            j != i and all(a is None or a == b for a, b in zip(cols[i], cols[j], strict=True)) for j in cols
        ):
            del cols[i]
    return cols


def run_query(query: str, params: dict[str, str], trig: str) -> tuple[QueryResult, str, list[str]]:
    """Run a saved name, .rq file or SPARQL text on the build: (answer, name, bound IRIs)."""
    from citykg.api import load_query
    from citykg.store import querylib
    from citykg.store.core import open_store

    text, saved, source = load_query(query)
    store = open_store(trig)
    if saved is None:
        if params:
            raise QueryError(
                f"{source} declares no parameters - use a saved query or a .rq file with a params header."
            )
        bound: dict = {}
    else:
        bound = querylib.bind_params(saved, params, store)
    hubs = [t.value for t in bound.values() if isinstance(t, ox.NamedNode)]
    return store.query(text, bound, source=source), source, hubs


def query_view(
    model: Model, result: QueryResult, source: str, hub_iris: list[str] | None = None
) -> GraphView:
    """The graph of a query answer; a SELECT without two IRI columns is a user error."""
    nodes: dict[str, VNode] = {}
    edges: list[VEdge] = []

    def node(iri: str) -> str:
        if iri not in nodes:
            nodes[iri] = model_node(model, iri)
        return iri

    if result.kind == "graph":
        for t in result.triples:
            if not isinstance(t.subject, ox.NamedNode):
                continue
            s, p, o = t.subject.value, t.predicate.value, t.object
            node(s)
            if isinstance(o, ox.NamedNode) and p != RDF_TYPE:
                edges.append(VEdge(s, node(o.value), curie(p)))
            elif isinstance(o, ox.Literal):
                if p in LABELS and nodes[s].cls == "Resource":
                    nodes[s].label = o.value
                nodes[s].tip.append((curie(p), o.value))
            elif p == RDF_TYPE and nodes[s].cls == "Resource" and isinstance(o, ox.NamedNode):
                nodes[s].cls = o.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        shape = f"{len(result.triples)} 条三元组 triples"
    elif result.kind == "select":
        cols = node_columns(model, result)
        hubs = [h for h in (hub_iris or []) if h not in {v for c in cols.values() for v in c if v}]
        if len(cols) + min(len(hubs), 1) < 2:
            raise QueryError(
                f"{source}: a graph needs a CONSTRUCT query or a SELECT with at least two columns of "
                f"nodes (IRIs or labels of cities/concepts); this one has {len(cols)} - "
                'use "citykg query" for a table instead.'
            )
        for r, row in enumerate(result.rows):
            tip = [
                (result.variables[i], term.value)
                for i, term in enumerate(row)
                if i not in cols and term is not None
            ]
            ends = [cols[i][r] for i in sorted(cols) if cols[i][r]]
            for a, b in itertools.pairwise(ends):
                edges.append(VEdge(node(a), node(b), "", 1.0, list(tip)))  # type: ignore[arg-type]
            # the bound parameter (e.g. the city of city-portfolio) links to each row's IRI
            subject = next((row[i].value for i in sorted(cols) if isinstance(row[i], ox.NamedNode)), None)
            for hub in hubs:
                if subject or ends:
                    edges.append(VEdge(node(hub), node(subject or ends[0]), "", 1.0))
        shape = f"{len(result.rows)} 行 rows · 列 columns " + ", ".join(
            result.variables[i] for i in sorted(cols)
        )
    else:
        raise QueryError(f'{source}: an ASK query has no graph - run it with "citykg query".')
    edges = dedupe_edges(edges)
    _weigh_by_degree(list(nodes.values()), edges)
    notes = [] if nodes else ["查询没有结果 (the query returned nothing)."]
    return GraphView(
        f"查询 Query: {source}",
        list(nodes.values()),
        edges,
        f"{shape} · {len(nodes)} 个节点 nodes · {len(edges)} 条边 edges",
        notes,
        directed=result.kind == "graph",
        edge_labels=len(edges) <= 300,
    )
