"""Readable reasons for an analogy, and its triples in graph ckr:graph/analogies.

Each reason is one short sentence in English (``@en``) and in Chinese (``@zh``) that
quotes the Chinese terms it rests on, e.g. ``both realize 无感认证 (Passive eligibility
verification)`` / ``两者都实施无感认证``, or ``both do 政策兑现 …, as their sentences say
(兑现惠企)``; ``ck:basisKind`` carries the matching short code. The order
of reasons is fixed (``KINDS``), so a rebuild writes the same literals.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
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
    "same_mechanism",
    "related_concept",
    "similar_name",
    "similar_context",
    "same_domain",
    "same_indicator",
)
FACET_ORDER = ("service-object", "target-group", "data-source", "outcome")
#: a name or aligned-name similarity from this value is given as a reason (below it, names
#: share only a common word or two)
NAME_REASON = 0.3
#: a context similarity from this value is given as a reason when no facet is shared
CONTEXT_REASON = 0.2
#: most concept links, indicators, facets and context cues a reason lists (one readable line)
SHOWN_LINKS, SHOWN_FACETS, SHOWN_CUES = 3, 5, 6
LINK_WORDS = {
    "close": ("matches", "相当于"),
    "related": ("is related to", "相关于"),
    "broader": ("is narrower than", "从属于"),
    "narrower": ("is broader than", "包含"),
}
#: how each reason starts, per kind, in English and Chinese (``basis_order`` sorts by them)
HEADS = {
    "same_concept": ("both realize", "两者都实施"),
    "same_mechanism": ("both do", "两者做法相同"),
    "related_concept": ("linked concepts", "概念关联"),
    "similar_name": ("similar names", "名称相近"),
    "similar_context": ("both about", "均涉及"),
    "same_domain": ("same domain", "同属领域"),
    "same_indicator": ("both report", "均报告"),
}


@dataclass(slots=True)  # 167,000 at 2,000 articles: no per-object dict
class Analogy:
    source: Item
    target: Item
    score: float
    basis: list[str]  # English reasons, in the order of ``kinds``
    kinds: list[str]
    basis_zh: list[str] = field(default_factory=list)  # the same reasons in Chinese
    #: ``reasons_text`` of the three lists, when the maker has it (``Finder`` makes it once per set of
    #: reasons that many analogies share; ``analogues.blocks`` digests it); empty: computed when read
    text: str = field(default="", compare=False, repr=False)

    @property
    def iri(self) -> str:
        return str(analogy_iri(self.source.iri, self.target.iri))  # type: ignore[arg-type]


def reasons_text(basis: list[str], basis_zh: list[str], kinds: list[str]) -> str:
    r"""The reasons of an analogy as one string, as ``analogues.blocks`` digests them.

    >>> reasons_text(["a"], [], ["k"]).split("\x1f")
    ['a', '\x00', '\x00', 'k']
    """
    return "\x1f".join([*basis, "\0", *basis_zh, "\0", *kinds])


def with_text(reasons: tuple[list[str], list[str], list[str]]) -> tuple[list[str], list[str], list[str], str]:
    """``explain``'s reasons and their ``reasons_text`` (made once per set of reasons analogies share)."""
    return (*reasons, reasons_text(*reasons))


def concept_label(concepts: dict[str, ConceptInfo], iri: str) -> str:
    """``一网通办 (One network for government services)``; falls back to what is known."""
    info = concepts.get(iri)
    if info is None:
        return iri.rsplit("/", 1)[-1]
    if info.label_zh and info.label_en:
        return f"{info.label_zh} ({info.label_en})"
    return info.label_zh or info.label_en or iri.rsplit("/", 1)[-1]


def concept_zh(concepts: dict[str, ConceptInfo], iri: str) -> str:
    """The Chinese name of a concept (else what is known)."""
    info = concepts.get(iri)
    return (info.label_zh or info.label_en) if info else iri.rsplit("/", 1)[-1]


def explain(f: Features, a: Item, b: Item, data: AnalogueInput) -> tuple[list[str], list[str], list[str]]:
    """Readable reasons in English and in Chinese, and their kind codes, in the order of ``KINDS``."""
    concepts = data.concepts
    en: dict[str, str] = {}
    zh: dict[str, str] = {}
    if f.same_concepts:
        en["same_concept"] = "both realize " + "; ".join(concept_label(concepts, c) for c in f.same_concepts)
        zh["same_concept"] = "两者都实施" + "、".join(concept_zh(concepts, c) for c in f.same_concepts)
        first = concepts.get(f.same_concepts[0])
        if a.label != b.label and first is not None:  # different names: say what they share
            if first.definition:
                en["same_concept"] += f" - {first.definition.rstrip('.')}"
            if first.definition_zh:
                zh["same_concept"] += f"：{first.definition_zh.rstrip('。')}"
    if f.mechanisms or f.mechanism_links:
        found = [(c, ca, cb) for c, ca, cb in f.mechanisms] + [(x, "", "") for x, _, _ in f.mechanism_links]
        cues = [ca if ca == cb or not cb else (cb if not ca else f"{ca}/{cb}") for _, ca, cb in found]
        # a practice in two schemes (the 12345 reform and the 12345 platform) is named once
        shown = list(dict.fromkeys(concept_label(concepts, c) for c, _, _ in found))[:2]
        shown_zh = list(dict.fromkeys(concept_zh(concepts, c) for c, _, _ in found))[:2]
        en["same_mechanism"] = "both do " + "; ".join(shown)
        zh["same_mechanism"] = "两者做法相同：" + "、".join(shown_zh)
        cue_text = ", ".join(dict.fromkeys(c for c in cues if c))
        if cue_text:
            en["same_mechanism"] += f", as their sentences say ({cue_text})"
            zh["same_mechanism"] += f"（原文：{cue_text}）"
    if f.concept_links:
        parts = f.concept_links[:SHOWN_LINKS]
        en["related_concept"] = "linked concepts: " + "; ".join(
            f"{concept_label(concepts, x)} {LINK_WORDS[k][0]} {concept_label(concepts, y)}" for x, k, y in parts
        )
        zh["related_concept"] = "概念关联：" + "；".join(
            f"{concept_zh(concepts, x)}{LINK_WORDS[k][1]}{concept_zh(concepts, y)}" for x, k, y in parts
        )
    if f.name >= NAME_REASON or f.contain or f.aligned >= NAME_REASON:
        value = max(f.name, f.aligned)
        en["similar_name"] = f"similar names ({value:.2f}): {a.label} ~ {b.label}"
        zh["similar_name"] = f"名称相近（{value:.2f}）：{a.label} ~ {b.label}"
    if f.shared_facets or f.context >= CONTEXT_REASON:
        order = {k: n for n, k in enumerate(FACET_ORDER)}
        shared = sorted(f.shared_facets, key=lambda x: (order.get(data.facets[x[0]].kind, len(FACET_ORDER)), x[0]))
        cues = [ca if ca == cb else f"{ca}/{cb}" for _, ca, cb in shared]
        english = [data.facets[x].label_en for x, _, _ in shared if data.facets[x].label_en]
        chinese = [data.facets[x].label_zh for x, _, _ in shared if data.facets[x].label_zh]
        if english:
            en["similar_context"] = (f"both about {', '.join(english[:SHOWN_FACETS])} "
                                     f"(context: {', '.join(cues[:SHOWN_CUES])})")  # fmt: skip
            zh["similar_context"] = f"均涉及{'、'.join(chinese[:SHOWN_FACETS])}（语境：{'、'.join(cues[:SHOWN_CUES])}）"
        else:
            en["similar_context"] = f"similar context ({f.context:.2f})"
            zh["similar_context"] = f"语境相近（{f.context:.2f}）"
    if f.domains:
        en["same_domain"] = "same domain: " + ", ".join(concept_label(concepts, d) for d in f.domains)
        zh["same_domain"] = "同属领域：" + "、".join(concept_zh(concepts, d) for d in f.domains)
    if f.indicators:
        en["same_indicator"] = "both report " + ", ".join(concept_label(concepts, x) for x in f.indicators[:SHOWN_LINKS])
        zh["same_indicator"] = "均报告" + "、".join(concept_zh(concepts, x) for x in f.indicators[:SHOWN_LINKS])
    kinds = [k for k in KINDS if k in en]
    if not kinds:
        return (
            [f"similar names ({f.name:.2f}) and context ({f.context:.2f})"],
            [f"名称（{f.name:.2f}）与语境（{f.context:.2f}）相近"],
            [],
        )
    return [en[k] for k in kinds], [zh[k] for k in kinds], kinds


def basis_order(texts: Iterable[str]) -> list[str]:
    """Reasons read back from the graph (either language), in the order ``explain`` wrote them.

    >>> basis_order(["same domain: x", "both realize y"])
    ['both realize y', 'same domain: x']
    >>> basis_order(["同属领域：x", "两者都实施y"])
    ['两者都实施y', '同属领域：x']
    """
    heads = [h for k in KINDS for h in HEADS[k]] + ["similar context", "语境相近"]
    rank_of = {h: n // 2 if n < 2 * len(KINDS) else KINDS.index("similar_context") for n, h in enumerate(heads)}

    def rank(t: str) -> tuple[int, str]:
        return next((rank_of[h] for h in heads if t.startswith(h)), len(KINDS)), t

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
        for text in an.basis_zh:
            yield ox.Quad(node, basis_p, ox.Literal(text, language="zh"), g)
        for kind in an.kinds:
            yield ox.Quad(node, kind_p, kinds.get(kind) or ox.Literal(kind), g)
        yield ox.Quad(s, analogous, t, g)
        yield ox.Quad(t, analogous, s, g)
