"""Places: the article's city and every division it mentions, with ambiguity handled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citykg.graph.extract.places import gazetteer, is_common_word, resolve_places
from citykg.graph.ingest.documents import document_from_text, load_manifest, read_document
from citykg.graph.kb import load_kb

GOLD = Path("/work/shared/eval/seeds-gold.json")


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def names(kb, result):
    return {(kb.areas[a.adcode].name, a.mention.text) for a in result.areas}


def place(kb, text, **meta):
    doc = document_from_text(text, "t.txt", **meta)
    r = resolve_places(doc, kb)
    return (kb.areas[r.city].name if r.city else None), names(kb, r)


EXPECTED_SEED_CITY = {"000": "通化市", "001": "青岛市", "002": "威海市", "003": "株洲市", "004": "菏泽市"}


def test_seed_cities(kb, seed_dir):
    man = load_manifest(seed_dir)
    for f in sorted(seed_dir.glob("*.txt")):
        r = resolve_places(read_document(f, man.get(f.name)), kb)
        assert kb.areas[r.city].name == EXPECTED_SEED_CITY[f.name[:3]]
        assert "City" in kb.areas[r.city].levels


@pytest.mark.skipif(not GOLD.exists(), reason="development gold not available")
def test_seed_cities_match_gold(kb, seed_dir):
    gold = {d["file"]: d["city"] for d in json.loads(GOLD.read_text(encoding="utf-8"))["documents"]}
    for f, city in gold.items():
        r = resolve_places(read_document(seed_dir / f), kb)
        assert kb.areas[r.city].name.startswith(city.rstrip("市"))


def test_seed_counties_resolve_to_their_city(kb, seed_dir):
    r = resolve_places(read_document(seed_dir / "000_dc9962ff8289445f.txt"), kb)
    found = names(kb, r)
    assert ("辉南县", "辉南") in found and ("通化市", "通化") in found
    assert all(kb.city_of(a.adcode) is None or kb.city_of(a.adcode).name == "通化市"
               for a in r.areas if kb.areas[a.adcode].level == "County")  # fmt: skip
    r = resolve_places(read_document(seed_dir / "004_d6a477be16eb06b7.txt"), kb)
    assert ("牡丹区", "牡丹区") in names(kb, r) and ("牡丹区", "牡丹") in names(kb, r)


@pytest.mark.parametrize(
    ("text", "city", "mentioned", "not_mentioned"),
    [
        ("上海市推进“一网通办”改革,浦东新区率先试点。上海还将扩大覆盖面。", "上海市", {"浦东新区"}, set()),
        ("朝阳区政务服务中心启动“接诉即办”,北京市民反映问题更快。", "北京市", {"朝阳区"}, set()),
        (
            "朝阳市大数据局召开会议,龙城区和双塔区参加。朝阳将建设城市大脑。",
            "朝阳市",
            {"龙城区", "双塔区"},
            {"朝阳区"},
        ),
        ("长春市朝阳区上线政务服务平台。长春市数字政府建设提速。", "长春市", {"朝阳区"}, set()),
        ("昆山市推出“一网通办”,苏州全市推广。", "苏州市", {"昆山市"}, set()),
        ("仙桃市推进数字政府建设。仙桃将建设城市大脑。", "仙桃市", set(), set()),
        ("延边州推进智慧城市建设,延吉市上线政务服务平台。", "延边朝鲜族自治州", {"延吉市"}, set()),
        ("通化县推进数字乡村建设,通化市大数据局给予指导。通化全市推广。", "通化市", {"通化县"}, set()),
        # ordinary words that are also short names must not fire
        ("西宁市指数位列全国前列,其中卫生健康数据开放全国领先。", "西宁市", set(), {"中卫市"}),
        ("以前开车走黄河南路需要20多分钟,郑州市推进绿波带建设。", "郑州市", set(), {"河南省"}),
        ("开发区推进和平共处理念,大连市数字政府建设取得成效。", "大连市", set(), {"和平区", "开发区"}),
        ("合肥市在中山路设置智能信号灯,合肥全市推广。", "合肥市", set(), {"中山市"}),
        ("兰州市在老城区试点智慧停车,兰州全市推广。", "兰州市", set(), {"老城区"}),
        ("洛阳市老城区试点智慧停车,洛阳全市推广。", "洛阳市", {"老城区"}, set()),
        ("苏州市向上海学习“一网通办”经验,苏州全市推广。", "苏州市", {"上海市"}, set()),
    ],
)
def test_resolution_table(kb, text, city, mentioned, not_mentioned):
    got_city, found = place(kb, text + "这是用于检验识别效果的补充句子。")
    assert got_city == city
    areas = {n for n, _ in found}
    assert mentioned <= areas
    assert not (not_mentioned & areas)


def test_county_short_name_only_inside_its_city(kb):
    # 牡丹 is 牡丹区 of 菏泽 only when the article is about 菏泽; elsewhere it is a flower
    _, found = place(kb, "洛阳市举办牡丹文化节,牡丹花开满城。洛阳市推进数字文旅建设。")
    assert "牡丹区" not in {n for n, _ in found}


def test_metadata_city_decides(kb):
    city, _ = place(kb, "我市推进数字政府建设,青岛市来考察学习。", city="济南市")
    assert city == "济南市"


def test_city_from_title_beats_body_mentions(kb):
    text = "威海深化新型智慧城市建设\n省会济南和青岛等城市的经验值得借鉴,全市推进城市大脑建设。"
    assert place(kb, text, title="威海深化新型智慧城市建设")[0] == "威海市"


def test_every_city_of_the_table_is_found_by_its_full_name(kb):
    wrong = []
    for a in kb.areas.values():
        if a.level == "City" and len(a.name) > 2:
            got, _ = place(kb, f"{a.name}推进数字政府建设。{a.name}上线政务服务平台,全市推广。")
            if got != a.name:
                wrong.append((a.name, got))
    assert wrong == []


def test_common_words():
    assert is_common_word("开发", "County") and is_common_word("和平", "County")
    assert not is_common_word("辉南", "County") and not is_common_word("青岛", "City")


def test_gazetteer_is_cached(kb):
    assert gazetteer(kb) is gazetteer(kb)


def test_unknown_metadata_city_is_a_warning_and_the_text_decides(kb):
    from citykg.graph.pipeline import extract

    ex = extract(
        document_from_text("南京市推进数字政府建设,南京市上线政务服务平台。", "x.txt", city="Nanjing"), kb
    )
    assert kb.areas[ex.city].name == "南京市"
    assert ex.warnings == ['x.txt: city "Nanjing" is not a known city; inferred from the text']


# county-level cities (县级市): the article's city when the article is mainly about one (my own sentences)
COUNTY_CITY_CASES = [
    ("义乌市上线“城市大脑”平台。义乌市数据局表示,全市政务服务事项已全部网上可办。", {}, "义乌市"),
    ("昆山市打造“一网通办”升级版,昆山市政务服务中心推出帮办代办服务,企业开办压缩到半天。", {}, "昆山市"),
    ("晋江：数字政府建设提速\n晋江市推出企业服务平台,规上企业已全部接入,晋江市民可在线办理社保。", {}, "晋江市"),
    ("市数据局推出掌上办事服务,全市企业群众办事更加便捷高效,办件量大幅增长。", {"city": "义乌市"}, "义乌市"),
    # the prefecture stays the city when it is the article's subject
    ("金华市推进数字政府建设。金华市各县市区中,义乌市率先上线平台。金华市将全面推广这一做法。", {}, "金华市"),
    ("苏州市推进数字政府建设,昆山市、常熟市积极跟进。苏州市大数据局上线政务服务平台,苏州市民办事更方便。", {}, "苏州市"),
    # a county (县) or a district is not a city: its city is
    ("辉南县推进数字乡村建设,辉南县农村电商平台上线运行,带动农民增收效果明显。", {}, "通化市"),
    ("海淀区推进城市大脑建设,海淀区政务服务中心推出一窗通办,群众满意度明显提升。", {}, "北京市"),
]


@pytest.mark.parametrize(("text", "meta", "city"), COUNTY_CITY_CASES)
def test_county_level_cities_are_the_articles_city(kb, text, meta, city):
    assert place(kb, text, **meta)[0] == city


def test_a_county_level_city_article_builds_valid_about_city(tmp_path):
    """ck:aboutCity needs a ck:City (SHACL): the 县级市 is typed one in the divisions graph."""
    import pyoxigraph as ox

    from citykg.graph.build import build
    from citykg.namespaces import CK

    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(COUNTY_CITY_CASES[1][0], encoding="utf-8")
    report = build([src], tmp_path / "out", jobs=1, post_steps=False, analogues=False)
    quads = list(ox.parse(path=str(report.trig), format=ox.RdfFormat.TRIG))
    about = {q.object.value for q in quads if q.predicate.value == str(CK.aboutCity)}
    assert about == {"https://w3id.org/citykg/resource/area/320583"}
    types = {q.object.value for q in quads if q.subject.value in about and q.predicate.value.endswith("#type")}
    assert types == {str(CK.City), str(CK.County)}
