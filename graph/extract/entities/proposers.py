"""The registered entity proposers: each proposes candidate spans in one sentence.

Registered by name with a priority and a rank (``graph.registry``); ``pipeline.extract_entities``
runs every registered proposer, so a new rule is one decorated function here (or in any module
imported before extraction), not an edit of the pipeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from citykg.graph import lang
from citykg.graph.extract.entities.concepts import concept_candidates
from citykg.graph.extract.entities.lexicon import (
    Lexicon,
)
from citykg.graph.extract.entities.lists import listed
from citykg.graph.extract.entities.phrases import awards, bodies, city_programmes, evaluations
from citykg.graph.extract.entities.quotes import quoted
from citykg.graph.extract.entities.rules import Candidate, headed, titles
from citykg.graph.kb import KnowledgeBase
from citykg.graph.records import EntityClass, Sentence
from citykg.graph.registry import proposer

_Z = "zh/entities/"  # the word lists under graph/lang (each file says why its words are there)


@dataclass
class Context:
    """What every proposer may read about the document being extracted."""

    text: str
    kb: KnowledgeBase
    lex: Lexicon
    area_names: frozenset[str]
    known: Callable[[str], str | None]


# ---------------------------------------------------------------- proposers (registry)


@proposer("title", priority=0)
def _p_titles(ctx: Context, s: Sentence) -> list[Candidate]:
    """《…》 titles of plans, opinions and reports."""
    return titles(ctx.text, s.start, s.text)


@proposer("quote", priority=1)
def _p_quotes(ctx: Context, s: Sentence) -> list[Candidate]:
    """Quoted names and the descriptor after the closing quote."""
    return quoted(ctx.text, s.start, s.text, ctx.area_names, ctx.known, ctx.lex.brand_re)


@proposer("platform", priority=3, rank=1)
def _p_platforms(ctx: Context, s: Sentence) -> list[Candidate]:
    """App and portal brands of the platforms scheme, quoted or not."""
    if ctx.lex.platform_re is None:
        return []
    return [
        Candidate(s.start + m.start(), s.start + m.end(), m.group(0), EntityClass.Platform, "platform")
        for m in ctx.lex.platform_re.finditer(s.text)
        if not _crosses_place(s.text, m.start(), m.end(), ctx.area_names)
        and not _in_number(s.text, m.start(), m.end())
    ]


def _in_number(text: str, start: int, end: int) -> bool:
    """True when a service number (12345) is part of a longer number (0123456, 12345.6).

    >>> _in_number("电话0123456", 3, 8), _in_number("拨打12345反映", 2, 7)
    (True, False)
    """
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return text[start].isdigit() and (before.isdigit() or after.isdigit() or after == ".")


#: the longest place name checked when a match may run into one (北京通|州区)
_PLACE_SPAN = 4


def _crosses_place(text: str, start: int, end: int, names: frozenset[str]) -> bool:
    """True when a place name runs across either end of text[start:end] (北京通 in 北京通州区).

    >>> _crosses_place("北京通州区", 0, 3, frozenset({"通州"})), _crosses_place("用京通办事", 1, 3, frozenset({"通州"}))
    (True, False)
    """
    for cut in (start, end):
        for a in range(max(0, cut - _PLACE_SPAN + 1), cut):
            for b in range(cut + 1, min(len(text), a + _PLACE_SPAN) + 1):
                if text[a:b] in names:
                    return True
    return False


_BRAND_CONTEXT = lang.rows(f"{_Z}brand_contexts.tsv")
_BRAND_BEFORE = "(?:" + "|".join(re.escape(w) for k, w in _BRAND_CONTEXT if k == "before") + ")"
_BRAND_AFTER = "(?:" + "|".join(re.escape(w) for k, w in _BRAND_CONTEXT if k == "after") + r"|[，。、；,;]|$)"


@lru_cache(maxsize=4)
def _unquoted_brand_re(brand: re.Pattern[str]) -> re.Pattern[str]:
    """brand_re without its anchors, between the contexts of brand_contexts.tsv."""
    inner = brand.pattern.removeprefix("^").removesuffix("$")
    return re.compile(f"{_BRAND_BEFORE}(?P<b>{inner})(?={_BRAND_AFTER})")


@proposer("brand", priority=3, rank=1)
def _p_brands(ctx: Context, s: Sentence) -> list[Candidate]:
    """Unquoted app brands named after a place, where the sentence uses them as apps (通过…办理)."""
    if ctx.lex.brand_re is None:
        return []
    return [
        Candidate(s.start + m.start("b"), s.start + m.end("b"), m.group("b"), EntityClass.Platform, "platform")
        for m in _unquoted_brand_re(ctx.lex.brand_re).finditer(s.text)
    ]


@proposer("award", priority=2)
def _p_awards(ctx: Context, s: Sentence) -> list[Candidate]:
    """Honours after an award verb (入选, 荣获, 获评 …)."""
    return awards(ctx.text, s.start, s.text)


@proposer("evaluation", priority=2)
def _p_evaluations(ctx: Context, s: Sentence) -> list[Candidate]:
    """Evaluations whose result is reported (在…评估中, …评价结果)."""
    return evaluations(ctx.text, s.start, s.text)


@proposer("ministry", priority=2, rank=1)
def _p_bodies(ctx: Context, s: Sentence) -> list[Candidate]:
    """Central bodies by the labels of the bodies scheme."""
    return bodies(s.start, s.text, ctx.lex.national_body_re)


@proposer("concept", priority=3, rank=2)
def _p_concepts(ctx: Context, s: Sentence) -> list[Candidate]:
    """Labels of the reform scheme."""
    return concept_candidates(ctx.lex, s.start, s.text)


@proposer("head", priority=3)
def _p_heads(ctx: Context, s: Sentence) -> list[Candidate]:
    """Unquoted names ending in a head noun (…平台, …局, …改革)."""
    return headed(ctx.text, s.start, s.text, ctx.area_names)


@proposer("programme", priority=3)
def _p_programmes(ctx: Context, s: Sentence) -> list[Candidate]:
    """A place's own digital programme (数字重庆, 智慧株洲)."""
    return city_programmes(ctx.text, s.start, s.text, ctx.area_names)


@proposer("list", priority=2)
def _p_lists(ctx: Context, s: Sentence) -> list[Candidate]:
    """Items of 、-lists of named systems and local scenarios."""
    return listed(s.start, s.text, ctx.known)
