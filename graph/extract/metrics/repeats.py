"""Restated facts: a figure the article already gave in another sentence is no new observation.

News articles repeat their figures (a photo caption, a closing summary). A figure with
the same value, unit, qualifier, kind, role and target as an earlier one is a repeat when
the clause is the same, the indicator is the same, or the figure is specific and the
words around it overlap. Within one sentence equal figures are different facts
(分别给予30万元和30万元).
"""

from __future__ import annotations

import re

from citykg.graph import lang
from citykg.graph.extract.metrics.indicators import noun_after
from citykg.graph.extract.metrics.numerals import significant_digits
from citykg.graph.records import ObservationRecord

#: a figure is specific enough to be recognised restated by its surroundings from this value
#: with this many significant digits (936家企业; 100 or 3000 are too common)
SPECIFIC_VALUE, SPECIFIC_DIGITS = 100, 3
EVERY = 100  # 100 %: a value many different facts share (never a restatement by its indicator alone)
#: characters before and after a figure whose bigrams are compared
NEAR_BEFORE, NEAR_AFTER = 6, 8
_COMMON_BIGRAMS = {
    w for row in lang.rows("zh/metrics/number-words.tsv") if row[0] == "common-bigrams" for w in row[1].split()
}
_QUOTES = re.compile(r"[“”\"'‘’「」『』]")
#: figure key (value, unit, qualifier, kind, role, target) -> (sentence, indicator label, clause, near words)
Seen = dict[tuple, list[tuple[int, str, str, set[str]]]]


def is_repeat(seen: Seen, rec: ObservationRecord, clause: str, near: set[str]) -> bool:
    """A fact the document already stated in another sentence (and ``rec`` remembered in ``seen``).

    Same value, unit and role, and the same clause, or the same indicator (not for 100%,
    which many different facts share), or a count specific enough with words in common
    around it (a photo caption repeating 覆盖全市936家企业)."""
    key = (rec.value, rec.unit, rec.qualifier, rec.kind, rec.change_role, rec.target)
    earlier = seen.setdefault(key, [])
    specific = (rec.unit not in ("%", "个百分点") and rec.value >= SPECIFIC_VALUE
                and significant_digits(rec.value) >= SPECIFIC_DIGITS)  # fmt: skip
    sentence = rec.mention.sentence
    repeat = any(
        si != sentence
        and (
            clause == c
            or (label and label == rec.indicator_label and rec.value != EVERY)
            or (specific and near & n)
        )
        for si, label, c, n in earlier
    )
    earlier.append((sentence, rec.indicator_label, clause, near))
    return repeat


def near_words(text: str, start: int, end: int) -> set[str]:
    """Chinese character bigrams around the figure ``text[start:end]`` (common ones such as 全市 left out).

    >>> sorted(near_words("全市覆盖936家企业。", 4, 8))
    ['企业', '市覆', '盖企', '覆盖']
    """
    around = _QUOTES.sub("", text[max(0, start - NEAR_BEFORE) : start]) + noun_after(text[end : end + NEAR_AFTER])
    grams = {around[i : i + 2] for i in range(len(around) - 1)}
    return {g for g in grams if all("\u4e00" <= ch <= "\u9fff" for ch in g)} - _COMMON_BIGRAMS
