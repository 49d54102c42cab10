"""Numerals: Chinese, Arabic and mixed numbers, and adjacent-digit pairs (graph/numerals.py)."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

from citykg.graph.extract.metrics import numerals
from citykg.graph.extract.metrics.numerals import parse_number, parse_zh_pair


@pytest.mark.parametrize(
    ("text", "value"),
    [("十", 10), ("十四", 14), ("二十", 20), ("一百零五", 105), ("三千零五", 3005), ("两万", 20000),
     ("一万二千", 12000), ("十万", 100000), ("一亿五千万", 150000000), ("二〇二三", 2023), ("0.5万", 5000)],
)  # fmt: skip
def test_parse_number(text: str, value: int) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "pair"),
    [("一两", (1, 2)), ("两三", (2, 3)), ("三四十", (30, 40)), ("十二三", (12, 13)), ("两三万", (20000, 30000)),
     ("一百二三十", (120, 130)), ("八九千", (8000, 9000)),
     ("二〇二三", None), ("一二三", None), ("二五", None), ("十四", None), ("一百二十三", None), ("三千零五", None)],
)  # fmt: skip
def test_parse_zh_pair(text: str, pair: tuple[int, int] | None) -> None:
    want = None if pair is None else (Decimal(pair[0]), Decimal(pair[1]))
    assert parse_zh_pair(text) == want


def test_doctests() -> None:
    assert doctest.testmod(numerals).failed == 0


# ------------------------------------------------------------------ agreement with cn2an
# Our own expressions: numerals as news prose writes them, and quantity expressions around them.
# Where cn2an ("normal" mode) reads the numeral, ours must give the same value; the expected
# value is also written out, so the table holds where cn2an has no answer (三点五亿, 万).
NUMERALS = [
    ("五万亿", 5 * 10**12), ("两万亿", 2 * 10**12), ("三万亿", 3 * 10**12), ("五十万亿", 5 * 10**13),
    ("一万亿零一", 10**12 + 1), ("三点五", "3.5"), ("零点五", "0.5"), ("一点二三", "1.23"),
    ("三点零五", "3.05"), ("十点五", "10.5"), ("一千二百三十四点五六", "1234.56"), ("两万三", 23000),
    ("一万五", 15000), ("三千五", 3500), ("一百二", 120), ("十五", 15), ("二〇二三", 2023),
    ("十万", 100000), ("一亿两千万", 120000000), ("三千零五", 3005), ("四亿五千万", 450000000),
    ("一千零一", 1001), ("一百零一", 101), ("十一万", 110000), ("两千", 2000), ("两百", 200),
    ("二百五十", 250), ("一万零五百", 10500), ("九千九百九十九万", 99990000), ("五", 5), ("零", 0),
    ("十亿", 10**9), ("一千亿", 10**11), ("两亿零五万", 200050000), ("七千八百万", 78000000),
    ("六十", 60), ("一百一十", 110), ("三十万零二百", 300200), ("八亿零八", 800000008),
    ("十二点五万", 125000), ("三点五亿", 350000000), ("万", 10000),
]  # fmt: skip
QUANTITIES = [
    ("五万亿元", 5 * 10**12, "元"), ("两万亿元", 2 * 10**12, "元"), ("三点五亿元", 350000000, "元"),
    ("一万五千人", 15000, "人"), ("十二点五万个", 125000, "个"), ("百分之三点五", "3.5", "%"),
    ("两千多家", 2000, "家"), ("三千五百座", 3500, "座"), ("零点五公里", "0.5", "公里"),
    ("一亿两千万条", 120000000, "条"), ("3吉瓦", 3, "吉瓦"), ("2PB", 2, "PB"),
]  # fmt: skip


def _cn2an(text: str) -> Decimal | None:
    cn2an = pytest.importorskip("cn2an")
    try:
        return Decimal(str(cn2an.cn2an(text, "normal")))
    except (ValueError, KeyError):
        return None


@pytest.mark.parametrize(("text", "value"), NUMERALS)
def test_numerals_agree_with_cn2an(text: str, value: int | str) -> None:
    ours = parse_number(text)
    assert ours == Decimal(value)
    theirs = _cn2an(text)
    if theirs is not None:
        assert ours == theirs, (text, ours, theirs)


@pytest.mark.parametrize(("text", "value", "unit"), QUANTITIES)
def test_quantities_of_chinese_numerals(text: str, value: int | str, unit: str) -> None:
    from citykg.graph.extract.metrics.quantities import parse_quantity

    q = parse_quantity(text)
    assert q is not None and (q.value, q.unit) == (Decimal(value), unit), text


def test_the_table_is_large_enough() -> None:
    assert len(NUMERALS) + len(QUANTITIES) >= 40
    assert sum(_cn2an(t) is not None for t, _ in NUMERALS) >= 35  # cn2an answers most of them


def test_numerals_round_trip_through_cn2an_property() -> None:
    """cn2an writes an integer or a decimal as Chinese; we read back the same number."""
    cn2an = pytest.importorskip("cn2an")
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies

    @hypothesis.settings(max_examples=300, deadline=None, derandomize=True)
    @hypothesis.given(st.integers(min_value=0, max_value=10**15), st.integers(min_value=0, max_value=999))
    def check(n: int, frac: int) -> None:
        written = cn2an.an2cn(n, "low")
        assert parse_number(written) == Decimal(n), written
        if frac:
            text = f"{n % 10**6}.{frac:03d}".rstrip("0")
            written = cn2an.an2cn(text, "low")
            assert parse_number(written) == Decimal(text), written

    check()
