"""What one evidence sentence says about a city's adoption step: stage, date, driver.

Pure functions over the sentence text and the offsets of the mention (the
initiative's name), so they are cheap enough to run on every mention of every
reform during extraction. The cue words come from ``ontology/schemes/stages.ttl``
(``cues.load``), the target markers from ``graph/lang/zh/adoption/target-markers.txt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from citykg.graph.adoption.cues import Cued, Scheme
from citykg.graph.ingest.dates import is_day, is_month, year_of

LANG_DIR = Path(__file__).resolve().parent.parent / "lang" / "zh" / "adoption"
#: the stage whose cue marks the future (skos:notation 1, planned): it wins over any other cue
FUTURE_ORDER = 1
#: clause delimiters: the cue nearest in syntax is the one in the mention's clause
_CLAUSE = re.compile(r"[，,；;：:！!？?]")
_DATE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*年(?:\s*(?P<month>\d{1,2})\s*月(?:\s*(?P<day>\d{1,2})\s*日)?)?")
#: a stated year must be plausible for digital government (earlier ones are history, not steps)
MIN_YEAR = 1990
#: added to the distance of a date stated after the mention: any date before it is nearer
#: (a sentence is far shorter: ingest.text.MAX_SENTENCE)
_AFTER_PENALTY = 10_000


@dataclass(frozen=True)
class Step:
    """The reading of one sentence: stage and its cue, date (ISO lexical form or None), driver."""

    stage: Cued
    cue: str | None
    date: str | None
    stated: bool  # True: the date is written in the sentence; False: the article's date (upper bound)
    driver: Cued


@cache
def target_markers() -> re.Pattern[str]:
    """A pattern matching a target marker at the end of the text before a year."""
    words = []
    for line in (LANG_DIR / "target-markers.txt").read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    words.sort(key=lambda w: (-len(w), w))
    return re.compile("(?:" + "|".join(re.escape(w) for w in words) + r")\s*$")


def clause_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause (between delimiters) around ``text[start:end]``.

    >>> s = "2019年，青岛市启动一网通办试点，覆盖全市。"
    >>> a, b = clause_span(s, 9, 13); s[a:b]
    '青岛市启动一网通办试点'
    """
    left = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    right = _CLAUSE.search(text, end)
    return left, right.start() if right else len(text)


def _blank(text: str, start: int, end: int) -> str:
    """The text with the mention blanked (a name such as 试点示范区 is not a cue)."""
    return text[:start] + "\u3000" * (end - start) + text[end:]


def pick(scheme: Scheme, texts: tuple[str, ...], future_first: bool) -> tuple[Cued, str | None]:
    """The concept whose cue appears in the first text that has any; the cue-less concept otherwise.

    Strong cues (``ck:cue``) are tried in every text before weak ones (``skos:hiddenLabel``).
    Among several: the future stage if ``future_first`` and present, else the highest order
    (a pilot that is being extended is expanded) - for drivers ``future_first`` is False and
    the lowest order wins (a national mandate over a provincial one).
    """
    default = next((c for c in scheme.concepts if c.pattern is None and c.weak is None), scheme.concepts[-1])
    for strength in ("pattern", "weak"):
        for text in texts:
            found = [(c, m.group()) for c in scheme.concepts
                     if (p := getattr(c, strength)) is not None and (m := p.search(text))]  # fmt: skip
            if not found:
                continue
            if future_first:
                future = [f for f in found if f[0].order == FUTURE_ORDER]
                return future[0] if future else max(found, key=lambda f: f[0].order)
            return min(found, key=lambda f: f[0].order)
    return default, None


def stated_date(text: str, start: int, max_year: int | None) -> str | None:
    """The date written nearest before ``start`` (else after), skipping targets and future years.

    >>> stated_date("2019年3月，青岛市启动试点", 9, 2023), stated_date("到2025年全面推行", 8, 2023)
    ('2019-03', None)
    >>> stated_date("计划于2026年推广，2020年起试点", 0, 2024)
    '2020'
    """
    best: tuple[int, str] | None = None
    markers = target_markers()
    for m in _DATE.finditer(text):
        year = int(m.group("year"))
        if year < MIN_YEAR or (max_year is not None and year > max_year) or markers.search(text[: m.start()]):
            continue
        month, day = m.group("month"), m.group("day")
        iso = m.group("year")
        if month and is_month(int(month)):
            iso += f"-{int(month):02d}"
            if day and is_day(int(day)):
                iso += f"-{int(day):02d}"
        distance = start - m.end() if m.end() <= start else _AFTER_PENALTY + m.start() - start  # before wins
        if best is None or distance < best[0]:
            best = (distance, iso)
    return best[1] if best else None


def read_step(sentence: str, start: int, end: int, article_date: str | None,
              stages: Scheme, drivers: Scheme) -> Step:  # fmt: skip
    """Stage, date and driver of the mention ``sentence[start:end]``.

    >>> from citykg.graph.adoption.cues import load
    >>> st, dr = load()
    >>> s = read_step("2019年，按照省政府部署，青岛市启动一网通办试点。", 16, 20, "2023-04-06", st, dr)
    >>> s.stage.slug, s.cue, s.date, s.stated, s.driver.slug
    ('piloted', '试点', '2019', True, 'provincial')
    >>> s = read_step("青岛市将于明年全面推广一网通办。", 11, 15, "2023-04-06", st, dr)
    >>> s.stage.slug, s.date, s.stated, s.driver.slug
    ('planned', '2023-04-06', False, 'local')
    """
    blanked = _blank(sentence, start, end)
    a, b = clause_span(sentence, start, end)
    stage, cue = pick(stages, (blanked[a:b], blanked), future_first=True)
    driver, _ = pick(drivers, (blanked,), future_first=False)
    max_year = year_of(article_date)
    date = stated_date(sentence, start, max_year)
    if date is not None:
        return Step(stage, cue, date, True, driver)
    return Step(stage, cue, article_date, False, driver)
