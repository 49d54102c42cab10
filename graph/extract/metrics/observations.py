"""Observations: every comparable quantitative statement of a document.

``extract_observations`` runs one compiled regex pass over the document text
(``citykg.graph.extract.metrics.quantities``), drops what is not a metric (dates, ordinals, names;
``citykg.graph.extract.metrics.rules``), and for each figure left resolves the indicator
(``citykg.graph.extract.metrics.indicators``), the time it holds for, whether it is a
target or one side of a from-to change, and the initiative it measures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from citykg.graph import lang
from citykg.graph.extract.metrics.indicators import (
    MINTED_MAX,
    NOUN_MAX,
    IndicatorHit,
    IndicatorIndex,
    compatible,
    index_for,
    indicator_name,
    mint,
    mint_label,
    noun_after,
)
from citykg.graph.extract.metrics.quantities import Quantity, QuantityMatch, find_quantities
from citykg.graph.extract.metrics.repeats import is_repeat, near_words
from citykg.graph.extract.metrics.rules import (
    CLAUSE_BREAK,
    context_alt,
    find_ranks,
    is_change,
    is_target,
    reject_reason,
    resolve_relative,
    time_before,
)
from citykg.graph.extract.metrics.subjects import foreign_subject
from citykg.graph.extract.metrics.subjects import index_for as subject_index
from citykg.graph.extract.metrics.units import default_units
from citykg.graph.kb import KnowledgeBase
from citykg.graph.records import (
    ChangeRole,
    Document,
    EntityClass,
    EntityRecord,
    Mention,
    ObservationRecord,
    Sentence,
)

MEASURED_CLASSES = (EntityClass.Platform, EntityClass.Project, EntityClass.Reform)
_UNITS = default_units()
# bare scaled numbers (223万): (unit, cue regex) in the order the data file lists them
_BARE_UNIT_CUES = tuple(
    (row[0], re.compile("|".join(map(re.escape, row[1].split()))))
    for row in lang.rows("zh/metrics/bare-number-units.tsv")
)
# a one-letter storage/compute unit (1000T, 5P) that becomes TB/PB after a storage word
_STORAGE_SHORT = {w for w in _UNITS.written_of_kind("storage", "compute") if len(w) == 1 and w.isascii()}
# two rates or amounts sharing one figure: 按时办结率和满意率均超99% states both
_SHARED_REACH = 30  # characters before the figure searched for the pair
#: characters before a figure read for a storage cue (存储量1000T), after it for a bare figure's unit
_STORAGE_REACH, _UNIT_AFTER = 20, 3
#: a sentence longer than twice this is cut to this many characters around each figure
_FIGURE_REACH = 240
#: characters before a figure read for its indicator, and after it for a counted noun
_INDICATOR_BEFORE, _COUNTED_AFTER = 40, 12
_SHARED = re.compile(
    r"(?P<first>[^,，。;；、和与及\d]{1,12}?[率额量数])(?:和|与|及)[^,，。;；\d]{1,12}?[率额量数]均"
    r"(?:为|达到|达|超过|超|在|高于|低于)?"
)
# an index noun, then 为/是/达 (分别 allowed), then one or two bare numbers ending the phrase
_INDEX_UNIT = next((u.label for u in _UNITS.units.values() if u.kind == "index"), "")
_NUM_END = r"(?![\d.%％万亿千百])(?=[,，。;；、()（）和与及]|$)"
_INDEX_RE = re.compile(
    lang.alternation("zh/metrics/index-words.txt")
    + rf"[^,，。;；\d]{{0,4}}?(?:为|是|达到|达)(?P<n1>\d+(?:\.\d+)?){_NUM_END}(?:[和与、](?P<n2>\d+(?:\.\d+)?){_NUM_END})?"
)
_MONEY_FORMS = sorted(_UNITS.written_of_kind("money"), key=len, reverse=True)  # 223万元人民币
_STORAGE_CUE = re.compile(lang.alternation("zh/metrics/storage-cues.txt"))
_QUOTES = re.compile(r"[“”\"'‘’「」『』]")
_TOTAL = re.compile(context_alt("total"))
_REFER_REACH = 30  # characters between an initiative's name and a figure about it
_SUBJECTS = {row[0]: row[1].split() for row in lang.rows("zh/metrics/subject-words.tsv")}
# the city (or a wider area) becomes the subject between an initiative's name and a figure
_CITY_SUBJECT = re.compile("|".join(map(re.escape, [w for ws in _SUBJECTS.values() for w in ws])))
_NOUN_UNITS = _UNITS.nouns
_GROWTH = re.compile(f"^(?:{context_alt('growth-base')})(?:{context_alt('growth-verb')})")
_COUNTER_UNITS = {u for u in set(_UNITS.written.values()) if _UNITS.kind(u) == "count"} | {"单"}


@dataclass
class _Figure:
    """One accepted number (or rank) before it becomes a record."""

    start: int
    end: int
    quantity: Quantity
    kind: str = "value"
    role: str | None = None
    noun_unit: str = ""  # a unit that is itself the counted noun (9部门 -> 部门)
    subject: str = ""  # the words naming it when they are not right before it (A率和B率均超99%: A率)


def _unit_for_bare(clause_before: str, after: str) -> str | None:
    """Unit of a scaled number written without one (223万, 1600多亿)."""
    written = next((w for w in _MONEY_FORMS if after.startswith(w)), None)
    if written is not None:
        return _UNITS.written.get(written, written)
    for unit, cue in _BARE_UNIT_CUES:
        if cue.search(clause_before):
            return unit
    return None


def _clause_bounds(sentence: Sentence, rel_start: int, rel_end: int) -> tuple[int, int]:
    """Relative [start, end) of the clause around a number (split at , ; : etc.)."""
    text = sentence.text
    i = rel_start - 1
    while i >= 0 and not CLAUSE_BREAK.match(text[i]):
        i -= 1
    m = CLAUSE_BREAK.search(text, rel_end)
    return i + 1, (m.start() if m else len(text))


def _figures(doc: Document) -> list[_Figure]:
    text = doc.text
    figures: list[_Figure] = []
    for qm in find_quantities(text, measured_only=True):
        if reject_reason(text, qm) is not None:
            continue
        q = qm.quantity
        if not q.unit:
            q = _bare(doc, qm)
            if q is None:
                continue
        if q.unit in _STORAGE_SHORT and _STORAGE_CUE.search(
            CLAUSE_BREAK.split(text[max(0, qm.start - _STORAGE_REACH) : qm.start])[-1]
        ):
            q = Quantity(q.value, q.unit + "B", q.qualifier, q.value_max)  # 存储量1000T -> TB
        noun_unit = qm.unit_written.lstrip("个大") if qm.unit_written in _NOUN_UNITS else ""
        figures.append(_Figure(qm.start, qm.end, q, noun_unit=noun_unit))
        shared = _SHARED.search(text, max(0, qm.start - _SHARED_REACH), qm.start)
        if shared is not None and shared.end() == qm.start:  # 办结率和满意率均超99%: two figures
            figures.append(_Figure(qm.start, qm.end, q, subject=shared.group("first")))
    taken = {f.start for f in figures}
    for m in _INDEX_RE.finditer(text):  # 拥堵指数分别为1.38和1.40: bare index values
        for g in ("n1", "n2"):
            if m.group(g) and m.start(g) not in taken and _INDEX_UNIT:
                figures.append(_Figure(m.start(g), m.end(g), Quantity(Decimal(m.group(g)), _INDEX_UNIT)))
    for r in find_ranks(text):
        figures.append(_Figure(r.start, r.end, Quantity(r.value, "名"), kind="rank"))
    figures.sort(key=lambda f: f.start)
    return figures


def _bare(doc: Document, qm: QuantityMatch) -> Quantity | None:
    text = doc.text
    try:
        sent = doc.sentence_at(qm.start)
    except ValueError:
        return None
    cs, _ = _clause_bounds(sent, qm.start - sent.start, qm.end - sent.start)
    unit = _unit_for_bare(sent.text[cs : qm.start - sent.start], text[qm.end : qm.end + _UNIT_AFTER])
    if unit is None:
        return None
    q = qm.quantity
    return Quantity(q.value, unit, q.qualifier, q.value_max)


def extract_observations(
    doc: Document, kb: KnowledgeBase, entities: list[EntityRecord], city: str | None
) -> list[ObservationRecord]:
    """Every quantitative statement of ``doc`` as an ObservationRecord (in text order).

    ``entities`` lets a figure refer to the platform or reform it measures; ``city``
    (adcode of the article's city) tells the city's own figures from those of the nation,
    the province or another city, which are dropped (``subjects``).
    A fact repeated in the document yields one record.
    """
    index = index_for(kb)
    subjects = subject_index(kb)
    mentions = _entity_mentions(entities)
    figures = _figures(doc)
    records: list[ObservationRecord] = []
    seen: dict[tuple, list[tuple[int, str, str, set[str]]]] = {}
    by_sentence: dict[int, list[_Figure]] = {}
    for f in figures:
        try:
            s = doc.sentence_at(f.start)
        except ValueError:
            continue
        by_sentence.setdefault(s.index, []).append(f)
    for si, figs in sorted(by_sentence.items()):
        sent = doc.sentences[si]
        _mark_changes(sent, figs)
        previous: ObservationRecord | None = None
        for f in figs:
            view = _window(sent, f)
            rec = _record(doc, view, f, index, mentions.get(si, []), previous)
            previous = rec
            if f.kind == "value" and foreign_subject(subjects, sent.text, f.start - sent.start, city):
                continue  # a national, provincial or other city's figure: never the article city's
            if is_repeat(seen, rec, _clause_text(view, f), near_words(view.text, f.start - view.start, f.end - view.start)):
                continue
            records.append(rec)
    return records


def _window(sent: Sentence, f: _Figure, reach: int = _FIGURE_REACH) -> Sentence:
    """The sentence, cut to ``reach`` characters around the figure when it is very long
    (a text without punctuation must not make extraction quadratic)."""
    if len(sent.text) <= 2 * reach:
        return sent
    lo = max(sent.start, f.start - reach)
    hi = min(sent.end, f.end + reach)
    return Sentence(sent.index, lo, hi, sent.text[lo - sent.start : hi - sent.start])


def _clause_text(sent: Sentence, f: _Figure) -> str:
    cs, ce = _clause_bounds(sent, f.start - sent.start, f.end - sent.start)
    return sent.text[cs:ce]


def _mark_changes(sent: Sentence, figs: list[_Figure]) -> None:
    for a, b in pairwise(figs):
        if a.kind != "value" or b.kind != "value" or a.role or b.role:
            continue
        if a.quantity.unit != b.quantity.unit and a.quantity.unit.split("/")[0] != b.quantity.unit:
            continue
        if is_change(sent.text, a.start - sent.start, a.end - sent.start, b.start - sent.start):
            a.role, b.role = ChangeRole.before, ChangeRole.after


def _record(
    doc: Document,
    sent: Sentence,
    f: _Figure,
    index: IndicatorIndex,
    mentions: list[tuple[int, str]],
    previous: ObservationRecord | None,
) -> ObservationRecord:
    rs, re_ = f.start - sent.start, f.end - sent.start
    cs, ce = _clause_bounds(sent, rs, re_)
    if previous is not None and f.role != ChangeRole.after:  # 在线率95%、出图率85%: words since the last figure
        cs = max(cs, min(rs, previous.mention.end - sent.start))
    before = sent.text[cs:rs]
    after = sent.text[re_:ce]
    q = f.quantity
    before_for_label = f.subject or _subject_words(before, f.role)
    use_after = f.noun_unit + noun_after(after) if f.role is None else ""
    hit = _indicator(index, before_for_label, use_after, q.unit, f.kind)
    if previous is not None and previous.indicator_label and _GROWTH.match(before_for_label):  # 较上年增长18%
        hit = mint(previous.indicator_label + "增长率")
    if hit is None:  # 累计建成8894座: the clause names no noun; the previous figure's does
        if (
            previous is not None
            and previous.indicator_label
            and previous.kind == f.kind
            and compatible(q.unit, previous.unit)
        ):
            hit = IndicatorHit(previous.indicator or "", previous.indicator_label, previous.new_indicator)
            hit = _cumulative(index, hit, before) if _TOTAL.search(before) else hit
        else:  # no noun phrase names it: the figure stays with its sentence, without an indicator
            hit = mint(re.sub(r"[\s“”\"'‘’《》()（）]", "", before_for_label)[-MINTED_MAX:])
    time = _time_for(sent, cs, rs, f)
    return ObservationRecord(
        indicator=hit.iri if hit else None,
        indicator_label=hit.label if hit else "",
        value=q.value,
        unit=q.unit,
        qualifier=q.qualifier,
        mention=Mention(doc.text[f.start : f.end], f.start, f.end, sent.index),
        value_max=q.value_max,
        as_of=(time.as_of or resolve_relative(time.text, doc.date))
        if time
        else None,  # 今年3月: the article's year
        as_of_text=time.text if time else None,
        kind=f.kind,
        change_role=f.role,
        target=is_target(sent.text, rs, re_),
        refers_to=_refers_to(mentions, f.start, doc.text),
        new_indicator=hit.new if hit else False,
    )


def _cumulative(index: IndicatorIndex, hit: IndicatorHit, before: str) -> IndicatorHit:
    """新建5G基站553座,累计建成8894座: the running total is the broader indicator."""
    concept = index.by_iri.get(hit.iri)
    if concept is None or not concept.broader:
        return hit
    broader = index.by_iri.get(concept.broader[0])
    return IndicatorHit(broader.iri, broader.pref_zh, False) if broader else hit


def _subject_words(before: str, role: str | None) -> str:
    """The words naming what a figure measures; for a from-to change, those before 从/由."""
    if role is None:
        return before
    k = max(before.rfind("从"), before.rfind("由"))
    return before[:k] if k > 0 else before


def _indicator(index: IndicatorIndex, before: str, after: str, unit: str, kind: str) -> IndicatorHit | None:
    window = _QUOTES.sub("", before)[-_INDICATOR_BEFORE:]
    after = _QUOTES.sub("", after)
    if kind == "rank":
        base = indicator_name(mint_label(window, "", unit, False).removesuffix("排名"))
        return mint(base + "排名") if base else None
    concept = index.resolve(window, after[:_COUNTED_AFTER] if unit in _COUNTER_UNITS else "", unit)
    if concept is not None:
        return IndicatorHit(concept.iri, concept.pref_zh or concept.labels[0], False)
    label = mint_label(window, after[:_COUNTED_AFTER], unit, unit in _COUNTER_UNITS)
    if not label and not window.strip() and len(after) >= 2:  # 175万元银行贷款注入…: the noun follows
        label = after[:NOUN_MAX]
    return mint(label) if label else None


def _time_for(sent: Sentence, clause_start: int, rel_start: int, f: _Figure):
    if f.role == ChangeRole.before:
        k = max(
            sent.text.rfind("从", clause_start, rel_start), sent.text.rfind("由", clause_start, rel_start)
        )
        if k >= 0:
            inner = time_before(sent.text, k, rel_start)
            if inner is not None:
                return inner
            return time_before(sent.text, 0, k)
    if f.role == ChangeRole.after:
        k = max(
            sent.text.rfind("从", clause_start, rel_start), sent.text.rfind("由", clause_start, rel_start)
        )
        if k >= 0:
            return time_before(sent.text, 0, k)
    return time_before(sent.text, 0, rel_start)


def _entity_mentions(entities: list[EntityRecord]) -> dict[int, list[tuple[int, str]]]:
    out: dict[int, list[tuple[int, str]]] = {}
    for e in entities:
        if e.cls not in MEASURED_CLASSES:
            continue
        for m in e.mentions:
            out.setdefault(m.sentence, []).append((m.start, e.label))
    for v in out.values():
        v.sort()
    return out


def _refers_to(mentions: list[tuple[int, str]], pos: int, text: str) -> str | None:
    """The last platform/project/reform named shortly before the figure in its sentence,
    unless the city itself (全市, 我市 ...) becomes the subject in between."""
    label, end = None, 0
    for start, lab in mentions:
        if start < pos:
            label, end = lab, start + len(lab)
    if label is None or pos - end > _REFER_REACH or _CITY_SUBJECT.search(text, end, pos):
        return None
    return label
