"""Number parsing: Chinese numerals, scale words, qualifiers, units, ranges (graph/quantities.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from citykg.graph.extract.metrics.quantities import Quantity, find_quantities, parse_quantity

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
        # N成 = N x 10 %, qualifiers from 近 / 超过 / 以上 / 多 / 左右
        ("近七成", D("70"), "%", "approx", None),
        ("近九成", D("90"), "%", "approx", None),
        ("超过三成", D("30"), "%", "more_than", None),
        ("六成以上", D("60"), "%", "at_least", None),
        ("八成以上", D("80"), "%", "at_least", None),
        ("五成左右", D("50"), "%", "approx", None),
        ("两成多", D("20"), "%", "more_than", None),
        ("不到一成", D("10"), "%", "less_than", None),
        ("十成", D("100"), "%", "exact", None),
        ("超7成", D("70"), "%", "more_than", None),
        ("5成以上", D("50"), "%", "at_least", None),
        # two adjacent digits = "N or N+1", an approximate range
        ("一两周", D("1"), "周", "range", D("2")),
        ("三四个", D("3"), "个", "range", D("4")),
        ("五六十人", D("50"), "人", "range", D("60")),
        ("十五六家", D("15"), "家", "range", D("16")),
        ("两三万人次", D("20000"), "人次", "range", D("30000")),
        ("一万二三千家", D("12000"), "家", "range", D("13000")),
        ("七八百万元", D("7000000"), "元", "range", D("8000000")),
        # compound measure words and 起 (cases, incidents) are kept
        ("320起", D("320"), "起", "exact", None),
        ("5.6万起", D("56000"), "起", "exact", None),
        ("超过1.1万家次", D("11000"), "家次", "more_than", None),
        ("360万余项次", D("3600000"), "项次", "more_than", None),
        ("120万户次", D("1200000"), "户次", "exact", None),
        ("45万件次", D("450000"), "件次", "exact", None),
        ("2.3万车次", D("23000"), "车次", "exact", None),
        ("860架次", D("860"), "架次", "exact", None),
        ("380批次", D("380"), "批次", "exact", None),
        ("120场次", D("120"), "场次", "exact", None),
        ("1500台次", D("1500"), "台次", "exact", None),
        # 内 after a time or distance: "within"
        ("3分钟内", D("3"), "分钟", "at_most", None),
        ("5个工作日内", D("5"), "工作日", "at_most", None),
        ("24小时内", D("24"), "小时", "at_most", None),
        ("3公里内", D("3"), "公里", "at_most", None),
    ],
)
def test_parse_quantity(
    text: str, value: Decimal, unit: str, qualifier: str, value_max: Decimal | None
) -> None:
    assert parse_quantity(text) == Quantity(value, unit, qualifier, value_max)


@pytest.mark.parametrize(
    "text",
    ["2023年", "abc", "", "第一", "一是", "5G基站", "12月17日", "9:30", "统一成立", "三成都", "九成为", "成效",
     "三分之一", "5家内", "二五成"],
)  # fmt: skip
def test_parse_quantity_rejects_non_quantities(text: str) -> None:
    assert parse_quantity(text) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # real sentences (held-out articles) and ones written about other cities
        ("其中首贷户占比近三成。", [("近三成", "30")]),
        (
            "覆盖城区社区的六成以上,为辖区2000余名独居老人安装了智能烟感。",
            [("六成以上", "60"), ("2000余名", "2000")],
        ),
        ("全市约42万名退休人员中,八成以上实现“无感”完成认证。", [("约42万名", "420000"), ("八成以上", "80")]),
        ("南京市七成企业实现“掌上办”,近八成市民用过“我的南京”。", [("七成", "70"), ("近八成", "80")]),
        ("全市统一成立数据管理机构,三成都市圈城市已接入,该平台已成为抓手。", []),
        ("光是准备材料就要一两周。", [("一两周", "1")]),
    ],
)
def test_find_quantities_tenths_and_pairs(text: str, found: list[tuple[str, str]]) -> None:
    got = [
        (text[q.start : q.end], format(q.quantity.value, "f"))
        for q in find_quantities(text, measured_only=True)
    ]
    assert got == found


def test_within_is_not_taken_from_a_word() -> None:
    text = "全市5家内资企业、3个内设机构,5个工作日内办结,500米内部道路。"
    got = [(text[q.start : q.end], q.quantity.qualifier) for q in find_quantities(text, measured_only=True)]
    assert got == [("5家", "exact"), ("3个", "exact"), ("5个工作日内", "at_most"), ("500米", "exact")]


def test_find_quantities_spans_point_at_the_text() -> None:
    text = "累计建成5G基站1959处，覆盖率100%，政务云存储量扩展至1000T。"
    found = [(q.start, q.end, q.quantity) for q in find_quantities(text) if q.quantity.unit]
    assert [text[s:e] for s, e, _ in found] == ["1959处", "100%", "1000T"]

