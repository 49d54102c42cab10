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
