"""Chinese and Arabic numerals: 十四, 两万三千, 二〇二三, 1,234, 0.5万, and 一两 / 五六十 pairs.

Pure helpers used by ``citykg.graph.extract.metrics.quantities`` (which adds units, qualifiers and
ranges); nothing here knows about articles or metrics.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation, getcontext

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

#: a number above this is no quantity an article reports (ten thousand 万亿): dropped, never a crash
MAX_NUMBER = Decimal(10) ** 16
#: a Chinese numeral longer than this is not a number (and would cost big-integer arithmetic)
MAX_NUMERAL_CHARS = 40

ZH_NUM = "[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
AR_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


def parse_zh_numeral(s: str) -> Decimal | None:
    """Value of a Chinese numeral, or None when ``s`` is not one (agrees with cn2an's
    "normal" mode wherever cn2an reads the numeral; tests/graph/test_numerals.py checks).

    >>> [parse_zh_numeral(x) for x in ("十四", "一百二十", "两万三千", "三千零五", "十", "二〇二三")]
    [Decimal('14'), Decimal('120'), Decimal('23000'), Decimal('3005'), Decimal('10'), Decimal('2023')]
    >>> [parse_zh_numeral(x) for x in ("五万亿", "两万亿", "一万五", "三点五", "零点五", "三点五亿")]
    [Decimal('5000000000000'), Decimal('2000000000000'), Decimal('15000'), Decimal('3.5'), Decimal('0.5'), Decimal('350000000')]
    """
    if not s or len(s) > MAX_NUMERAL_CHARS:
        return None
    if "点" in s:
        return _zh_decimal(s)
    if any(ch not in ZH_DIGITS and ch not in ZH_SMALL and ch not in ZH_BIG for ch in s):
        return None
    if all(ch in ZH_DIGITS for ch in s) and len(s) > 1:  # digit by digit: 二〇二三
        return Decimal("".join(str(ZH_DIGITS[ch]) for ch in s))
    return Decimal(_zh_integer(s))


def _zh_integer(s: str) -> int:
    """Sections below 万, a 万 part and an 亿 part: 五万亿 is 5 * 10^4 * 10^8, not (5万 + 1) 亿."""
    yi = wan = section = 0
    digit: int | None = None
    last_unit = 0  # the unit right before a trailing digit: 一万五 = 15000, 三千五 = 3500
    for ch in s:
        if ch in ZH_DIGITS:
            digit = ZH_DIGITS[ch]
            last_unit = last_unit if ch not in "零〇" else 0
            continue
        if ch in ZH_SMALL:
            section += (1 if digit is None else digit) * ZH_SMALL[ch]
            last_unit = ZH_SMALL[ch]
        elif ch == "万":
            wan += ((section + (digit or 0)) or 1) * ZH_BIG["万"]
            section, last_unit = 0, ZH_BIG["万"]
        else:  # 亿
            yi = ((yi + wan + section + (digit or 0)) or 1) * ZH_BIG["亿"]
            wan = section = 0
            last_unit = ZH_BIG["亿"]
        digit = None
    tail = digit or 0
    if digit and last_unit >= ZH_SMALL["百"]:  # abbreviated: the digit counts the next lower unit
        tail = digit * last_unit // ZH_SMALL["十"]
    return yi + wan + section + tail


_ZH_DECIMAL = re.compile(
    r"(?P<int>[零〇一二两三四五六七八九十百千万亿]+)点(?P<frac>[零〇一二三四五六七八九]+)(?P<scale>万亿|亿|万)?"
)


def _zh_decimal(s: str) -> Decimal | None:
    """三点五 -> 3.5, 零点零五 -> 0.05, 十二点五万 -> 125000 (None for anything else)."""
    m = _ZH_DECIMAL.fullmatch(s)
    if m is None:
        return None
    whole = parse_zh_numeral(m.group("int"))
    if whole is None:
        return None
    value = whole + Decimal("0." + "".join(str(ZH_DIGITS[ch]) for ch in m.group("frac")))
    return norm_decimal(value * SCALES[m.group("scale")] if m.group("scale") else value)


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
    if "〇" in s or "零" in s or "点" in s:
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
        value = value * SCALES[m.group(2)] if m.group(2) else value
    else:
        value = parse_zh_numeral(s)
    if value is None or abs(value) > MAX_NUMBER:
        return None  # 100000000000000000000亿 is no quantity
    return norm_decimal(value)


def norm_decimal(d: Decimal) -> Decimal:
    """Drop a meaningless exponent/trailing zeros: 1746000000.00 -> 1746000000.

    A value too long to quantize (more digits than the context's precision) is kept normalised.

    >>> norm_decimal(Decimal("1746000000.00")), norm_decimal(Decimal("1E+28") * 10**8)
    (Decimal('1746000000'), Decimal('1E+36'))
    """
    d = d.normalize()
    if d == d.to_integral() and d.adjusted() < getcontext().prec:
        return d.quantize(Decimal(1))
    return d


def significant_digits(d: Decimal) -> int:
    """Significant digits of a value (trailing zeros of an integer do not count).

    >>> significant_digits(Decimal("936")), significant_digits(Decimal("3000")), significant_digits(Decimal("0.50"))
    (3, 1, 1)
    """
    digits = list(d.normalize().as_tuple().digits)
    while len(digits) > 1 and digits[-1] == 0:
        digits.pop()
    return len(digits)
