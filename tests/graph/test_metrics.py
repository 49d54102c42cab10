"""Observation extraction (graph/metrics.py + metric_rules / metric_indicators).

Tables of real sentences (from the bundled articles) and of sentences written about
other cities, including the awkward forms: 余, 超过, 近, ranges, 从…上升至…, 两, 十四,
百分之, traditional characters, full-width digits, and things that are NOT metrics.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from citykg.graph.extract.metrics.observations import extract_observations
from citykg.graph.ingest.documents import document_from_text, read_document
from citykg.graph.ingest.text import normalise, split_sentences
from citykg.graph.kb import KnowledgeBase, load_kb
from citykg.graph.records import Document, EntityRecord, Mention, ObservationRecord
from citykg.namespaces import uncurated_concept_iri


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


def make_doc(text: str) -> Document:
    body = normalise(text)
    return Document("t.txt", body, split_sentences(body), "0" * 16)


def run(text: str, kb: KnowledgeBase, entities: list[EntityRecord] | None = None) -> list[ObservationRecord]:
    doc = make_doc(text)
    recs = extract_observations(doc, kb, entities or [], None)
    for r in recs:  # every mention points at its text, inside its sentence
        assert doc.text[r.mention.start : r.mention.end] == r.mention.text
        s = doc.sentences[r.mention.sentence]
        assert s.start <= r.mention.start < r.mention.end <= s.end
    return recs


def simple(recs: list[ObservationRecord]) -> list[tuple[str, str, str, str]]:
    return [(r.mention.text, format(r.value, "f"), r.unit, r.qualifier) for r in recs]


# ------------------------------------------------------------------ what is extracted

EXTRACTED = [
    # real sentences (bundled articles)
    ("全市建成出口光缆(纤)路由10条,出口宽带总容量6T,网络城市建设目标基本实现。",
     [("10条", "10", "条", "exact"), ("6T", "6", "T", "exact")]),
    ("截至目前,累计建设5G基站1959处,市区、县城、乡镇覆盖率100%。",
     [("1959处", "1959", "处", "exact"), ("100%", "100", "%", "exact")]),
    ("与市自然资源局、市民政局等9部门合作开发服务接口79个,数据链路不断打通。",
     [("9部门", "9", "个", "exact"), ("79个", "79", "个", "exact")]),
    ("共节约投资160余万元,降低运行成本53万元/年。",
     [("160余万元", "1600000", "元", "more_than"), ("53万元/年", "530000", "元/年", "exact")]),
    ("视频监控资源23余万路,市级部门政务数据共享需求满足率达99.7%。",
     [("23余万路", "230000", "路", "more_than"), ("99.7%", "99.7", "%", "exact")]),
    ("累计开通5G基站超过3万个,城乡家庭千兆光纤网络覆盖率超100%,500Mbps及以上用户占比近40%。",
     [("超过3万个", "30000", "个", "more_than"), ("超100%", "100", "%", "more_than"),
      ("近40%", "40", "%", "approx")]),
    ("涉及综合资金1600多亿,将几天核保时间缩短为3-5秒。",
     [("1600多亿", "160000000000", "元", "more_than"), ("3-5秒", "3", "秒", "range")]),
    ("注册用户高达223万。", [("223万", "2230000", "人", "exact")]),
    ("带动近千家企业上云,建成智慧灯杆1200根,惠及超万人。",
     [("近千家", "1000", "家", "approx"), ("1200根", "1200", "根", "exact"), ("超万人", "10000", "人", "more_than")]),
    ("截至2022年12月,全市网民规模已达106.7万。", [("106.7万", "1067000", "人", "exact")]),
    ("全市数字经济规模突破5000亿,APP下载量超过50万。",
     [("突破5000亿", "500000000000", "元", "more_than"), ("超过50万", "500000", "次", "more_than")]),
    ("政务云存储量扩展至1000T,出口宽带总容量6T。", [("1000T", "1000", "TB", "exact"), ("6T", "6", "T", "exact")]),
    ("独生子女家庭等群体60余万。", [("60余万", "600000", "人", "more_than")]),
    ("国办第一批重点13个“一件事”场景已全部实现线上线下正常运营。", [("13个", "13", "个", "exact")]),
    ("提出了2024年完成 10 家智慧应用基地培育的具体目标。", [("10 家", "10", "家", "exact")]),
    ("全市交通运行健康指数居第Ⅱ类10个城市首位。", [("首位", "1", "名", "exact")]),
    ("全市26家金融机构全部入驻,发布金融产品80余个。",
     [("26家", "26", "家", "exact"), ("80余个", "80", "个", "more_than")]),
    # written about other cities
    ("截至2023年底,杭州市累计建成5G基站3.2万个。", [("3.2万个", "32000", "个", "exact")]),
    ("成都市政务服务事项网上可办率达到98.5%,“全程网办”事项超过1.2万项。",
     [("98.5%", "98.5", "%", "exact"), ("超过1.2万项", "12000", "项", "more_than")]),
    ("合肥市一体化政务服务平台注册用户突破1000万,日均访问量约50万人次。",
     [("突破1000万", "10000000", "人", "more_than"), ("约50万人次", "500000", "人次", "approx")]),
    ("贵阳市大数据交易所累计交易额超过20亿元,入驻数据商400余家。",
     [("超过20亿元", "2000000000", "元", "more_than"), ("400余家", "400", "家", "more_than")]),
    ("深圳市12345热线受理群众诉求1,568,000件,按期办结率99.2%。",
     [("1,568,000件", "1568000", "件", "exact"), ("99.2%", "99.2", "%", "exact")]),
    ("苏州市数字经济规模突破5000亿,占GDP比重为17.8%。",
     [("突破5000亿", "500000000000", "元", "more_than"), ("17.8%", "17.8", "%", "exact")]),
    ("厦门市算力规模达到500PFlops,政务云存储容量扩容至5PB,出口带宽达到20Tbps。",
     [("500PFlops", "500", "PFlops", "exact"), ("5PB", "5", "PB", "exact"), ("20Tbps", "20", "Tbps", "exact")]),
    ("该區累計建成5G基站一萬二千個,覆蓋率達百分之九十。",  # traditional characters
     [("一万二千个", "12000", "个", "exact"), ("百分之九十", "90", "%", "exact")]),
    ("全市建成智慧社区２１６个,新增就业岗位3至5万个。",  # full-width digits
     [("216个", "216", "个", "exact"), ("3至5万个", "30000", "个", "range")]),
    ("累计培育省级工业互联网平台十四个,上云企业一千二百余家。",
     [("十四个", "14", "个", "exact"), ("一千二百余家", "1200", "家", "more_than")]),
    ("光伏发电装机容量达到350兆瓦,年发电量约4.2亿千瓦时,治理面积12平方公里。",
     [("350兆瓦", "350", "兆瓦", "exact"), ("约4.2亿千瓦时", "420000000", "千瓦时", "approx"),
      ("12平方公里", "12", "平方公里", "exact")]),
    ("全市共有不到50个社区尚未接入平台,骨干网时延降至5毫秒以内。",
     [("不到50个", "50", "个", "less_than"), ("5毫秒以内", "5", "毫秒", "at_most")]),
    ("医保电子凭证激活人数突破600万,结算金额达12.3亿元。",
     [("突破600万", "6000000", "人", "more_than"), ("12.3亿元", "1230000000", "元", "exact")]),
    ("全市数字经济核心产业增加值同比增长12.3%,高于全省平均水平2.1个百分点。",
     [("12.3%", "12.3", "%", "exact"), ("2.1个百分点", "2.1", "个百分点", "exact")]),
    ("在“12345”热线办理时限内,承诺24小时内办结。", [("24小时内", "24", "小时", "at_most")]),
    ("以前需要5个工作日,现在最快1小时就能拿证。", [("5个工作日", "5", "工作日", "exact"), ("1小时", "1", "小时", "exact")]),
    # N成 fractions (held-out articles, then other cities)
    ("任务清单化管理后,报表数量减少近七成。", [("近七成", "70", "%", "approx")]),
    ("“粤商通”佛山专区服务市场主体近九成,累计上线涉企服务1200余项。",
     [("近九成", "90", "%", "approx"), ("1200余项", "1200", "项", "more_than")]),
    ("其中信用貸款佔比超過三成。", [("超过三成", "30", "%", "more_than")]),
    ("面向老年人推广“无感认证”,全市约42万名退休人员中,八成以上实现“无感”完成认证。",
     [("约42万名", "420000", "名", "approx"), ("八成以上", "80", "%", "at_least")]),
    ("南京市政务服务事项网上可办率超过九成,七成企业实现“掌上办”。",
     [("超过九成", "90", "%", "more_than"), ("七成", "70", "%", "exact")]),
    ("苏州工业园区规上企业数字化转型比例达到五成左右,不到一成的事项仍需线下办理。",
     [("五成左右", "50", "%", "approx"), ("不到一成", "10", "%", "less_than")]),
    ("超7成企业实现上云,近8成市民表示满意。", [("超7成", "70", "%", "more_than"), ("近8成", "80", "%", "approx")]),
    ("网上受理量增长了两倍。", [("两倍", "2", "倍", "exact")]),
    # 起 and compound measure words (人次, 家次, 项次 ...)
    ("成功处置燃气泄漏、管网爆管等险情320起,险情处置时间平均缩短40%。",
     [("320起", "320", "起", "exact"), ("40%", "40", "%", "exact")]),
    ("厦门市今年共处置各类安全事故46起,全年查处交通违法行为5.6万起。",
     [("46起", "46", "起", "exact"), ("5.6万起", "56000", "起", "exact")]),
    ("医学检查检验结果互认平台累计互认３６０万余项次。", [("360万余项次", "3600000", "项次", "more_than")]),
    ("服务企業超過1.1萬家次。", [("超过1.1万家次", "11000", "家次", "more_than")]),
    ("累计服务企业2.3万家次,开展培训120场次,抽检食品380批次,服务群众120万户次。",
     [("2.3万家次", "23000", "家次", "exact"), ("120场次", "120", "场次", "exact"),
      ("380批次", "380", "批次", "exact"), ("120万户次", "1200000", "户次", "exact")]),
    # approximate ranges written as two adjacent digits
    ("两三万人次参观了展会,每个社区配备五六十名网格员。",
     [("两三万人次", "20000", "人次", "range"), ("五六十名", "50", "名", "range")]),
    # 内 = within
    ("现在城区任何一个路口发生拥堵,系统都能在3分钟内发现并自动调整信号灯配时。",
     [("3分钟内", "3", "分钟", "at_most")]),
    ("居民步行15分钟内可达便民服务点,投诉5个工作日内办结。",
     [("15分钟内", "15", "分钟", "at_most"), ("5个工作日内", "5", "工作日", "at_most")]),
    ("全市5家内资企业和3个内设机构参与数据共享。", [("5家", "5", "家", "exact"), ("3个", "3", "个", "exact")]),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "expected"), EXTRACTED)
def test_extracted(sentence: str, expected: list[tuple[str, str, str, str]], kb: KnowledgeBase) -> None:
    assert simple(run(sentence, kb)) == expected


NOT_METRICS = [
    "2024年3月15日上午9:30,市政府新闻办召开新闻发布会。",
    "根据《中华人民共和国数据安全法》第二十一条和第38条规定,依法开展数据分类分级保护。",
    "咨询电话:0571-87654321,服务热线12345。",
    "一是强化组织领导,二是完善工作机制,三是加强考核督导。",
    "全市“十四五”数字政府建设规划明确了“1+3+N”总体架构。",
    "市大数据局印发《关于加快推进数字政府建设的实施意见》(杭政办〔2023〕15号)。",
    "推进5G、F5G、IPv6规模部署,迈向工业4.0和Web3.0时代。",
    "打造“15分钟便民生活圈”,实现政务服务7×24小时“不打烊”,24小时自助服务全年365天不间断。",
    "60岁及以上老年人可享受免费乘车服务,3A级以上景区全部实现智慧化管理。",
    "该市连续三年入选中国数字城市百强,成功入围2023中国智慧城市50强。",
    "二〇二三年十二月,全市召开数字化改革推进会。",
    "建成“一中心两平台三体系”,构建“一网通办、一网统管、一网协同”格局,一市两区协同。",
    "地铁3号线、5号线全面开通,1号楼3单元正在改造,“株冶职工3区16栋的屋檐破损掉落”。",
    "“着力建设便捷高效的智慧城市”是7个重点任务之一,获批全国4个试点城市之一。",
    "千兆城市建设加快推进,百兆以上宽带用户占比持续提升,千家万户用上智慧服务。",
    "第一批试点城市名单公布,入选前10名的城市将获得支持,该市进入全国前三。",
    "以前办个营业执照要跑三四趟,两个部门各跑一次。",
    "确定了1家市属国企为平台运营主体,组建1个工作专班。",
    "该市获评2022年度数字政府创新成果,位列第一梯队。",
    "重点抓好以下5个方面的工作,坚持3个原则。",
    "来自全国的300余名代表参加会议,1000余人在线观看。",
    "近3个月以来,过去5天内,全市开展专项检查。",
    "《数字政府建设三年行动计划(2023-2025年)》正式印发。",
    "建成全国第一家数据交易所,全市第一时间响应,全省第二批试点。",
    "本次发布会共有12家媒体参加。",
    "推行“30秒审批”“1分钟办结”改革,打造“3公里就医圈”。",
    # adjacent digits are "one or two", not 12; vague amounts are not figures
    "“过去申请一笔补贴,光是准备材料就要一两周,现在点一下确认就到账了。”",
    "过去办一个证要跑三四个部门,等一两周。",
    "数十万市民受益,几百家企业入驻,若干千人参与,有数十家企业参加了签约仪式。",
    "带动就业翻一番,产值翻两番,订单交付周期缩短了三分之一。",
    # 成 that is not a fraction
    "全市统一成立数据管理机构,三成都市圈城市已接入,该平台已成为城市治理的重要抓手。",
    "自2024年3月1日起施行,一起推进,3起步。",
]


@pytest.mark.parametrize("sentence", NOT_METRICS)
def test_not_metrics(sentence: str, kb: KnowledgeBase) -> None:
    assert simple(run(sentence, kb)) == []


# ------------------------------------------------------------------ changes, ranks, targets, time


@pytest.mark.parametrize(
    ("sentence", "before", "after"),
    [
        ("月均流转处置城市管理类问题从14万余件上升至62万余件。", ("140000", "件", "more_than"), ("620000", "件", "more_than")),
        ("处置率从95%上升至99%以上。", ("95", "%", "exact"), ("99", "%", "at_least")),
        ("数据量由2023年初的1亿条增加至125亿条。", ("100000000", "条", "exact"), ("12500000000", "条", "exact")),
        ("该区7条干线车均延误由此前的33.33秒/辆降至28.34秒/辆。", ("33.33", "秒/辆", "exact"), ("28.34", "秒/辆", "exact")),
        ("企业开办时间由3个工作日压缩至0.5个工作日。", ("3", "工作日", "exact"), ("0.5", "工作日", "exact")),
        ("网上办事平均跑动次数从2.5次下降到0.3次。", ("2.5", "次", "exact"), ("0.3", "次", "exact")),
        ("提交材料平均从20份压减为4份。", ("20", "份", "exact"), ("4", "份", "exact")),
    ],
)  # fmt: skip
def test_changes_give_two_records(sentence: str, before: tuple, after: tuple, kb: KnowledgeBase) -> None:
    recs = [r for r in run(sentence, kb) if r.change_role]
    assert [(format(r.value, "f"), r.unit, r.qualifier, r.change_role) for r in recs] == [
        (*before, "before"),
        (*after, "after"),
    ]
    assert recs[0].indicator_label == recs[1].indicator_label  # the same quantity changed


def test_change_before_value_keeps_its_own_time(kb: KnowledgeBase) -> None:
    recs = run("数据量由2023年初的1亿条增加至125亿条。", kb)
    assert [(r.change_role, r.as_of, r.as_of_text) for r in recs] == [
        ("before", "2023", "2023年初"),
        ("after", None, None),
    ]


@pytest.mark.parametrize(
    ("sentence", "rank"),
    [
        ("新版全流程审批系统实现81个乡镇(街道)全覆盖,位居全省第一位。", "1"),
        ("其中卫生健康公共数据开放全国第一。", "1"),
        ("线下消费笔数位列全国试点省份第六位。", "6"),
        ("占GDP比重达到5.75%,列全省第三位。", "3"),
        ("在全球金融中心指数“金融科技”分榜单中全球第20位、国内第5位。", "20"),
        ("全市交通运行健康指数居同类城市首位。", "1"),
        ("数字政府发展指数排名全省第2名。", "2"),
    ],
)
def test_ranks(sentence: str, rank: str, kb: KnowledgeBase) -> None:
    ranks = [r for r in run(sentence, kb) if r.kind == "rank"]
    assert ranks and format(ranks[0].value, "f") == rank
    assert all(r.unit == "名" for r in ranks)
    # a rank is named after what is ranked (数字政府发展指数排名); "位居排名" names nothing
    assert all((r.indicator_label.endswith("排名") and r.new_indicator) or not r.indicator for r in ranks)
    assert all("位居" not in r.indicator_label and "位列" not in r.indicator_label for r in ranks)


@pytest.mark.parametrize(
    ("sentence", "targets"),
    [
        ("2025年争取新建5G基站900座,累计超过9000座。", [True, True]),
        ("2025年已新建5G基站553座,累计建成8894座。", [False, False]),
        ("到2025年底打造省级工业互联网重点平台20个左右。", [True]),
        ("下一步,我市计划到2027年建成智慧社区500个以上。", [True]),
        ("提出了2024年完成 10 家智慧应用基地培育的具体目标。", [True]),
        ("截至2023年底,全市累计建成5G基站3.2万个。", [False]),
        ("计划投资5亿元,目前已完成投资3亿元。", [True, False]),
        ("今年还将面向社会征集应用场景100个以上。", [True]),
        ("接下来将在全市249个乡镇(街道)便民服务中心设立帮办代办窗口。", [True]),
        ("明年即将建成智慧社区300个,已建成120个。", [True, False]),
    ],
)
def test_targets(sentence: str, targets: list[bool], kb: KnowledgeBase) -> None:
    assert [r.target for r in run(sentence, kb)] == targets


@pytest.mark.parametrize(
    ("sentence", "as_of", "as_of_text"),
    [
        ("截至2022年12月,全市网民规模已达106.7万。", "2022-12", "截至2022年12月"),
        ("2024年全市数字经济核心产业增加值占GDP比重达到5.75%。", "2024", "2024年"),
        ("截至2024年6月底,全市已累计发放电子社保卡286.5万张。", "2024-06", "截至2024年6月底"),
        ("今年以来共调用电子证照300万次。", None, "今年以来"),
        ("今年上半年,我市完成820家企业深度上云。", None, "今年上半年"),
        ("截至目前,累计建设5G基站1959处。", None, None),
        ("目前已有105家数字企业加入协会。", None, None),
        ("自2019年以来,全市先后出台20余项支持政策。", None, "自2019年以来"),
        ("截至9月底,全市共办理各类业务236.7万件。", None, "截至9月底"),
        ("今年1-8月,全市完成数字经济投资128亿元。", None, "今年1-8月"),
    ],
)
def test_as_of(sentence: str, as_of: str | None, as_of_text: str | None, kb: KnowledgeBase) -> None:
    rec = run(sentence, kb)[0]
    assert (rec.as_of, rec.as_of_text) == (as_of, as_of_text)


# ------------------------------------------------------------------ indicators


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("截至目前,累计建设5G基站1959处。", "5G基站数量"),
        ("我市5G基站总量达到10963个。", "5G基站数量"),
        ("累计归集各类政务数据17.46亿条。", "政务数据归集量"),
        ("政务云存储量扩展至1000T。", "政务云存储量"),
        ("依申请政务服务事项网上可办率持续保持100%。", "网上可办率"),
        ("1300余个政务服务事项“全程网办”。", "政务服务事项数"),
        ("“全程网办”事项超过1.2万项。", "全程网办事项数"),
        ("建成超过200个智慧社区。", "智慧社区数量"),
        ("全市智慧社区覆盖率达80%。", "智慧社区覆盖率"),
        ("力争智慧社区覆盖面达到90%。", "智慧社区覆盖率"),
        ("汇聚视频资源29万路。", "接入视频路数"),
        ("数据中心标准机架数超过4万个。", "数据中心机架数"),
        ("我市已获批高新技术企业607家。", "高新技术企业数"),
        ("日均活跃用户超过13.7万人。", "日均活跃用户"),
        ("2024年全市数字经济核心产业增加值占GDP比重达到5.75%。", "数字经济核心产业增加值占GDP比重"),
        ("苏州市数字经济核心产业增加值达4300亿元。", "数字经济核心产业增加值"),
        ("长沙市千兆宽带用户达到85.6万户。", "千兆宽带用户数"),
        ("累计上线工业互联网平台40家以上。", "工业互联网平台数"),
        ("全市已累计发放电子社保卡286.5万张。", "电子社保卡领卡人数"),
        ("深圳市12345热线受理群众诉求156.8万件。", "12345热线受理量"),
    ],
)
def test_curated_indicator(sentence: str, label: str, kb: KnowledgeBase) -> None:
    rec = run(sentence, kb)[0]
    assert (rec.indicator_label, rec.new_indicator) == (label, False)
    assert rec.indicator is not None and "/concept/indicator/" in rec.indicator


def test_unit_kind_rules_out_an_indicator(kb: KnowledgeBase) -> None:
    """5G基站 names a count indicator; a percentage after it is not a base-station count."""
    rec = run("5G基站覆盖率达到95%。", kb)[0]
    assert rec.indicator_label != "5G基站数量"


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("全市共设立村(社区)便民服务站2356个。", "便民服务站"),
        ("光伏发电装机容量达到350兆瓦。", "光伏发电装机容量"),
        ("采集和制作全市189家消防安全重点单位的电子档案。", "消防安全重点单位数"),
        ("全市共有高新技术企业2568家,较上年增长18%。", "高新技术企业数增长率"),
    ],
)
def test_new_indicator_from_the_measured_noun(sentence: str, label: str, kb: KnowledgeBase) -> None:
    rec = run(sentence, kb)[-1]
    assert rec.indicator_label == label
    assert rec.new_indicator and rec.indicator == str(uncurated_concept_iri("indicator", label))


def test_indicator_inherited_within_a_sentence(kb: KnowledgeBase) -> None:
    """累计建成8894座 names no noun: it measures what the previous figure measured (the total)."""
    recs = run("2025年已新建5G基站553座,累计建成8894座。", kb)
    assert [r.indicator_label for r in recs] == ["新建5G基站数量", "5G基站数量"]
    recs = run("全市新增就业岗位1.2万个,累计达到15万个。", kb)
    assert recs[0].indicator_label == recs[1].indicator_label


# ------------------------------------------------------------------ refers_to, repeats, seeds


def test_refers_to_the_platform_named_before_the_figure(kb: KnowledgeBase) -> None:
    text = "通化市不断完善“一云一网一平台”建设,政务云存储量扩展至1000T,全市户籍人口200万人。"
    doc = make_doc(text)
    start = doc.text.index("政务云")
    ent = EntityRecord("Platform", "政务云", [Mention("政务云", start, start + 3, 0)])
    recs = extract_observations(doc, kb, [ent], None)
    assert [(r.mention.text, r.refers_to) for r in recs] == [("1000T", "政务云"), ("200万人", None)]


def test_refers_to_none_without_entities(kb: KnowledgeBase) -> None:
    assert all(r.refers_to is None for r in run("政务云存储量扩展至1000T。", kb))


def test_repeated_fact_is_recorded_once(kb: KnowledgeBase) -> None:
    text = (
        "“全民健康信息平台”接入市中心医院等10家公立医院,市民可在线查询。\n"
        "治污采集设备覆盖全市936家企业。\n"
        "“全民健康信息平台”接入市中心医院等10家公立医院,市民可在线查询。\n"
        "图为治污监测平台,覆盖936家企业。\n"
        "全市智慧社区覆盖率达80%。力争智慧社区覆盖范围达到90%。\n"
        "下一步,力争智慧社区覆盖面达到90%。\n"
    )
    assert [r.mention.text for r in run(text, kb)] == ["10家", "936家", "80%", "90%"]


def test_equal_figures_in_one_sentence_are_different_facts(kb: KnowledgeBase) -> None:
    recs = run("对3个县区分别给予50万元、30万元和30万元奖励。", kb)
    assert [r.mention.text for r in recs] == ["3个", "50万元", "30万元", "30万元"]


def test_different_facts_with_the_same_value_are_kept(kb: KnowledgeBase) -> None:
    text = (
        "累计4家企业入选国家鼓励的重点软件企业。建成4家智能牧场。网办率达100%。网上可办率保持100%。"
        "群众满意率99.2%。电子证照共享率达99.2%。该县现有行政村169个。建成村级数字服务站169个。"
    )
    assert [r.mention.text for r in run(text, kb)] == [
        "4家",
        "4家",
        "100%",
        "100%",
        "99.2%",
        "99.2%",
        "169个",
        "169个",
    ]


def test_seed_documents_offsets_and_records(seed_dir, kb: KnowledgeBase) -> None:
    total = 0
    for path in sorted(seed_dir.glob("*.txt")):
        doc = read_document(path)
        recs = extract_observations(doc, kb, [], None)
        total += len(recs)
        for r in recs:
            assert doc.text[r.mention.start : r.mention.end] == r.mention.text
            assert r.qualifier in (
                "exact",
                "approx",
                "at_least",
                "more_than",
                "less_than",
                "at_most",
                "range",
            )
            assert isinstance(r.value, Decimal) and r.unit
            assert bool(r.indicator) == bool(r.indicator_label)  # named, or no indicator at all
            assert not re.fullmatch(r"\d{4}年.*", r.mention.text)
    assert 180 <= total <= 260  # the five articles state about 220 figures


def test_long_unpunctuated_text_stays_linear(kb: KnowledgeBase) -> None:
    """One 'sentence' of 2,000 figures: every figure found, offsets right (checked in run)."""
    text = "".join(f"建成智慧社区{i}个" for i in range(10, 2010))
    recs = run(text, kb)
    assert [r.mention.text for r in recs] == [f"{i}个" for i in range(10, 2010)]


def test_indicator_scheme_is_usable_by_the_resolver(kb: KnowledgeBase) -> None:
    """Every indicator: zh+en labels, a domain of the domain scheme, an expected unit the
    quantity parser can produce, and at least one Chinese surface form to match."""
    from citykg.graph.extract.metrics.quantities import UNITS

    domains = {c.iri for c in kb.domains}
    produced = set(UNITS.values()) | {u + "/" + p for u in UNITS.values() for p in ("辆", "年")}
    indicators = kb.indicators
    assert 60 <= len(indicators) <= 130
    for c in indicators:
        assert c.pref_zh and c.pref_en and c.definition, c.iri
        assert c.domains and set(c.domains) <= domains, c.iri
        assert c.expected_unit in produced, (c.iri, c.expected_unit)
        assert "/concept/indicator/" in c.iri


# ------------------------------------------------------------------ whole articles about other cities

ARTICLE_YIBIN = """\
宜宾：数字赋能 “智”造未来
2024年08月12日 08:35 来源：四川日报
本报讯（记者 刘某）8月10日，记者从宜宾市大数据中心获悉，今年上半年，宜宾数字经济核心产业实现营业收入652.3亿元，同比增长12.8%，增速位列全省第三。
近年来，宜宾市坚持把数字经济作为“一号工程”，大力实施“数字宜宾”三年行动计划（2022—2024年），加快推进数字产业化、产业数字化。
夯实数字底座。全市累计建成5G基站1.26万个，实现乡镇以上区域5G网络全覆盖，行政村5G通达率达到92%；建成数据中心标准机架8600个，算力总规模达到1200P。
激活数据要素。宜宾市公共数据开放平台上线开放数据集2860个，开放数据量超过3.5亿条，累计调用数据接口1200余万次。市政务数据共享交换平台已接入市级部门52个，共享数据项1.8万余项。
优化政务服务。“宜宾政务”APP注册用户突破300万，上线服务事项2100余项，全市依申请政务服务事项“最多跑一次”比例达到99.5%，平均办理时限由15个工作日压缩至3.5个工作日。
“以前办个证要跑好几个部门，现在在手机上点一点就行了。”市民张先生说。
提升治理效能。市域社会治理现代化指挥中心接入视频监控资源5.6万路，整合网格员8600余名，今年以来累计处置各类事件32万余件，处置率达98.7%。
同时，宜宾启动建设“城市大脑”二期项目，总投资约4.8亿元，计划到2025年底建成20个以上城市级应用场景。
宜宾三江新区智能终端产业园已引进企业120余家，2023年智能终端产量达1.1亿部。
（宜宾市大数据中心供图）
图为宜宾市数字化城市管理指挥中心。
下一步，宜宾将重点围绕“算力、数据、应用”3个方面持续发力，力争到2025年数字经济核心产业增加值占GDP比重达到10%以上。
责任编辑：王某
"""
ARTICLE_MACAU_TRADITIONAL_FULLWIDTH = """\
數字澳門建設成效顯著
２０２３年，全市政務服務「一網通辦」事項達到１２００餘項，網上可辦率９８．６％。
全市累計建成５Ｇ基站４５００餘座，５Ｇ用戶數突破５０萬戶，千兆光纖覆蓋率達１００％。
政府數據開放平台開放數據集８６０個，下載量超過１２０萬次。
智慧交通系統接入路口３２０個，高峰時段平均車速提升１５．３％，平均通勤時間從４２分鐘縮短至３５分鐘。
電子支付交易筆數同比增長三成，交易金額約８５億元（澳門元）。
未來三年，將投入不少於２０億元推進數字基礎設施建設。
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            ARTICLE_YIBIN,
            "65230000000 元, 12.8 %, 12600 个, 92 %, 8600 个, 1200 P, 2860 个, 350000000 条, "
            "12000000 次, 52 个, 18000 项, 3000000 人, 2100 项, 99.5 %, 15 工作日, 3.5 工作日, 56000 路, "
            "8600 名, 320000 件, 98.7 %, 480000000 元, 20 个, 120 家, 110000000 部, 10 %, 3 名, ",
        ),
        (
            ARTICLE_MACAU_TRADITIONAL_FULLWIDTH,
            "1200 项, 98.6 %, 4500 座, 500000 户, 100 %, 860 个, 1200000 次, 320 个, 15.3 %, 42 分钟, "
            "35 分钟, 30 %, 8500000000 元, 2000000000 元, ",  # 同比增长三成 = 30 %
        ),
    ],
)
def test_whole_article(text: str, expected: str, kb: KnowledgeBase) -> None:
    """Every figure of an article written about another city, and nothing else (dates,
    ``3个方面``, slogans, quotes of residents, the caption and the editor line)."""
    doc = document_from_text(text, "article.txt")
    got = sorted((format(r.value, "f"), r.unit) for r in extract_observations(doc, kb, [], None))
    want = sorted(tuple(item.split()) for item in expected.strip(", ").split(", "))
    assert got == want


def test_empty_and_numberless_documents(kb: KnowledgeBase) -> None:
    assert run("", kb) == []
    assert run("数字赋能城市治理,智慧服务惠及群众。", kb) == []
    orphan = Document("t.txt", "建成智慧社区200个", [], "0" * 16)  # no sentences: nothing to cite
    assert extract_observations(orphan, kb, [], None) == []


# ------------------------------------------------------------------ minted indicators are noun phrases

BAD_LABELS = [
    "培育出", "三级公立医院和", "以前开车走黄河南路全程", "两份数据资产经价值评估分别估值",
    "而今天", "位居排名", "将几天核保时间缩短", "仅用", "同比", "就办结了企业", "截至目前", "等",
    "银行贷款注入某某公司", "3个城市", "过去骑车穿城全程",
]  # fmt: skip
GOOD_LABELS = ["智慧社区数", "政务数据归集量", "煤炭产量", "财政支出", "网办率", "数据中心机架数"]


@pytest.mark.parametrize("label", BAD_LABELS)
def test_sentence_fragments_are_never_minted(label: str) -> None:
    from citykg.graph.extract.metrics.indicators import mint

    assert mint(label) is None


@pytest.mark.parametrize("label", GOOD_LABELS)
def test_noun_phrases_are_minted(label: str) -> None:
    from citykg.graph.extract.metrics.indicators import mint

    hit = mint(label)
    assert hit is not None and hit.label == label and hit.new


@pytest.mark.parametrize(
    "sentence",
    [
        "以前从城东开车到城西全程需要40多分钟,如今只用了25分钟。",
        "两家企业经专家评审分别获得奖励50万元和30万元。",
        "全市三级公立医院和80%的二级医院接入平台。",
    ],
)
def test_figures_in_fragments_keep_their_sentence_without_a_minted_indicator(
    sentence: str, kb: KnowledgeBase
) -> None:
    recs = run(sentence, kb)
    assert recs  # the figures are kept, with their evidence ...
    assert all(r.indicator is None and r.indicator_label == "" for r in recs)  # ... and no minted name


# ------------------------------------------------------------------ dates against the article's date


@pytest.mark.parametrize(
    ("sentence", "as_of", "target"),
    [
        ("今年3月,全市新增智慧停车泊位1200个。", "2024-03", False),
        ("去年底,全市政务数据共享调用量达到860万次。", "2023", False),
        ("上半年全市受理企业诉求3400件。", "2024", False),
        ("截至6月底,全市累计建成智慧社区85个。", "2024-06", False),
        ("去年5月全市上线便民服务事项320项。", "2023-05", False),
        ("到2026年,全市力争建成5G基站15000个。", "2026", True),
        ("2023年全市建成数据中心机架3200个。", "2023", False),
    ],
)
def test_relative_dates_resolve_against_the_article_date(
    sentence: str, as_of: str, target: bool, kb: KnowledgeBase
) -> None:
    body = normalise(sentence)
    doc = Document("t.txt", body, split_sentences(body), "0" * 16, date="2024-08-12")
    [rec] = extract_observations(doc, kb, [], None)
    assert (rec.as_of, rec.target) == (as_of, target)


# ------------------------------------------------------------------ general rules found on real text (own sentences)

GENERAL = [
    # counts of provinces and cities a service reaches; 12345市民 is a hotline, not 12345 cities
    ("异地通办服务已延伸至9省31市。", [("9省", "9", "省"), ("31市", "31", "市")]),
    ("拨打12345市民服务热线反映问题。", []),
    # bare scaled numbers: the noun before says what is counted
    ("小程序月活峰值超过300万。", [("超过300万", "3000000", "人")]),
    ("全市市场主体超85万。", [("超85万", "850000", "户")]),
    ("平台企业用户12.4万,法人用户3.6万。", [("12.4万", "124000", "个"), ("3.6万", "36000", "个")]),
    # a stray space between the number and 多 or the unit
    ("整合 150 多项居民服务标签。", [("150 多项", "150", "项")]),
    # an index printed without a unit
    ("高峰时段交通拥堵指数为1.45。", [("1.45", "1.45", "指数")]),
    ("两个片区的健康指数分别为0.82和0.85。", [("0.82", "0.82", "指数"), ("0.85", "0.85", "指数")]),
    # two rates sharing one figure are two figures
    ("热线按时办结率和群众满意率均超98%。", [("超98%", "98", "%"), ("超98%", "98", "%")]),
    # small Chinese numerals: figures from 三 up, unless they sum up the list just written
    ("全市已发布五批惠企政策清单。", [("五批", "5", "批")]),
    ("围绕教育、医疗、养老三个领域推进。", []),
    ("建成两个平台。", []),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "expected"), GENERAL)
def test_general_rules(sentence: str, expected: list[tuple[str, str, str]], kb: KnowledgeBase) -> None:
    assert [(r.mention.text, format(r.value, "f"), r.unit) for r in run(sentence, kb)] == expected
