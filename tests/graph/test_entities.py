"""Entity extraction (graph/entities.py): tables of sentences -> expected records, and
whole-article checks on the bundled seeds and on hand-written articles about other cities."""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from citykg.graph.extract.entities.pipeline import extract_entities
from citykg.graph.ingest.documents import read_document
from citykg.graph.ingest.text import split_sentences
from citykg.graph.kb import KnowledgeBase, load_kb
from citykg.graph.records import ENTITY_CLASSES, AreaMention, Document, EntityRecord, Mention
from citykg.namespaces import CKR_IRI, concept_iri, uncurated_concept_iri

HELDOUT = Path(__file__).parent / "data" / "heldout"


@cache
def kb() -> KnowledgeBase:
    return load_kb()


def doc_of(text: str) -> Document:
    return Document(file_name="t.txt", text=text, sentences=split_sentences(text), content_hash="t")


def run(text: str, areas: list[AreaMention] | None = None) -> list[EntityRecord]:
    return extract_entities(doc_of(text), kb(), "000000", areas or [])


def found(text: str) -> set[tuple[str, str]]:
    return {(r.cls, r.label) for r in run(text)}


# ---------------------------------------------------------------- sentence tables

POSITIVE = [
    # seed sentences (bundled corpus)
    (
        "通钢自信公司建设的吉林省医药工业互联网平台，上线注册企业100多家。",
        "Platform",
        "吉林省医药工业互联网平台",
    ),
    ("与市自然资源局、市民政局等9部门合作开发服务接口79个。", "Organization", "市自然资源局"),
    ("与市自然资源局、市民政局等9部门合作开发服务接口79个。", "Organization", "市民政局"),
    ("通化市制定《“数字通化”总体规划》等一系列规划。", "PolicyDocument", "“数字通化”总体规划"),
    ("在“爱山东”APP威海分厅上线“图游威海”应用。", "Platform", "爱山东APP威海分厅"),
    ("在“爱山东”APP威海分厅上线“图游威海”应用。", "Platform", "图游威海"),
    ("万峰通化滑雪度假区启动建设“5G智慧滑雪”项目。", "Project", "5G智慧滑雪"),
    ("开展行政检查执法备案改革，实施执法报备。", "Reform", "行政检查执法备案改革"),
    ("1300余个政务服务事项“全程网办”。", "Reform", "全程网办"),
    ("市工业和信息化局党组成员、副局长出席。", "Organization", "市工业和信息化局"),
    ("开展耕地保护“天眼”行动，守护耕地。", "Reform", "耕地保护天眼行动"),
    ("单县被评为四星级成长型智慧城市。", "Award", "四星级成长型智慧城市"),
    # other cities, written for these tests
    ("杭州市数据资源管理局持续迭代升级“城市大脑”。", "Organization", "杭州市数据资源管理局"),
    ("杭州市数据资源管理局持续迭代升级“城市大脑”。", "Platform", "城市大脑"),
    ("上海持续深化政务服务“一网通办”和城市运行“一网统管”。", "Reform", "一网通办"),
    ("上海持续深化政务服务“一网通办”和城市运行“一网统管”。", "Reform", "一网统管"),
    ("市民可通过“随申办”APP查询社保信息。", "Platform", "随申办APP"),
    ("深圳上线“深i企”企业服务平台，推出惠企政策直达服务。", "Platform", "深i企"),
    ("北京以“接诉即办”为牵引，推动“未诉先办”。", "Reform", "接诉即办"),
    ("北京以“接诉即办”为牵引，推动“未诉先办”。", "Reform", "未诉先办"),
    ("浙江全面推行“最多跑一次”改革。", "Reform", "最多跑一次"),
    ("“天府市民云”平台已接入62个部门的服务。", "Platform", "天府市民云"),
    ("广州市政务服务和数据管理局发布“穗好办”APP新版本。", "Organization", "广州市政务服务和数据管理局"),
    (
        "武汉市人民政府办公厅印发《武汉市数字政府建设三年行动计划(2023-2025年)》。",
        "PolicyDocument",
        "武汉市数字政府建设三年行动计划(2023-2025年)",
    ),
    ("苏州市获得工信部“2023年度数字政府建设创新奖”。", "Organization", "工信部"),
    ("厦门市成功入选“2024智慧城市先锋榜优秀案例”。", "Award", "2024智慧城市先锋榜优秀案例"),
    ("南京推出“宁满意”小程序，实现企业开办“一日办结”。", "Platform", "宁满意"),
    ("南京推出“宁满意”小程序，实现企业开办“一日办结”。", "Reform", "一日办结"),
    ("西安市行政审批服务局推行“秒批”服务。", "Reform", "秒批"),
    ("长沙建成城市生命线安全运行监测平台，接入监测点位1.6万个。", "Platform", "城市生命线安全运行监测平台"),
    ("衢州依托“浙里办”“浙政钉”两大平台推进改革。", "Platform", "浙政钉"),
    ("衢州依托“浙里办”“浙政钉”两大平台推进改革。", "Platform", "浙里办"),
    ("175万元银行贷款注入株洲飞马橡胶实业有限公司。", "Organization", "株洲飞马橡胶实业有限公司"),
    ("长沙推出“湘易办”长沙专区，实现高频事项“指尖办”。", "Platform", "湘易办"),
    ("长沙推出“湘易办”长沙专区，实现高频事项“指尖办”。", "Reform", "指尖办"),
    ("福州先后获评“中国领军智慧城市”“全国信息惠民国家试点城市”等称号。", "Award", "全国信息惠民国家试点城市"),
    ("重庆推进数字重庆建设，构建整体构架。", "Project", "数字重庆"),
    ("西安成立西安数据交易中心，推动数据资产入表。", "Organization", "西安数据交易中心"),
    ("西安成立西安数据交易中心，推动数据资产入表。", "Reform", "数据资产入表"),
    ("“i深圳”已整合全市8000余项服务。", "Platform", "i深圳"),
    ("宁波“甬易办”入选国务院办公厅“高效办成一件事”典型经验案例。", "Award", "高效办成一件事典型经验案例"),
]


@pytest.mark.parametrize(("text", "cls", "label"), POSITIVE, ids=[f"{c}:{lbl}" for _, c, lbl in POSITIVE])
def test_sentence_yields_entity(text: str, cls: str, label: str) -> None:
    assert (cls, label) in found(text)


NEGATIVE = [
    # spam injected into a sentence, slogans and generic words are not entities
    ("聚焦优政、惠民、兴业、开云电竞强基四大领域。", "开云电竞"),
    ("通过深挖问题源头,开云电竞建立提前研判机制。", "开云电竞"),
    ("推动全市数字化建设，“硬支撑”和“软实力”双向发力。", "硬支撑"),
    ("全力释放数字对经济发展的“倍增效应”。", "倍增效应"),
    ("28个委办局、108个业务平台入驻。", "业务平台"),
    ("推动数字经济与实体经济深度融合，实现高质量发展。", "数字经济"),
    ("各相关部门要加快推进重点项目建设。", "重点项目"),
    ("成都市智慧蓉城运行中心汇聚全市43个部门的数据。", "产业布局"),
    ("通化市成立数字经济产业协会，产业布局涉及智能制造。", "产业布局"),
]


@pytest.mark.parametrize(("text", "word"), NEGATIVE, ids=[w for _, w in NEGATIVE])
def test_no_entity_from_spam_slogans_or_generic_words(text: str, word: str) -> None:
    labels = [lbl for _, lbl in found(text)]
    assert not any(word in lbl for lbl in labels), labels


# ---------------------------------------------------------------- generalisation (issue 3, item 3)
# Each rule with a sentence from the independent held-out set (bench/heldout) and sentences
# written for these tests about yet other cities.

GENERALISE = [
    # 1. provincial portals (province + 政务服务网) and provincial app brands (curated as data)
    ("依托浙江政务服务网和“浙里办”APP推动流程再造。", "Platform", "浙江政务服务网"),
    ("依托江苏政务服务网和“苏服办”总门户，南京推进“一网通办”。", "Platform", "江苏政务服务网"),
    ("依托浙江政务服务网，我市一体化政务服务平台已上线事项3600余项。", "Platform", "一体化政务服务平台"),
    ("企业可通过闽政通查询办件进度。", "Platform", "闽政通"),
    ("在镇街和村居，佛山布设“粤智助”政府服务自助机1100余台。", "Platform", "粤智助"),
    ("在各乡镇布设“赣服通”自助一体机300台。", "Platform", "赣服通"),
    ("“粤省事”佛山专区上线服务事项1860项。", "Platform", "粤省事"),
    ("“皖事通”合肥分站上线服务事项1200项。", "Platform", "皖事通"),
    ("依托广东省“粤省事”“粤商通”“粤政易”移动政务平台推动“掌上办”。", "Platform", "粤商通"),
    # 2. a quoted brand keeps its name before a descriptor; hotlines keep their number
    ("在城市服务领域，芜湖推出“芜湖通”城市码，整合社保卡等功能。", "Platform", "芜湖通"),
    ("株洲推出“株洲通”城市码，整合公交卡、借阅证等功能。", "Platform", "株洲通"),
    ("已上线“宜企贷”“宜保通”等数据产品15个。", "Platform", "宜企贷"),
    ("已上线“税易贷”“惠农贷”等金融产品20余款。", "Platform", "惠农贷"),
    ("12345亲民热线整合全市68条政务服务热线。", "Platform", "12345亲民热线"),
    ("12345市长热线是倾听民声的总客服。", "Platform", "12345市长热线"),
    ("市民拨打12345政务服务便民热线即可反映诉求。", "Platform", "12345政务服务便民热线"),
    # 3. spans: two bodies joined by 会同 split; a hospital keeps its full name
    ("市司法局会同市政务服务中心对全市证明事项进行全面清理。", "Organization", "市司法局"),
    ("市司法局会同市政务服务中心对全市证明事项进行全面清理。", "Organization", "市政务服务中心"),
    ("市市场监管局会同市税务局开展联合检查。", "Organization", "市税务局"),
    ("徐州医科大学附属医院上线互联网医院。", "Organization", "徐州医科大学附属医院"),
    ("为酱香白酒产业建设产业互联网平台。", "Platform", "产业互联网平台"),
    ("为家具产业建设家居产业互联网平台。", "Platform", "家居产业互联网平台"),
    ("城市数字孪生底座完成1200平方公里三维建模。", "Platform", "城市数字孪生底座"),
    ("已组建由120余家企业参与的“智慧蓉城”生态联盟。", "Organization", "智慧蓉城生态联盟"),
    ("“数字长沙”产业联盟吸纳成员单位80家。", "Organization", "数字长沙产业联盟"),
    # 4. context decides the type: created reforms, won titles, a reform's channel
    ("合肥市全力创建“无证明城市”，累计取消证明事项200项。", "Reform", "无证明城市"),
    ("杭州还是全国首批“千兆城市”之一。", "Award", "千兆城市"),
    ("南昌获评全国第二批“千兆城市”。", "Award", "千兆城市"),
    ("美的集团等企业入选国家级“灯塔工厂”和智能制造示范工厂。", "Award", "灯塔工厂"),
    ("三一重工桩机工厂被评为全球“灯塔工厂”。", "Award", "灯塔工厂"),
    ("武汉建成“一网统管”平台，接入部门系统56个。", "Reform", "一网统管"),
    ("深化“跨城通办”，开设“湾区通办”服务专区。", "Reform", "湾区通办"),
    ("开设“跨省通办”服务专区，实现异地办理。", "Reform", "跨省通办"),
    ("社区居民通过“智慧社区”小程序即可完成报事报修。", "Platform", "智慧社区小程序"),
    # 5. named service packages listed before their cue
    (
        "市政务服务中心推出“开办一家汽车维修店”“新能源汽车上牌”等特色“一件事”20个。",
        "Reform",
        "开办一家汽车维修店",
    ),
    ("宜昌推出“我要开餐馆”“我要办理退休”等“一事联办”主题服务60个。", "Reform", "我要办理退休"),
    ("青岛推出“开办民宿”“我要开药店”等特色“一件事”30个。", "Reform", "开办民宿"),
    ("襄阳推出“企业迁移”“员工招聘”等主题套餐服务。", "Reform", "员工招聘"),
    # 6. common reforms of the field as data, and reforms listed with known ones
    ("遵义市还全面推行政务服务“好差评”制度。", "Reform", "好差评"),
    ("兰州全面推行政务服务好差评制度，差评整改率100%。", "Reform", "政务服务好差评制度"),
    ("佛山在全省较早推行首席数据官制度。", "Reform", "首席数据官制度"),
    ("制造业“数转智改”跑出新速度。", "Reform", "数转智改"),
    ("常州实施制造业“数转智改”三年行动。", "Reform", "数转智改"),
    ("全市已累计创建未来社区218个。", "Project", "未来社区"),
    ("推动城市运行“一网统管”、政务服务“一网通办”、社会诉求“一键回应”。", "Reform", "一键回应"),
    ("推进政务服务“一网通办”、企业诉求“一站直达”。", "Reform", "一站直达"),
    # 8. seed reforms written the way other cities write them
    ("市民可实时查询空余车位，实现“全城一个停车场”。", "Reform", "全城一个停车场"),
    ("昆明推进“全市一个停车场”建设，整合泊位12万个。", "Reform", "全市一个停车场"),
    ("在基层治理方面，佛山推进智慧社区建设。", "Project", "智慧社区"),
    ("株洲已建成智慧社区96个。", "Project", "智慧社区"),
]


@pytest.mark.parametrize(("text", "cls", "label"), GENERALISE, ids=[f"{c}:{lbl}" for _, c, lbl in GENERALISE])
def test_generalised_rules_yield_entity(text: str, cls: str, label: str) -> None:
    assert (cls, label) in found(text), found(text)


NOT_GENERALISE = [
    # (sentence, a wrong (class, label) the extractor must not produce)
    ("在城市服务领域，芜湖推出“芜湖通”城市码。", ("Platform", "城市码")),
    ("12345亲民热线整合全市68条政务服务热线。", ("Platform", "亲民热线")),
    ("对符合条件的施工许可实行系统自动审批。", ("Platform", "施工许可实行系统")),
    ("对低风险事项实行系统自动比对，即时办结。", ("Platform", "低风险事项实行系统")),
    ("为酱香白酒产业建设产业互联网平台。", ("Platform", "酱香白酒产业建设产业互联网平台")),
    ("市司法局会同市政务服务中心对证明事项进行清理。", ("Organization", "市司法局会同市政务服务中心")),
    ("遵义医科大学附属医院牵头组建远程医疗网络。", ("Organization", "医科大学")),
    ("面向老年人，宜昌人社部门推广养老金资格“无感认证”。", ("Organization", "人社部")),
    ("襄阳住建部门推行施工图联合审查。", ("Organization", "住建部")),
    ("西陵区学院街道的一位网格员介绍。", ("Organization", "西陵区学院")),
    ("洪山区大学路街道开展社区议事。", ("Organization", "洪山区大学")),
    ("在广东省数字政府改革建设第三方评估中获评“优秀”等次。", ("Reform", "广东省数字政府改革")),
    ("在广东省数字政府改革建设第三方评估中获评“优秀”等次。", ("Award", "优秀")),
    ("在全省营商环境评估中获评“良好”等次。", ("Award", "良好")),
    ("遵义市全面开展“无证明城市”创建。", ("Award", "无证明城市")),
    ("合肥市全力创建“无证明城市”。", ("Award", "无证明城市")),
    ("武汉建成“一网统管”平台。", ("Platform", "一网统管")),
    ("开设“湾区通办”服务专区。", ("Platform", "湾区通办服务专区")),
    ("社区居民通过“智慧社区”小程序完成报事报修。", ("Platform", "智慧社区")),
    ("依托“天府蓉易办”平台推行“秒批”。", ("Reform", "天府蓉易办")),
    ("皖事通办：从“跑多次”到“不用跑”。", ("Reform", "不用跑")),
    ("办事从“来回跑”到“就近办”。", ("Reform", "就近办")),
    ("实行“前台综合受理、后台分类审批、统一窗口出件”。", ("Reform", "后台分类审批")),
    ("推行“前台统一收件、后台分类办理”。", ("Reform", "后台分类办理")),
    ("全市公职人员实现掌上办公、掌上办文。", ("Reform", "掌上办")),
    ("宜昌推广“鄂政通”移动办公平台。", ("Reform", "移动办")),
    ("北京通州区上线智慧养老服务平台。", ("Platform", "北京通")),
]


@pytest.mark.parametrize(("text", "wrong"), NOT_GENERALISE, ids=[w[1] for _, w in NOT_GENERALISE])
def test_generalised_rules_avoid_wrong_records(text: str, wrong: tuple[str, str]) -> None:
    assert wrong not in found(text), found(text)


# ---------------------------------------------------------------- records


def test_empty_and_punctuation_only_documents_yield_nothing() -> None:
    assert run("") == []
    assert run("。。，，“”《》\n\n") == []


def test_one_record_per_entity_with_all_mentions() -> None:
    text = "深圳推行“秒批”改革。目前已有437个事项实现“秒批”。“秒批”让企业少跑腿。"
    recs = [r for r in run(text) if r.label == "秒批"]
    assert len(recs) == 1
    assert len(recs[0].mentions) == 3
    for m in recs[0].mentions:
        assert text[m.start : m.end] == m.text


def test_near_variant_organization_names_merge() -> None:
    text = "市行政审批局工作人员介绍了情况。市行政审批服务局推出二手房“一窗过户”。"
    orgs = [r for r in run(text) if r.cls == "Organization"]
    assert len(orgs) == 1
    assert len(orgs[0].mentions) == 2


def test_abbreviated_title_is_a_mention_of_the_full_title() -> None:
    text = "市大数据局起草《关于深化智慧城市建设的实施意见》。《实施意见》提出三项任务。"
    docs = [r for r in run(text) if r.cls == "PolicyDocument"]
    assert [d.label for d in docs] == ["关于深化智慧城市建设的实施意见"]
    assert [m.text for m in docs[0].mentions] == ["关于深化智慧城市建设的实施意见", "实施意见"]


def test_curated_concepts_link_variants_of_one_mechanism() -> None:
    """静默认证 and 无感认证 are one concept; so are 城市云脑中枢 and 城市大脑."""
    recs = {
        r.label: r
        for text in (
            "青岛推行社保待遇“无感认证”。",
            "菏泽推行“静默认证”。",
            "建设城市云脑中枢。",
            "建设城市大脑。",
        )
        for r in run(text)
    }
    assert (
        recs["无感认证"].concept
        == recs["静默认证"].concept
        == str(concept_iri("reform", "passive-verification"))
    )
    assert (
        recs["城市云脑中枢"].concept == recs["城市大脑"].concept == str(concept_iri("reform", "city-brain"))
    )
    assert recs["无感认证"].domain == CKR_IRI + "concept/domain/social-security"
    assert not recs["无感认证"].new_concept


def test_scheme_variants_in_one_article_are_one_entity() -> None:
    """公共数据授权运营 … 公共数据运营主体: one reform, named by the scheme's prefLabel."""
    recs = run("芜湖授权市数据资源运营有限公司作为公共数据运营主体，开展公共数据授权运营。")
    reforms = [r for r in recs if r.concept == str(concept_iri("reform", "public-data-operation"))]
    assert [r.label for r in reforms] == ["公共数据授权运营"]
    assert [m.text for m in reforms[0].mentions] == ["公共数据运营", "公共数据授权运营"]


def test_unknown_reform_gets_a_new_uncurated_concept() -> None:
    recs = {r.label: r for r in run("成都在全市推行“蓉易享”改革。")}
    r = recs["蓉易享"]
    assert r.cls == "Reform"
    assert r.new_concept
    assert r.concept == str(uncurated_concept_iri("reform", "蓉易享"))


def test_domain_from_cue_words_when_no_concept() -> None:
    recs = {r.label: r for r in run("“全民健康信息平台”接入10家公立医院。")}
    assert recs["全民健康信息平台"].domain == CKR_IRI + "concept/domain/health"


def test_county_named_with_the_mention_sets_the_area() -> None:
    text = "辉南县的“数字辉南”建设项目进展顺利。"
    area = AreaMention("220523", Mention("辉南县", 0, 3, 0))
    recs = {r.label: r for r in extract_entities(doc_of(text), kb(), "220500", [area])}
    assert recs["数字辉南"].area == "220523"
    assert recs["数字辉南"].city == "220500"


# ---------------------------------------------------------------- whole articles

SEEDS = sorted((Path(__file__).resolve().parents[2] / "corpus" / "seeds").glob("*.txt"))


@pytest.mark.parametrize("path", SEEDS, ids=[p.name[:3] for p in SEEDS])
def test_seed_records_are_well_formed(path: Path) -> None:
    doc = read_document(path)
    recs = extract_entities(doc, kb(), "000000", [])
    assert len(recs) >= 20
    labels = [r.label for r in recs]
    assert len(labels) == len(set(labels))
    domains = {d.iri for d in kb().domains}
    for r in recs:
        assert r.cls in ENTITY_CLASSES
        assert r.mentions
        for m in r.mentions:
            assert doc.text[m.start : m.end] == m.text
            assert doc.sentences[m.sentence].start <= m.start < doc.sentences[m.sentence].end
        assert r.domain is None or r.domain in domains
        if r.concept and not r.new_concept:
            assert r.concept in kb().concepts
        if r.cls == "Reform":
            assert r.concept


def _norm(s: str) -> str:
    strip = set("“”\"'‘’《》「」『』〈〉()（）[]【】 \t\r\n")
    return "".join(ch for ch in unicodedata.normalize("NFKC", s) if ch not in strip).lower()


def _match(a: str, b: str) -> bool:
    """The gold scorer's lenient rule: equal, or containment covering >= 60% of the longer."""
    p, g = _norm(a), _norm(b)
    short, long_ = sorted((p, g), key=len)
    return bool(short) and (p == g or (short in long_ and len(short) / len(long_) >= 0.6))


def _f1(typed: bool) -> float:
    gold = json.loads((HELDOUT / "gold.json").read_text(encoding="utf-8"))
    g_hit = g_n = p_hit = p_n = 0
    for d in gold["documents"]:
        recs = extract_entities(read_document(HELDOUT / d["file"]), kb(), None, [])
        preds = {(r.cls, r.label) for r in recs}

        def ok(e: dict, cls: str) -> bool:
            return not typed or cls in {e["type"], e.get("alt_type")}

        for e in d["entities"]:
            if e.get("optional"):
                continue
            g_n += 1
            g_hit += any(_match(lbl, n) and ok(e, c) for c, lbl in preds for n in [e["name"], *e["aliases"]])
        for c, lbl in preds:
            hits = [
                e
                for e in d["entities"]
                if ok(e, c) and any(_match(lbl, n) for n in [e["name"], *e["aliases"]])
            ]
            if hits and all(e.get("optional") for e in hits):
                continue
            p_n += 1
            p_hit += bool(hits)
    p, r = p_hit / p_n, g_hit / g_n
    return 2 * p * r / (p + r)


def test_heldout_articles_about_other_cities_reach_the_bar() -> None:
    """Hand-written articles (杭州, 上海, 深圳, 北京, 成都, 广州) scored like the seeds gold."""
    assert _f1(typed=False) >= 0.80
    assert _f1(typed=True) >= 0.70
