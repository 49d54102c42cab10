"""Entity extraction: reforms, platforms, projects, policy documents, organizations, awards.

``extract_entities`` runs the span rules of ``entity_rules`` and the reform labels
of the concept scheme over each sentence, keeps the best non-overlapping spans,
drops generic words, merges the mentions of one entity (and near-variant names of
one body) into one ``EntityRecord``, and links each record to its reform concept
(curated, or a new uncurated one for an unknown reform), its domain, its city and
the county the text places it in.
"""

from __future__ import annotations

import re

import jieba

from citykg.graph.extract.entities.concepts import concept_candidates, gate_field_terms, label_class
from citykg.graph.extract.entities.lexicon import Lexicon, build_lexicon, concept_for, domain_for, fold
from citykg.graph.extract.entities.lists import listed
from citykg.graph.extract.entities.phrases import awards, city_programmes, ministries
from citykg.graph.extract.entities.quotes import quoted
from citykg.graph.extract.entities.rules import Candidate, head_of, headed, titles
from citykg.graph.kb import KnowledgeBase
from citykg.graph.records import AreaMention, Document, EntityRecord, Mention
from citykg.namespaces import uncurated_concept_iri

_PRIORITY = {"title": 0, "quote": 1, "ministry": 2, "award": 2, "list": 2, "concept": 3, "head": 3}
_CLASS_RANK = {
    "title": 0,
    "quote": 1,
    "ministry": 1,
    "list": 2,
    "concept": 2,
    "award": 2,
    "head": 3,
    "repeat": 4,
}

# modifier words that do not make a name on their own (…平台 preceded only by these is generic)
_GENERIC = set(
    """业务 服务 信息 数据 管理 应用 专项 综合 相关 有关 网络 数字化 智能化 信息化 大数据 一体化 统一 公共 线上 网上 在线 监管 智慧 智能
    新型 重点 基础 技术 运营 安全 工作 各类 各种 专业 行业 政务 政府 城市 企业 市民 群众 便民 惠民 民生 社会 省级 市级 区级 县级
    国家级 国家 全市 全省 全国 市 省 区 县 新 大 小 老 原 现有 自有 自主 其他 该 本 一个 一批 多个 四大 三大 两大 各 内部 外部 配套 平台 系统
    建设 发展 创新 改革 项目 工程 示范 试点 全面 深化 持续 推进 整体 全域 协同 联动 高效 便捷 精准 集成 开放 共享 合作 主要 核心 关键 部门
    一级 二级 行政 机构 单位 主管 职能 有关部门 委办 专门 领导 小组 工作组 党组 党委 国有 民营 龙头 骨干 优秀 先进 新一代 智能化改造 数字化转型
    住宅 水利 系统性 技改 软件 参评 工业 行业级 工业互联网 互联网 远程 控制 公众 云计算 孵化 投资 移动 商业 大中型 大型 中型 小型 边缘 生产 过程 生产过程 微机电 电 机电 产业链
    基层 一线 前沿 未来 传统 新兴 高新 高端 重大 一系列 标准化 规范化 网格 覆盖 提升 优化 完善 打造 构建 加快 积极 全 总 分 子""".split()
)
_NOT_A_BODY = {"", "各", "相关", "有关", "该", "本", "委办", "职能", "主管", "各级", "一", "二", "三"}
_LEVEL = re.compile(r"^(?:全市|全省|市级|省级|区级|县级|国家级|国家|中国|全国|[市省区县])")
_GOV_ORG = re.compile(r"(?:局|委员会|委|办公厅|厅|办公室|办|专班|指挥部|大队|中心)$")
_SPAM = re.compile(r"电竞|娱乐城|博彩|彩票|赌|棋牌|体育app|真人|官网|平台注册|下载app", re.IGNORECASE)


def _all_area_names(kb: KnowledgeBase) -> frozenset[str]:
    cached = getattr(kb, "_entity_area_names", None)
    if cached is None:
        cached = frozenset(n for a in kb.areas.values() for n in (a.name, *a.short_names) if len(n) >= 2)
        try:
            kb._entity_area_names = cached  # type: ignore[attr-defined]
        except AttributeError:  # pragma: no cover - slotted objects
            pass
    return cached


def _strip_place(label: str, area_names: frozenset[str]) -> str:
    """The name without a leading division name or level word (菏泽市大数据局 -> 大数据局)."""
    for n in range(min(8, len(label) - 1), 1, -1):
        if label[:n] in area_names:
            label = label[n:]
            break
    return _LEVEL.sub("", label)


def is_generic(label: str, cls: str, area_names: frozenset[str]) -> bool:
    """True for names made only of generic words (业务平台, 相关部门, 重点项目).

    >>> is_generic("业务平台", "Platform", frozenset())
    True
    >>> is_generic("智游文旅大数据平台", "Platform", frozenset())
    False
    """
    core = _strip_place(label, area_names)
    body = core[: len(core) - len(head_of(core))]
    # drop a two-character head word once more (服务平台 -> 服务)
    if (
        cls != "Reform"
        and len(body) >= 2
        and body[-2:] in ("服务", "管理", "信息", "建设", "数据", "指挥", "运营")
    ):
        body = body[:-2] if len(body) > 2 else body
    if len(body) < 1:
        return True
    toks = [t for t in jieba.lcut(body, HMM=False) if t.strip()]
    return all(t in _GENERIC or t.isdigit() or re.fullmatch(r"[一二三四五六七八九十两]+大", t) for t in toks)


def _keep(c: Candidate, area_names: frozenset[str], lex: Lexicon) -> bool:
    """Precision filters per rule source and class."""
    label = c.label
    if len(label) < 2 or len(label) > 40 or _SPAM.search(label):
        return False
    if c.source == "quote":
        key = fold(label)
        # a bare cue word (“一件事”) is not a name
        return not (key in lex.by_cue and key not in lex.by_label and len(key) <= 3)
    if c.source in ("title", "concept", "ministry", "bare"):
        return True
    if c.source == "list":  # 养老服务、医疗服务等…: generic service words are not names
        return not is_generic(label, c.cls, area_names)
    core = _strip_place(label, area_names)
    if c.source == "award":
        return len(core) >= 4
    # unquoted head-noun names
    if c.cls == "Reform":
        return len(label) >= 7 and not label.startswith(("体制", "工作", "改革"))
    if c.cls == "Organization" and _GOV_ORG.search(label):
        # a government body is named with its level or place: 市大数据局, 牡丹区大数据局
        body = core[: len(core) - len(head_of(core))]
        if core == label:  # no level or place: only a named standing body (…领导小组办公室)
            return len(label) >= 8 and bool(re.search(r"领导小组|工作组|委员会|指挥部|专班", label))
        return len(core) >= 3 and body not in _NOT_A_BODY
    if c.cls == "Organization" and core != label and any(label[:n] in area_names for n in (2, 3, 4, 5)):
        return len(core) >= 3  # a firm or institute named by its place: 贵阳大数据集团
    if c.cls == "Organization":
        return (
            len(label) >= 4
            and len(head_of(label)) < len(label) - 1
            and not is_generic(label, c.cls, area_names)
        )
    if (
        c.cls == "Platform"
        and core != label
        and any(label[:n] in area_names for n in (2, 3, 4, 5))
        and label.endswith(("平台", "系统", "服务网"))
    ):
        return len(core) >= 4  # a place's own platform: 陕西省一体化政务服务平台, 浙江政务服务网
    if is_generic(label, c.cls, area_names):
        return False
    if c.cls == "Award":
        return len(core) >= 4
    return len(label) >= 4


def _brand_classes(cands: list[Candidate]) -> None:
    """A brand quoted with a platform descriptor (“随申办”APP) is a platform wherever it is
    quoted: “随申办”还推出… names the app, not a reform."""
    brands = {fold(c.core) for c in cands if c.core and c.cls == "Platform"}
    for c in cands:
        if c.source == "quote" and c.cls == "Reform" and fold(c.label) in brands:
            c.cls = "Platform"


def _promote_bare(cands: list[Candidate]) -> list[Candidate]:
    """A bare quoted word is a mention of an entity quoted with a descriptor elsewhere
    (“爱山东”服务总门户 … 访问“爱山东”); otherwise it is dropped."""
    named = {fold(c.label): c.cls for c in cands if c.source == "quote"}
    named.update({fold(c.core): "Platform" for c in cands if c.core and c.cls == "Platform"})
    out = []
    for c in cands:
        if c.source == "bare":
            cls = named.get(fold(c.label))
            if cls is None:
                continue
            c.cls, c.source = cls, "quote"
        out.append(c)
    return out


def _select(cands: list[Candidate], length: int) -> list[Candidate]:
    """Keep the best non-overlapping spans: titles, then quotes, then the longest of the rest."""
    order = sorted(cands, key=lambda c: (_PRIORITY[c.source], -(c.end - c.start), c.start))
    taken = bytearray(length + 1)  # 1 where a kept span already covers the character
    kept = []
    for c in order:
        if any(taken[c.start : c.end]):
            continue
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def _variant_of(short: str, long_: str) -> bool:
    """Near-variant names of one body: 市行政审批局 / 市行政审批服务局, 市大数据局 / 菏泽市大数据局.

    >>> _variant_of("市行政审批局", "市行政审批服务局"), _variant_of("市民政局", "市自然资源局")
    (True, False)
    """
    if short == long_ or len(short) < 3:
        return short == long_
    if long_.endswith(short) and len(long_) - len(short) <= 5:
        return True
    if short[-1] != long_[-1] or short[:2] != long_[:2] or len(long_) - len(short) > 3:
        return False
    it = iter(long_)
    return all(ch in it for ch in short)


def extract_entities(doc: Document, kb: KnowledgeBase, city: str | None,
                     areas: list[AreaMention]) -> list[EntityRecord]:  # fmt: skip
    """All named initiatives, documents, bodies and honours of ``doc``, one record per entity."""
    lex = build_lexicon(kb)
    area_names = _all_area_names(kb)
    text = doc.text
    cands: list[Candidate] = []

    def known(name: str) -> str | None:
        """The class a reform-scheme label implies (None for names the scheme does not know)."""
        return label_class(lex, name) if fold(name) in lex.by_label else None

    for s in doc.sentences:
        st = s.text
        cands += titles(text, s.start, st)
        cands += quoted(text, s.start, st, area_names, known)
        cands += awards(text, s.start, st)
        cands += ministries(text, s.start, st)
        cands += concept_candidates(lex, s.start, st)
        cands += headed(text, s.start, st, area_names)
        cands += city_programmes(text, s.start, st, area_names)
        cands += listed(s.start, st, known)
    cands = [c for c in cands if _keep(c, area_names, lex)]
    cands = gate_field_terms(cands, text)
    cands = _promote_bare(cands)
    _brand_classes(cands)
    chosen = _select(cands, len(text))
    return _records(doc, kb, lex, city, areas, chosen)


def _records(doc: Document, kb: KnowledgeBase, lex: Lexicon, city: str | None,
             areas: list[AreaMention], chosen: list[Candidate]) -> list[EntityRecord]:  # fmt: skip
    text = doc.text
    groups: dict[str, list[Candidate]] = {}
    for c in chosen:
        groups.setdefault(fold(c.label), []).append(c)
    _merge_variants(groups)
    _merge_concept_variants(groups, lex)
    covered = bytearray(len(text) + 1)
    for cs in groups.values():
        for c in cs:
            covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    records = []
    for key, cs in groups.items():
        best = min(cs, key=lambda c: (_CLASS_RANK[c.source], c.start))
        label = best.label
        # other plain occurrences of the name are mentions too
        if len(label) >= 3 and label in text:
            pos = text.find(label)
            while pos >= 0:
                end = pos + len(label)
                if not any(covered[pos:end]):
                    cs.append(Candidate(pos, end, label, best.cls, "repeat"))
                    covered[pos:end] = b"\x01" * (end - pos)
                pos = text.find(label, end)
        cs.sort(key=lambda c: c.start)
        mentions = [
            Mention(text[c.start : c.end], c.start, c.end, doc.sentence_at(c.start).index) for c in cs
        ]
        rec = EntityRecord(cls=best.cls, label=label, mentions=mentions, city=city)
        concept = concept_for(lex, label) if best.cls != "PolicyDocument" else None
        if best.cls in ("Organization", "Award"):
            concept = lex.by_label.get(key) if concept is not None else None
        if concept is not None:
            rec.concept, rec.concept_label = concept.iri, concept.pref_zh
            rec.domain = concept.domains[0] if concept.domains else None
        elif best.cls == "Reform":
            rec.concept = str(uncurated_concept_iri("reform", label))
            rec.concept_label = label
            rec.new_concept = True
        if rec.domain is None:
            sentence = doc.sentence_at(cs[0].start).text
            rec.domain = domain_for(lex, label, sentence)
        rec.area = _county_of(kb, areas, cs, text)
        records.append(rec)
    _link_operators(records, text)
    return records


# 通钢自信公司建设的…平台, 市大数据局牵头起草《…》, 市住建局推出“…”: the body runs the initiative
_RUN_BY_GAP = re.compile(
    r"^(?:(?:牵头|负责|联合|主导|自主|独立|积极|正式)?(?:建设|打造|搭建|开发|推出|上线|运营|建立|研发|起草|编制|制定|印发|出台|发布|实施|开展|推行)了?(?:的)?)$"
)


def _link_operators(records: list[EntityRecord], text: str) -> None:
    """Fill ``run_by`` from an organization named right before an initiative with a verb of making."""
    orgs = [(m, r.label) for r in records if r.cls == "Organization" for m in r.mentions]
    if not orgs:
        return
    for r in records:
        if r.cls == "Organization":
            continue
        for m in r.mentions:
            for om, label in orgs:
                if om.sentence == m.sentence and om.end <= m.start and m.start - om.end <= 8:
                    gap = text[om.end : m.start].strip("“‘「《 ")
                    if _RUN_BY_GAP.match(gap) and label not in r.run_by:
                        r.run_by.append(label)


def _merge_concept_variants(groups: dict[str, list[Candidate]], lex: Lexicon) -> None:
    """Scheme labels of one concept used side by side in one article (公共数据授权运营 …
    公共数据运营主体) name one entity: fold the shorter ones into the prefLabel's group, else
    the one written most often (城市基础设施生命线安全工程 stays apart from 城市生命线)."""
    by_concept: dict[tuple[str, str], list[str]] = {}
    for key, cs in groups.items():
        if all(c.source == "concept" for c in cs) and key in lex.by_label:
            by_concept.setdefault((lex.by_label[key].iri, cs[0].cls), []).append(key)
    for keys in by_concept.values():
        if len(keys) < 2:
            continue
        pref = fold(lex.by_label[keys[0]].pref_zh)
        keep = max(keys, key=lambda k: (k == pref, len(groups[k]), len(k)))
        name = groups[keep][0].label
        for k in keys:
            if k != keep and len(k) <= len(keep):  # a longer, more specific name stays apart
                for c in groups[k]:
                    c.label = name  # the mention keeps its own offsets (and surface text)
                groups[keep] = sorted(groups[keep] + groups.pop(k), key=lambda c: c.start)


def _merge_variants(groups: dict[str, list[Candidate]]) -> None:
    """Fold near-variant organization names and abbreviated titles into one group."""
    keys = sorted(groups, key=len)
    for short in keys:
        if short not in groups:
            continue
        cls = groups[short][0].cls
        if cls not in ("Organization", "PolicyDocument"):
            continue
        for long_ in keys:
            if long_ == short or long_ not in groups or len(long_) < len(short):
                continue
            if groups[long_][0].cls != cls:
                continue
            same = _variant_of(short, long_) if cls == "Organization" else long_.endswith(short)
            if same:
                # keep the name written most often; ties go to the longer (fuller) one
                a, b = groups[short], groups[long_]
                keep, drop = (short, long_) if len(a) > len(b) else (long_, short)
                groups[keep] = sorted(a + b, key=lambda c: (c.label != keep, c.start)) if keep else a + b
                del groups[drop]
                if drop == short:
                    break


def _county_of(kb: KnowledgeBase, areas: list[AreaMention], cs: list[Candidate], doc_text: str) -> str | None:
    """The county/district named in or right before a mention (辉南县的…, 牡丹区大数据局)."""
    for c in cs:
        for am in areas:
            a = kb.areas.get(am.adcode)
            if a is None or a.level != "County":
                continue
            m = am.mention
            gap = doc_text[m.end : c.start] if m.end <= c.start else None
            if c.start <= m.start < c.end or (
                gap is not None and len(gap) <= 3 and not gap.strip("的“‘「《 ")
            ):
                return am.adcode
    return None
