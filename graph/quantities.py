"""Chinese quantity expressions: numerals, scale words, qualifiers, units and ranges.

``parse_quantity`` reads one expression (``"17.46亿条"``); ``find_quantities`` scans a
text with one compiled regex and yields every candidate expression with its span.
Deciding which candidates are *metrics* (not dates, ordinals, names) is the job of
``citykg.graph.metrics``; this module only knows how numbers are written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# ---------------------------------------------------------------- numerals

ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
ZH_SMALL = {"十": 10, "百": 100, "千": 1000}
ZH_BIG = {"万": 10_000, "亿": 100_000_000}
SCALES = {
    "万亿": Decimal(10) ** 12,
    "亿": Decimal(10) ** 8,
    "万": Decimal(10) ** 4,
    "千": Decimal(1000),
    "百": Decimal(100),
}

ZH_NUM = "[零〇一二两三四五六七八九十百千万亿]+"
AR_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


def parse_zh_numeral(s: str) -> Decimal | None:
    """Value of a Chinese numeral, or None when ``s`` is not one.

    >>> [parse_zh_numeral(x) for x in ("十四", "一百二十", "两万三千", "三千零五", "十", "二〇二三")]
    [Decimal('14'), Decimal('120'), Decimal('23000'), Decimal('3005'), Decimal('10'), Decimal('2023')]
    """
    if not s or any(ch not in ZH_DIGITS and ch not in ZH_SMALL and ch not in ZH_BIG for ch in s):
        return None
    if all(ch in ZH_DIGITS for ch in s) and len(s) > 1:  # digit by digit: 二〇二三
        return Decimal("".join(str(ZH_DIGITS[ch]) for ch in s))
    total = section = 0
    digit: int | None = None
    for ch in s:
        if ch in ZH_DIGITS:
            digit = ZH_DIGITS[ch]
        elif ch in ZH_SMALL:
            section += (1 if digit is None else digit) * ZH_SMALL[ch]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            if section == 0:
                section = 1
            if ZH_BIG[ch] == 100_000_000:
                total = (total + section) * ZH_BIG[ch]
            else:
                total += section * ZH_BIG[ch]
            section, digit = 0, None
    return Decimal(total + section + (digit or 0))


def parse_number(s: str) -> Decimal | None:
    """Value of an Arabic, Chinese or mixed number (``1.2万``, ``0.5万``, ``1,234``).

    >>> [parse_number(x) for x in ("1,234", "0.5万", "17.46亿", "两", "3千", "abc")]
    [Decimal('1234'), Decimal('5000'), Decimal('1746000000'), Decimal('2'), Decimal('3000'), None]
    """
    s = s.strip()
    m = re.fullmatch(rf"({AR_NUM})(万亿|亿|万|千|百)?", s)
    if m:
        try:
            value = Decimal(m.group(1).replace(",", ""))
        except InvalidOperation:
            return None
        return _norm(value * SCALES[m.group(2)]) if m.group(2) else _norm(value)
    return parse_zh_numeral(s)


def _norm(d: Decimal) -> Decimal:
    """Drop a meaningless exponent/trailing zeros: 1746000000.00 -> 1746000000."""
    d = d.normalize()
    return d.quantize(Decimal(1)) if d == d.to_integral() else d


# ---------------------------------------------------------------- units

# unit as written -> unit stored (after scaling). Longest alternatives are tried first.
_AS_WRITTEN = (
    "个 项 件 条 家 处 座 路 类 张 份 套 台 辆 架 块 所 次 人 人次 户 名 位 篇 场 种 款 本 笔 宗 例 支 栋 间 "
    "跳 倍 元 美元 床 门 吨 亩 公顷 米 公里 千米 平方米 平方公里 平方千米 立方米 千瓦 兆瓦 千瓦时 "
    "根 杆 只 头 盏 艘 幢 册 部 车次 架次 件次 条次 户次 家次 人天 公斤 千克 GW "
    "秒 毫秒 分钟 小时 天 工作日 周 个月 个百分点 Gbps Mbps Tbps TB PB EB GB T P PFlops EFlops % ‰"
).split()
UNITS: dict[str, str] = {
    **{u: u for u in _AS_WRITTEN},
    "部门": "个",
    "个部门": "个",
    "大领域": "个",
    "大工程": "个",
    "大类": "类",
    "个工作日": "工作日",
    "㎡": "平方米",
    "km": "公里",
    "ms": "毫秒",
    "kW": "千瓦",
    "MW": "兆瓦",
    "人民币": "元",
    "元人民币": "元",
    "％": "%",
    "PFLOPS": "PFlops",
    "EFLOPS": "EFlops",
}
PER_UNITS = ("年", "月", "日", "天", "辆", "人", "次", "户", "件", "平方米", "吨", "小时", "秒", "台", "家")
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_PER_ALT = "|".join(re.escape(u) for u in sorted(PER_UNITS, key=len, reverse=True))

QUAL_PRE = {
    "超过": "more_than",
    "超出": "more_than",
    "突破": "more_than",
    "逾": "more_than",
    "多于": "more_than",
    "高于": "more_than",
    "大于": "more_than",
    "超": "more_than",
    "将近": "approx",
    "接近": "approx",
    "近": "approx",
    "大约": "approx",
    "约为": "approx",
    "约": "approx",
    "不少于": "at_least",
    "不低于": "at_least",
    "不超过": "at_most",
    "不高于": "at_most",
    "不多于": "at_most",
    "不到": "less_than",
    "不足": "less_than",
    "少于": "less_than",
    "低于": "less_than",
    "小于": "less_than",
}
QUAL_POST = {
    "以上": "at_least",
    "以下": "at_most",
    "以内": "at_most",
    "左右": "approx",
    "上下": "approx",
    "余": "more_than",
    "多": "more_than",
}
_PRE_ALT = "|".join(sorted(QUAL_PRE, key=len, reverse=True))
_SCALE = "万亿|亿|万|千(?![瓦米克兆])"
_DASH = "[-~～—–至到]"

QUANTITY_RE = re.compile(
    rf"(?P<pre>{_PRE_ALT})?"
    r"(?P<pct>百分之)?"
    rf"(?<![\dA-Za-z.])(?P<num>{AR_NUM}|{ZH_NUM})"
    r"(?P<q1>余|多)?"
    rf"(?P<scale>{_SCALE})?"
    r"(?P<q2>余|多)?"
    rf"(?:(?P<u1>%)?(?P<dash>{_DASH})(?P<num2>{AR_NUM}|{ZH_NUM})(?P<scale2>{_SCALE})?)?"
    rf"(?: ?(?P<unit>{_UNIT_ALT}))?"
    rf"(?:[/／](?P<per>{_PER_ALT}))?"
    r"(?P<post>以上|以下|以内|左右|上下)?"
)


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


def _from_match(m: re.Match[str]) -> QuantityMatch | None:
    num = m.group("num")
    value = _scaled(num, m.group("scale"))
    if value is None:
        return None
    unit_w = m.group("unit") or ""
    if m.group("pct"):
        unit_w = unit_w or "%"
    if m.group("u1") and not unit_w:
        unit_w = "%"
    unit = UNITS.get(unit_w, unit_w)
    if m.group("per"):
        unit = f"{unit}/{m.group('per')}"
    qualifier = _qualifier(m.group("pre"), m.group("post"), m.group("q2"), m.group("q1"))
    value_max = None
    if m.group("num2"):
        value_max = _scaled(m.group("num2"), m.group("scale2") or m.group("scale"))
        if value_max is None:
            return None
        if m.group("scale2") and not m.group("scale"):
            value = _norm(value * SCALES[m.group("scale2")[0]])
        qualifier = "range"
    zh = not num[0].isdigit()
    return QuantityMatch(
        start=m.start("pct") if m.group("pct") else m.start(),
        end=m.end(),
        quantity=Quantity(value, unit, qualifier, value_max),
        num=num,
        unit_written=unit_w,
        zh=zh,
        scaled=bool(m.group("scale") or m.group("scale2") or (zh and num[-1] in "万亿")),
        percent_words=bool(m.group("pct")),
        approx_word=bool(m.group("q1") or m.group("q2")),
    )


def find_quantities(text: str, measured_only: bool = False) -> Iterator[QuantityMatch]:
    """Every number expression in ``text`` (one regex pass), parsed; not yet judged.
    ``measured_only`` skips bare numbers with neither a unit nor a scale word (2023, 一).

    >>> [(q.num, q.quantity.value, q.quantity.unit) for q in find_quantities("建成5G基站超过3万个")]
    [('5', Decimal('5'), ''), ('3', Decimal('30000'), '个')]
    >>> [q.num for q in find_quantities("2023年建成5G基站超过3万个", measured_only=True)]
    ['3']
    """
    for m in QUANTITY_RE.finditer(text):
        if measured_only and not (
            m.group("unit")
            or m.group("pct")
            or m.group("u1")
            or m.group("scale")
            or m.group("num")[-1] in "万亿"
        ):
            continue
        qm = _from_match(m)
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
    """
    text = text.strip()
    m = QUANTITY_RE.fullmatch(text)
    if m is None:
        return None
    qm = _from_match(m)
    return qm.quantity if qm is not None else None
