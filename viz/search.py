"""Search keys of the HTML views: one lower-case string per node that the page's search box matches.

A node is found by its label, its other names (altLabels such as 一网通办改革, the
English label), their Traditional spelling (無感認證, via OpenCC, already a
dependency) and their pinyin, joined and with initials (``yiwangtongban``,
``ywtb``; pypinyin). The page matches a query as a substring of this key, after
lower-casing it and dropping its spaces, so ``Yi Wang Tong Ban`` works too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

MAX_PINYIN_CHARS = 24  # pinyin of longer names (article titles) adds weight but no useful key
_HAN = re.compile(r"[\u3400-\u9fff]")
SEP = "\u241f"  # a separator no query contains (the page searches within the key)


@lru_cache(maxsize=1)
def _s2t():
    from opencc import OpenCC

    return OpenCC("s2t")


@lru_cache(maxsize=65536)
def _forms(text: str) -> tuple[str, ...]:
    """The lower-case spellings of one name: as is, Traditional, pinyin, pinyin initials.

    >>> _forms("无感认证")
    ('无感认证', '無感認證', 'wuganrenzheng', 'wgrz')
    >>> _forms("5G Base Stations")
    ('5gbasestations',)
    """
    plain = text.lower().replace(" ", "")
    if not _HAN.search(text):
        return (plain,)
    out = [plain, _s2t().convert(plain)]
    if len(text) <= MAX_PINYIN_CHARS:
        from pypinyin import lazy_pinyin

        syllables = [s for s in lazy_pinyin(plain) if s.strip()]
        out += ["".join(syllables), "".join(s[0] for s in syllables)]
    return tuple(dict.fromkeys(x for x in out if x))


@dataclass
class KeyCache:
    """Search keys by a row's names, kept by the site from one step to the next: the index's
    2,000+ rows (article titles through OpenCC, names through pypinyin) cost ~0.5 s a step.

    >>> cache = KeyCache(old={"青岛": "kept"}); cache.key(["青岛"]), cache.key(["5G"]), sorted(cache.new)
    ('kept', '5g', ['5G', '青岛'])
    """

    old: dict[str, str] = field(default_factory=dict)  # the previous step's keys
    new: dict[str, str] = field(default_factory=dict)  # the keys asked for in this step

    def key(self, names: list[str]) -> str:
        joined = "\0".join(names)
        got = self.new.get(joined)
        if got is None:
            got = self.old.get(joined)
            self.new[joined] = got = search_key(names) if got is None else got
        return got


def search_key(names: Iterable[str]) -> str:
    """The search key of a node from all its names (duplicates dropped, order kept).

    >>> search_key(["一网通办", "One-Stop Online"])
    '一网通办␟一網通辦␟yiwangtongban␟ywtb␟one-stoponline'
    """
    forms: dict[str, None] = {}
    for name in names:
        if name:
            forms.update(dict.fromkeys(_forms(name)))
    return SEP.join(forms)


# ---- keys computed in the page (the graph pages ship tables, not a key per node) ----

_TOKENS = re.compile(r"[\u3400-\u9fff]|[^\u3400-\u9fff]+")


@lru_cache(maxsize=65536)
def char_pinyin(ch: str) -> str:
    """The default (most common) toneless reading of one Han character, as pypinyin gives it alone.

    >>> char_pinyin("行"), char_pinyin("重")
    ('xing', 'zhong')
    """
    from pypinyin import lazy_pinyin

    got = lazy_pinyin(ch)
    return got[0] if got else ch


def charwise(plain: str) -> list[str]:
    """The syllables the page computes for a lower-case, space-free name: each Han character by
    its default reading, any other run of characters as one token (view.js does the same).

    >>> charwise("app七台河")
    ['app', 'qi', 'tai', 'he']
    """
    return [char_pinyin(t) if _HAN.match(t) else t for t in _TOKENS.findall(plain) if t.strip()]


@lru_cache(maxsize=65536)  # a node's names are read on every page the node is on
def pinyin_override(name: str) -> str:
    """The syllables of ``name`` (space-separated) when its reading differs from the page's
    character-by-character one (polyphones read by phrase: 重庆 is chongqing, not zhongqing),
    else "" (the page's own reading is the key ``_forms`` gives).

    >>> pinyin_override("重庆银行"), pinyin_override("一网通办")
    ('chong qing yin hang', '')
    """
    plain = name.lower().replace(" ", "")
    if not _HAN.search(name) or len(name) > MAX_PINYIN_CHARS:
        return ""
    from pypinyin import lazy_pinyin

    syllables = [s for s in lazy_pinyin(plain) if s.strip()]
    return " ".join(syllables) if syllables != charwise(plain) else ""


@dataclass
class OverrideCache:
    """``pinyin_override`` answers kept by the site from one step to the next: a page rendered
    again (a link came or went) reads the same few thousand names, each a pypinyin call (~0.2 ms).

    >>> cache = OverrideCache({"kept": "x"}); cache.get("kept"), cache.get("重庆"), sorted(cache.known)
    ('x', 'chong qing', ['kept', '重庆'])
    """

    known: dict[str, str] = field(default_factory=dict)  # name -> its override ("" when none)

    def get(self, name: str) -> str:
        got = self.known.get(name)
        if got is None:
            got = self.known[name] = pinyin_override(name)
        return got


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def zh_tables(chars: Iterable[str]) -> dict:
    """What the page needs to compute search keys: ``p`` the default pinyin of the Han characters
    of its names, ``t`` two strings of equal length, Traditional characters and their Simplified
    ones, for every Han character OpenCC converts (the page maps a Traditional query to
    Simplified, so 無感認證 finds 无感认证).

    >>> t = zh_tables("重a"); t["p"], t["t"][1][t["t"][0].index("無")]
    ({'重': 'zhong'}, '无')
    """
    han = sorted({c for c in chars if _HAN.match(c)})
    pairs = _t2s_table()
    return {"p": {c: char_pinyin(c) for c in han}, "t": ["".join(a for a, _ in pairs), "".join(b for _, b in pairs)]}


@lru_cache(maxsize=1)
def _t2s_table() -> tuple[tuple[str, str], ...]:
    """Every single Han character (U+3400-U+9FFF) that OpenCC's t2s converts to one other character."""
    conv = _t2s()
    out = []
    for cp in range(0x3400, 0xA000):
        ch = chr(cp)
        s = conv.convert(ch)
        if s != ch and len(s) == 1 and ord(s) < 0x10000:  # one UTF-16 unit each, as the page indexes them
            out.append((ch, s))
    return tuple(out)
