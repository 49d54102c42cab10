"""Resolve what a number measures: an indicator of the scheme, or a new uncurated one.

The indicator scheme (``ontology/schemes/indicators.ttl``) is data; this module matches
its labels against the words around a number: the clause before it (``累计建设5G基站``
in ``累计建设5G基站1959处``) and, for counts, the noun after it (``200个智慧社区``).
The longest label wins, a label right after a count beats one before it, and
``ck:expectedUnit`` rules out indicators measured in another kind of unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citykg.graph import lang
from citykg.graph.extract.metrics.rules import context_alt
from citykg.graph.extract.metrics.units import default_units
from citykg.graph.kb import KB_CACHE_SIZE, Concept, KnowledgeBase
from citykg.namespaces import uncurated_concept_iri

_UNITS = default_units()  # unit kinds are data: ck:unitKind in ontology/units.ttl


def unit_group(unit: str) -> str:
    """The kind of a unit: counts (个, 条, 家, 人 ...) share one group.

    >>> unit_group("个"), unit_group("处"), unit_group("元/年"), unit_group("%")
    ('count', 'count', 'money/rate', 'pct')
    """
    base, _, per = unit.partition("/")
    group = _UNITS.kind(base)
    return f"{group}/rate" if per else group


def compatible(unit: str, expected: str | None) -> bool:
    """Whether an observed unit can measure an indicator expecting ``expected``.

    >>> compatible("处", "个"), compatible("%", "个"), compatible("T", "TB"), compatible("元", None)
    (True, False, True, True)
    """
    if not expected:
        return True
    a, b = unit_group(unit), unit_group(expected)
    return a == b or {a, b} == {"storage", "bandwidth"}


@dataclass(frozen=True)
class IndicatorHit:
    iri: str
    label: str  # prefLabel of a curated indicator, or the minted label
    new: bool

#: how an indicator label near a figure is scored (``IndicatorIndex.resolve``): LABEL_WEIGHT per
#: character of the label (a longer label is more specific), minus a point per BEFORE_DECAY
#: characters between a label before the figure and the figure, or per AFTER_DECAY characters
#: for one after it, which starts AFTER_BONUS ahead (a label right after a count is the counted
#: noun: 200个智慧社区); UNIT_BONUS when the figure's unit is the indicator's expected unit
LABEL_WEIGHT, BEFORE_DECAY, AFTER_DECAY, AFTER_BONUS, UNIT_BONUS = 2, 4, 2, 2, 1.5


class IndicatorIndex:
    """Label lookup over the indicator scheme, compiled once per knowledge base."""

    def __init__(self, indicators: list[Concept]) -> None:
        self.by_label: dict[str, Concept] = {}
        self.by_iri: dict[str, Concept] = {c.iri: c for c in indicators}
        for c in sorted(indicators, key=lambda c: c.iri):
            for label in c.labels:
                if len(label) >= 2:
                    self.by_label.setdefault(label, c)
        alts = sorted(self.by_label, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, alts))) if alts else None

    def _occurrences(self, window: str) -> list[tuple[int, str]]:
        """Every (start, label) in window, overlapping ones included."""
        if self.pattern is None:
            return []
        out = []
        pos = 0
        while True:
            m = self.pattern.search(window, pos)
            if m is None:
                return out
            out.append((m.start(), m.group(0)))
            pos = m.start() + 1

    def resolve(self, before: str, after: str, unit: str) -> Concept | None:
        """The best indicator for a number with ``before``/``after`` context and ``unit``."""
        best: tuple[float, Concept] | None = None
        for where, window in (("before", before), ("after", after)):
            for start, label in self._occurrences(window):
                c = self.by_label[label]
                if not compatible(unit, c.expected_unit):
                    continue
                if where == "before":
                    distance = len(window) - (start + len(label))
                    score = LABEL_WEIGHT * len(label) - distance / BEFORE_DECAY
                else:
                    score = LABEL_WEIGHT * len(label) + AFTER_BONUS - start / AFTER_DECAY
                if c.expected_unit == unit:
                    score += UNIT_BONUS
                if best is None or score > best[0]:
                    best = (score, c)
        return best[1] if best else None


_INDEXES: dict[int, tuple[KnowledgeBase, IndicatorIndex]] = {}
#: most characters of a counted noun after a figure, and of a label minted before one
NOUN_MAX, MINTED_MAX = 10, 16


def index_for(kb: KnowledgeBase) -> IndicatorIndex:
    """The indicator index of ``kb``, built once per knowledge base object."""
    hit = _INDEXES.get(id(kb))
    if hit is None or hit[0] is not kb:
        if len(_INDEXES) > KB_CACHE_SIZE:
            _INDEXES.clear()
        hit = _INDEXES[id(kb)] = (kb, IndicatorIndex(kb.indicators))
    return hit[1]


# -- minting a label for an indicator the scheme does not know -------------------
_LABEL_WORDS = {row[0]: row[1].split() for row in lang.rows("zh/metrics/indicator-label-words.tsv")}


def _label_alt(role: str) -> str:
    """The words of one role of indicator-label-words.tsv as a regex alternation (file order)."""
    return "|".join(lang.as_regex(w) for w in _LABEL_WORDS.get(role, [])) or "(?!)"


_LEAD = re.compile(f"^(?:(?:{_label_alt('lead')})+)")
_TRAIL = re.compile(f"(?:{_label_alt('trail')})+$")
_VERB = re.compile(f".*(?:{_label_alt('verb')})")
_TIME_WORDS = re.compile(
    r"(?:截至|截止到?|到|至)?(?:19|20)\d{2}年(?:\d{1,2}月)?(?:底|末|初|上半年|下半年|度|全年)?|"
    + context_alt("time-word")
)
_AFTER_STOP = re.compile(r"[,，。;；、:：()（）“”\"《》\d]|" + _label_alt("noun-end"))


def noun_after(after: str) -> str:
    """The noun a count is of: ``200个智慧社区建成`` -> ``智慧社区`` (up to the first stop word).

    >>> noun_after("智慧社区,覆盖率"), noun_after("部门合作开发服务接口")
    ('智慧社区', '部门')
    """
    m = _AFTER_STOP.search(after)
    return (after[: m.start()] if m else after)[:NOUN_MAX]


def mint_label(before: str, after: str, unit: str, counter: bool) -> str:
    """A readable indicator label from the sentence's measured noun phrase ("" if none).

    >>> mint_label("累计归集各类政务数据", "", "条", False)
    '各类政务数据'
    >>> mint_label("建成超过", "智慧社区", "个", True)
    '智慧社区数'
    >>> mint_label("2025年争取新建5G基站", "", "座", False), mint_label("累计建成", "", "座", False)
    ('5G基站', '')
    >>> mint_label("对区内建筑、", "", "公里", False)
    '区内建筑'
    """
    noun = noun_after(after) if counter else ""
    if len(noun) >= 2:
        return noun if noun.endswith(("数", "量")) else noun + "数"
    head = _TIME_WORDS.sub("", before)
    head = re.sub(r"[“”\"'‘’「」]", "", head)
    head = head.rstrip("、")  # 2.4万栋建筑、860公里…: the list separator is not part of the noun
    head = head[head.rfind("、") + 1 :] if len(head) - head.rfind("、") > 2 else head
    head = _TRAIL.sub("", head)
    m = _VERB.match(head)
    if m and len(head) - m.end() >= 2:
        head = head[m.end() :]
    head = _TRAIL.sub("", _LEAD.sub("", head))
    head = head.strip("“”\"'‘’ 「」")
    if len(head) < 2 or _VERB.fullmatch(head):
        return ""
    return head[-MINTED_MAX:]


def _label_re(role: str, template: str) -> re.Pattern[str]:
    return re.compile(template.format(_label_alt(role)))


_STRIP_START = _label_re("strip-start", "^(?:{})+")
_STRIP_END = _label_re("strip-end", "(?:{})+$")
_REJECT_START = _label_re("reject-start", "^(?:{})")
_REJECT_END = _label_re("reject-end", "(?:{})$")
_REJECT_ANY = _label_re("reject-any", "(?:{})")
MIN_LABEL_CHARS = 2  # a one-character "name" (数, 率) names nothing
MAX_LABEL_CHARS = 14  # longer than this, a phrase is a clause rather than a name


def indicator_name(label: str) -> str:
    """The noun phrase a minted indicator may be named by, or "" when ``label`` is a sentence
    fragment (word lists: graph/lang/zh/metrics/indicator-label-words.tsv).

    >>> [indicator_name(x) for x in ("提升煤炭产量", "智慧社区数", "培育出", "三级公立医院和")]
    ['煤炭产量', '智慧社区数', '', '']
    >>> [indicator_name(x) for x in ("以前开车走黄河南路全程", "两份数据资产经价值评估分别估值", "财政支出")]
    ['', '', '财政支出']
    """
    name = _STRIP_END.sub("", _STRIP_START.sub("", label.strip()))
    if len(name) > MAX_LABEL_CHARS and "的" in name[:-1]:  # 涉及…等领域的大数据应用项目: the head after 的
        name = name[name.rfind("的") + 1 :]
        label = name
    if not MIN_LABEL_CHARS <= len(name) <= MAX_LABEL_CHARS:
        return ""
    if _REJECT_START.search(label) or _REJECT_START.search(name) or _REJECT_END.search(name):
        return ""
    if _REJECT_ANY.search(name) or _VERB.fullmatch(name):
        return ""
    return name


def mint(label: str) -> IndicatorHit | None:
    """A new (uncurated) indicator named ``label``, or None when the label is no noun phrase."""
    name = indicator_name(label)
    if not name:
        return None
    return IndicatorHit(str(uncurated_concept_iri("indicator", name)), name, True)
