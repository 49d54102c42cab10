"""Bodies and app brands as schemes (ontology/schemes/bodies.ttl, platforms.ttl), brands
named after a place's abbreviation, and a closed class vocabulary. Sentences are written for
these tests."""

from __future__ import annotations

from functools import cache

import pytest

from citykg.graph.extract.entities.pipeline import extract_entities
from citykg.graph.ingest.text import split_sentences
from citykg.graph.kb import KnowledgeBase, load_kb
from citykg.graph.pipeline import extract
from citykg.graph.rdf.emit import rdfize
from citykg.graph.records import ENTITY_CLASSES, Document
from citykg.namespaces import CK_IRI, CKR_IRI

BODY = CKR_IRI + "concept/body/"
PLATFORM = CKR_IRI + "concept/platform/"


@cache
def kb() -> KnowledgeBase:
    return load_kb()


def doc_of(text: str, name: str = "t.txt") -> Document:
    return Document(file_name=name, text=text, sentences=split_sentences(text), content_hash=name)


def records(text: str, city: str = "000000"):
    return extract_entities(doc_of(text), kb(), city, [])


def org_nodes(text: str, name: str) -> dict[str, set[str]]:
    """{label: node IRIs} of the organizations rdfize makes of one article."""
    ex = extract(doc_of(text, name), kb())
    out: dict[str, set[str]] = {}
    quads = rdfize(ex, kb()).quads
    orgs = {q.subject.value for q in quads if q.predicate.value.endswith("#type") and q.object.value == CK_IRI + "Organization"}
    for q in quads:
        if q.subject.value in orgs and q.predicate.value.endswith("#label"):
            out.setdefault(q.object.value, set()).add(q.subject.value)
    return out


def test_a_central_body_is_one_node_across_cities() -> None:
    a = org_nodes("工信部近日复函济南市，同意其开展数据标注试点。", "a.txt")
    b = org_nodes("杭州市有三个项目获得国家工信部的支持。", "b.txt")
    assert a["工信部"] == {CKR_IRI + "body/miit"}
    assert b["国家工信部"] == {CKR_IRI + "body/miit"}


def test_a_provincial_body_is_one_node_per_province() -> None:
    jinan = org_nodes("济南市今年配合省大数据局完成了数据目录编制。", "j.txt")
    qingdao = org_nodes("青岛市与省大数据局联合发布了开放数据清单。", "q.txt")
    hangzhou = org_nodes("杭州市与省大数据局签订了合作协议。", "h.txt")
    assert jinan["省大数据局"] == qingdao["省大数据局"] == {CKR_IRI + "body/provincial-big-data-bureau/370000"}
    assert hangzhou["省大数据局"] == {CKR_IRI + "body/provincial-big-data-bureau/330000"}


def test_a_province_named_before_a_provincial_body_decides_it() -> None:
    nodes = org_nodes("杭州市的方案得到了山东省大数据局的肯定。", "s.txt")
    assert nodes["山东省大数据局"] == {CKR_IRI + "body/provincial-big-data-bureau/370000"}


def test_a_department_is_not_a_ministry() -> None:
    assert not [r for r in records("市公安部门和商务部门联合开展检查。") if r.concept and r.concept.startswith(BODY)]


BRANDS = [
    # (sentence, platform label, concept slug) - brands of the scheme, quoted or not
    ("市民打开浙里办就能查询社保缴费记录。", "浙里办", "zheliban"),
    ("企业通过“粤商通”申领了电子营业执照。", "粤商通", "yueshangtong"),
    ("在随申办上可以预约挂号。", "随申办", "suishenban"),
    ("居民用爱山东APP办理了居住证。", "爱山东APP", "aishandong"),
    ("新版郑好办上线了公积金提取服务。", "郑好办", "zhenghaoban"),
    ("家长在我的宁夏申请了入学登记。", "我的宁夏", "wodeningxia"),
]


@pytest.mark.parametrize(("text", "label", "slug"), BRANDS, ids=[b[1] for b in BRANDS])
def test_app_brands_of_the_scheme_are_platforms_realizing_their_concept(text: str, label: str, slug: str) -> None:
    hits = [r for r in records(text) if r.cls == "Platform" and r.label == label]
    assert hits, [(r.cls, r.label) for r in records(text)]
    assert hits[0].concept == PLATFORM + slug


PLACE_BRANDS = [
    # brands no scheme lists, named the way provinces and cities name their apps
    ("全省推广“湘快通”，群众办事更方便。", "湘快通"),
    ("市民可在“爱淄博”查询公交到站时间。", "爱淄博"),
    ("他在“我的温州”上预约了体检。", "我的温州"),
]


@pytest.mark.parametrize(("text", "label"), PLACE_BRANDS, ids=[b[1] for b in PLACE_BRANDS])
def test_quoted_brands_named_after_a_place_are_platforms(text: str, label: str) -> None:
    assert ("Platform", label) in {(r.cls, r.label) for r in records(text)}


def test_a_place_name_running_through_a_brand_is_not_the_brand() -> None:
    assert not [r for r in records("天津市南开区京通路完成了改造。") if r.label == "京通"]


HEAD_UNDECIDED = [
    # a quoted name followed by 应用/服务/品牌 whose head does not decide the class (once 'Bare')
    "全区上线“云帮”应用，方便老人办事。",
    "市里推出“码上”服务，覆盖主要景区。",
    "该县打造“阿福”品牌，带动农产品销售。",
    "街道推广“小宁”应用和“随手拍”服务。",
]


@pytest.mark.parametrize("text", HEAD_UNDECIDED)
def test_descriptor_without_a_class_never_reaches_rdfize(text: str) -> None:
    ex = extract(doc_of(text, "bare.txt"), kb())
    assert all(e.cls in ENTITY_CLASSES for e in ex.entities), [(e.cls, e.label) for e in ex.entities]
    rdfize(ex, kb())  # raised "term 'Bare' not in namespace" before the class vocabulary was closed


def test_an_unknown_candidate_class_is_refused_at_the_source() -> None:
    from citykg.graph.extract.entities.rules import Candidate

    with pytest.raises(ValueError, match="not an entity class"):
        Candidate(0, 2, "某某", "Bare", "quote")
