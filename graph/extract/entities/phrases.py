"""Candidate entity spans from fixed phrases: award phrases (入选/荣获/获评 …), a place's
own digital programme (数字重庆), and central ministries by their short names (工信部).

Split from ``entity_rules`` (the head-noun and boundary rules); ``entities.py`` filters,
resolves and merges the candidates.
"""

from __future__ import annotations

import re

from citykg.graph.extract.entities.rules import HAN, Candidate, clean_label

# ---------------------------------------------------------------- award phrases

_AWARD_PHRASE = re.compile(
    rf"(?:入选|荣获|获评|荣膺|被评为|评为|获批(?:建设|设立)?|跻身|成功创建|被命名为|被授予|授予)了?"
    rf"(?P<n>[{HAN}A-Za-z0-9“”‘’\"+·]{{3,30}}?)(?:荣誉称号|称号|名单|榜单|荣誉)?(?=[，。；、,;）)]|$|等|称号|名单|榜单)"
)
_STAR = re.compile(rf"[一二三四五]星级[{HAN}]{{2,10}}?(?:城市|社区|园区|单位|企业|景区)")
_AWARD_WORD = re.compile(
    r"首版次|首台套|专精特新|小巨人|瞪羚|先导区|先行区|示范区|试验区|奖|榜|称号|星级|城市|案例|示范|试点|标杆|企业|集群|百强|名城|优秀|先进|品牌|园区|基地|社区|清单|总部|名录"
)


def awards(text: str, s_start: int, s_text: str) -> list[Candidate]:
    """Honours a city or initiative entered: 入选…, 荣获…, 获评…, 被评为…."""
    out = []
    for m in _AWARD_PHRASE.finditer(s_text):
        raw = m.group("n")
        label = clean_label(raw)
        if len(label) < 4 or not _AWARD_WORD.search(label) or raw.startswith(("数量", "比例", "总数")):
            continue
        if "之一" in label or re.search(r"\d+[个家项座]", label):
            continue
        start, end = s_start + m.start("n"), s_start + m.end("n")
        # strip a leading year (2024年度…) from the label but keep it in the span
        out.append(Candidate(start, end, label, "Award", "award"))
    for m in _STAR.finditer(s_text):
        out.append(Candidate(s_start + m.start(), s_start + m.end(), m.group(0), "Award", "award"))
    return out


_PROGRAMME = re.compile(rf"(?:数字|智慧|数智)([{HAN}]{{2,3}}?)(?=建设|战略|品牌|[，。、；,;“”]|$)")


def city_programmes(text: str, s_start: int, s_text: str, area_names: frozenset[str]) -> list[Candidate]:
    """A place's own digital programme written without quotes: 推进数字重庆建设, 智慧株洲."""
    out: list[Candidate] = []
    if "数" not in s_text and "智" not in s_text:
        return out
    for m in _PROGRAMME.finditer(s_text):
        if m.group(1) in area_names:
            out.append(Candidate(s_start + m.start(), s_start + m.end(), m.group(0), "Project", "head"))
    return out


# national ministries and offices written by their usual short names (工信部, 住建部, 国办)
_MINISTRY = re.compile(
    r"(?:国家)?(?:工信|住建|商务|科技|财政|人社|民政|公安|教育|司法|交通运输|自然资源|生态环境|农业农村|水利|"
    r"文旅|文化和旅游|应急管理|工业和信息化|住房和城乡建设|人力资源和社会保障|外交|审计|退役军人事务)部(?!门)|国办|国务院办公厅|"
    r"(?:国家|中央)?网信办|国家发展改革委|国家发改委|国家数据局|国家卫健委|国务院国资委|国家市场监管总局|国家税务总局"
)


_MINISTRY_HINT = re.compile(r"[部办委局厅]")


def ministries(text: str, s_start: int, s_text: str) -> list[Candidate]:
    """Central-government bodies written by their usual short names."""
    if not _MINISTRY_HINT.search(s_text):
        return []
    return [
        Candidate(s_start + m.start(), s_start + m.end(), m.group(0), "Organization", "ministry")
        for m in _MINISTRY.finditer(s_text)
    ]
