"""Candidate entity spans from the conventions of Chinese government news.

Each rule proposes ``Candidate`` spans inside one sentence: titles in 《》, quoted
names (with the descriptor that follows them: “X”平台, “X”模式, “X”APP...)
(in ``entity_quotes``), and names ending in a head noun (…平台, …系统, …局, …项目, …奖); award phrases and
ministries are in ``entity_phrases``. Left boundaries of unquoted names are found on jieba tokens of
a short window before the head only, so the expensive step sees little text.
``entities.py`` filters, resolves and merges the candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import jieba
from jieba import posseg

jieba.setLogLevel(60)
# functional-zone words jieba's dictionary splits (经/开/区), so names starting with them stay whole
for _w in ("经开区", "高新区", "自贸区", "开发区", "示范区", "新区"):
    jieba.add_word(_w, 2000, "ns")
# office work words, so 掌上办|文 is not read as the service slogan 掌上办
for _w in ("办文", "办会"):
    jieba.add_word(_w, 2000, "v")

HAN = r"\u4e00-\u9fff"
NAME_CH = rf"[{HAN}A-Za-z0-9+＋·]"


@dataclass
class Candidate:
    start: int  # offsets into the document text; [start, end) is the mention
    end: int
    label: str  # the name with quotes removed
    cls: str  # one of records.ENTITY_CLASSES
    source: str  # title | quote | concept | head | award | ministry | bare
    core: str = ""  # for “X”+descriptor: the quoted brand X


# ---------------------------------------------------------------- class from a name's head

_HEADS: list[tuple[str, str]] = [
    # (regex anchored at the end of a name, class); first match wins
    (
        r"(?:APP|App|app|客户端|小程序|公众号|服务号|微信群|平台|系统|中枢|大脑|云脑|底座|健康宝|码通|政务网|服务网|门户网|网站|专网|外网|数据库|一张图|一张网|门户|热线|智能体|专区|自助机|一体机|自助终端)$",
        "Platform",
    ),
    (r"(?:电子证照|电子印章|电子签章|[^一]码|[^一]云)$", "Platform"),
    (r"(?:指挥中心|运营中心|运行中心|管理中心|数智中心|监测中心|调度中心|政务云|云平台)$", "Platform"),
    (r"(?:数据中心|算力中心|智算中心|云计算中心)$", "Project"),
    (r"(?:一等奖|二等奖|三等奖|金奖|银奖|大奖|奖|百强榜|榜单|先锋榜|排行榜|称号|名城|百强|案例)$", "Award"),
    (
        r"(?:交易中心|交易所|管理局|服务局|局|委员会|(?<![党市纪常省县区州镇村编主各部])委|办公厅|厅|办公室|新闻办|(?<=[政理信据字管务])办|专班|协会|联盟|商会|集团|有限公司|公司|研究院|研究所|学院|大学|附属医院|人民医院|中医医院|实验室|指挥部|大队|支队|创新中心|服务中心|政务服务大厦|市民中心)$",
        "Organization",
    ),
    (r"(?:建设项目|项目|工程|产业园|示范园|园区|基地|示范区|试验段|核心节点|直联点|总部)$", "Project"),
    (
        r"(?:改革|模式|机制|行动|一件事|通办|网办|即办|即享|快享|先办|跑一次|认证|公示|过户|亮证|场景)$",
        "Reform",
    ),
    (r"^[^+＋]*[\u4e00-\u9fff]{2}[^+＋]*[+＋][^+＋]*[\u4e00-\u9fff]{2}[^+＋]*$", "Reform"),
]
_HEAD_RES = [(re.compile(p), c) for p, c in _HEADS]


_HEAD_AT_END = re.compile(
    r"(?:APP|App|app|客户端|小程序|公众号|服务号|综合服务平台|服务平台|管理平台|平台|管理系统|系统|中枢|大脑|底座|专网|外网|政务服务网|服务网|数据库|一张图|一张网|门户|热线|"
    r"指挥中心|运营中心|运行中心|数据中心|服务中心|创新中心|中心|管理局|服务局|局|委员会|委|办公厅|厅|办公室|办|专班|协会|联盟|集团|有限公司|公司|研究院|"
    r"研究所|学院|大学|附属医院|人民医院|中医医院|实验室|指挥部|大队|建设项目|项目|示范工程|工程|产业园|园区|基地|示范区|一等奖|奖|百强榜|榜单|称号|改革|行动)$"
)


def head_of(name: str) -> str:
    """The head noun a name ends with ('' when none).

    >>> head_of("信用综合服务平台"), head_of("市级重点实验室")
    ('综合服务平台', '实验室')
    """
    m = _HEAD_AT_END.search(name)
    return m.group(0) if m else ""


def class_of_name(name: str) -> str | None:
    """The class a name's head noun implies, or None.

    >>> class_of_name("智游文旅大数据平台"), class_of_name("市大数据局"), class_of_name("全程网办")
    ('Platform', 'Organization', 'Reform')
    >>> class_of_name("数字经济") is None
    True
    """
    for rx, cls in _HEAD_RES:
        if rx.search(name):
            return cls
    return None


# words that end a name when walking left from its head (verbs and function words that
# precede names in this genre; measure words after numbers)
_BOUNDARY = set(
    """的 和 与 及 以及 或 等 在 为 将 把 对 由 从 向 是 了 已 以 让 被 于 经 并 且 共 还 也 都 即 其 个 家 项 座 条 套 台 次 名 位 批 类 款 种 所
    到 布局 明确 首例 首个 首条 首家 加入 在建 他 她 他们 我们 其余 众多 良好 统筹 保障 位于 推进了 依法 通过 依托 利用 运用 借助 基于 依靠 围绕 聚焦 建立 建成 搭建 打造 构建 推出 上线 开发 接入 入驻 完善 升级 整合 推广 使用 登录 下载
    包括 实现 形成 成立 组建 启动 推进 推动 开展 实施 深化 加快 持续 积极 全面 不断 进一步 创新 探索 推行 落实 部署 获评 荣获 入选
    获得 荣膺 成为 评为 列入 作为 其中 目前 同时 此外 已经 正在 今年 去年 近年来 首创 研发 牵头 起草 印发 出台 发布 编制 制定 召开 举行 负责
    承担 参与 支持 助力 赋能 依据 按照 根据 结合 覆盖 集成 汇聚 归集 联通 打通 在线 上线 设立 新建 新版 累计 完成 拥有 入围 获批
    会同 实行 施行 执行
    我市 该市 本市 全市 全省 全国 全区 全县 各地 各级 各类 一批 一系列 多个 首个 首批 这 这个 这些 该 此 各 有 没有 是否 如何 哪些 其他
    引进 培育 招引 提升 加强 强化 优化 提高 扩展 拓展 建设了 完善了 开通 启用 投用 投入 接 连 联合 合作 携手 共同 采用 访问
    介绍 表示 指出 认为 称 说 解读 发言 记者 主任 局长 书记 副局长 成员 党组 党委 工作人员 负责人 主持人""".split()
)
_LEVEL_PREFIX = ("市", "省", "区", "县", "州", "国家", "中国", "全国")
_PUNCT = re.compile(rf"[^{HAN}A-Za-z0-9+＋·]")


_MEASURE = re.compile(
    r"^(?:[余多个家项座条套台次名位批类款种所万亿千百十几两]{1,2}|[一二三四五六七八九十两几多]+[级类个项大批])$"
)


@lru_cache(maxsize=20000)
def _lcut(window: str) -> tuple[str, ...]:
    return tuple(jieba.lcut(window, HMM=False))


def tokenize(text: str, start: int) -> list[tuple[int, str]]:
    """jieba tokens of ``text`` with their document offsets (``text`` starts at ``start``)."""
    out = []
    pos = start
    for tok in _lcut(text):
        out.append((pos, tok))
        pos += len(tok)
    return out


def window_tokens(
    text: str, head_start: int, head_end: int, floor: int, max_len: int
) -> list[tuple[int, str]]:
    """Tokens of the short window before a head (jieba only ever sees these few characters)."""
    lo = max(floor, head_start - max_len - 2)
    return tokenize(text[lo:head_end], lo)


def left_boundary(tokens: list[tuple[int, str]], head_start: int, floor: int, max_len: int = 18,
                  allow_and: bool = False) -> int:  # fmt: skip
    """Where the name whose head starts at ``head_start`` begins.

    ``tokens`` are the sentence's jieba tokens (document offsets). Walks left until
    a boundary word, punctuation, a number or measure word, ``floor`` or
    ``max_len`` characters; ``allow_and`` keeps 和 inside names that start with a
    level prefix (市工业和信息化局).

    >>> t = "通钢自信公司建设的吉林省医药工业互联网平台"
    >>> t[left_boundary(tokenize(t, 0), len(t) - 2, 0):]
    '吉林省医药工业互联网平台'
    """
    # the token holding head_start belongs to the name; walk from the one before it
    i = len(tokens) - 1
    while i >= 0 and tokens[i][0] >= head_start:
        i -= 1
    start = head_start
    if i >= 0 and tokens[i][0] + len(tokens[i][1]) > head_start:
        start = tokens[i][0]
        i -= 1
    while i >= 0:
        tpos, tok = tokens[i]
        if tpos < floor or head_start - tpos > max_len:
            break
        if tok in _BOUNDARY:
            if allow_and and tok == "和" and i > 0:
                # 和 inside a body's name: a level or place word comes before it (市工业和信息化局)
                j = i - 1
                while j >= 0 and tokens[j][1] not in _BOUNDARY and not _PUNCT.search(tokens[j][1]):
                    if tokens[j][1].startswith(_LEVEL_PREFIX) or tokens[j][1].endswith(_LEVEL_PREFIX[:4]):
                        start = tpos
                        break
                    j -= 1
                if start == tpos:
                    i -= 1
                    continue
            break
        if _PUNCT.search(tok) or _MEASURE.match(tok) or re.match(r"^[\d.]+$", tok):
            break
        start = tpos
        i -= 1
    return start


# ---------------------------------------------------------------- 《titles》

_TITLE = re.compile(r"《([^《》\n]{2,80})》")
_DOC_SUFFIX = re.compile(
    r"(?:规划|方案|意见|办法|措施|通知|报告|计划|条例|规定|决定|纲要|细则|指南|指引|标准|白皮书|蓝皮书|清单|目录|政策|规范|制度|"
    r"章程|公告|通告|批复|要点|纪要|法|导则|体系|评估|若干措施|行动计划|三年行动|实施意见)"
    r"(?:[(（][^()（）]{1,16}[)）])?$"
)


def titles(text: str, s_start: int, s_text: str) -> list[Candidate]:
    """《…》 titles of plans, opinions, measures and reports (not newspapers or books)."""
    out = []
    for m in _TITLE.finditer(s_text):
        inner = m.group(1).strip()
        if _DOC_SUFFIX.search(inner):
            # the exact title, inner quotes kept (《“数字通化”总体规划》); stray inner spaces dropped
            label = re.sub(rf"(?<=[{HAN}])\s+(?=[{HAN}])", "", inner)
            out.append(Candidate(s_start + m.start(1), s_start + m.end(1), label, "PolicyDocument", "title"))
    return out


def clean_label(label: str) -> str:
    """Quotes removed, inner spaces between Han characters removed."""
    label = re.sub(r"[“”‘’「」『』\"]", "", label)
    return re.sub(rf"(?<=[{HAN}])\s+(?=[{HAN}])", "", label).strip()


_LEADING_VERBS = {
    "建设",
    "建成",
    "打造",
    "搭建",
    "构建",
    "升级",
    "完善",
    "深化",
    "推广",
    "开发",
    "运营",
    "上线",
}


# verbs that belong inside names: what a platform or body does
_NAME_VERBS = set(
    """应用 发展 审批 指挥 交换 运行 监测 监管 管理 服务 共享 调度 治理 执法 办理 受理 投诉 登记 认证 预警 采集 交易 支付 结算 出行 停车
    就医 养老 救助 防汛 巡检 评价 孵化 融合 协同 应急 办事 监督 检测 导航 缴费 挂号 问诊 诊疗 学习 培训 招聘 审查 审计 统计""".split()
)


@lru_cache(maxsize=50000)
def leading_junk(label: str) -> int:
    """How many leading characters of a span are not part of the name: pronouns, adverbs,
    numerals, particles, and a clause ending in a verb (银行贷款注入|株洲飞马橡胶实业有限公司).

    Verbs that name what a system does (审批, 监测, 共享) stay inside names.

    >>> leading_junk("当他再来到市民中心"), leading_junk("银行贷款注入株洲飞马橡胶实业有限公司")
    (5, 6)
    >>> leading_junk("工程建设项目审批管理系统")
    0
    """
    n = 0
    pairs = [(p.word, p.flag) for p in posseg.lcut(label, HMM=False)]
    for w, flag in pairs[:-1]:
        rest = len(label) - n - len(w)
        if flag[:1] in ("r", "p", "c", "u", "d", "m", "q", "y", "e", "o", "t") or w in _BOUNDARY:
            n += len(w)
            continue
        if ((flag == "v" and len(w) >= 2 and w not in _NAME_VERBS) or w in _LEADING_VERBS) and rest >= 4:
            n += len(w)
            continue
        break
    pos = 0
    for w, flag in pairs[:-1]:
        pos += len(w)
        if pos > n and flag == "v" and len(w) >= 2 and w not in _NAME_VERBS and len(label) - pos >= 3:
            n = pos
    return n


# ---------------------------------------------------------------- head nouns (unquoted)

_CLAUSE = re.compile(r"[，,；;：:。]")
_FOR = re.compile(r"(?:^|[^作成以认称])[为给]|围绕|面向|针对")
_PLACE_AFTER = re.compile(r"街道|路|大街|大道|社区|村|镇|小区|校区|站")
_HOTLINE_NO = re.compile(r"\d{5,6}$")
# verbs of making inside a span: what precedes them is the clause's object or subject,
# not the name (酱香白酒产业|建设|产业互联网平台); compounds like 建设项目 stay whole
_MID_VERB = re.compile(
    r"(?:建设|打造|搭建|构建|建成|推出|上线|推广|实行|推行|实施)(?!项目|工程|运营|管理|用地|单位|领域|指挥|服务)"
)


def _verb_cut(pre: str, clause: str = "") -> int:
    """Characters to drop from the front of a name's modifier ``pre`` (the text before its head):
    up to the last verb of making, when at least two characters of modifier follow it.
    建设 is also a noun inside names (数字政府建设一体化综合改革), so it cuts only when the
    clause before the span opens with 为/给/围绕/面向/针对 (围绕…产业建设…平台: build a
    platform for the industry).

    >>> _verb_cut("酱香白酒产业建设产业互联网", "为"), _verb_cut("数字政府建设一体化综合")
    (8, 0)
    >>> _verb_cut("工程建设项目审批管理", "为"), _verb_cut("施工许可实行")
    (0, 0)
    """
    cut = 0
    for m in _MID_VERB.finditer(pre):
        if m.group(0) == "建设" and not _FOR.search(clause):
            continue
        if m.start() > 0 and len(pre) - m.end() >= 2:
            cut = m.end()
    return cut


_HEAD_RE = re.compile(
    r"APP|App|小程序|公众号|服务号|微信群|平台|系统|中枢|大脑|云脑|政务服务网|专网|数据库|一张网|热线|指挥中心|运营中心|运行中心|管理中心|监测中心|调度中心|数智中心|云计算中心|数据中心|交易中心|交易所"
    r"|管理局|服务局|局|委员会|(?<![党市纪常省县区州镇村编主各部])委|办公厅|厅|办公室|新闻办|(?<=[政理信据字管务])办|专班|协会|联盟|商会|集团|有限公司|公司|研究院|学院|大学|附属医院|人民医院|中医医院|实验室|指挥部|大队"
    r"|创新中心|服务中心|建设项目|项目|工程|产业园|示范园|基地|试验段|核心节点|直联点|总部|一等奖|奖|百强榜|先锋榜|榜单"
    r"|名城|改革|行动"
)
# head + next character forming a longer word: not the end of a name
_NOT_HEAD = re.compile(
    r"^(?:委办|委员(?!会)|委托|委屈|平台化|平台型|系统性|系统化|系统地|工程师|项目化|项目制|局长|局面|局势|局限|局部|行动力|行动者|改革开放|改革委|"
    r"基地化|公司化|集团化|大学生|学院派|奖励|奖补|奖金|奖项|热线电话|中枢神经|大脑袋|项目库|平台上|系统内|热线员|系统自动|系统集成|系统推送|系统比对|"
    r"系统谋划|系统推进|改革建设|改革办)"
)


def headed(text: str, s_start: int, s_text: str, area_names: frozenset[str] = frozenset()) -> list[Candidate]:
    """Unquoted names that end in a head noun: 智游文旅大数据平台, 市自然资源局, …改革."""
    out = []
    for m in _HEAD_RE.finditer(s_text):
        if _NOT_HEAD.match(s_text[m.start() : m.start() + 4]):
            continue
        if m.group(0) == "局" and m.start() > 0 and s_text[m.start() - 1] in "布格大全开当结变破出棋骗饭时":
            continue
        if _PLACE_AFTER.match(s_text, m.end()) and class_of_name(m.group(0)) == "Organization":
            continue  # 学院街道, 大学路: a street or town named after a body is not the body
        hs, he = s_start + m.start(), s_start + m.end()
        cls = class_of_name(m.group(0)) or "Organization"
        if hs > s_start and text[hs - 1] in "”’」》“‘「":
            continue  # the quote rule owns “X”平台
        start = left_boundary(
            window_tokens(text, hs, he, s_start, 18), hs, s_start, allow_and=cls == "Organization"
        )
        if start > s_start and text[start - 1] in "”’」》“‘「":
            continue
        if start < hs:
            start += min(leading_junk(text[start:he]), hs - start)
            start += _verb_cut(text[start:hs], _CLAUSE.split(text[s_start:start])[-1])
        if m.group(0) == "热线":
            num = _HOTLINE_NO.search(text, max(s_start, start - 6), start)
            start = num.start() if num else start  # 12345亲民热线: the number is part of the name
        label = text[start:he]
        cls = class_of_name(label) or cls
        if label.endswith(("管理中心", "运行中心", "指挥中心", "服务中心", "运营中心", "数据中心")) and (
            label.startswith(_LEVEL_PREFIX[:4]) or any(label[:n] in area_names for n in (2, 3, 4))
        ):
            cls = "Organization"  # 市城市运行管理中心, 龙岗区…运行管理中心: an institution of that place
        out.append(Candidate(start, he, label, cls, "head"))
    return out
