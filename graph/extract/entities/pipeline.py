"""Entity extraction: reforms, platforms, projects, policy documents, organizations, awards.

``extract_entities`` runs the span rules of ``entity_rules`` and the reform labels
of the concept scheme over each sentence, keeps the best non-overlapping spans,
drops generic words, merges the mentions of one entity (and near-variant names of
one body) into one ``EntityRecord``, and links each record to its reform concept
(curated, or a new uncurated one for an unknown reform), its domain, its city and
the county the text places it in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from citykg.graph.extract.entities.assemble import _records
from citykg.graph.extract.entities.concepts import gate_field_terms, label_class
from citykg.graph.extract.entities.filters import _all_area_names, _drop_reason, is_generic
from citykg.graph.extract.entities.lexicon import (
    build_lexicon,
    label_key,
)
from citykg.graph.extract.entities.proposers import Context
from citykg.graph.extract.entities.rules import Candidate
from citykg.graph.kb import KnowledgeBase
from citykg.graph.records import AreaMention, Document, EntityClass, EntityRecord
from citykg.graph.registry import get_proposer, proposers

__all__ = ["Context", "Trace", "TraceRow", "extract_entities", "is_generic"]


@dataclass
class TraceRow:
    """One candidate as ``citykg extract --explain`` shows it: who proposed it, what became of it."""

    label: str
    cls: str
    start: int
    end: int
    proposer: str
    status: str = "kept"  # kept | dropped
    reason: str = ""  # the filter that dropped it (empty when kept)


@dataclass
class Trace:
    rows: list[TraceRow] = field(default_factory=list)

    def drop(self, c: Candidate, reason: str) -> None:
        self.rows.append(TraceRow(c.label, c.cls, c.start, c.end, c.proposer, "dropped", reason))


def _brand_classes(cands: list[Candidate]) -> None:
    """A brand quoted with a platform descriptor (“随申办”APP) is a platform wherever it is
    quoted: “随申办”还推出… names the app, not a reform."""
    brands = {label_key(c.core) for c in cands if c.core and c.cls == EntityClass.Platform}
    for c in cands:
        if c.source == "quote" and c.cls == EntityClass.Reform and label_key(c.label) in brands:
            c.cls = EntityClass.Platform


def _promote_bare(cands: list[Candidate]) -> list[Candidate]:
    """A bare quoted word is a mention of an entity quoted with a descriptor elsewhere
    (“爱山东”服务总门户 … 访问“爱山东”); otherwise it is dropped."""
    named = {label_key(c.label): c.cls for c in cands if c.source == "quote"}
    named.update({label_key(c.core): EntityClass.Platform for c in cands if c.core and c.cls == EntityClass.Platform})
    out = []
    for c in cands:
        if c.source == "bare":
            cls = named.get(label_key(c.label))
            if cls is None:
                continue
            c.cls, c.source = cls, "quote"
        out.append(c)
    return out


def _select(cands: list[Candidate], length: int, trace: Trace | None = None) -> list[Candidate]:
    """Keep the best non-overlapping spans: by proposer priority (titles, then quotes …), then
    the longest; a span overlapping a kept one is dropped."""
    order = sorted(cands, key=lambda c: (get_proposer(c.proposer).priority, -(c.end - c.start), c.start))
    owner: list[Candidate | None] = [None] * (length + 1)  # the kept span covering each character
    kept = []
    for c in order:
        hit = next((o for o in owner[c.start : c.end] if o is not None), None)
        if hit is not None:
            if trace is not None:
                trace.drop(c, f"overlaps {hit.label} ({hit.proposer})")
            continue
        owner[c.start : c.end] = [c] * (c.end - c.start)
        kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def _brands_open_names(cands: list[Candidate]) -> None:
    """A scheme brand inside an unquoted head-noun name opens that name (居民用|爱山东APP):
    what the boundary walk kept before the brand is the clause, not the name."""
    brands = [c for c in cands if c.proposer == "platform"]
    if not brands:
        return
    for c in cands:
        if c.proposer != "head" or c.cls != EntityClass.Platform:
            continue
        for b in brands:
            if c.start < b.start < c.end and b.end <= c.end:
                c.label = c.label[b.start - c.start :]
                c.start = b.start
                break


def _context(doc: Document, kb: KnowledgeBase) -> Context:
    lex = build_lexicon(kb)

    def known(name: str) -> str | None:
        """The class a reform-scheme label implies (None for names the scheme does not know)."""
        return label_class(lex, name) if label_key(name) in lex.by_label else None

    return Context(doc.text, kb, lex, _all_area_names(kb), known)


def _filtered(
    before: list[Candidate], after: list[Candidate], reason: str, trace: Trace | None
) -> list[Candidate]:
    """``after``, recording in ``trace`` the candidates of ``before`` it no longer holds."""
    if trace is not None:
        left = {id(c) for c in after}
        for c in before:
            if id(c) not in left:
                trace.drop(c, reason)
    return after


def extract_entities(doc: Document, kb: KnowledgeBase, city: str | None,
                     areas: list[AreaMention], trace: Trace | None = None) -> list[EntityRecord]:  # fmt: skip
    """All named initiatives, documents, bodies and honours of ``doc``, one record per entity.

    Every registered proposer (``graph.registry``) runs over each sentence; the candidates
    are filtered, overlaps resolved by proposer priority, and mentions merged into records.
    ``trace`` (for ``citykg extract --explain``) collects what each filter dropped.
    """
    ctx = _context(doc, kb)
    cands: list[Candidate] = []
    for p in proposers():
        for s in doc.sentences:
            for c in p.func(ctx, s):
                c.proposer = p.name
                cands.append(c)
    _brands_open_names(cands)
    kept = []
    for c in cands:
        reason = _drop_reason(c, ctx.area_names, ctx.lex)
        if reason is None:
            kept.append(c)
        elif trace is not None:
            trace.drop(c, reason)
    cands = _filtered(kept, gate_field_terms(kept, doc.text), "field word not quoted or repeated", trace)
    cands = _filtered(cands, _promote_bare(cands), "bare quote not named elsewhere", trace)
    _brand_classes(cands)
    chosen = _select(cands, len(doc.text), trace)
    if trace is not None:
        trace.rows += [TraceRow(c.label, c.cls, c.start, c.end, c.proposer) for c in chosen]
    return _records(doc, kb, ctx.lex, city, areas, chosen)
