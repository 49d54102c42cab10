"""Readable reasons for an analogy, and its triples in graph ckr:graph/analogies.

Each reason is one short English sentence that quotes the Chinese terms it rests
on, e.g. ``both realize 无感认证 (Passive eligibility verification)`` or ``both about
social-security benefits, eligibility check, passive service (context: 社保待遇,
资格认证, 无感/静默)``; ``ck:basisKind`` carries the matching short code. The order
of reasons is fixed (``KINDS``), so a rebuild writes the same literals.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import pyoxigraph as ox

from citykg.graph.analogues.data import AnalogueInput, ConceptInfo, Item
from citykg.graph.rdf.emit import decimal_lexical
from citykg.namespaces import CK, GRAPH_ANALOGIES, analogy_iri

if TYPE_CHECKING:
    from citykg.graph.analogues.finder import Features

KINDS = (
    "same_concept",
    "related_concept",
    "similar_name",
    "similar_context",
    "same_domain",
    "same_indicator",
)
FACET_ORDER = ("service-object", "target-group", "data-source", "outcome")
LINK_WORDS = {
    "close": "matches",
    "related": "is related to",
    "broader": "is narrower than",
    "narrower": "is broader than",
}


@dataclass
class Analogy:
    source: Item
    target: Item
    score: float
    basis: list[str]
    kinds: list[str]

    @property
    def iri(self) -> str:
        return str(analogy_iri(self.source.iri, self.target.iri))  # type: ignore[arg-type]


def concept_label(concepts: dict[str, ConceptInfo], iri: str) -> str:
    """``一网通办 (One network for government services)``; falls back to what is known."""
    info = concepts.get(iri)
    if info is None:
        return iri.rsplit("/", 1)[-1]
    if info.label_zh and info.label_en:
        return f"{info.label_zh} ({info.label_en})"
    return info.label_zh or info.label_en or iri.rsplit("/", 1)[-1]


def explain(f: Features, a: Item, b: Item, data: AnalogueInput) -> tuple[list[str], list[str]]:
    """Readable reasons and their kind codes, in the order of ``KINDS``."""
    concepts = data.concepts
    reasons: dict[str, str] = {}
    if f.same_concepts:
        text = "both realize " + "; ".join(concept_label(concepts, c) for c in f.same_concepts)
        first = concepts.get(f.same_concepts[0])
        if a.label != b.label and first is not None and first.definition:
            text += f" - {first.definition.rstrip('.')}"  # different names: say what they share
        reasons["same_concept"] = text
    if f.concept_links:
        parts = [
            f"{concept_label(concepts, x)} {LINK_WORDS[k]} {concept_label(concepts, y)}"
            for x, k, y in f.concept_links[:3]
        ]
        reasons["related_concept"] = "linked concepts: " + "; ".join(parts)
    if f.name >= 0.3 or f.contain or f.aligned >= 0.3:
        reasons["similar_name"] = f"similar names ({max(f.name, f.aligned):.2f}): {a.label} ~ {b.label}"
    if f.shared_facets or f.context >= 0.2:
        order = {k: n for n, k in enumerate(FACET_ORDER)}
        shared = sorted(f.shared_facets, key=lambda x: (order.get(data.facets[x[0]].kind, 9), x[0]))
        cues = [ca if ca == cb else f"{ca}/{cb}" for _, ca, cb in shared]
        english = [data.facets[x].label_en for x, _, _ in shared if data.facets[x].label_en]
        if english:
            reasons["similar_context"] = (
                f"both about {', '.join(english[:5])} (context: {', '.join(cues[:6])})"
            )
        else:
            reasons["similar_context"] = f"similar context ({f.context:.2f})"
    if f.domains:
        reasons["same_domain"] = "same domain: " + ", ".join(concept_label(concepts, d) for d in f.domains)
    if f.indicators:
        reasons["same_indicator"] = "both report " + ", ".join(
            concept_label(concepts, x) for x in f.indicators[:3]
        )
    kinds = [k for k in KINDS if k in reasons]
    basis = [reasons[k] for k in kinds]
    if not basis:
        basis = [f"similar names ({f.name:.2f}) and context ({f.context:.2f})"]
    return basis, kinds


def basis_order(texts: Iterable[str]) -> list[str]:
    """Reasons read back from the graph, in the order ``explain`` wrote them.

    >>> basis_order(["same domain: x", "both realize y"])
    ['both realize y', 'same domain: x']
    """
    heads = (
        "both realize",
        "linked concepts",
        "similar names",
        "both about",
        "similar context",
        "same domain",
        "both report",
    )

    def rank(t: str) -> tuple[int, str]:
        return next((n for n, h in enumerate(heads) if t.startswith(h)), len(heads)), t

    return sorted(texts, key=rank)


def quads_for(analogies: Iterable[Analogy]) -> Iterator[ox.Quad]:
    """The quads of graph ckr:graph/analogies: ck:Analogy nodes plus ck:analogousTo both ways.

    Lean on purpose (the graph holds up to ``MAX_PER_ITEM`` of them per initiative): type,
    source, target, score, the reasons and their codes; labels are the initiatives' own.
    """
    g = ox.NamedNode(str(GRAPH_ANALOGIES))
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    analogy, analogous = ox.NamedNode(str(CK.Analogy)), ox.NamedNode(str(CK.analogousTo))
    source, target, score_p = (
        ox.NamedNode(str(CK.source)),
        ox.NamedNode(str(CK.target)),
        ox.NamedNode(str(CK.score)),
    )
    basis_p, kind_p = ox.NamedNode(str(CK.basis)), ox.NamedNode(str(CK.basisKind))
    kinds = {k: ox.Literal(k) for k in KINDS}
    for an in analogies:
        node = ox.NamedNode(an.iri)
        s, t = ox.NamedNode(an.source.iri), ox.NamedNode(an.target.iri)
        yield ox.Quad(node, rdf_type, analogy, g)
        yield ox.Quad(node, source, s, g)
        yield ox.Quad(node, target, t, g)
        score = decimal_lexical(Decimal(str(an.score)).quantize(Decimal("0.001")))  # canonical: 0.5, 1
        yield ox.Quad(node, score_p, ox.Literal(score, datatype=decimal), g)
        for text in an.basis:
            yield ox.Quad(node, basis_p, ox.Literal(text, language="en"), g)
        for kind in an.kinds:
            yield ox.Quad(node, kind_p, kinds.get(kind) or ox.Literal(kind), g)
        yield ox.Quad(s, analogous, t, g)
        yield ox.Quad(t, analogous, s, g)
