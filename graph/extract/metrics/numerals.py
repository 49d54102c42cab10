"""Chinese and Arabic numerals: 十四, 两万三千, 二〇二三, 1,234, 0.5万, and 一两 / 五六十 pairs.

Pure helpers used by ``citykg.graph.extract.metrics.quantities`` (which adds units, qualifiers and
ranges); nothing here knows about articles or metrics.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

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


def parse_zh_pair(s: str) -> tuple[Decimal, Decimal] | None:
    """Two adjacent consecutive digits meaning "N or N+1", as (low, high); else None.

    Ordinary numerals never put two digits side by side (一百二十三), so 一两周, 三四个,
    五六十, 十五六, 两三万 are approximate ranges, not 12, 34, 560. Digit-by-digit
    numbers (二〇二三, 一二三) are not pairs.

    >>> [parse_zh_pair(x) for x in ("一两", "五六十", "十五六", "两三万")]
    [(Decimal('1'), Decimal('2')), (Decimal('50'), Decimal('60')), (Decimal('15'), Decimal('16')), (Decimal('20000'), Decimal('30000'))]
    >>> [parse_zh_pair(x) for x in ("二〇二三", "一二三", "二五", "一百二十三", "十四")]
    [None, None, None, None, None]
    """
    if "〇" in s or "零" in s:
        return None
    if len(s) > 2 and all(ch in ZH_DIGITS for ch in s):
        return None
    for i in range(len(s) - 1):
        a, b = ZH_DIGITS.get(s[i]), ZH_DIGITS.get(s[i + 1])
        if a is None or b is None:
            continue
        if b != a + 1:
            return None
        low = parse_zh_numeral(s[:i] + s[i] + s[i + 2 :])
        high = parse_zh_numeral(s[:i] + s[i + 1 :])
        return (low, high) if low is not None and high is not None else None
    return None


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
        return norm_decimal(value * SCALES[m.group(2)]) if m.group(2) else norm_decimal(value)
    return parse_zh_numeral(s)


def norm_decimal(d: Decimal) -> Decimal:
    """Drop a meaningless exponent/trailing zeros: 1746000000.00 -> 1746000000."""
    d = d.normalize()
    return d.quantize(Decimal(1)) if d == d.to_integral() else d
