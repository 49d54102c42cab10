"""Chinese quantity expressions: numerals, scale words, qualifiers, units and ranges.

``parse_quantity`` reads one expression (``"17.46亿条"``); ``find_quantities`` scans a
text with one compiled regex (plus one for ``N成`` fractions) and yields every candidate
expression with its span. Numerals themselves are read by ``citykg.graph.extract.metrics.numerals``.
Deciding which candidates are *metrics* (not dates, ordinals, names) is the job of
``citykg.graph.extract.metrics.observations``; this module only knows how numbers are written.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from citykg.graph import lang
from citykg.graph.extract.metrics.numerals import (
    AR_NUM,
    SCALES,
    ZH_DIGITS,
    ZH_NUM,
    ZH_SMALL,
    parse_number,
    parse_zh_pair,
)
from citykg.graph.extract.metrics.numerals import norm_decimal as _norm
from citykg.graph.extract.metrics.units import UnitTable, default_units

# ---------------------------------------------------------------- units
# The unit table is data (ontology/units.ttl, read by citykg.graph.extract.metrics.units):
# written form -> the ck:unit string stored. Longest alternatives are tried first.
_TABLE = default_units()
UNITS: dict[str, str] = dict(_TABLE.written)
PER_UNITS = _TABLE.per


def _alternation(forms) -> str:
    return "|".join(re.escape(u) for u in sorted(forms, key=len, reverse=True))


# qualifier words are data: graph/lang/zh/metrics/qualifiers.tsv (position, qualifier, words)
_QUAL_ROWS = lang.rows("zh/metrics/qualifiers.tsv")
_NUMBER_WORDS = {row[0]: row[1] for row in lang.rows("zh/metrics/number-words.tsv")}
QUAL_PRE = {w: q for pos, q, words in _QUAL_ROWS if pos == "before" for w in words.split()}
QUAL_POST = {w: q for pos, q, words in _QUAL_ROWS if pos == "after" for w in words.split()}
_PRE_ALT = "|".join(sorted(QUAL_PRE, key=len, reverse=True))
_SCALE = "万亿|亿|万|千(?![瓦米克兆])"
_DASH = "[-~～—–至到]"

def quantity_regex(table: UnitTable) -> re.Pattern[str]:
    """The one regex that finds quantity expressions, with the units of ``table``."""
    unit_alt = _alternation(table.written)
    per_alt = _alternation(table.per)
    return re.compile(
        rf"(?P<pre>{_PRE_ALT})?"
        r"(?P<pct>百分之)?"
        rf"(?<![\dA-Za-z.])(?P<num>{AR_NUM}|{ZH_NUM})"
        r"(?: ?(?P<q1>余|多))?"
        rf"(?P<scale>{_SCALE})?"
        r"(?P<q2>余|多)?"
        rf"(?:(?P<u1>%)?(?P<dash>{_DASH})(?P<num2>{AR_NUM}|{ZH_NUM})(?P<scale2>{_SCALE})?)?"
        rf"(?: ?(?P<unit>{unit_alt}))?"
        rf"(?:[/／](?P<per>{per_alt}))?"
        r"(?P<post>以上|以下|以内|左右|上下)?"
        rf"(?P<within>内(?![{_NUMBER_WORDS['not-within']}]))?"
    )


QUANTITY_RE = quantity_regex(_TABLE)
_REGEXES: dict[int, tuple[UnitTable, re.Pattern[str]]] = {id(_TABLE): (_TABLE, QUANTITY_RE)}


def _regex_for(table: UnitTable) -> re.Pattern[str]:
    hit = _REGEXES.get(id(table))
    if hit is None or hit[0] is not table:
        hit = _REGEXES[id(table)] = (table, quantity_regex(table))
    return hit[1]
# 3分钟内, 5个工作日内, 3公里内: "within" (not 5家内资, 3个内设机构)
_WITHIN_KINDS = ("time", "length")


@dataclass(frozen=True)
class Quantity:
    """A parsed amount in base units (万/亿 applied, money in 元)."""

    value: Decimal
    unit: str
    qualifier: str = "exact"
    value_max: Decimal | None = None


@dataclass(frozen=True)
class QuantityMatch:
    """A candidate quantity found in a text: span, parse and the regex groups."""

    start: int
    end: int
    quantity: Quantity
    num: str  # the numeral as written
    unit_written: str  # the unit as written ("" when none)
    zh: bool  # written in Chinese numerals
    scaled: bool  # a scale word (万, 亿) was written
    percent_words: bool  # 百分之…
    approx_word: bool  # 余/多 written next to the numeral


def _qualifier(pre: str | None, *posts: str | None) -> str:
    for p in posts:
        if p:
            return QUAL_POST[p]
    return QUAL_PRE[pre] if pre else "exact"


def _scaled(num: str, scale: str | None) -> Decimal | None:
    v = parse_number(num)
    if v is None:
        return None
    if scale:
        v = v * SCALES[scale[:2] if scale.startswith("万亿") else scale[0]]
    return _norm(v)


def _from_match(m: re.Match[str], table: UnitTable = _TABLE) -> QuantityMatch | None:
    num = m.group("num")
    value = _scaled(num, m.group("scale"))
    if value is None:
        return None
    unit_w = m.group("unit") or ""
    if m.group("pct"):
        unit_w = unit_w or "%"
    if m.group("u1") and not unit_w:
        unit_w = "%"
    unit = table.written.get(unit_w, unit_w)
    if m.group("per"):
        unit = f"{unit}/{m.group('per')}"
    within = bool(m.group("within")) and bool(unit) and table.kind(unit) in _WITHIN_KINDS and not m.group("post")
    post = m.group("post") or ("以内" if within else None)
    qualifier = _qualifier(m.group("pre"), post, m.group("q2"), m.group("q1"))
    value_max = None
    zh = not num[0].isdigit()
    pair = parse_zh_pair(num) if zh else None
    if pair is not None:  # 两三万人, 五六十个: an approximate range
        if m.group("num2"):
            return None
        scale = _scaled("一", m.group("scale")) or Decimal(1)
        value, value_max, qualifier = _norm(pair[0] * scale), _norm(pair[1] * scale), "range"
    elif m.group("num2"):
        value_max = _scaled(m.group("num2"), m.group("scale2") or m.group("scale"))
        if value_max is None:
            return None
        if m.group("scale2") and not m.group("scale"):
            value = _norm(value * SCALES[m.group("scale2")[0]])
        qualifier = "range"
    return QuantityMatch(
        start=m.start("pct") if m.group("pct") else m.start(),
        end=m.end() if within or not m.group("within") else m.start("within"),
        quantity=Quantity(value, unit, qualifier, value_max),
        num=num,
        unit_written=unit_w,
        zh=zh,
        scaled=bool(m.group("scale") or m.group("scale2") or (zh and num[-1] in "万亿")),
        percent_words=bool(m.group("pct")),
        approx_word=bool(m.group("q1") or m.group("q2")),
    )


# -- tenths: 七成 = 70 %
# words beginning with 成 that follow a digit without being a fraction (三成都, 二成立, 九成为)
_CHENG_WORDS = _NUMBER_WORDS["not-tenths"]
_PERCENT_PER_TENTH = 10  # 一成 is a tenth: 10 %
TENTHS_RE = re.compile(
    r"(?<![零〇一二两三四五六七八九十百千万亿\d.])(?P<num>[一二两三四五六七八九十]|[1-9]|10)成"
    rf"(?![{_CHENG_WORDS}])(?P<q>余|多)?(?P<post>以上|以下|以内|左右|上下)?"
)
_PRE_BY_LENGTH = sorted(QUAL_PRE, key=len, reverse=True)
_BEFORE_ONE = set(_NUMBER_WORDS["before-tenths"])  # 统一成, 逐一成: not 一成


def _tenths(text: str) -> list[QuantityMatch]:
    """``N成`` fractions as percentages: 近七成 -> 70 % approx, 八成以上 -> 80 % at least, 超7成.

    >>> [(t.quantity.value, t.quantity.qualifier) for t in _tenths("减少近七成,八成以上,三成多")]
    [(Decimal('70'), 'approx'), (Decimal('80'), 'at_least'), (Decimal('30'), 'more_than')]
    >>> _tenths("统一成立,三成都市区,九成为")
    []
    """
    if "成" not in text:
        return []
    out = []
    for m in TENTHS_RE.finditer(text):
        start = m.start()
        pre = next((p for p in _PRE_BY_LENGTH if text.endswith(p, 0, start)), None)
        prev = text[start - 1 : start]
        if (
            m.group("num") == "一"
            and not pre
            and prev
            and prev not in _BEFORE_ONE
            and "\u4e00" <= prev <= "\u9fff"
        ):
            continue
        num = m.group("num")
        value = Decimal(_PERCENT_PER_TENTH * (int(num) if num.isdigit() else ZH_DIGITS.get(num) or ZH_SMALL[num]))
        qualifier = _qualifier(pre, m.group("post"), m.group("q"))
        out.append(
            QuantityMatch(
                start=start - len(pre or ""),
                end=m.end(),
                quantity=Quantity(value, "%", qualifier),
                num=m.group("num"),
                unit_written="成",
                zh=not num.isdigit(),
                scaled=False,
                percent_words=True,
                approx_word=bool(m.group("q")),
            )
        )
    return out


def find_quantities(
    text: str, measured_only: bool = False, units: UnitTable | None = None
) -> Iterator[QuantityMatch]:
    """Every number expression in ``text`` (one regex pass, plus one for 成), parsed; not
    yet judged. ``measured_only`` skips bare numbers with neither a unit nor a scale word;
    ``units`` is the unit table (default: ontology/units.ttl).

    >>> [(q.num, q.quantity.value, q.quantity.unit) for q in find_quantities("建成5G基站超过3万个")]
    [('5', Decimal('5'), ''), ('3', Decimal('30000'), '个')]
    >>> [q.num for q in find_quantities("2023年建成5G基站超过3万个", measured_only=True)]
    ['3']
    >>> [(q.num, q.quantity.value) for q in find_quantities("占比近三成,共200个")]
    [('三', Decimal('30')), ('200', Decimal('200'))]
    """
    table = units or _TABLE
    tenths = _tenths(text)
    if tenths:
        starts = [t.start for t in tenths]

        def overlaps(q: QuantityMatch) -> bool:  # tenths are sorted and disjoint
            i = bisect.bisect_left(starts, q.end) - 1
            return i >= 0 and tenths[i].end > q.start

        main = (q for q in _find_main(text, measured_only, table) if not overlaps(q))
        yield from heapq.merge(main, tenths, key=lambda q: q.start)
    else:
        yield from _find_main(text, measured_only, table)


def _find_main(text: str, measured_only: bool, table: UnitTable) -> Iterator[QuantityMatch]:
    for m in _regex_for(table).finditer(text):
        if measured_only and not (
            m.group("unit")
            or m.group("pct")
            or m.group("u1")
            or m.group("scale")
            or m.group("num")[-1] in "万亿"
        ):
            continue
        qm = _from_match(m, table)
        if qm is not None:
            yield qm


def parse_quantity(text: str) -> Quantity | None:
    """Parse one quantity expression; None unless the whole text is one.

    >>> parse_quantity("17.46亿条")
    Quantity(value=Decimal('1746000000'), unit='条', qualifier='exact', value_max=None)
    >>> parse_quantity("795.5万元")
    Quantity(value=Decimal('7955000'), unit='元', qualifier='exact', value_max=None)
    >>> parse_quantity("53万元/年").unit, parse_quantity("超过2200个").qualifier
    ('元/年', 'more_than')
    >>> parse_quantity("3-5秒")
    Quantity(value=Decimal('3'), unit='秒', qualifier='range', value_max=Decimal('5'))
    >>> parse_quantity("百分之九十"), parse_quantity("2023年")
    (Quantity(value=Decimal('90'), unit='%', qualifier='exact', value_max=None), None)
    >>> parse_quantity("近九成"), parse_quantity("两三万人").value_max
    (Quantity(value=Decimal('90'), unit='%', qualifier='approx', value_max=None), Decimal('30000'))
    """
    text = text.strip()
    m = QUANTITY_RE.fullmatch(text)
    if m is None:
        tenths = _tenths(text)
        whole = len(tenths) == 1 and (tenths[0].start, tenths[0].end) == (0, len(text))
        return tenths[0].quantity if whole else None
    qm = _from_match(m)
    return qm.quantity if qm is not None and qm.end == len(text) else None
