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
