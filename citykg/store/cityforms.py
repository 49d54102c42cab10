"""City parameters given another way: adcode (370200), pinyin (Qingdao) or Traditional (青島).

``citykg viz city 370200`` always took an adcode; saved-query parameters now take the
same forms. Pinyin is compared toneless, without spaces or a final 市/shi, against
every label of the areas in the store (pypinyin, loaded only when a pinyin name is
given); Traditional characters are converted to Simplified (OpenCC), as the build
writes labels.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from citykg.store.core import QueryStore

_ADCODE = re.compile(r"\d{6}")
_PINYIN = re.compile(r"[A-Za-z][A-Za-z' -]*")


def city_form(store: QueryStore, kind: str, text: str) -> ox.NamedNode | str:
    """A city given another way: its adcode (370200), pinyin (Qingdao, qing dao shi) or
    Traditional characters (青島). Returns the node when found, else the text to match as a label
    (Traditional converted to Simplified, as the build writes labels)."""
    is_city = "?x a ck:City ." if kind == "city" else ""
    if _ADCODE.fullmatch(text):
        rows = store.select(
            f"SELECT DISTINCT ?x WHERE {{ ?x ck:adcode ?code . {is_city} FILTER(STR(?code) = ?text) }}",
            {"text": ox.Literal(text)},
        )
        if len(rows) == 1:
            return ox.NamedNode(rows[0]["x"])
        return text
    if _PINYIN.fullmatch(text):
        hits = _by_pinyin(store, is_city, text)
        return ox.NamedNode(hits[0]) if len(hits) == 1 else text
    from opencc import OpenCC

    return OpenCC("t2s").convert(text)


def pinyin_key(text: str) -> str:
    """Toneless pinyin of a place name, lowercased, without spaces or a final 市/shi.

    >>> pinyin_key("青岛市"), pinyin_key("Qing Dao"), pinyin_key("qingdaoshi")
    ('qingdao', 'qingdao', 'qingdao')
    """
    if re.search(r"[\u4e00-\u9fff]", text):
        from pypinyin import lazy_pinyin

        text = "".join(lazy_pinyin(text.removesuffix("市")))
    key = re.sub(r"[^a-z]", "", text.lower())
    return key.removesuffix("shi") if len(key) > len("shi") + 2 else key


def _by_pinyin(store: QueryStore, is_city: str, text: str) -> list[str]:
    """Nodes (cities, or areas) one of whose labels reads as ``text`` in pinyin."""
    rows = store.select(
        f"SELECT DISTINCT ?x ?l WHERE {{ ?x ck:adcode ?code ; rdfs:label|skos:altLabel ?l . {is_city} }}"
    )
    want = pinyin_key(text)
    return sorted({r["x"] for r in rows if r["l"] and pinyin_key(r["l"]) == want})
