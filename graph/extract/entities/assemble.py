"""From chosen spans to records: one ``EntityRecord`` per entity, with its mentions, the
concept it realizes (a body, an app brand, a reform concept or a new uncurated one), its
domain, county and the body that runs it.
"""

from __future__ import annotations

import re

from citykg.graph import lang
from citykg.graph.extract.entities.lexicon import (
    Lexicon,
    concept_for,
    domain_for,
    label_key,
    platform_for,
)
from citykg.graph.extract.entities.rules import Candidate
from citykg.graph.extract.places import CountyIndex
from citykg.graph.ingest.text import occurrences
from citykg.graph.kb import Concept, KnowledgeBase
from citykg.graph.records import AreaMention, Document, EntityClass, EntityRecord, Mention
from citykg.graph.registry import get_proposer
from citykg.namespaces import uncurated_concept_iri

_Z = "zh/entities/"  # the word lists under graph/lang (each file says why its words are there)
#: rank of a plain repeat of a name found after selection (never names an entity)
_REPEAT_RANK = 4
#: shortest name whose plain repeats in the article are mentions, or that has near-variants
#: (a two-character name is too often a common word)
_REPEAT_MIN = 3
#: a name ending with a shorter one is its variant when it adds at most this many characters
#: in front (菏泽市 + 大数据局), and an in-order variant when it inserts at most _VARIANT_INSERT
#: (市行政审批局 / 市行政审批服务局)
_VARIANT_PREFIX, _VARIANT_INSERT = 5, 3
#: most characters between a body and an initiative it runs (市大数据局建设的…平台)
_RUN_BY_GAP_MAX = 8


def _variant_of(short: str, long_: str) -> bool:
    """Near-variant names of one body: 市行政审批局 / 市行政审批服务局, 市大数据局 / 菏泽市大数据局.

    >>> _variant_of("市行政审批局", "市行政审批服务局"), _variant_of("市民政局", "市自然资源局")
    (True, False)
    """
    if short == long_ or len(short) < _REPEAT_MIN:
        return short == long_
    if long_.endswith(short) and len(long_) - len(short) <= _VARIANT_PREFIX:
        return True
    if short[-1] != long_[-1] or short[:2] != long_[:2] or len(long_) - len(short) > _VARIANT_INSERT:
        return False
    it = iter(long_)
    return all(ch in it for ch in short)


def _rank(c: Candidate) -> int:
    return _REPEAT_RANK if c.proposer == "repeat" else get_proposer(c.proposer).rank


def _records(doc: Document, kb: KnowledgeBase, lex: Lexicon, city: str | None,
             areas: list[AreaMention], chosen: list[Candidate]) -> list[EntityRecord]:  # fmt: skip
    text = doc.text
    groups: dict[str, list[Candidate]] = {}
    for c in chosen:
        groups.setdefault(label_key(c.label), []).append(c)
    _merge_variants(groups)
    _merge_concept_variants(groups, lex)
    covered = bytearray(len(text) + 1)
    for cs in groups.values():
        for c in cs:
            covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    records = []
    bests = {key: min(cs, key=lambda c: (_rank(c), c.start)) for key, cs in groups.items()}
    repeats = occurrences(
        {b.label for b in bests.values() if len(b.label) >= _REPEAT_MIN}, text
    )  # one pass, not one per name
    counties = CountyIndex(kb, areas, text)
    for key, cs in groups.items():
        best = bests[key]
        label = best.label
        # other plain occurrences of the name are mentions too
        end = -1
        for pos in repeats.get(label, ()) if len(label) >= _REPEAT_MIN else ():
            if pos < end:
                continue  # overlaps the previous occurrence (as text.find from its end would skip it)
            end = pos + len(label)
            if not any(covered[pos:end]):
                cs.append(Candidate(pos, end, label, best.cls, "repeat", proposer="repeat"))
                covered[pos:end] = b"\x01" * (end - pos)
        cs.sort(key=lambda c: c.start)
        mentions = [
            Mention(text[c.start : c.end], c.start, c.end, doc.sentence_at(c.start).index) for c in cs
        ]
        rec = EntityRecord(cls=best.cls, label=label, mentions=mentions, city=city)
        is_body = _link_concept(rec, kb, lex, key)
        if rec.domain is None:
            sentence = doc.sentence_at(cs[0].start).text
            rec.domain = domain_for(lex, label, sentence)
        if not is_body:  # a body's area is its province (or none), never a county of the text
            rec.area = counties.county_of(cs)
        records.append(rec)
    _link_operators(records, text)
    return records


def _link_concept(rec: EntityRecord, kb: KnowledgeBase, lex: Lexicon, key: str) -> bool:
    """The concept a record realizes: a body of the bodies scheme (and, for a provincial body,
    its province as ``area``), an app brand of the platforms scheme, a reform concept, or a new
    uncurated reform concept for an unknown reform. True when it is a body of the scheme."""
    label, cls = rec.label, rec.cls
    if cls == EntityClass.Organization:
        body = body_of(kb, lex, label, rec.city)
        if body is not None:
            rec.concept, rec.concept_label = body[0].iri, body[0].pref_zh
            rec.area = body[1]
            return True
    if cls == EntityClass.Platform:
        brand = platform_for(lex, label)
        if brand is not None:
            rec.concept, rec.concept_label = brand.iri, brand.pref_zh
            return False
    concept = concept_for(lex, label) if cls != EntityClass.PolicyDocument else None
    if cls in (EntityClass.Organization, EntityClass.Award):
        concept = lex.by_label.get(key) if concept is not None else None
    if concept is not None:
        rec.concept, rec.concept_label = concept.iri, concept.pref_zh
        rec.domain = concept.domains[0] if concept.domains else None
    elif cls == EntityClass.Reform:
        rec.concept = str(uncurated_concept_iri("reform", label))
        rec.concept_label = label
        rec.new_concept = True
    return False


def body_of(
    kb: KnowledgeBase, lex: Lexicon, label: str, city: str | None
) -> tuple[Concept, str | None] | None:
    """(body concept, province adcode or None) when ``label`` names a body of the bodies scheme.

    A national body has no province. A provincial body (省大数据局, 山东省大数据局) belongs to the
    province written before it, else to the province of the article's city; without either it
    is not resolved (None).
    """
    key = label_key(label)
    body = lex.body_by_label.get(key)
    province = None
    if body is None:
        for name, adcode in lex.province_names:
            if key.startswith(name) and len(key) > len(name):
                rest = key[len(name) :]
                hit = lex.body_by_label.get(rest if rest.startswith("省") else "省" + rest)
                if hit is not None and hit.iri in lex.provincial_bodies:
                    return hit, adcode
        return None
    if body.iri in lex.provincial_bodies:
        prov = kb.province_of(city) if city else None
        if prov is None or "City" in prov.levels:
            return None  # no province, or a municipality (北京市 has no 省 bodies)
        province = prov.adcode
    return body, province


# 通钢自信公司建设的…平台, 市大数据局牵头起草《…》, 市住建局推出“…”: the body runs the initiative
_RUN_BY = lang.rows(f"{_Z}run_by_verbs.tsv")
_RUN_BY_GAP = re.compile(
    "^(?:(?:" + "|".join(w for k, w in _RUN_BY if k == "adverb") + ")?"
    "(?:" + "|".join(w for k, w in _RUN_BY if k == "verb") + ")了?(?:的)?)$"
)


def _link_operators(records: list[EntityRecord], text: str) -> None:
    """Fill ``run_by`` from an organization named right before an initiative with a verb of making."""
    orgs: dict[int, list[tuple[Mention, str]]] = {}  # by sentence: only those can link
    for r in records:
        if r.cls == EntityClass.Organization:
            for m in r.mentions:
                orgs.setdefault(m.sentence, []).append((m, r.label))
    if not orgs:
        return
    for r in records:
        if r.cls == EntityClass.Organization:
            continue
        for m in r.mentions:
            for om, label in orgs.get(m.sentence, ()):
                if om.sentence == m.sentence and om.end <= m.start and m.start - om.end <= _RUN_BY_GAP_MAX:
                    gap = text[om.end : m.start].strip("“‘「《 ")
                    if _RUN_BY_GAP.match(gap) and label not in r.run_by:
                        r.run_by.append(label)


def _merge_concept_variants(groups: dict[str, list[Candidate]], lex: Lexicon) -> None:
    """Scheme labels of one concept used side by side in one article (公共数据授权运营 …
    公共数据运营主体) name one entity: fold the shorter ones into the prefLabel's group, else
    the one written most often (城市基础设施生命线安全工程 stays apart from 城市生命线)."""
    by_concept: dict[tuple[str, str], list[str]] = {}
    for key, cs in groups.items():
        if all(c.source == "concept" for c in cs) and key in lex.by_label:
            by_concept.setdefault((lex.by_label[key].iri, cs[0].cls), []).append(key)
    for keys in by_concept.values():
        if len(keys) < 2:
            continue
        pref = label_key(lex.by_label[keys[0]].pref_zh)
        keep = max(keys, key=lambda k: (k == pref, len(groups[k]), len(k)))
        name = groups[keep][0].label
        for k in keys:
            if k != keep and len(k) <= len(keep):  # a longer, more specific name stays apart
                for c in groups[k]:
                    c.label = name  # the mention keeps its own offsets (and surface text)
                groups[keep] = sorted(groups[keep] + groups.pop(k), key=lambda c: c.start)


def _merge_variants(groups: dict[str, list[Candidate]]) -> None:
    """Fold near-variant organization names and abbreviated titles into one group."""
    keys = sorted(groups, key=len)
    related = _variant_index(keys)
    for short in keys:
        if short not in groups:
            continue
        cls = groups[short][0].cls
        if cls not in (EntityClass.Organization, EntityClass.PolicyDocument):
            continue
        for long_ in related(short, cls):
            if long_ == short or long_ not in groups or len(long_) < len(short):
                continue
            if groups[long_][0].cls != cls:
                continue
            same = _variant_of(short, long_) if cls == EntityClass.Organization else long_.endswith(short)
            if same:
                # keep the name written most often; ties go to the longer (fuller) one
                a, b = groups[short], groups[long_]
                keep, drop = (short, long_) if len(a) > len(b) else (long_, short)
                groups[keep] = sorted(a + b, key=lambda c: (c.label != keep, c.start)) if keep else a + b
                del groups[drop]
                if drop == short:
                    break


def _variant_index(keys: list[str]):
    """``related(short)``: the keys that may be variants of ``short`` (those ending with it, or
    sharing its first two and last characters), in ``keys`` order; a superset of what
    ``_variant_of`` (organizations) and ``endswith`` (titles) accept, found by lookup instead
    of a scan of every key."""
    order = {k: i for i, k in enumerate(keys)}
    by_suffix: dict[str, list[str]] = {}
    by_ends: dict[tuple[str, str], list[str]] = {}
    for k in keys:
        for i in range(len(k)):
            by_suffix.setdefault(k[i:], []).append(k)
        by_ends.setdefault((k[:2], k[-1:]), []).append(k)

    def related(short: str, cls: str) -> list[str]:
        found = {*by_suffix.get(short, ())}
        if cls == EntityClass.Organization:
            found.update(by_ends.get((short[:2], short[-1:]), ()))
        return sorted(found, key=order.__getitem__)

    return related
