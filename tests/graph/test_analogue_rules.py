"""Dataset-level rules of the analogue finder (graph/analogue_rules.py) on hand-written data.

Each test builds a tiny store: the real reform and domain schemes plus a few
initiatives in cities outside the seed corpus (苏州, 无锡, 杭州, 合肥, 深圳, 佛山,
宜昌), with sentences written for the tests.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
import pytest

from citykg.graph.analogues.data import Item, load_input
from citykg.graph.analogues.finder import Finder, find_analogues
from citykg.graph.analogues.rules import fragments, read_name_concepts, shared_document
from citykg.graph.analogues.text import match_key
from citykg.namespaces import CK
from citykg.paths import ontology_dir

R = "https://w3id.org/citykg/resource/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
AREAS = {  # adcode: (label, short, level, parent)
    "320000": ("江苏省", "江苏", "Province", ""),
    "320500": ("苏州市", "苏州", "City", "320000"),
    "320200": ("无锡市", "无锡", "City", "320000"),
    "330000": ("浙江省", "浙江", "Province", ""),
    "330100": ("杭州市", "杭州", "City", "330000"),
    "340000": ("安徽省", "安徽", "Province", ""),
    "340100": ("合肥市", "合肥", "City", "340000"),
    "440000": ("广东省", "广东", "Province", ""),
    "440300": ("深圳市", "深圳", "City", "440000"),
    "440600": ("佛山市", "佛山", "City", "440000"),
    "420000": ("湖北省", "湖北", "Province", ""),
    "420500": ("宜昌市", "宜昌", "City", "420000"),
}


def schemes() -> list[ox.Quad]:
    g = ox.NamedNode(R + "graph/schemes")
    out = []
    for name in ("reforms", "domains"):
        path = ontology_dir() / "schemes" / f"{name}.ttl"
        out += [
            ox.Quad(t.subject, t.predicate, t.object, g)
            for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        ]
    return out


def areas() -> list[ox.Quad]:
    g = ox.NamedNode(R + "graph/divisions")
    out = []
    for code, (label, short, level, parent) in AREAS.items():
        a = ox.NamedNode(R + f"area/{code}")
        out += [
            ox.Quad(a, RDF_TYPE, ox.NamedNode(str(CK[level])), g),
            ox.Quad(a, ox.NamedNode(str(CK.adcode)), ox.Literal(code), g),
            ox.Quad(a, LABEL, ox.Literal(label, language="zh"), g),
            ox.Quad(a, SKOS_ALT, ox.Literal(short, language="zh"), g),
        ]
        if parent:
            out.append(ox.Quad(a, ox.NamedNode(str(CK.partOf)), ox.NamedNode(R + f"area/{parent}"), g))
    return out


def initiative(
    code: str, cls: str, label: str, quote: str, concept: str = "", domain: str = ""
) -> list[ox.Quad]:
    """One initiative of the city ``code`` in its own document graph, as the build writes it."""
    h = hashlib.sha1(f"{code}{cls}{label}".encode()).hexdigest()[:12]
    doc, x, ev = (
        ox.NamedNode(R + f"doc/{h}"),
        ox.NamedNode(R + f"initiative/{code}/{h}"),
        ox.NamedNode(R + f"evidence/{h}/0-1"),
    )
    out = [
        ox.Quad(doc, RDF_TYPE, ox.NamedNode(str(CK.SourceDocument)), doc),
        ox.Quad(doc, ox.NamedNode(str(CK.fileName)), ox.Literal(f"{code}.txt"), doc),
        ox.Quad(doc, ox.NamedNode(str(CK.aboutCity)), ox.NamedNode(R + f"area/{code}"), doc),
        ox.Quad(x, RDF_TYPE, ox.NamedNode(str(CK[cls])), doc),
        ox.Quad(x, LABEL, ox.Literal(label, language="zh"), doc),
        ox.Quad(x, ox.NamedNode(str(CK.inCity)), ox.NamedNode(R + f"area/{code}"), doc),
        ox.Quad(x, ox.NamedNode(str(CK.evidence)), ev, doc),
        ox.Quad(ev, ox.NamedNode(str(CK.inDocument)), doc, doc),
        ox.Quad(ev, ox.NamedNode(str(CK.quote)), ox.Literal(quote), doc),
    ]
    if concept:
        out.append(
            ox.Quad(x, ox.NamedNode(str(CK.realizes)), ox.NamedNode(R + f"concept/reform/{concept}"), doc)
        )
    if domain:
        out.append(
            ox.Quad(x, ox.NamedNode(str(CK.domain)), ox.NamedNode(R + f"concept/domain/{domain}"), doc)
        )
    return out


def store(*initiatives: list[ox.Quad]) -> ox.Store:
    s = ox.Store()
    s.extend(schemes() + areas() + [q for quads in initiatives for q in quads])
    return s


def linked(s: ox.Store) -> set[frozenset[tuple[str, str]]]:
    return {
        frozenset({(a.source.label, a.source.city_label), (a.target.label, a.target.city_label)})
        for a in find_analogues(s)
    }


PDO = "public-data-operation"


def test_only_the_fullest_span_of_one_thing_pairs() -> None:
    s = store(
        initiative(
            "320500",
            "Reform",
            "公共数据授权运营",
            "苏州推进公共数据授权运营，释放数据价值。",
            PDO,
            "data-resources",
        ),
        initiative(
            "320500", "Reform", "数据授权运营", "苏州数据授权运营已上线多个场景。", PDO, "data-resources"
        ),
        initiative(
            "320500", "Reform", "公共数据运营", "苏州公共数据运营收益反哺数据治理。", PDO, "data-resources"
        ),
        initiative(
            "330100", "Reform", "公共数据授权运营", "杭州开展公共数据授权运营试点。", PDO, "data-resources"
        ),
    )
    pairs = linked(s)
    assert frozenset({("公共数据授权运营", "苏州市"), ("公共数据授权运营", "杭州市")}) in pairs
    assert not any(("数据授权运营", "苏州市") in p or ("公共数据运营", "苏州市") in p for p in pairs)


def test_a_name_that_starts_with_another_is_a_part_not_the_whole() -> None:
    s = store(
        initiative(
            "330100", "Platform", "城市大脑", "杭州城市大脑汇聚全市数据。", "city-brain", "city-governance"
        ),
        initiative(
            "330100",
            "Platform",
            "城市大脑交通系统",
            "城市大脑交通系统优化信号灯配时。",
            "city-brain",
            "city-governance",
        ),
        initiative(
            "340100",
            "Platform",
            "城市大脑",
            "合肥建设城市大脑，统一调度城市运行。",
            "city-brain",
            "city-governance",
        ),
    )
    assert frozenset({("城市大脑", "杭州市"), ("城市大脑", "合肥市")}) in linked(s)


def test_fragments_helper_keeps_one_of_equal_keys() -> None:
    items = [
        Item(f"x{n}", label, "Platform", "c1", concepts={"k"})
        for n, label in enumerate(["杭州城市大脑", "城市大脑"])
    ]
    assert fragments(items, ["城市大脑", "城市大脑"]) == {1}  # the longer label stays
    other = [Item("y", "城市大脑", "Reform", "c1", concepts={"k"}), items[0]]
    assert fragments(other, ["城市大脑", "城市大脑"]) == set()  # another class: two things


def test_one_provincial_document_cited_in_two_cities_is_no_analogue() -> None:
    title = "关于加快推进城市数字化转型的实施意见"
    s = store(
        initiative("320500", "PolicyDocument", title, f"苏州解读省里印发的《{title}》。"),
        initiative("320200", "PolicyDocument", title, f"无锡市政府发布《{title}》。"),
    )
    assert frozenset({(title, "苏州市"), (title, "无锡市")}) not in linked(s)
    a, b = (it for it in load_input(s).items if it.label == title)
    assert shared_document(a, b, title, title)
    assert not shared_document(a, b, title, "苏州" + title)  # a title naming its city is the city's own


@pytest.mark.parametrize(
    ("label", "concept"),
    [
        ("i深圳", "city-gov-app"),  # a brand: read from the full name
        ("皖事通APP合肥分厅", "city-gov-app"),  # the longest cue wins over the provincial brand
        ("区域全民健康信息平台", "regional-health-platform"),
        ("苏服码", "provincial-service-code"),
    ],
)
def test_concepts_read_from_names(label: str, concept: str) -> None:
    data = load_input(store(initiative("440300", "Platform", label, f"市民通过{label}办理业务。")))
    keys = [match_key(label).replace("深圳", "").replace("合肥", "")]  # as the finder makes them
    read_name_concepts(data.items, keys, data.concepts)
    assert data.items[0].concepts == {R + f"concept/reform/{concept}"}


def test_names_of_documents_are_not_read() -> None:
    data = load_input(
        store(initiative("440300", "PolicyDocument", "深圳市全民健康信息平台建设方案", "印发方案。"))
    )
    read_name_concepts(data.items, ["全民健康信息平台建设方案"], data.concepts)
    assert data.items[0].concepts == set()


def test_scheme_links_make_differently_named_mechanisms_analogues() -> None:
    s = store(
        initiative(
            "440600",
            "Platform",
            "区域全民健康信息平台",
            "佛山区域全民健康信息平台接入全市公立医院，居民可跨院查询检查结果。",
            domain="health",
        ),
        initiative(
            "420500",
            "Reform",
            "全市一家医院",
            "宜昌推进全市一家医院改革，检查结果全市互认，就诊记录共享。",
            "one-city-one-hospital",
            "health",
        ),
        initiative(
            "330100",
            "Platform",
            "政务云",
            "杭州政务云承载全市部门业务系统。",
            "gov-cloud",
            "digital-infrastructure",
        ),
        initiative(
            "320500",
            "Reform",
            "一云一网一平台",
            "苏州构建一云一网一平台，统一政务云和电子政务外网。",
            "one-cloud-one-network",
            "digital-infrastructure",
        ),
    )
    pairs = linked(s)
    assert frozenset({("区域全民健康信息平台", "佛山市"), ("全市一家医院", "宜昌市")}) in pairs
    assert frozenset({("政务云", "杭州市"), ("一云一网一平台", "苏州市")}) in pairs
    finder = Finder(load_input(s))
    for i, j in finder.candidates():  # the fast path and the explained path agree here too
        assert finder.quick_logit(i, j) == pytest.approx(finder.features(i, j).logit(), abs=1e-9)


def test_two_cities_pair_one_name_each_not_every_synonym() -> None:
    s = store(
        initiative(
            "320200",
            "Reform",
            "无差别受理",
            "无锡各级政务大厅推行无差别受理，综合窗口可收全部事项。",
            "one-window",
        ),
        initiative("320200", "Reform", "一门办理", "无锡市民进一个大厅即可一门办理。", "one-window"),
        initiative("340100", "Reform", "无差别受理", "合肥各区服务中心全面实行无差别受理。", "one-window"),
        initiative("340100", "Reform", "一窗办理", "合肥企业开办实现一窗办理、一日办结。", "one-window"),
    )
    assert linked(s) == {frozenset({("无差别受理", "无锡市"), ("无差别受理", "合肥市")})}


def concept_of(label: str) -> str:
    """The reform concept whose prefLabel or altLabel is ``label`` in the bundled scheme."""
    data = load_input(store())
    hits = {c.iri.rsplit("/", 1)[-1] for c in data.concepts.values() if match_key(label) in c.names}
    assert len(hits) == 1, (label, hits)
    return hits.pop()


BRAIN = ("城市大脑", "合肥城市大脑汇聚各部门数据，协同处置城市事件。", None)


@pytest.mark.parametrize(
    ("a", "b", "linked_"),
    [
        # a city's integrated command centre is the hub of its city brain, not the city-management platform
        (
            ("城市综合指挥中心", "苏州城市综合指挥中心接入公安、交通、应急等业务系统统一调度。", None),
            BRAIN,
            True,
        ),
        (
            ("城市运行管理服务平台", "苏州城市运行管理服务平台受理市容、路灯、井盖等城市管理问题。", None),
            BRAIN,
            False,
        ),
        # the large-model agent a city plans after its city brain is a narrower thing
        (("城市智能体", "苏州将依托大模型打造城市智能体，自动派单和答复市民。", None), BRAIN, False),
        # community security systems are not policing
        (
            ("智慧安防", "苏州老旧小区加装人脸门禁和高空抛物监控，建设智慧安防小区。", None),
            ("智慧警务", "合肥公安推行智慧警务，网上办理户籍业务。", None),
            False,
        ),
        (
            ("智慧安防", "苏州老旧小区加装人脸门禁和高空抛物监控，建设智慧安防小区。", None),
            ("智能安防", "合肥物业企业为小区部署智能安防系统，门禁和监控联网。", None),
            True,
        ),
        # designated bases of a provincial list are not the field of smart agriculture
        (
            ("智慧农业应用基地", "苏州认定一批智慧农业应用基地，推广水肥一体化。", None),
            ("智慧农业", "合肥发展智慧农业，推广无人机植保。", None),
            False,
        ),
        # the departments' data exchange is a building block every city has (names: component facets)
        (
            ("政务数据共享交换平台", "苏州政务数据共享交换平台日均交换数据千万条。", "data-sharing"),
            ("数据共享平台", "合肥市级数据共享平台接入五十个部门。", "data-sharing"),
            False,
        ),
    ],
)
def test_scheme_curation_table(
    a: tuple[str, str, str | None], b: tuple[str, str, str | None], linked_: bool
) -> None:
    """Each side: label, sentence, and its concept (None: the one its name is a label of)."""
    s = store(
        *(
            initiative(code, "Platform", label, quote, concept or concept_of(label))
            for code, (label, quote, concept) in (("320500", a), ("340100", b))
        )
    )
    assert (frozenset({(a[0], "苏州市"), (b[0], "合肥市")}) in linked(s)) is linked_
