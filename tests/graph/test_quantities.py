"""Number parsing: Chinese numerals, scale words, qualifiers, units, ranges (graph/quantities.py)."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest
from citykg.graph import quantities
from citykg.graph.quantities import Quantity, find_quantities, parse_number, parse_quantity

D = Decimal


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier", "value_max"),
    [
        # scale words, money to 元, per-unit rates
        ("17.46亿条", D("1746000000"), "条", "exact", None),
        ("795.5万元", D("7955000"), "元", "exact", None),
        ("93亿元", D("9300000000"), "元", "exact", None),
        ("53万元/年", D("530000"), "元/年", "exact", None),
        ("53万元／年", D("530000"), "元/年", "exact", None),
        ("800元/年", D("800"), "元/年", "exact", None),
        ("33.33秒/辆", D("33.33"), "秒/辆", "exact", None),
        ("0.5万", D("5000"), "", "exact", None),
        ("3千元", D("3000"), "元", "exact", None),
        ("1.2万亿元", D("1200000000000"), "元", "exact", None),
        ("30万元人民币", D("300000"), "元", "exact", None),
        # qualifiers before and after
        ("2000余项", D("2000"), "项", "more_than", None),
        ("23余万路", D("230000"), "路", "more_than", None),
        ("1.2万余人", D("12000"), "人", "more_than", None),
        ("4亿余条", D("400000000"), "条", "more_than", None),
        ("1600多亿", D("160000000000"), "", "more_than", None),
        ("100多家", D("100"), "家", "more_than", None),
        ("超过2200个", D("2200"), "个", "more_than", None),
        ("超100%", D("100"), "%", "more_than", None),
        ("突破60万个", D("600000"), "个", "more_than", None),
        ("逾3000家", D("3000"), "家", "more_than", None),
        ("40家以上", D("40"), "家", "at_least", None),
        ("70%以上", D("70"), "%", "at_least", None),
        ("近40%", D("40"), "%", "approx", None),
        ("约50万人次", D("500000"), "人次", "approx", None),
        ("大约3小时", D("3"), "小时", "approx", None),
        ("20个左右", D("20"), "个", "approx", None),
        ("4跳左右", D("4"), "跳", "approx", None),
        ("不到50个", D("50"), "个", "less_than", None),
        ("不足5%", D("5"), "%", "less_than", None),
        ("不少于20亿元", D("2000000000"), "元", "at_least", None),
        ("不超过3个工作日", D("3"), "工作日", "at_most", None),
        ("5毫秒以内", D("5"), "毫秒", "at_most", None),
        # percentages
        ("99.7%", D("99.7"), "%", "exact", None),
        ("99.7％", D("99.7"), "%", "exact", None),
        ("百分之九十", D("90"), "%", "exact", None),
        ("百分之3.5", D("3.5"), "%", "exact", None),
        ("2.1个百分点", D("2.1"), "个百分点", "exact", None),
        # ranges
        ("3-5秒", D("3"), "秒", "range", D("5")),
        ("3至5个", D("3"), "个", "range", D("5")),
        ("3—5天", D("3"), "天", "range", D("5")),
        ("3~5个工作日", D("3"), "工作日", "range", D("5")),
        ("3万-5万人", D("30000"), "人", "range", D("50000")),
        ("3至5万个", D("30000"), "个", "range", D("50000")),
        ("10%-15%", D("10"), "%", "range", D("15")),
        # Chinese numerals, 两, full-width digits, thousands separators
        ("十四个", D("14"), "个", "exact", None),
        ("一百二十个", D("120"), "个", "exact", None),
        ("两万三千人", D("23000"), "人", "exact", None),
        ("一千二百余家", D("1200"), "家", "more_than", None),
        ("十余个", D("10"), "个", "more_than", None),
        ("近千家", D("1000"), "家", "approx", None),
        ("超万人", D("10000"), "人", "more_than", None),
        ("1200根", D("1200"), "根", "exact", None),
        ("4.6亿条次", D("460000000"), "条次", "exact", None),
        ("１２３４个", D("1234"), "个", "exact", None),
        ("1,568,000件", D("1568000"), "件", "exact", None),
        # storage, bandwidth, power, area, time
        ("1000T", D("1000"), "T", "exact", None),
        ("5PB", D("5"), "PB", "exact", None),
        ("20Tbps", D("20"), "Tbps", "exact", None),
        ("500Mbps", D("500"), "Mbps", "exact", None),
        ("500PFLOPS", D("500"), "PFlops", "exact", None),
        ("350兆瓦", D("350"), "兆瓦", "exact", None),
        ("4.2亿千瓦时", D("420000000"), "千瓦时", "exact", None),
        ("3千瓦", D("3"), "千瓦", "exact", None),
        ("1.56亿平方米", D("156000000"), "平方米", "exact", None),
        ("12平方公里", D("12"), "平方公里", "exact", None),
        ("1.5万亩", D("15000"), "亩", "exact", None),
        ("27个工作日", D("27"), "工作日", "exact", None),
        ("6个月", D("6"), "个月", "exact", None),
        ("9部门", D("9"), "个", "exact", None),
        ("6大工程", D("6"), "个", "exact", None),
    ],
)
def test_parse_quantity(
    text: str, value: Decimal, unit: str, qualifier: str, value_max: Decimal | None
) -> None:
    assert parse_quantity(text) == Quantity(value, unit, qualifier, value_max)


@pytest.mark.parametrize("text", ["2023年", "abc", "", "第一", "一是", "5G基站", "12月17日", "9:30"])
def test_parse_quantity_rejects_non_quantities(text: str) -> None:
    assert parse_quantity(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("十", 10), ("十四", 14), ("二十", 20), ("一百零五", 105), ("三千零五", 3005), ("两万", 20000),
     ("一万二千", 12000), ("十万", 100000), ("一亿五千万", 150000000), ("二〇二三", 2023), ("0.5万", 5000)],
)  # fmt: skip
def test_parse_number(text: str, value: int) -> None:
    assert parse_number(text) == Decimal(value)


def test_find_quantities_spans_point_at_the_text() -> None:
    text = "累计建成5G基站1959处，覆盖率100%，政务云存储量扩展至1000T。"
    found = [(q.start, q.end, q.quantity) for q in find_quantities(text) if q.quantity.unit]
    assert [text[s:e] for s, e, _ in found] == ["1959处", "100%", "1000T"]


def test_doctests() -> None:
    assert doctest.testmod(quantities).failed == 0
