"""Which number expressions are metrics, and what their context says.

Pure text rules used by ``citykg.graph.extract.metrics.observations``: rejecting dates, ordinals, names
and idioms; finding rank statements, time anchors, target cues and from-to changes.
Nothing here is specific to one article or city.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from citykg.graph import lang
from citykg.graph.extract.metrics.quantities import QuantityMatch, parse_number
from citykg.graph.extract.metrics.units import default_units
from citykg.graph.ingest.dates import YEAR_CHARS, is_day, is_month
from citykg.graph.records import Qualifier

CLAUSE_BREAK = re.compile(r"[,，;；:：。!！?？()（）\n]")

# -- rejection --------------------------------------------------------------
_SINGLE_SCALE = set("百千万亿")
# Chinese numerals below TINY_ZH_COUNT (一, 两) are wording, never figures; those below
# SMALL_ZH_COUNT (三..九) are figures unless they sum up the list before them
TINY_ZH_COUNT = 3
SMALL_ZH_COUNT = 10
#: characters either side of a figure read by the rejection rules (第, 倍, idioms, slogans)
_REJECT_REACH = 12
#: characters either side of a figure searched for the quote marks of a slogan (“30秒审批”)
_SLOGAN_REACH = 10
#: characters before a figure searched for an open 《 (a figure inside a document title)
_TITLE_REACH = 60
#: characters before a figure read for 已 (already done: not a target) and back from A for 从/由
_TARGET_REACH, _CHANGE_FROM_REACH = 12, 16
_FIVE_YEAR = re.compile(r"十[一二三四五六七八九]五")
_CONTEXT = {row[0]: row[1].split() for row in lang.rows("zh/metrics/figure-context.tsv")}


def context_alt(role: str) -> str:
    """The words of one role of figure-context.tsv as a regex alternation (file order)."""
    return "|".join(lang.as_regex(w) for w in _CONTEXT.get(role, [])) or "(?!)"


_AFTER_REJECT = re.compile(f"^(?:{context_alt('descriptor-after')})")
_RING = re.compile(r"^[^,，。;；、]{0,5}圈")
_PEER_GROUP = re.compile(f"^[^,，。;；]{{0,8}}?(?:{context_alt('peer-group')})")
_SPEECH_NOUN = re.compile(f"^(?:{context_alt('speech-noun')})")
_ATTENDANCE = re.compile(f"^[^,，。;；]{{0,12}}?(?:{context_alt('attendance')})")
_TIME_SPAN_BEFORE = tuple(_CONTEXT.get("time-span-before", ()))
_ONE_OF = re.compile(r"^[^,，。;；]{0,12}?之一")
_ADDRESS = re.compile(r"\d+[区号幢期楼]$")
_LATIN_UNITS = re.compile(r"^[A-Za-z]+$")
# a one-character unit that is really the first character of a word (3部委, 5门诊, 2台州)
_UNIT_NOT_BEFORE = {row[0]: row[1] for row in lang.rows("zh/metrics/unit-not-before.tsv")}
_UNITS = default_units()
# a single one of a physical unit is a figure (1秒, 1%); a single counted thing is not (1个平台)
_MEASURE_ONE = {u for u in set(_UNITS.written.values()) if _UNITS.kind(u) not in ("count", "rank")}
_IDIOM_HOURS = {("24", "小时"), ("365", "天"), ("7", "天")}
# 数十万, 几百家, 若干千: an order of magnitude, not a figure (上千/近千 are kept)
_VAGUE_BEFORE = tuple(_CONTEXT.get("vague-before", ()))


def reject_reason(text: str, qm: QuantityMatch) -> str | None:
    """Why the candidate is not a metric (``None``: keep it).

    >>> from citykg.graph.extract.metrics.quantities import find_quantities
    >>> s = "2023年建成5G基站1959处,第3条,两个平台,24小时自助服务"
    >>> [(q.num, reject_reason(s, q)) for q in find_quantities(s)]
    [('2023', 'no unit'), ('5', 'no unit'), ('1959', None), ('3', 'ordinal'), ('两', 'small chinese numeral'), ('24', 'idiom')]
    """
    before = text[max(0, qm.start - _REJECT_REACH) : qm.start]
    after = text[qm.end : qm.end + _REJECT_REACH]
    unit = qm.quantity.unit
    if before.endswith("第"):
        return "ordinal"
    if before.endswith(("前", "TOP", "Top", "top")):
        return "top-n"
    if qm.zh and not qm.percent_words:
        small = qm.quantity.value < SMALL_ZH_COUNT and not qm.scaled
        tiny = qm.quantity.value < TINY_ZH_COUNT or qm.quantity.qualifier == Qualifier.range  # 三四个: vague
        if small and tiny and qm.unit_written != "倍":  # 增长两倍 is a figure
            return "small chinese numeral"  # 一个平台, 两项制度: an article's wording, not a figure
        if small and "、" in CLAUSE_BREAK.split(before)[-1]:
            return "enumeration"  # A、B、C、D四个维度: the count of the list just written
        if qm.num[0] in "十百千万亿" and before.endswith(_VAGUE_BEFORE):
            return "vague amount"
        prefixed = not text.startswith(qm.num, qm.start)  # 近千家, 超万人
        if len(qm.num) == 1 and qm.num in _SINGLE_SCALE and not (qm.approx_word or prefixed):
            return "bare scale word"
        if _FIVE_YEAR.search(qm.num) or qm.unit_written.startswith("大"):
            return "name"
    if not unit:
        return None if qm.scaled else "no unit"
    if _AFTER_REJECT.match(after):
        return "descriptor"
    if after[:1] and after[0] in _UNIT_NOT_BEFORE.get(qm.unit_written, ""):
        return "unit is part of a word"
    if _LATIN_UNITS.match(qm.unit_written) and re.match(r"^[A-Za-z\d]", after):
        return "name"
    if _ONE_OF.match(after):
        return "one of a group"
    if _SPEECH_NOUN.match(after):
        return "structure of a text"
    if _ATTENDANCE.match(after):
        return "attendance"
    if _UNITS.kind(unit) == "time" and (
        text.startswith("近", qm.start) or before.endswith(_TIME_SPAN_BEFORE)
    ):
        return "time span"
    if unit in ("栋", "幢", "间") and _ADDRESS.search(before):
        return "address"
    if qm.quantity.value == 1 and not qm.scaled and unit not in _MEASURE_ONE:
        return "single item"
    if (
        (qm.num, unit) in _IDIOM_HOURS
        and qm.quantity.qualifier != Qualifier.at_most  # 24小时内, 24小时以内
        and not re.match(r"^(?:内|以内|办结|完成)", after)
    ):
        return "idiom"
    if before.endswith(("×", "*", "x")):
        return "idiom"
    if _UNITS.kind(unit) in ("time", "length") and _RING.match(after):  # 15分钟生活圈
        return "name"
    if qm.quantity.qualifier != Qualifier.range and _PEER_GROUP.match(after) and unit not in ("%",):
        return "peer group"
    if _inside_title(text, qm.start):
        return "title"
    if _inside_slogan(text, qm.start, qm.end):
        return "slogan"
    return None


def _inside_slogan(text: str, start: int, end: int) -> bool:
    """A figure inside a short quoted name or slogan: “30秒审批”, “15分钟办结”."""
    head = text[max(0, start - _SLOGAN_REACH) : start]
    tail = text[end : end + _SLOGAN_REACH]
    open_ = head.rfind("“")
    close = tail.find("”")
    return open_ > head.rfind("”") and close >= 0 and "“" not in tail[:close]


def _inside_title(text: str, pos: int) -> bool:
    head = text[max(0, pos - _TITLE_REACH) : pos]
    return head.rfind("《") > head.rfind("》")


# -- ranks ------------------------------------------------------------------
RANK_RE = re.compile(
    f"(?P<pre>{context_alt('rank-verb')})?"
    f"(?P<scope>{context_alt('rank-scope')})?"
    r"(?:第(?P<n>[一二三四五六七八九十]{1,3}|\d{1,3})(?P<u>位|名)?"
    f"(?![{''.join(_CONTEXT.get('ordinal-noun', ()))}\\d])"
    f"|(?P<top>{context_alt('rank-top')}))"
)
_RANK_CONTEXT = re.compile(f"(?:{context_alt('rank-cue')})")


@dataclass(frozen=True)
class RankMatch:
    start: int
    end: int
    value: Decimal


def find_ranks(text: str) -> list[RankMatch]:
    """Ordinal positions in a ranking (位列第一, 全省第一位, 居…首位) as rank 1, 2, ...

    >>> [(r.value, "…") for r in find_ranks("位居全省第一位,第一批试点,居同类城市首位")]
    [(Decimal('1'), '…'), (Decimal('1'), '…')]
    """
    out: list[RankMatch] = []
    for m in RANK_RE.finditer(text):
        clause_start = _clause_start(text, m.start())
        left = text[clause_start : m.start()]
        if not (m.group("pre") or m.group("scope") or _RANK_CONTEXT.search(left)):
            continue
        if m.group("top"):
            if not (m.group("pre") or re.search(r"(?:居|位列|排名|位居|列)[^,，。;；]*$", left)):
                continue
            value = Decimal(1)
        else:
            n = parse_number(m.group("n"))
            if n is None or n == 0:
                continue
            if not (m.group("u") or m.group("pre") or m.group("scope")):
                continue
            nxt = text[m.end() : m.end() + 1]
            if not m.group("u") and nxt and "\u4e00" <= nxt <= "\u9fff":  # 全国第一家, 第一时间
                continue
            value = n
        start = (
            m.start("scope") if m.group("scope") else (m.start("n") - 1 if m.group("n") else m.start("top"))
        )
        out.append(RankMatch(start, m.end(), value))
    return out


def _clause_start(text: str, pos: int, floor: int = 0) -> int:
    i = pos - 1
    while i >= floor and not CLAUSE_BREAK.match(text[i]):
        i -= 1
    return i + 1


# -- time anchors -----------------------------------------------------------
_TL = context_alt("time-this-last")  # 今年|去年
TIME_RE = re.compile(
    rf"(?P<rel>(?:自|从)?(?:19|20)\d{{2}}年(?:以来|来)|(?:{_TL})?\d{{1,2}}[-~至]\d{{1,2}}月(?:份)?|"
    rf"(?:{_TL})\d{{1,2}}月(?:\d{{1,2}}日)?(?:底|末|份)?|(?:{_TL})(?:底|末|年底|年末)|"
    rf"(?:截至|截止到?)\d{{1,2}}月(?:\d{{1,2}}日)?(?:底|末)?|{context_alt('time-relative')})"
    r"|(?P<ym>(?:截至|截止到?|到|至)?(?P<y1>(?:19|20)\d{2})年(?P<m1>\d{1,2})月(?:(?P<d1>\d{1,2})日)?(?:底|末|份)?)"
    rf"|(?P<y>(?:截至|截止到?|到|至)?(?P<y2>(?:19|20)\d{{2}})年(?:{context_alt('year-part')})?)"
)


@dataclass(frozen=True)
class TimeAnchor:
    as_of: str | None
    text: str


def time_before(text: str, start: int, end: int) -> TimeAnchor | None:
    """The last time expression in ``text[start:end]`` (截至目前/目前 are not times).

    >>> time_before("截至2022年12月,我国网民规模已达", 0, 17)
    TimeAnchor(as_of='2022-12', text='截至2022年12月')
    >>> time_before("今年以来,办理企业诉求", 0, 11).text
    '今年以来'
    """
    last = None
    for m in TIME_RE.finditer(text, start, end):
        last = m
    if last is None:
        return None
    if last.group("ym"):
        y, mo, d = last.group("y1"), int(last.group("m1")), last.group("d1")
        if not is_month(mo):
            return None
        iso = f"{y}-{mo:02d}" + (f"-{int(d):02d}" if d and is_day(int(d)) else "")
        return TimeAnchor(iso, last.group(0))
    if last.group("y"):
        return TimeAnchor(last.group("y2"), last.group(0))
    return TimeAnchor(None, last.group(0))


_REL_MONTH = re.compile(r"(?P<year>今年|去年)?(?:截至|截止到?)?(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?")
_REL_YEAR = re.compile(r"(?P<year>今年|去年)|^(?:上半年|下半年|前三季度|年初以来)")


def resolve_relative(text: str, doc_date: str | None) -> str | None:
    """A relative time expression made absolute by the article's date (YYYY[-MM[-DD]]), or None.

    >>> [resolve_relative(t, "2024-08-12") for t in ("今年3月", "去年底", "上半年", "截至6月底", "近年来")]
    ['2024-03', '2023', '2024', '2024-06', None]
    >>> resolve_relative("今年以来", None)
    """
    if not doc_date or not re.match(r"\d{4}", doc_date):
        return None
    year = int(doc_date[:YEAR_CHARS])
    m = _REL_MONTH.search(text)
    if m and not re.search(r"\d{1,2}[-~至]\d{1,2}月", text):
        y = year - 1 if m.group("year") == "去年" else year
        month = int(m.group("m"))
        if not is_month(month):
            return None
        day = m.group("d")
        return f"{y}-{month:02d}" + (f"-{int(day):02d}" if day and is_day(int(day)) else "")
    m = _REL_YEAR.search(text)
    if m:
        return str(year - 1 if m.group("year") == "去年" else year)
    return None


# -- targets ------------------------------------------------------------------
TARGET_CUE = re.compile(context_alt("target"))


def is_target(sentence: str, rel_start: int, rel_end: int) -> bool:
    """A planned figure: a cue before it in the sentence (no 已 in between) or 目标 after it.

    >>> is_target("2025年争取新建5G基站900座", 17, 21), is_target("2025年已新建5G基站553座", 15, 19)
    (True, False)
    """
    cue = None
    for m in TARGET_CUE.finditer(sentence, 0, rel_start):
        cue = m
    if cue is not None and "已" not in sentence[cue.end() : rel_start]:
        return True
    clause_end = CLAUSE_BREAK.search(sentence, rel_end)
    tail = sentence[rel_end : clause_end.start() if clause_end else len(sentence)]
    return "目标" in tail and "已" not in sentence[:rel_start][-_TARGET_REACH:]


# -- changes --------------------------------------------------------------------
CHANGE_BETWEEN = re.compile(f"[^,，。;；:：]{{0,8}}?(?:{context_alt('change-verb')})?(?:到|至|为)")


def is_change(text: str, a_start: int, a_end: int, b_start: int) -> bool:
    """``从/由 A … 上升至 B``: A is the earlier value, B the later one.

    >>> s = "月均流转处置城市管理类问题从14万余件上升至62万余件"
    >>> a, b = s.index("14"), s.index("62")
    >>> is_change(s, a, a + 5, b)
    True
    """
    if not CHANGE_BETWEEN.fullmatch(text, a_end, b_start):
        return False
    clause_start = _clause_start(text, a_start)
    head = text[max(clause_start, a_start - _CHANGE_FROM_REACH) : a_start]
    return "从" in head or "由" in head
