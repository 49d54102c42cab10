"""General rules for shapes seen in real articles about other cities (sentences written for
these tests, never taken from an article): numbered reform names, evaluations reported
without 《》, sub-portals, standing groups, national institutions, named parts joined by +,
and generic phrases or sentence fragments cut at a head noun."""

from __future__ import annotations

from functools import cache

import pytest

from citykg.graph.extract.entities.pipeline import extract_entities
from citykg.graph.ingest.text import split_sentences
from citykg.graph.kb import KnowledgeBase, load_kb
from citykg.graph.records import Document


@cache
def kb() -> KnowledgeBase:
    return load_kb()


def found(text: str) -> set[tuple[str, str]]:
    doc = Document(file_name="t.txt", text=text, sentences=split_sentences(text), content_hash="t")
    return {(r.cls, r.label) for r in extract_entities(doc, kb(), "000000", [])}


POSITIVE = [
    # numbered and enumerated reform names
    ("该区推出“19365”改革，企业开办一天办结。", "Reform", "19365改革"),
    ("全面实施“1半0”改革，群众办事更省心。", "Reform", "1半0"),
    ("他们推行“七个一”服务，群众只需跑一次。", "Reform", "七个一"),
    ("县里推行“三个一”服务，窗口效率明显提升。", "Reform", "三个一"),
    ("全市建立“一平台、一张图、一中心”的治理架构。", "Reform", "一平台、一张图、一中心"),
    ("我们落实“两个免于提交”要求，减少群众跑腿。", "Reform", "两个免于提交"),
    # evaluations and honours without 《》 or 称号
    ("我省在全国一体化政务服务能力评估中连续三年位列第一。", "Award", "一体化政务服务能力评估"),
    ("该市营商环境评价结果为优秀。", "Award", "营商环境评价"),
    ("今年数字政府发展指数评估排名第五。", "Award", "数字政府发展指数评估"),
    # sub-portals and standing groups
    ("企业可在长三角一网通办专区办理跨省业务。", "Platform", "长三角一网通办专区"),
    ("全省开设了医保服务旗舰店，方便参保人查询。", "Platform", "医保服务旗舰店"),
    ("成立了智慧安澜建设领导小组，统筹推进全市工作。", "Organization", "智慧安澜建设领导小组"),
    # national institutions named with 国家/中国
    ("专家来自国家行政学院和中国信息通信研究院。", "Organization", "国家行政学院"),
    # named parts joined by +
    ("我市搭建了“城市安全监测平台+应急指挥系统”。", "Platform", "应急指挥系统"),
    # a level's own platform named in full
    ("市一体化综合指挥平台今年投入运行。", "Platform", "市一体化综合指挥平台"),
    # a part without a head noun joined by + to named parts is of their kind
    ("建成“应急监测平台+风险预警模型+指挥调度系统”。", "Platform", "风险预警模型"),
    # a generic word made "connected" is a goal, not an app brand
    ("我们实现“用户通”“数据通”“业务通”。", "Reform", "数据通"),
    # a standing body named after the quoted programme it runs
    ("近日，某市“数字乡村”建设领导小组办公室印发方案。", "Organization", "某市数字乡村建设领导小组办公室"),
    # the name after a quoted list is a head-noun name of its own
    ("开发“两级平台、三级应用”安澜城市大脑，对接各部门。", "Platform", "安澜城市大脑"),
    # numbers that open a name
    ("该县深化885工作体系，基层治理成效明显。", "Reform", "885工作体系"),
    ("全面推进19365改革，企业满意度上升。", "Reform", "19365改革"),
    # unquoted brands named after a place, used as apps
    ("市民通过蓉易办办理了营业执照。", "Platform", "蓉易办"),
    ("登录鄂快办查询办件进度。", "Platform", "鄂快办"),
    # national service numbers and the names built on them
    ("市民可拨打12345反映问题。", "Platform", "12345"),
    ("车主通过交管12123APP处理违章。", "Platform", "交管12123APP"),
]


@pytest.mark.parametrize(("text", "cls", "label"), POSITIVE, ids=[p[2] for p in POSITIVE])
def test_general_rule_yields_entity(text: str, cls: str, label: str) -> None:
    assert (cls, label) in found(text), found(text)


NEGATIVE = [
    # generic phrases cut at a head noun
    ("这些载体平台为企业提供了帮助。", "载体平台"),
    ("各地共性平台建设进展不一。", "共性平台"),
    ("要加快数据驱动平台建设。", "数据驱动平台"),
    ("新系统大大提高平台运行效率。", "大大提高平台"),
    ("部分部门仍在使用市级自建业务系统。", "市级自建业务系统"),
    ("今年共安排政府采购项目三十个。", "政府采购项目"),
    # a figure's subject before a comparison word
    ("机房平均气温比数据中心外低五度。", "平均气温比数据中心"),
    # a sentence fragment through a person's role
    ("华兴置业有限公司总经理王明对政务服务改革给予肯定。", "华兴置业有限公司总经理王明对政务服务改革"),
    # slogans and activities, not names
    ("他们开展评估中发现了不少问题。", "评估"),
    ("工作中坚持“三个注重”原则。", "三个注重"),
    ("市级重点实验室数量达到二十家。", "市级重点实验室"),
    ("请拨打0123456789咨询。", "12345"),
    ("今年完成1200项改革任务。", "1200项改革"),
    ("我们通过沪苏通办机制解决跨省问题。", "沪苏通办"),
]


@pytest.mark.parametrize(("text", "label"), NEGATIVE, ids=[n[1] for n in NEGATIVE])
def test_generic_phrase_or_fragment_is_not_an_entity(text: str, label: str) -> None:
    assert label not in {lab for _, lab in found(text)}, found(text)
