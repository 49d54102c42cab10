"""Places: the city an article is about and every administrative division it mentions.

All 3,200 GB/T 2260 names (official and short) are compiled into one trie-shaped
regex, so one pass over the text finds every candidate. Then:

1. the city is voted: names in the title and first sentences weigh more, full
   names (通化市) more than short ones (通化), a county or district votes for its
   city, and metadata (manifest ``city``) decides outright when it resolves;
2. ambiguous names are resolved with that context: 朝阳 is the 朝阳区 of the
   article's city, a short name prefers the higher level (通化 is 通化市, not
   通化县), and a county's short name only counts inside its own city;
3. short names that are ordinary words (jieba's dictionary says so) never fire.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from citykg.graph.extract import dictwords
from citykg.graph.extract.entities.rules import _lcut
from citykg.graph.ingest.text import WordScanner, trie_regex
from citykg.graph.kb import KB_CACHE_SIZE, Area, KnowledgeBase
from citykg.graph.records import AreaMention, Document, Mention

_RANK = {"Province": 3, "City": 2, "County": 1}
_PLACE_TAGS = {"ns", "j", "nrt"}
_COMMON_FREQ = 1000  # a county short name this frequent in jieba's dictionary is an ordinary word
W_FULL, W_SHORT, W_COUNTY, TITLE_BONUS, LEAD_BONUS = 2.0, 1.5, 1.0, 3.0, 2.0
#: the name ending of a county-level city (县级市), which can be an article's city
COUNTY_CITY_SUFFIX = "市"
#: a county-level city is the article's city when its votes exceed this many times its city's own
COUNTY_CITY_MARGIN = 2.0
#: a county named at most this many characters before a span (辉南县的…) is the span's county
COUNTY_GAP = 3
#: what may stand between such a county and the span
_COUNTY_GAP_CHARS = "的“‘「《 "
#: a county-only name this short (城关, 东区, 老城区) may cut through a word or name a town
#: elsewhere: it must be word-aligned and is kept only near the article's city or province
_SHORT_COUNTY_NAME = 3
#: characters of context jieba segments either side of a name to test word alignment
_ALIGN_MARGIN = 4
#: sentences up to this index (title line and first paragraph) are the lead (LEAD_BONUS)
LEAD_LAST = 3
_SILENT = 60  # a log level above logging.CRITICAL (50): jieba prints nothing
_UNSEEN = 10**9  # an offset after any text: a city voted for but never named comes last

__all__ = ["CountyIndex", "Gazetteer", "PlaceResult", "resolve_hint", "resolve_places", "trie_regex", "warm_up"]


@dataclass(frozen=True)
class Hit:
    """One occurrence of a division name in the text."""

    name: str
    start: int
    end: int
    full: bool  # an official name (通化市), not a short form (通化)


@dataclass
class PlaceResult:
    city: str | None  # adcode of the ck:City the article is about
    areas: list[AreaMention]
    scores: dict[str, float]  # city adcode -> vote (for debugging and tests)


class Gazetteer:
    """Division names of a knowledge base, indexed for one-pass matching."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.full: dict[str, list[Area]] = defaultdict(list)
        self.short: dict[str, list[Area]] = defaultdict(list)
        for a in kb.areas.values():
            if a.name and (len(a.name) > 2 or a.level != "County"):  # 城区/郊区/矿区 are words
                self.full[a.name].append(a)
            for s in a.short_names:
                if len(s) >= 2:
                    self.short[s].append(a)
        for areas in self.short.values():
            areas.sort(key=lambda a: (-_RANK.get(a.level, 0), a.adcode))
        self.scanner = WordScanner(sorted({*self.full, *self.short}))
        dictwords.keep({*self.full, *self.short})  # ``is_common_word`` reads their dictionary entries

    def hits(self, text: str) -> list[Hit]:
        """Name occurrences that do not cut through a word (其中卫生 is not 中卫, 黄河南路 not 河南)."""
        out = []
        for start, end, name in self.scanner.finditer(text):
            full = name in self.full
            weak = not full or (len(name) <= _SHORT_COUNTY_NAME and all(a.level == "County" for a in self.full[name]))
            if weak and not word_aligned(text, start, end):
                continue
            out.append(Hit(name, start, end, full))
        return out

    def candidates(self, hit: Hit) -> list[Area]:
        return self.full[hit.name] if hit.full else self.short[hit.name]


_CACHE: dict[int, tuple[KnowledgeBase, Gazetteer]] = {}


def gazetteer(kb: KnowledgeBase) -> Gazetteer:
    """The (cached) gazetteer of ``kb``."""
    cached = _CACHE.get(id(kb))
    if cached is None or cached[0] is not kb:
        if len(_CACHE) > KB_CACHE_SIZE:
            _CACHE.clear()
        cached = _CACHE[id(kb)] = (kb, Gazetteer(kb))
    return cached[1]


def warm_up(kb: KnowledgeBase) -> None:
    """Build the gazetteer (and read its names' dictionary entries) now, before worker processes fork."""
    gazetteer(kb)


@lru_cache(maxsize=1)
def _jieba() -> ModuleType:
    """The jieba module, with its start-up log silenced."""
    import jieba

    jieba.setLogLevel(_SILENT)
    return jieba


def word_aligned(text: str, start: int, end: int, margin: int = _ALIGN_MARGIN) -> bool:
    """True when jieba's segmentation of the surroundings has words starting at ``start`` and
    ending at ``end``, i.e. the name does not cut through a word.

    >>> t = "其中卫生健康数据开放,黄河南路拓宽,数字通化建设,向上海学习,在中山路设置"
    >>> [word_aligned(t, t.index(n), t.index(n) + 2) for n in ("中卫", "河南", "通化", "上海", "中山")]
    [False, False, True, True, False]
    """
    lo = max(0, start - margin)
    bounds, pos = set(), lo
    _jieba()  # its start-up log silenced; the segmentation is the entity rules' (cached: a name's windows repeat)
    for tok in _lcut(text[lo : min(len(text), end + margin)]):
        bounds.add(pos)
        pos += len(tok)
        if pos >= end:  # the name must be whole words (中山路 is a road, not 中山)
            return start in bounds and pos == end
    return False


def is_common_word(name: str, level: str) -> bool:
    """True when a short name is an ordinary word (开发, 和平, 城中), so it must not fire alone.

    >>> is_common_word("和平", "County"), is_common_word("辉南", "County"), is_common_word("青岛", "City")
    (True, False, False)
    """
    entry = dictwords.lookup(name)
    if entry is None:
        return False
    freq, tag = entry
    if tag not in _PLACE_TAGS:
        return True
    return level == "County" and freq >= _COMMON_FREQ


def _city(kb: KnowledgeBase, area: Area) -> Area | None:
    return kb.city_of(area.adcode)


def is_county_city(area: Area) -> bool:
    """A county-level city (县级市: 义乌市, 昆山市): a county-level division whose name ends in 市."""
    return area.level == "County" and area.name.endswith(COUNTY_CITY_SUFFIX)


@dataclass
class Votes:
    scores: Counter[str]  # city adcode -> score (a county votes for its city)
    direct: Counter[str]  # city adcode -> the part of its score from its own name
    county_cities: Counter[str]  # county-level city adcode -> score of its name, weighed as a city's


def vote_city(doc: Document, kb: KnowledgeBase, hits: list[Hit]) -> dict[str, float]:
    """City adcode -> score from the name hits (title and lead sentences weigh more)."""
    return dict(_votes(doc, kb, hits).scores)


def _votes(doc: Document, kb: KnowledgeBase, hits: list[Hit]) -> Votes:
    gz = gazetteer(kb)
    lead_end = doc.sentences[min(LEAD_LAST, len(doc.sentences) - 1)].end if doc.sentences else 0
    title_hits = gz.hits(doc.title) if doc.title else []
    votes = Votes(Counter(), Counter(), Counter())
    for hit, bonus in [*((h, TITLE_BONUS) for h in title_hits),
                       *((h, LEAD_BONUS if h.start < lead_end else 1.0) for h in hits)]:  # fmt: skip
        cands = gz.candidates(hit)
        weight = (W_FULL if hit.full else W_SHORT) * bonus
        if len(cands) == 1 and is_county_city(cands[0]) and (hit.full or not is_common_word(hit.name, "County")):
            votes.county_cities[cands[0].adcode] += weight
        if not hit.full:
            top = cands[0]
            if top.level == "County" or is_common_word(hit.name, top.level):
                continue  # a county's short name only counts once its city is known
            cands = [a for a in cands if a.level == top.level]
        cities = {c.adcode for a in cands if a.level != "Province" or "City" in a.levels
                  for c in [_city(kb, a)] if c is not None}  # fmt: skip
        for code in cities:
            is_county = kb.areas[code].name != hit.name and all(a.level == "County" for a in cands)
            votes.scores[code] += (W_COUNTY * bonus if is_county else weight) / len(cities)
            if not is_county:
                votes.direct[code] += weight / len(cities)
    return votes


def _county_city(kb: KnowledgeBase, votes: Votes, city: Area) -> Area:
    """The county-level city the article is mainly about, if its name outweighs its city's own name.

    An article about 义乌市 names 义乌 again and again and 金华 (its prefecture) rarely:
    its city is 义乌市. An article about 金华市 that mentions 义乌市 once stays 金华市, and so
    does "昆山市推出…,苏州全市推广" (the county-level city must outweigh its city's own name
    ``COUNTY_CITY_MARGIN`` times).
    """
    inside = [c for c in votes.county_cities if (p := kb.city_of(c)) is not None and p.adcode == city.adcode]
    if not inside:
        return city
    best = max(inside, key=lambda c: (votes.county_cities[c], -int(c)))
    mainly = votes.county_cities[best] > COUNTY_CITY_MARGIN * votes.direct.get(city.adcode, 0.0)
    return kb.areas[best] if mainly else city


def resolve_hint(kb: KnowledgeBase, hint: str) -> Area | None:
    """The city a metadata name (通化市, 通化, 辉南县, 义乌市) denotes, if unambiguous.

    A county-level city (义乌市) is the article's city itself, not its prefecture.
    """
    gz = gazetteer(kb)
    areas = gz.full.get(hint) or gz.short.get(hint) or []
    if len(areas) == 1 and is_county_city(areas[0]):
        return areas[0]
    cities = {c.adcode: c for a in areas for c in [_city(kb, a)] if c is not None}
    if len(cities) == 1:
        return next(iter(cities.values()))
    top = [a for a in areas if a.level == "City"]
    return top[0] if len(top) == 1 else None


def resolve_places(doc: Document, kb: KnowledgeBase) -> PlaceResult:
    """The article's city (adcode) and every division mention resolved to one area."""
    gz = gazetteer(kb)
    hits = gz.hits(doc.text)
    votes = _votes(doc, kb, hits)
    scores = dict(votes.scores)
    city: Area | None = resolve_hint(kb, doc.city_hint) if doc.city_hint else None
    if city is None and scores:
        first = {}
        for h in hits:
            for a in gz.candidates(h):
                c = _city(kb, a)
                if c is not None:
                    first.setdefault(c.adcode, h.start)
        best = max(scores, key=lambda c: (scores[c], -first.get(c, _UNSEEN)))
        city = _county_city(kb, votes, kb.areas[best])
    province = kb.province_of(city.adcode) if city else None
    areas: list[AreaMention] = []
    for h in hits:
        area = _pick(kb, gz.candidates(h), h, city, province)
        if area is None:
            continue
        sent = doc.sentence_at(h.start) if doc.sentences else None
        areas.append(AreaMention(area.adcode, Mention(h.name, h.start, h.end, sent.index if sent else 0)))
    return PlaceResult(city.adcode if city else None, areas, scores)


def _pick(
    kb: KnowledgeBase, cands: list[Area], hit: Hit, city: Area | None, province: Area | None
) -> Area | None:
    """One area for a hit, using the article's city and province as context."""

    def under(a: Area, anc: Area | None) -> bool:
        x: Area | None = a
        while x is not None and anc is not None:
            if x.adcode == anc.adcode:
                return True
            x = kb.areas.get(x.parent) if x.parent else None
        return False

    if not hit.full:
        top = cands[0]
        if is_common_word(hit.name, top.level) and not any(city and under(a, city) for a in cands):
            return None
        if top.level != "County":
            same = [a for a in cands if a.level == top.level]
            if len(same) == 1:
                return same[0]
            cands = same
        else:
            local = [a for a in cands if city and under(a, city)]
            if is_common_word(hit.name, "County") or not local:
                return None  # a county's short name counts only inside the article's city
            return local[0]
    if len(hit.name) <= _SHORT_COUNTY_NAME and all(a.level == "County" for a in cands):
        cands = [a for a in cands if under(a, city) or under(a, province)]  # 老城区 elsewhere is an old town
    if len(cands) == 1:
        return cands[0]
    for anc in (city, province):
        local = [a for a in cands if anc is not None and under(a, anc)]
        if len(local) == 1:
            return local[0]
    return None  # ambiguous (鼓楼区 in four cities) and no context decides


class CountyIndex:
    """The county/district mentions of one document, indexed by offset.

    ``county_of(spans)`` answers "which county is named in or right before one of
    these spans" (辉南县的…平台, 牡丹区大数据局) with two binary searches per span,
    instead of a scan of every area mention per entity (which made extraction
    time grow with the square of the document).
    """

    def __init__(self, kb: KnowledgeBase, areas: list[AreaMention], text: str) -> None:
        self.text = text
        rows = [(am.mention.start, am.mention.end, i, am.adcode) for i, am in enumerate(areas)
                if (a := kb.areas.get(am.adcode)) is not None and a.level == "County"]  # fmt: skip
        self.by_start = sorted(rows)
        self.starts = [r[0] for r in self.by_start]
        self.by_end = sorted(rows, key=lambda r: (r[1], r[2]))
        self.ends = [r[1] for r in self.by_end]

    def county_of(self, spans: list) -> str | None:
        """Adcode of the first area mention (in mention order) inside or just before the first span
        that has one; ``spans`` have ``start`` and ``end``."""
        for c in spans:
            best: tuple[int, str] | None = None
            for _, _, i, code in self.by_start[bisect_left(self.starts, c.start) : bisect_left(self.starts, c.end)]:
                best = min(best, (i, code)) if best else (i, code)
            lo, hi = bisect_left(self.ends, c.start - COUNTY_GAP), bisect_right(self.ends, c.start)
            for _, end, i, code in self.by_end[lo:hi]:
                if not self.text[end : c.start].strip(_COUNTY_GAP_CHARS):
                    best = min(best, (i, code)) if best else (i, code)
            if best is not None:
                return best[1]
        return None
