"""The word scanner finds what the trie regex it replaced finds (division names,
repeated labels): the leftmost-longest occurrences, and every occurrence for ``occurrences``."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from citykg.graph.extract.places import gazetteer
from citykg.graph.ingest.text import WordScanner, occurrences, trie_regex
from citykg.graph.kb import load_kb

# a small alphabet makes overlaps, shared prefixes and words inside words common
_words = st.sets(st.text("abc数", min_size=1, max_size=5), min_size=1, max_size=8)
_texts = st.text("abcx数", max_size=40)


@settings(max_examples=600, deadline=None)
@given(_words, _texts)
def test_the_scanner_finds_what_the_trie_regex_finds(words: set[str], text: str) -> None:
    regex = [(m.start(), m.end(), m.group()) for m in trie_regex(sorted(words)).finditer(text)]
    assert list(WordScanner(words).finditer(text)) == regex


@settings(max_examples=300, deadline=None)
@given(_words, _texts)
def test_occurrences_are_every_start_of_every_word(words: set[str], text: str) -> None:
    expected = {w: [m.start() for m in re.finditer(f"(?={re.escape(w)})", text)] for w in sorted(words)}
    assert occurrences(words, text) == {w: ps for w, ps in expected.items() if ps}


def test_division_names_in_a_sentence_of_ours() -> None:
    text = "青岛市与即墨区、胶州市共建平台,沿黄河南路布设,其中卫生机构也已接入。"
    hits = [(h.name, h.full) for h in gazetteer(load_kb()).hits(text)]
    assert ("青岛市", True) in hits and ("即墨区", True) in hits and ("胶州市", True) in hits
    assert all(name not in ("河南", "中卫") for name, _ in hits)  # inside other words: not places


def test_no_words_no_matches() -> None:
    assert list(WordScanner([]).finditer("任何文字")) == [] and occurrences(set(), "任何文字") == {}
