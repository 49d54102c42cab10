"""Candidate entity spans from fixed phrases: award phrases (入选/荣获/获评 …), a place's
own digital programme (数字重庆), and central bodies by the labels of the bodies scheme
(ontology/schemes/bodies.ttl: 工信部, 国办).

Split from ``entity_rules`` (the head-noun and boundary rules); ``entities.py`` filters,
resolves and merges the candidates.
"""

from __future__ import annotations

import re

from citykg.graph import lang
from citykg.graph.extract.entities.rules import HAN, Candidate, clean_label, left_boundary, window_tokens
from citykg.graph.records import EntityClass

_Z = "zh/entities/"  # the word lists under graph/lang (each file says why its words are there)


def _award_verbs() -> str:
    rows = lang.rows(f"{_Z}award_verbs.tsv")
    return "(?:" + "|".join(lang.as_regex(v) for v, where in rows if where == "phrase") + ")"


# ---------------------------------------------------------------- award phrases

_TITLE_WORD = lang.alternation(f"{_Z}award_title_words.txt")

#: shortest honour name after an award verb (示范, 试点 alone are not names)
_AWARD_MIN = 4
_AWARD_PHRASE = re.compile(
    rf"{_award_verbs()}了?"
    rf"(?P<n>[{HAN}A-Za-z0-9“”‘’\"+·]{{3,30}}?){_TITLE_WORD}?(?=[，。；、,;）)]|$|等|{_TITLE_WORD})"
)
_STAR = re.compile(rf"[一二三四五]星级[{HAN}]{{2,10}}?{lang.alternation(f'{_Z}star_rated.txt')}")
_AWARD_WORD = re.compile(lang.alternation(f"{_Z}award_words.txt"))
_STOPS = lang.rows(f"{_Z}award_scope_stops.tsv")
_OPENERS = tuple(w for k, w in _STOPS if k == "opener")
_PARTS = tuple(w for k, w in _STOPS if k == "part")


def awards(text: str, s_start: int, s_text: str) -> list[Candidate]:
    """Honours a city or initiative entered: 入选…, 荣获…, 获评…, 被评为…."""
    out = []
    for m in _AWARD_PHRASE.finditer(s_text):
        raw = m.group("n")
        label = clean_label(raw)
        if len(label) < _AWARD_MIN or not _AWARD_WORD.search(label) or raw.startswith(_OPENERS):
            continue
        if any(p in label for p in _PARTS) or re.search(r"\d+[个家项座]", label):
            continue
        start, end = s_start + m.start("n"), s_start + m.end("n")
        out.append(Candidate(start, end, label, EntityClass.Award, "award"))
    for m in _STAR.finditer(s_text):
        out.append(Candidate(s_start + m.start(), s_start + m.end(), m.group(0), EntityClass.Award, "award"))
    return out


_PROGRAMME = re.compile(
    rf"{lang.alternation(f'{_Z}programme_prefixes.txt')}([{HAN}]{{2,3}}?)"
    rf"(?={lang.alternation(f'{_Z}programme_after.txt')}|[，。、；,;“”]|$)"
)


def city_programmes(text: str, s_start: int, s_text: str, area_names: frozenset[str]) -> list[Candidate]:
    """A place's own digital programme written without quotes: 推进数字重庆建设, 智慧株洲."""
    out: list[Candidate] = []
    if "数" not in s_text and "智" not in s_text:
        return out
    for m in _PROGRAMME.finditer(s_text):
        if m.group(1) in area_names:
            out.append(Candidate(s_start + m.start(), s_start + m.end(), m.group(0), EntityClass.Project, "head"))
    return out


def bodies(s_start: int, s_text: str, body_re: re.Pattern[str] | None) -> list[Candidate]:
    """Central-government bodies by any label of the bodies scheme (工信部, 国办, 国家数据局).

    ``body_re`` is ``Lexicon.national_body_re``; 部门 (department) is not a 部 (ministry).
    """
    if body_re is None:
        return []
    return [
        Candidate(s_start + m.start(), s_start + m.end(), m.group(0), EntityClass.Organization, "ministry")
        for m in body_re.finditer(s_text)
        if not s_text.startswith("门", m.end())
    ]


_EVAL = lang.rows(f"{_Z}evaluation_words.tsv")
_EVAL_HEAD = re.compile("(?:" + "|".join(re.escape(w) for k, w in _EVAL if k == "head") + ")")
_EVAL_AFTER = tuple(w for k, w in _EVAL if k == "after")
#: longest evaluation name walked left from its head (全国一体化政务服务能力评估 is 12)
_EVAL_MAX = 20
#: shortest evaluation name kept (a bare 评估 or 考核 is an activity, not a named one)
_EVAL_MIN = 6


def evaluations(text: str, s_start: int, s_text: str) -> list[Candidate]:
    """Evaluations whose result is reported, written without 《》 or 称号: 在…能力评估中位列第一,
    …营商环境评价结果. The name runs left from its head to a boundary word; "…中" counts only
    after 在 in the same clause (在…评估中)."""
    out: list[Candidate] = []
    for m in _EVAL_HEAD.finditer(s_text):
        rest = s_text[m.end() :]
        after = next((w for w in _EVAL_AFTER if rest.startswith(w)), None)
        if after is None:
            continue
        hs, he = s_start + m.start(), s_start + m.end()
        start = left_boundary(window_tokens(text, hs, he, s_start, _EVAL_MAX), hs, s_start, max_len=_EVAL_MAX)
        clause = re.split(r"[，,；;。]", text[s_start:start])[-1]
        if after == "中" and ("在" not in clause or "奖" in re.split(r"[，,；;。]", rest)[0]):
            continue  # 在…评选中荣获…奖: the prize is the honour (the award rule finds it)
        label = text[start:he]
        if len(label) >= _EVAL_MIN and not re.search(r"[^\u4e00-\u9fffA-Za-z0-9]", label):
            out.append(Candidate(start, he, label, EntityClass.Award, "award"))
    return out
