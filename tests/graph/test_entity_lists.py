"""Unquoted 、-lists of named systems and local scenarios (graph/entity_lists.py): tables of
sentences that must and must not yield entities, seed and held-out sentences plus ones
written about other cities."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from citykg.graph.extract.entities.lists import listed
from citykg.graph.extract.entities.pipeline import extract_entities
from citykg.graph.ingest.documents import read_document
from citykg.graph.ingest.text import split_sentences
from citykg.graph.kb import KnowledgeBase, load_kb
from citykg.graph.records import Document
from citykg.paths import corpus_dir


@cache
def kb() -> KnowledgeBase:
    return load_kb()


def found(text: str) -> set[tuple[str, str]]:
    doc = Document(file_name="t.txt", text=text, sentences=split_sentences(text), content_hash="t")
    return {(r.cls, r.label) for r in extract_entities(doc, kb(), "000000", [])}


MUST = [
    # seeds
    (
        "集成智慧公安、智慧消防、智慧交通等10余个业务系统的城市综合指挥中心建设进展顺利。",
        "Platform",
        ["智慧公安", "智慧消防", "智慧交通"],
    ),
    (
        "打造了钓具企业开办、日租房管理、无花果全产业链服务等33个特色“一件事”场景，企业、群众网上办事操作简单。",
        "Reform",
        ["钓具企业开办", "日租房管理", "无花果全产业链服务"],
    ),
    # other cities, written for these tests
    (
        "株洲市城市运行管理中心接入智慧停车、智慧环卫、智慧照明等8个应用系统。",
        "Platform",
        ["智慧停车", "智慧环卫", "智慧照明"],
    ),
    ("南宁市整合智慧城管、智慧应急等业务平台，实现统一调度。", "Platform", ["智慧城管", "智慧应急"]),
    ("智慧水务、智慧燃气等系统已全部接入城市运行管理平台。", "Platform", ["智慧水务", "智慧燃气"]),
    (
        "柳州市上线掌上公积金、掌上社保、掌上医保等服务平台。",
        "Platform",
        ["掌上公积金", "掌上社保", "掌上医保"],
    ),
    ("贵阳市集成智慧公安、智慧消防及智慧交通等系统。", "Platform", ["智慧公安", "智慧消防", "智慧交通"]),
    ("全市已建成覆盖全域的智慧停车、智慧照明等应用系统。", "Platform", ["智慧停车", "智慧照明"]),
    (
        "嘉兴市推出了跨境电商企业开办、民宿开办等12个特色“一件事”场景。",
        "Reform",
        ["跨境电商企业开办", "民宿开办"],
    ),
    (
        "丽水市上线茶叶种植补贴申领、农家乐开办等一批创新“一件事”主题服务。",
        "Reform",
        ["茶叶种植补贴申领", "农家乐开办"],
    ),
    ("在线问诊、在线复诊等特色“一件事”场景全面上线。", "Reform", ["在线问诊", "在线复诊"]),
]


@pytest.mark.parametrize(("text", "cls", "labels"), MUST, ids=[m[2][0] for m in MUST])
def test_listed_items_are_entities(text: str, cls: str, labels: list[str]) -> None:
    got = found(text)
    for label in labels:
        assert (cls, label) in got


MUST_NOT = [
    # departments before their systems (seed, held-out)
    (
        "宜昌城市大脑中枢已打通公安、交通、城管、生态环境、水利等39个部门的142个业务系统。",
        ["公安", "交通", "城管", "水利"],
    ),
    ("市运行“一网统管”平台打通了城管、住建、交通、水务等14个部门的业务系统。", ["城管", "住建", "水务"]),
    ("建成公安、交通等业务系统，数据实时汇聚。", ["公安", "交通"]),
    # industries, technologies, fields, generic service words
    ("推动纺织服装、轮胎、钓具等行业级工业互联网平台建设。", ["纺织服装", "轮胎", "钓具"]),
    ("以5G、大数据、人工智能等新一代信息技术为支撑。", ["大数据", "人工智能"]),
    ("建设包括养老服务、医疗服务、政务服务等社区服务类场景。", ["养老服务", "医疗服务", "政务服务"]),
    (
        "随着我市综合治理、综合执法、市场监管、便民服务等四大专项平台迭代升级。",
        ["综合治理", "市场监管", "便民服务"],
    ),
    ("推进智慧城市、数字政府等系统建设。", ["数字政府"]),
    ("推进数字经济、数字社会等平台建设。", ["数字经济", "数字社会"]),
    ("依托智能制造、智能装备等平台开展合作。", ["智能制造", "智能装备"]),
    ("在普惠金融、商业保险等特色应用场景落地数据产品。", ["普惠金融", "在普惠金融", "商业保险"]),
    ("上线智慧交通、智慧城管、智慧应急、智慧环保等应用场景62个。", ["智慧环保"]),
    # the national standard 一件事 packages are life events every city offers, not named initiatives
    (
        "市政务服务中心迭代推出新生儿出生、企业开办、不动产登记、退休等高频“一件事”集成服务52个。",
        ["新生儿出生", "企业开办", "退休"],
    ),
    ("我市已推出新生儿出生、开办餐饮店、退休等“一件事”套餐服务38个。", ["新生儿出生", "开办餐饮店"]),
    (
        "推出企业开办、二手房转移登记、残疾人服务、新生儿出生等重点事项“一件事一次办”26个。",
        ["企业开办", "残疾人服务"],
    ),
    # no 、-list, or 等 inside a word
    ("男女平等、平等就业等系统正在建设。", ["男女平", "平等就业"]),
]


@pytest.mark.parametrize(("text", "words"), MUST_NOT, ids=[m[1][0] for m in MUST_NOT])
def test_lists_of_departments_fields_and_standard_packages_yield_no_entity(
    text: str, words: list[str]
) -> None:
    labels = {label for _, label in found(text)}
    assert not labels & set(words)


def test_first_item_is_trimmed_to_its_siblings_shape_and_offsets_point_at_it() -> None:
    text = "市城市运行管理中心集成智慧公安、智慧消防等业务系统。"
    cands = listed(100, text)
    assert [(c.label, c.cls) for c in cands] == [("智慧公安", "Platform"), ("智慧消防", "Platform")]
    for c in cands:
        assert text[c.start - 100 : c.end - 100] == c.label


def test_scenario_item_the_scheme_knows_keeps_its_class() -> None:
    cands = listed(
        0,
        "打造了智慧社区、日租房管理等12个特色“一件事”场景。",
        lambda w: "Project" if w == "智慧社区" else None,
    )
    assert [(c.label, c.cls) for c in cands] == [("智慧社区", "Project"), ("日租房管理", "Reform")]


def test_seed_article_systems_are_platforms_with_evidence() -> None:
    path = corpus_dir() / "000_dc9962ff8289445f.txt"
    doc = read_document(Path(path))
    recs = {r.label: r for r in extract_entities(doc, kb(), None, [])}
    for label in ("智慧公安", "智慧消防", "智慧交通"):
        rec = recs[label]
        assert rec.cls == "Platform"
        assert all(doc.text[m.start : m.end] == label for m in rec.mentions)
    assert recs["智慧交通"].domain is not None and recs["智慧交通"].domain.endswith("/transport")

