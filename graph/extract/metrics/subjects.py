"""Whose figure is it: the article city's, or the nation's, the province's, another city's?

News about a city quotes national and provincial statistics for context (截至2022年12月,
我国网民规模已达10.67亿; 全省累计建成5G基站20万个). Those figures are not the city's and
must never be credited to it. The subject of a figure is the subject word that opens its
clause (after a time phrase such as 目前 or 2023年), or, when its clause opens with none,
the last clause of the sentence that did (互联网普及率达75.6% continues 我国…). The words
are data: ``graph/lang/zh/metrics/subject-words.tsv``; other cities and provinces come
from the divisions (``ontology/divisions.ttl``). The QC query
``queries/qc/observation-subject-violation.rq`` checks the same rule on a build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citykg.graph import lang
from citykg.graph.kb import KB_CACHE_SIZE, KnowledgeBase

_ROWS = {row[0]: row[1].split() for row in lang.rows("zh/metrics/subject-words.tsv")}
FOREIGN_SCOPES = ("national", "province")
_CITY_WORDS = _ROWS.get("city", [])
_FOREIGN_WORDS = [w for scope in FOREIGN_SCOPES for w in _ROWS.get(scope, [])]
_ADVERBIAL = tuple(_ROWS.get("adverbial", []))  # 全国首创: not a subject
# what may stand before the subject word at the opening of a clause (a time phrase, a connective)
_LEAD = re.compile(
    r"(?:(?:截至|截止到?|到)?(?:(?:19|20)\d{2}年(?:\d{1,2}月)?(?:底|末|初)?|"
    + "|".join(map(re.escape, _ROWS.get("lead-time", [])))
    + ")|"
    + "|".join(map(re.escape, sorted(_ROWS.get("lead-connective", []), key=len, reverse=True)))
    + ")*"
)
_CLAUSE_BREAK = re.compile(r"[,，;；:：。!！?？()（）\n]")
MIN_PLACE_NAME = 2  # one-character short names (京, 沪) are too ambiguous at a clause opening


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass
class SubjectIndex:
    """Clause-opening subject words: the city's own, and foreign ones (nation, province, other places)."""

    opening: re.Pattern[str]
    places: dict[str, set[str]]  # place name -> adcodes (cities and provinces)
    kb: KnowledgeBase

    def scope_of(self, word: str, city: str | None) -> str:
        """"city" (the article's own), "foreign", or "" (not a subject word)."""
        if word in _CITY_WORDS:
            return "city"
        if word in _FOREIGN_WORDS:
            return "foreign"
        codes = self.places.get(word, set())
        if not codes or city is None:
            return ""
        for code in codes:
            owner = self.kb.city_of(code)
            if code == city or (owner is not None and owner.adcode == city):
                return "city"
        return "foreign"


_INDEXES: dict[int, tuple[KnowledgeBase, SubjectIndex]] = {}


def index_for(kb: KnowledgeBase) -> SubjectIndex:
    """The subject index of ``kb`` (built once per knowledge base)."""
    hit = _INDEXES.get(id(kb))
    if hit is None or hit[0] is not kb:
        places: dict[str, set[str]] = {}
        for a in kb.areas.values():
            if a.level not in ("City", "Province") and "Province" not in a.levels:
                continue
            for name in (a.name,):  # official names only: 湖南大学 is no subject 湖南
                if len(name) >= MIN_PLACE_NAME:
                    places.setdefault(name, set()).add(a.adcode)
        words = _CITY_WORDS + _FOREIGN_WORDS + list(places)
        opening = re.compile(_LEAD.pattern + "(" + _alternation(words) + ")")
        if len(_INDEXES) > KB_CACHE_SIZE:
            _INDEXES.clear()
        hit = _INDEXES[id(kb)] = (kb, SubjectIndex(opening, places, kb))
    return hit[1]


def foreign_subject(index: SubjectIndex, sentence: str, rel_start: int, city: str | None) -> str | None:
    """The foreign subject word a figure at ``rel_start`` of ``sentence`` belongs to, or None.

    The clause openings of the sentence up to the figure are read in order; the last one
    naming a subject decides (the city's own words and name reset it).
    """
    subject: str | None = None
    starts = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, rel_start)]
    for s in starts:
        m = index.opening.match(sentence, s)
        if m is None or m.end() > rel_start:
            continue
        scope = index.scope_of(m.group(1), city)
        if sentence.startswith(_ADVERBIAL, m.end()):
            continue
        if scope == "city":
            subject = None
        elif scope == "foreign":
            subject = m.group(1)
    return subject
