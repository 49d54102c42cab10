"""The ``query`` view: any CONSTRUCT answer, or a SELECT whose columns are node pairs, as a graph.

CONSTRUCT triples with an IRI object become edges labelled by the predicate;
literal objects become tooltip rows of their subject (``rdfs:label`` names it).
A SELECT links the IRI-valued columns of each row in column order (``?a ?b`` ->
a-b edges; ``?a ?b ?c`` -> a-b and b-c), other columns go into edge tooltips.
Nodes are styled by their class in the build (city, reform, platform, ...).
"""

from __future__ import annotations

import click
import pyoxigraph as ox

from citykg.namespaces import PREFIXES
from citykg.sparqlterms import QueryResult
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
        return VNode(iri, area.label, area.level, 1.0, [area.label], [], [("行政区划代码 adcode", area.adcode)])
    if iri in model.concepts:
        c = model.concepts[iri]
        return VNode(iri, c.label, concept_class(c), 1.0, [], [], [("英文 English", c.label_en)] if c.label_en else [])
    if iri in model.docs:
        d = model.docs[iri]
        return VNode(iri, d.title or d.file, "SourceDocument", 1.0, [], [], [("日期 date", d.date)] if d.date else [])
    return VNode(iri, model.label(iri), "Resource", 1.0, [], [], [("IRI", iri)])


def query_view(model: Model, result: QueryResult, source: str) -> GraphView:
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
        iri_cols = [
            i for i, _ in enumerate(result.variables) if any(isinstance(r[i], ox.NamedNode) for r in result.rows)
        ]
        if len(iri_cols) < 2:
            raise click.ClickException(
                f"{source}: a graph needs a CONSTRUCT query or a SELECT with at least two IRI columns "
                f"(node pairs); this one has {len(iri_cols)} - "
                'use "citykg query" for a table instead.'
            )
        for row in result.rows:
            tip = [
                (result.variables[i], term.value)
                for i, term in enumerate(row)
                if i not in iri_cols and term is not None
            ]
            ends = [row[i].value for i in iri_cols if isinstance(row[i], ox.NamedNode)]
            for a, b in zip(ends, ends[1:], strict=False):
                edges.append(VEdge(node(a), node(b), "", 1.0, list(tip)))
        shape = f"{len(result.rows)} 行 rows · 列 columns " + ", ".join(result.variables[i] for i in iri_cols)
    else:
        raise click.ClickException(f"{source}: an ASK query has no graph - run it with \"citykg query\".")
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
