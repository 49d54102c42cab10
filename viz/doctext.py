"""Each article's text once for the whole site: OUT/views/text/<key>.js, loaded with ``<script src>``.

At 2,000 articles the same evidence sentences were written into every page that
shows them: the city page, the reform pages, the reader. Now an article's
sentences live in one small script beside the pages (``<script src>`` works from
``file://``, unlike ``fetch``), which registers them under the article's key::

    (window.citykgDocs=window.citykgDocs||{})["<key>"]="<packed>"

where ``<packed>`` is ``{"t":TEXT,"s":[[a,b],...],"q":[[a,b]|"quote",...]}`` deflated in
base64 (``viz.packed``; a page inflates it with ``citykgDoc``). ``t`` is what the reader shows (the whole normalised text when the source file
is found, else the quoted sentences in text order), ``s`` the ranges of its
sentences that hold evidence, ``q`` every evidence quote of the article: a range
of ``t`` when the quote is found there, else the quote itself. A graph page's
tooltip row refers to a quote as (article, index into ``q``); the reader renders
``t`` with its mentions. The text is JSON data written into the DOM with
``textContent``: it never becomes markup or script.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from citykg.viz.data import Model
from citykg.viz.links import VIEWS_DIR, doc_key
from citykg.viz.packed import pack_json, unpack
from citykg.viz.reader import Article, Mention, extracted, from_sentences, from_text

TEXT_DIR = "text"  # OUT/views/text/<key>.js
GLOBAL = "citykgDocs"  # the page-wide registry the scripts fill


@dataclass
class DocText:
    """One article as the site ships it."""

    key: str
    art: Article
    quotes: list = field(default_factory=list)  # [a, b] ranges of art.text, or quote strings
    index: dict[str, int] = field(default_factory=dict)  # quote -> position in ``quotes``

    def data(self) -> dict:
        return {"t": self.art.text, "s": [list(s) for s in self.art.sentences], "q": self.quotes}


def quote_table(text: str, quotes: list[str]) -> tuple[list, dict[str, int]]:
    """Quotes as ranges of ``text`` where found (else as strings), in text order, and their index.

    >>> quote_table("甲乙。丙丁。", ["丙丁。", "戊。", "甲乙。"])
    ([[0, 3], [3, 6], '戊。'], {'甲乙。': 0, '丙丁。': 1, '戊。': 2})
    """
    placed = sorted(((text.find(q) if q else -1), q) for q in set(quotes))
    found = [(at, q) for at, q in placed if at >= 0]
    missing = sorted(q for at, q in placed if at < 0)
    table: list = [[at, at + len(q)] for at, q in found] + missing
    order = [q for _, q in found] + missing
    return table, {q: i for i, q in enumerate(order)}


class DocTexts:
    """The articles of one site: built on first use, each once."""

    def __init__(
        self,
        model: Model,
        mentions: dict[str, list[Mention]],
        source_text: Callable[[str], tuple[str, list[tuple[int, int]]] | None],
    ) -> None:
        self.model, self.mentions, self.source_text = model, mentions, source_text
        self._quotes: dict[str, set[str]] = defaultdict(set)
        for item in (*model.initiatives.values(), *model.observations.values()):
            for ev in item.evidence:
                self._quotes[ev.doc].add(ev.quote)
        self._docs: dict[str, DocText] = {}
        #: Han characters of the names on the site's graph pages (their pinyin goes to OUT/assets/zh.js)
        self.chars: set[str] = set()

    def get(self, doc: str) -> DocText:
        got = self._docs.get(doc)
        if got is None:
            ms = extracted(self.model, self.mentions.get(doc, []))
            found = self.source_text(doc)
            art = from_text(doc, found[0], ms, found[1]) if found else from_sentences(doc, ms)
            quotes = self._quotes.get(doc, set()) | {m.quote for m in self.mentions.get(doc, [])}
            table, index = quote_table(art.text, sorted(quotes))
            got = self._docs[doc] = DocText(doc_key(doc), art, table, index)
        return got

    def ref(self, doc: str, quote: str) -> tuple[str, int] | None:
        """(article key, index of the quote in its ``q``), or None when the article has no such quote."""
        if doc not in self.model.docs:
            return None
        d = self.get(doc)
        i = d.index.get(quote)
        return None if i is None else (d.key, i)


def text_path(out_dir: Path, key: str) -> Path:
    return out_dir / VIEWS_DIR / TEXT_DIR / f"{key}.js"


def text_script(key: str, data_json: str) -> str:
    """The sidecar script registering one article, packed (``data_json``: its data as JSON).

    >>> text_script("ab", "{}")
    '(window.citykgDocs=window.citykgDocs||{})["ab"]="q64FAA==";\\n'
    """
    return f'(window.{GLOBAL}=window.{GLOBAL}||{{}})[{json.dumps(key)}]="{pack_json(data_json)}";\n'


def read_text_script(script: str) -> tuple[str, dict]:
    """(key, data) of a text script as ``text_script`` wrote it (for checks and benchmarks).

    >>> read_text_script(text_script("ab", '{"t": "甲"}'))
    ('ab', {'t': '甲'})
    """
    head, _, packed = script.partition("]=")
    return json.loads(head.rpartition("[")[2]), unpack(json.loads(packed.strip().rstrip(";")))
