"""The article reader: one static page per article, its text with every extracted mention highlighted.

Each mention is coloured by the class of what was extracted from it (platform,
reform, metric, ...), links to that node on its page, and a metric shows its
indicator, value and unit beside the figure. Every mention has the anchor
``#m-<charStart>``, so a node's evidence opens the reader at that sentence.

The build keeps each evidence's sentence (``ck:quote``), mention (``ck:mention``)
and offsets in the normalised text (``ck:charStart``/``ck:charEnd``), not the
whole text. The reader shows the whole text when it can read the article again
(a file whose normalised text has the document's content hash: the path given to
``citykg viz article``, or the bundled corpus), and otherwise the sentences the
evidence quotes, in text order, each placed by its mentions' offsets.

Pages are static HTML without script: every string is escaped.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from citykg.namespaces import SPARQL_PREFIXES
from citykg.viz.data import Model
from citykg.viz.graphview import CJK_FONT, style
from citykg.viz.links import Linker, doc_key
from citykg.viz.source import ViewSource
from citykg.viz.views import observation_label

GAP = "\n"  # between two quoted sentences that are not adjacent in the text

Q_DOC_MENTIONS = """SELECT ?x ?start ?end ?mention ?quote WHERE {
  ?ev ck:inDocument ?doc ; ck:charStart ?start ; ck:charEnd ?end ; ck:quote ?quote .
  ?x ck:evidence ?ev . OPTIONAL { ?ev ck:mention ?mention } }"""
Q_ALL_MENTIONS = """SELECT ?doc ?x ?start ?end ?mention ?quote WHERE {
  { SELECT ?x ?ev WHERE { ?x ck:evidence ?ev } }
  { SELECT ?ev ?doc WHERE { ?ev ck:inDocument ?doc } }
  { SELECT ?ev ?start WHERE { ?ev ck:charStart ?start } }
  { SELECT ?ev ?end WHERE { ?ev ck:charEnd ?end } }
  { SELECT ?ev ?quote WHERE { ?ev ck:quote ?quote } }
  OPTIONAL { SELECT ?ev ?mention WHERE { ?ev ck:mention ?mention } } }"""


@dataclass(frozen=True, slots=True)
class Mention:
    node: str  # the initiative / observation IRI
    start: int
    end: int
    text: str
    quote: str


@dataclass
class Article:
    """What the reader shows: ``text`` with sentence and mention ranges (offsets into ``text``)."""

    doc: str
    text: str
    full: bool  # the whole article (True) or its quoted sentences (False)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    mentions: list[tuple[int, int, Mention]] = field(default_factory=list)


def mentions_of(source: ViewSource, doc: str) -> list[Mention]:
    """Every evidence row of one document (a bound query: costs what the article holds)."""
    rows = source.select(SPARQL_PREFIXES + Q_DOC_MENTIONS, {"doc": ox.NamedNode(doc)})
    return sorted({_mention(r["x"], r["start"], r["end"], r.get("mention"), r["quote"]) for r in rows},
                  key=lambda m: (m.start, m.end, m.node))  # fmt: skip


def all_mentions(source: ViewSource) -> dict[str, list[Mention]]:
    """Evidence rows of every document, by document IRI (one streamed query, for the site)."""
    out: dict[str, set[Mention]] = defaultdict(set)
    for doc, x, start, end, mention, quote in source.rows(SPARQL_PREFIXES + Q_ALL_MENTIONS):
        if doc and x and start and end and quote:
            out[doc].add(_mention(x, start, end, mention, quote))
    return {d: sorted(ms, key=lambda m: (m.start, m.end, m.node)) for d, ms in out.items()}


def extracted(model: Model, mentions: list[Mention]) -> list[Mention]:
    """The mentions of initiatives and metrics (other evidence, e.g. of a whole sentence, is not a mention)."""
    return [m for m in mentions if m.node in model.initiatives or m.node in model.observations]


def _mention(x: str, start: str, end: str, text: str | None, quote: str) -> Mention:
    return Mention(x, int(start), int(end), text or "", quote)


def sentence_start(quote: str, mentions: list[Mention]) -> int | None:
    """Where ``quote`` starts in the text: the offset most of its mentions agree on.

    >>> ms = [Mention("a", 107, 109, "平台", "某市建成平台，平台上线。"), Mention("b", 110, 112, "平台", "")]
    >>> sentence_start("某市建成平台，平台上线。", ms)
    103
    """
    votes: Counter[int] = Counter()
    for m in mentions:
        if not m.text:
            continue
        at = quote.find(m.text)
        while at >= 0:
            votes[m.start - at] += 1
            at = quote.find(m.text, at + 1)
    return min(votes, key=lambda s: (-votes[s], s)) if votes else None


def from_sentences(doc: str, mentions: list[Mention]) -> Article:
    """The article as its quoted sentences, in text order, with the mentions placed in them."""
    by_quote: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_quote[m.quote].append(m)
    placed = sorted(
        ((sentence_start(q, ms), q) for q, ms in by_quote.items()),
        key=lambda p: (p[0] is None, p[0] or 0, p[1]),
    )
    text, art = "", Article(doc, "", False)
    for start, quote in placed:
        if text:
            text += GAP
        at = len(text)
        text += quote
        art.sentences.append((at, at + len(quote)))
        if start is None:
            continue
        for m in by_quote[quote]:
            lo = at + m.start - start
            if quote[m.start - start : m.end - start] == m.text and m.text:
                art.mentions.append((lo, lo + len(m.text), m))
    art.text = text
    art.mentions = _disjoint(art.mentions)
    return art


def from_text(doc: str, text: str, mentions: list[Mention], sentences: list[tuple[int, int]]) -> Article:
    """The whole article: mentions at their offsets, the sentences holding evidence marked."""
    art = Article(doc, text, True)
    art.mentions = _disjoint([(m.start, m.end, m) for m in mentions if 0 <= m.start < m.end <= len(text)])
    starts = sorted(m.start for _, _, m in art.mentions)
    art.sentences = [(a, b) for a, b in sentences if any(a <= s < b for s in starts)]
    return art


def _disjoint(spans: list[tuple[int, int, Mention]]) -> list[tuple[int, int, Mention]]:
    """Non-overlapping spans, the earlier (then longer) one kept; the same span for two nodes kept once.

    >>> m = Mention("x", 0, 4, "abcd", "")
    >>> [(a, b) for a, b, _ in _disjoint([(0, 4, m), (2, 6, m), (0, 4, m), (6, 8, m)])]
    [(0, 4), (6, 8)]
    """
    out: list[tuple[int, int, Mention]] = []
    for a, b, m in sorted(spans, key=lambda s: (s[0], -s[1], s[2].node)):
        if out and a < out[-1][1]:
            continue
        out.append((a, b, m))
    return out


def read_source_text(doc: str, candidates: list[Path]) -> tuple[str, list[tuple[int, int]]] | None:
    """The normalised text and sentence offsets of the first candidate file that is this document."""
    from citykg.graph.ingest.documents import IngestError, read_document

    for path in candidates:
        if not path.is_file():
            continue
        try:
            d = read_document(path)
        except (IngestError, OSError, ValueError):
            continue
        if d.content_hash == doc_key(doc):
            return d.text, [(s.start, s.end) for s in d.sentences]
    return None


def article_html(model: Model, art: Article, linker: Linker, crumbs: str) -> str:
    """The reader page (static; every string escaped)."""
    e = html.escape
    d = model.docs.get(art.doc)
    title = (d.title or d.file) if d else doc_key(art.doc)
    meta = []
    if d:
        meta = [x for x in (d.date, d.publisher, d.file) if x]
        for city in d.about:
            href = linker.city(city)
            meta.append(f'<a href="{e(href)}">{e(model.label(city))}</a>' if href else e(model.label(city)))
    meta_html = " · ".join(m if m.startswith("<a ") else e(m) for m in meta)
    mode = ("全文 full text" if art.full else
            "摘录 excerpts: the sentences the extraction quotes (the source file was not found; "
            "citykg viz article PATH shows the whole text)")  # fmt: skip
    classes = sorted({_cls(model, m.node) for _, _, m in art.mentions})
    legend = "".join(f'<span class="m c-{e(c)}">{e(style(c)[3])} {e(c)}</span> ' for c in classes)
    css = _css(classes)
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{e(title)}</title><style>{css}</style></head><body>{crumbs}"
        f'<h1>{e(title)}</h1><p class="meta">{meta_html}</p><p class="meta">{e(mode)} · '
        f'{len(art.mentions)} 处提及 mentions</p><p class="legend">{legend}</p>'
        f'<div class="text">{_body(model, art, linker)}</div></body></html>\n'
    )


def _cls(model: Model, node: str) -> str:
    if node in model.initiatives:
        return model.initiatives[node].cls
    return "Observation" if node in model.observations else "Resource"


def _body(model: Model, art: Article, linker: Linker) -> str:
    """The text as HTML: sentences as spans, mentions as links, paragraphs at line breaks."""
    e = html.escape
    events: list[tuple[int, int, str]] = []  # (offset, order, html): closing tags before opening ones
    for a, b in art.sentences:
        events += [(a, 2, '<span class="s">'), (b, 0, "</span>")]
    for a, b, m in art.mentions:
        cls = _cls(model, m.node)
        info = _info(model, m.node)
        href = linker.page_of(m.node) or "#"
        if m.node in model.observations:  # the figure's indicator, value and unit follow it
            events.append((a, 3, f'<a class="m c-{e(cls)}" id="m-{m.start}" href="{e(href)}">'))
            events.append((b, 1, f'</a><span class="fig">{e(info)}</span>'))
        else:
            events.append(
                (a, 3, f'<a class="m c-{e(cls)}" id="m-{m.start}" href="{e(href)}" title="{e(info)}">')
            )
            events.append((b, 1, "</a>"))
    events.sort(key=lambda ev: (ev[0], ev[1]))
    out, at = [], 0
    for offset, _, tag in events:
        out.append(_text(art.text[at:offset]))
        out.append(tag)
        at = offset
    out.append(_text(art.text[at:]))
    return "<p>" + "".join(out) + "</p>"


def _text(chunk: str) -> str:
    return html.escape(chunk).replace("\n", "</p><p>") if chunk else ""


def _info(model: Model, node: str) -> str:
    """The hover text of a mention: class and label; indicator, value and unit for a metric."""
    if node in model.observations:
        o = model.observations[node]
        return observation_label(model, o) + (f" ({o.as_of})" if o.as_of else "")
    if node in model.initiatives:
        i = model.initiatives[node]
        concepts = "、".join(model.label(c) for c in i.concepts)
        return f"{style(i.cls)[3]} {i.label}" + (f" → {concepts}" if concepts else "")
    return model.label(node)


def _css(classes: list[str]) -> str:
    colours = "".join(
        f".c-{c}{{border-bottom-color:{style(c)[0]};background:{style(c)[0]}22}}" for c in classes
    )
    return (
        f"body{{font-family:{CJK_FONT};margin:16px auto;max-width:52em;color:#222;line-height:1.9;padding:0 12px}}"
        "h1{font-size:20px;line-height:1.4}.meta{color:#666;font-size:13px;margin:2px 0}"
        ".crumbs{font-size:12px;color:#666}.crumbs a,.meta a{color:#1f5fa8;text-decoration:none}"
        ".legend .m{margin-right:6px;font-size:13px}"
        ".m{color:inherit;text-decoration:none;border-bottom:2px solid #999;padding:0 1px}"
        ".fig{font-size:11px;color:#2b6d8e;background:#eef6fb;border-radius:3px;padding:0 3px;margin:0 2px}"
        ".s:has(:target){background:#fff3b0}:target{outline:2px solid #d62728;scroll-margin-top:40vh}"
        ".text p{margin:0 0 .8em 0}" + colours
    )
