"""Entity extraction: reforms, platforms, projects, policy documents, organizations, awards.

``extract_entities`` runs the span rules of ``entity_rules`` and the reform labels
of the concept scheme over each sentence, keeps the best non-overlapping spans,
drops generic words, merges the mentions of one entity (and near-variant names of
one body) into one ``EntityRecord``, and links each record to its reform concept
(curated, or a new uncurated one for an unknown reform), its domain, its city and
the county the text places it in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from jieba import posseg

from citykg.graph import lang
from citykg.graph.extract.entities.concepts import concept_candidates, gate_field_terms, label_class
from citykg.graph.extract.entities.lexicon import (
    Lexicon,
    build_lexicon,
    concept_for,
    domain_for,
    fold,
    platform_for,
)
from citykg.graph.extract.entities.lists import listed
from citykg.graph.extract.entities.phrases import awards, bodies, city_programmes, evaluations
from citykg.graph.extract.entities.quotes import quoted
from citykg.graph.extract.entities.rules import Candidate, head_of, headed, titles
from citykg.graph.extract.places import CountyIndex
from citykg.graph.ingest.text import occurrences
from citykg.graph.kb import Concept, KnowledgeBase
from citykg.graph.records import AreaMention, Document, EntityRecord, Mention, Sentence
from citykg.graph.registry import get_proposer, proposer, proposers
from citykg.namespaces import uncurated_concept_iri

_Z = "zh/entities/"  # the word lists under graph/lang (each file says why its words are there)
#: rank of a plain repeat of a name found after selection (never names an entity)
_REPEAT_RANK = 4
# modifier words that do not make a name on their own (…平台 preceded only by these is generic)
_GENERIC = lang.word_set(f"{_Z}generic_words.txt")
_SECOND_HEADS = lang.words(f"{_Z}generic_second_heads.txt")
_NOT_A_BODY = lang.word_set(f"{_Z}not_a_body.txt") | {""}
_LEVEL = re.compile("^" + lang.alternation(f"{_Z}levels.txt"))
_GOV_ORG = re.compile(lang.alternation(f"{_Z}government_heads.txt") + "$")
_STANDING_BODY = re.compile(lang.alternation(f"{_Z}standing_bodies.txt"))
_REFORM_OPENERS = lang.words(f"{_Z}reform_openers.txt")
_SPAM = re.compile(lang.alternation(f"{_Z}spam.txt"), re.IGNORECASE)
#: longest name a candidate may have (longer spans are clauses, not names)
MAX_NAME = 40
#: jieba POS tags of four-character idioms (大大提高); jieba also tags some nouns "i"
#: (无花果), so only four-character tokens count
_IDIOM_TAGS, _IDIOM_LEN = ("i", "l"), 4
_NATIONAL = lang.words(f"{_Z}national_prefixes.txt")
#: shortest core (after the level word) of a level-named platform (市一体化综合指挥平台)
_LEVEL_PLATFORM_CORE = 6


@dataclass
class Context:
    """What every proposer may read about the document being extracted."""

    text: str
    kb: KnowledgeBase
    lex: Lexicon
    area_names: frozenset[str]
    known: Callable[[str], str | None]


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


# ---------------------------------------------------------------- proposers (registry)


@proposer("title", priority=0)
def _p_titles(ctx: Context, s: Sentence) -> list[Candidate]:
    """《…》 titles of plans, opinions and reports."""
    return titles(ctx.text, s.start, s.text)


@proposer("quote", priority=1)
def _p_quotes(ctx: Context, s: Sentence) -> list[Candidate]:
    """Quoted names and the descriptor after the closing quote."""
    return quoted(ctx.text, s.start, s.text, ctx.area_names, ctx.known, ctx.lex.brand_re)


@proposer("platform", priority=3, rank=1)
def _p_platforms(ctx: Context, s: Sentence) -> list[Candidate]:
    """App and portal brands of the platforms scheme, quoted or not."""
    if ctx.lex.platform_re is None:
        return []
    return [
        Candidate(s.start + m.start(), s.start + m.end(), m.group(0), "Platform", "platform")
        for m in ctx.lex.platform_re.finditer(s.text)
        if not _crosses_place(s.text, m.start(), m.end(), ctx.area_names) and not _in_number(s.text, m.start(), m.end())
    ]


def _in_number(text: str, start: int, end: int) -> bool:
    """True when a service number (12345) is part of a longer number (0123456, 12345.6).

    >>> _in_number("电话0123456", 3, 8), _in_number("拨打12345反映", 2, 7)
    (True, False)
    """
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return text[start].isdigit() and (before.isdigit() or after.isdigit() or after == ".")


#: the longest place name checked when a match may run into one (北京通|州区)
_PLACE_SPAN = 4


def _crosses_place(text: str, start: int, end: int, names: frozenset[str]) -> bool:
    """True when a place name runs across either end of text[start:end] (北京通 in 北京通州区).

    >>> _crosses_place("北京通州区", 0, 3, frozenset({"通州"})), _crosses_place("用京通办事", 1, 3, frozenset({"通州"}))
    (True, False)
    """
    for cut in (start, end):
        for a in range(max(0, cut - _PLACE_SPAN + 1), cut):
            for b in range(cut + 1, min(len(text), a + _PLACE_SPAN) + 1):
                if text[a:b] in names:
                    return True
    return False


_BRAND_CONTEXT = lang.rows(f"{_Z}brand_contexts.tsv")
_BRAND_BEFORE = "(?:" + "|".join(re.escape(w) for k, w in _BRAND_CONTEXT if k == "before") + ")"
_BRAND_AFTER = "(?:" + "|".join(re.escape(w) for k, w in _BRAND_CONTEXT if k == "after") + r"|[，。、；,;]|$)"


@lru_cache(maxsize=4)
def _unquoted_brand_re(brand: re.Pattern[str]) -> re.Pattern[str]:
    """brand_re without its anchors, between the contexts of brand_contexts.tsv."""
    inner = brand.pattern.removeprefix("^").removesuffix("$")
    return re.compile(f"{_BRAND_BEFORE}(?P<b>{inner})(?={_BRAND_AFTER})")


@proposer("brand", priority=3, rank=1)
def _p_brands(ctx: Context, s: Sentence) -> list[Candidate]:
    """Unquoted app brands named after a place, where the sentence uses them as apps (通过…办理)."""
    if ctx.lex.brand_re is None:
        return []
    return [
        Candidate(s.start + m.start("b"), s.start + m.end("b"), m.group("b"), "Platform", "platform")
        for m in _unquoted_brand_re(ctx.lex.brand_re).finditer(s.text)
    ]


@proposer("award", priority=2)
def _p_awards(ctx: Context, s: Sentence) -> list[Candidate]:
    """Honours after an award verb (入选, 荣获, 获评 …)."""
    return awards(ctx.text, s.start, s.text)


@proposer("evaluation", priority=2)
def _p_evaluations(ctx: Context, s: Sentence) -> list[Candidate]:
    """Evaluations whose result is reported (在…评估中, …评价结果)."""
    return evaluations(ctx.text, s.start, s.text)


@proposer("ministry", priority=2, rank=1)
def _p_bodies(ctx: Context, s: Sentence) -> list[Candidate]:
    """Central bodies by the labels of the bodies scheme."""
    return bodies(s.start, s.text, ctx.lex.national_body_re)


@proposer("concept", priority=3, rank=2)
def _p_concepts(ctx: Context, s: Sentence) -> list[Candidate]:
    """Labels of the reform scheme."""
    return concept_candidates(ctx.lex, s.start, s.text)


@proposer("head", priority=3)
def _p_heads(ctx: Context, s: Sentence) -> list[Candidate]:
    """Unquoted names ending in a head noun (…平台, …局, …改革)."""
    return headed(ctx.text, s.start, s.text, ctx.area_names)


@proposer("programme", priority=3)
def _p_programmes(ctx: Context, s: Sentence) -> list[Candidate]:
    """A place's own digital programme (数字重庆, 智慧株洲)."""
    return city_programmes(ctx.text, s.start, s.text, ctx.area_names)


@proposer("list", priority=2)
def _p_lists(ctx: Context, s: Sentence) -> list[Candidate]:
    """Items of 、-lists of named systems and local scenarios."""
    return listed(s.start, s.text, ctx.known)


def _all_area_names(kb: KnowledgeBase) -> frozenset[str]:
    cached = getattr(kb, "_entity_area_names", None)
    if cached is None:
        cached = frozenset(n for a in kb.areas.values() for n in (a.name, *a.short_names) if len(n) >= 2)
        try:
            kb._entity_area_names = cached  # type: ignore[attr-defined]
        except AttributeError:  # pragma: no cover - slotted objects
            pass
    return cached


def _strip_place(label: str, area_names: frozenset[str]) -> str:
    """The name without a leading division name or level word (菏泽市大数据局 -> 大数据局)."""
    for n in range(min(8, len(label) - 1), 1, -1):
        if label[:n] in area_names:
            label = label[n:]
            break
    return _LEVEL.sub("", label)


def is_generic(label: str, cls: str, area_names: frozenset[str]) -> bool:
    """True for names made only of generic words (业务平台, 相关部门, 重点项目).

    >>> is_generic("业务平台", "Platform", frozenset())
    True
    >>> is_generic("智游文旅大数据平台", "Platform", frozenset())
    False
    """
    core = _strip_place(label, area_names)
    body = core[: len(core) - len(head_of(core))]
    # drop a two-character head word once more (服务平台 -> 服务)
    if (
        cls != "Reform"
        and len(body) >= 2
        and body[-2:] in _SECOND_HEADS
    ):
        body = body[:-2] if len(body) > 2 else body
    if len(body) < 1:
        return True
    return _generic_body(body)


@lru_cache(maxsize=20000)
def _generic_body(body: str) -> bool:
    """True when every token of a name's modifier is generic: a listed word, a number, a count
    (三大), an adverb or idiom (大大提高: a phrase cut at a head noun, not a name)."""
    pairs = [(p.word, p.flag) for p in posseg.lcut(body, HMM=False) if p.word.strip()]
    return all(
        t in _GENERIC
        or t.isdigit()
        or re.fullmatch(r"[一二三四五六七八九十两]+大", t)
        or flag.startswith("d")
        or (flag[:1] in _IDIOM_TAGS and len(t) == _IDIOM_LEN)
        for t, flag in pairs
    )


def _drop_reason(c: Candidate, area_names: frozenset[str], lex: Lexicon) -> str | None:
    """Why a candidate is dropped by the precision filters (per rule source and class), or None."""
    label = c.label
    if len(label) < 2 or len(label) > MAX_NAME:
        return "length"
    if _SPAM.search(label):
        return "spam word"
    if c.source == "quote":
        key = fold(label)
        if key in lex.by_cue and key not in lex.by_label and len(key) <= 3:
            return "bare cue word"  # “一件事” alone is not a name
        return None
    if c.source in ("title", "concept", "ministry", "bare", "platform"):
        return None
    if c.source == "list":  # 养老服务、医疗服务等…: generic service words are not names
        return "generic words" if is_generic(label, c.cls, area_names) else None
    core = _strip_place(label, area_names)
    if c.source == "award":
        return None if len(core) >= 4 else "short award"
    return _drop_headed(c, label, core, area_names)


def _drop_headed(c: Candidate, label: str, core: str, area_names: frozenset[str]) -> str | None:
    """The filters of unquoted head-noun names (see ``_drop_reason``)."""
    placed = core != label and any(label[:n] in area_names for n in (2, 3, 4, 5))
    if c.cls == "Reform":
        if len(label) < 7:
            return "short reform"
        return "reform opener" if label.startswith(_REFORM_OPENERS) else None
    if c.cls == "Organization" and _GOV_ORG.search(label):
        # a government body is named with its level or place: 市大数据局, 牡丹区大数据局
        body = core[: len(core) - len(head_of(core))]
        if core == label:  # no level or place: only a named standing body (…领导小组办公室)
            ok = len(label) >= 8 and bool(_STANDING_BODY.search(label))
            return None if ok else "body without level or place"
        return None if len(core) >= 3 and body not in _NOT_A_BODY else "body without a name"
    if c.cls == "Organization" and (placed or (label.startswith(_NATIONAL) and len(core) >= 4)):
        return None if len(core) >= 3 else "short placed name"  # 贵阳大数据集团, 国家行政学院
    if c.cls == "Organization":
        if len(label) < 4 or len(head_of(label)) >= len(label) - 1:
            return "short name"
        return "generic words" if is_generic(label, c.cls, area_names) else None
    if c.cls == "Platform" and placed and label.endswith(("平台", "系统", "服务网")):
        return None if len(core) >= 4 else "short placed name"  # 陕西省一体化政务服务平台
    if c.cls == "Platform" and core != label and len(core) >= _LEVEL_PLATFORM_CORE and label.endswith("平台"):
        return None  # a level's own platform named in full: 市一体化综合指挥平台
    if is_generic(label, c.cls, area_names):
        return "generic words"
    if c.cls == "Award":
        return None if len(core) >= 4 else "short award"
    return None if len(label) >= 4 else "short name"


def _brand_classes(cands: list[Candidate]) -> None:
    """A brand quoted with a platform descriptor (“随申办”APP) is a platform wherever it is
    quoted: “随申办”还推出… names the app, not a reform."""
    brands = {fold(c.core) for c in cands if c.core and c.cls == "Platform"}
    for c in cands:
        if c.source == "quote" and c.cls == "Reform" and fold(c.label) in brands:
            c.cls = "Platform"


def _promote_bare(cands: list[Candidate]) -> list[Candidate]:
    """A bare quoted word is a mention of an entity quoted with a descriptor elsewhere
    (“爱山东”服务总门户 … 访问“爱山东”); otherwise it is dropped."""
    named = {fold(c.label): c.cls for c in cands if c.source == "quote"}
    named.update({fold(c.core): "Platform" for c in cands if c.core and c.cls == "Platform"})
    out = []
    for c in cands:
        if c.source == "bare":
            cls = named.get(fold(c.label))
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


def _variant_of(short: str, long_: str) -> bool:
    """Near-variant names of one body: 市行政审批局 / 市行政审批服务局, 市大数据局 / 菏泽市大数据局.

    >>> _variant_of("市行政审批局", "市行政审批服务局"), _variant_of("市民政局", "市自然资源局")
    (True, False)
    """
    if short == long_ or len(short) < 3:
        return short == long_
    if long_.endswith(short) and len(long_) - len(short) <= 5:
        return True
    if short[-1] != long_[-1] or short[:2] != long_[:2] or len(long_) - len(short) > 3:
        return False
    it = iter(long_)
    return all(ch in it for ch in short)


def _brands_open_names(cands: list[Candidate]) -> None:
    """A scheme brand inside an unquoted head-noun name opens that name (居民用|爱山东APP):
    what the boundary walk kept before the brand is the clause, not the name."""
    brands = [c for c in cands if c.proposer == "platform"]
    if not brands:
        return
    for c in cands:
        if c.proposer != "head" or c.cls != "Platform":
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
        return label_class(lex, name) if fold(name) in lex.by_label else None

    return Context(doc.text, kb, lex, _all_area_names(kb), known)


def _filtered(before: list[Candidate], after: list[Candidate], reason: str, trace: Trace | None) -> list[Candidate]:
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


def _rank(c: Candidate) -> int:
    return _REPEAT_RANK if c.proposer == "repeat" else get_proposer(c.proposer).rank


def _records(doc: Document, kb: KnowledgeBase, lex: Lexicon, city: str | None,
             areas: list[AreaMention], chosen: list[Candidate]) -> list[EntityRecord]:  # fmt: skip
    text = doc.text
    groups: dict[str, list[Candidate]] = {}
    for c in chosen:
        groups.setdefault(fold(c.label), []).append(c)
    _merge_variants(groups)
    _merge_concept_variants(groups, lex)
    covered = bytearray(len(text) + 1)
    for cs in groups.values():
        for c in cs:
            covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    records = []
    bests = {key: min(cs, key=lambda c: (_rank(c), c.start)) for key, cs in groups.items()}
    repeats = occurrences({b.label for b in bests.values() if len(b.label) >= 3}, text)  # one pass, not one per name
    counties = CountyIndex(kb, areas, text)
    for key, cs in groups.items():
        best = bests[key]
        label = best.label
        # other plain occurrences of the name are mentions too
        end = -1
        for pos in repeats.get(label, ()) if len(label) >= 3 else ():
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
    if cls == "Organization":
        body = body_of(kb, lex, label, rec.city)
        if body is not None:
            rec.concept, rec.concept_label = body[0].iri, body[0].pref_zh
            rec.area = body[1]
            return True
    if cls == "Platform":
        brand = platform_for(lex, label)
        if brand is not None:
            rec.concept, rec.concept_label = brand.iri, brand.pref_zh
            return False
    concept = concept_for(lex, label) if cls != "PolicyDocument" else None
    if cls in ("Organization", "Award"):
        concept = lex.by_label.get(key) if concept is not None else None
    if concept is not None:
        rec.concept, rec.concept_label = concept.iri, concept.pref_zh
        rec.domain = concept.domains[0] if concept.domains else None
    elif cls == "Reform":
        rec.concept = str(uncurated_concept_iri("reform", label))
        rec.concept_label = label
        rec.new_concept = True
    return False


def body_of(kb: KnowledgeBase, lex: Lexicon, label: str, city: str | None) -> tuple[Concept, str | None] | None:
    """(body concept, province adcode or None) when ``label`` names a body of the bodies scheme.

    A national body has no province. A provincial body (省大数据局, 山东省大数据局) belongs to the
    province written before it, else to the province of the article's city; without either it
    is not resolved (None).
    """
    key = fold(label)
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
        if r.cls == "Organization":
            for m in r.mentions:
                orgs.setdefault(m.sentence, []).append((m, r.label))
    if not orgs:
        return
    for r in records:
        if r.cls == "Organization":
            continue
        for m in r.mentions:
            for om, label in orgs.get(m.sentence, ()):
                if om.sentence == m.sentence and om.end <= m.start and m.start - om.end <= 8:
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
        pref = fold(lex.by_label[keys[0]].pref_zh)
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
        if cls not in ("Organization", "PolicyDocument"):
            continue
        for long_ in related(short, cls):
            if long_ == short or long_ not in groups or len(long_) < len(short):
                continue
            if groups[long_][0].cls != cls:
                continue
            same = _variant_of(short, long_) if cls == "Organization" else long_.endswith(short)
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
        if cls == "Organization":
            found.update(by_ends.get((short[:2], short[-1:]), ()))
        return sorted(found, key=order.__getitem__)

    return related
