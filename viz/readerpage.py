"""The site's reader page: a small shell that draws the article from its shared text script.

``reader.article_html`` writes a reader with the text inline (static HTML, for
``citykg viz article -o FILE``, which must work alone). In the site the text of
every article is already in OUT/views/text/<key>.js (``viz.doctext``), which the
graph pages' tooltips read too; the reader page then carries only its mentions
(where, which node, which class, the figure's value) and OUT/assets/reader.js
draws text and mentions with text nodes. Same page, a third of the bytes; the
mentions are packed (``viz.packed``), as the text script is.
"""

from __future__ import annotations

import html

from citykg.viz.data import Model
from citykg.viz.doctext import TEXT_DIR, DocText
from citykg.viz.graphview import CLASS_STYLE, style
from citykg.viz.links import Linker, doc_key, sel_anchor
from citykg.viz.packed import PACKED_JS, packed_element
from citykg.viz.pagedata import _href, _id, _Table, short_id
from citykg.viz.reader import _cls, _css, _info

READER_JS, READER_CSS = "reader.js", "reader.css"  # under OUT/assets/
#: a node's "figure" code in the reader data: not a figure, and its hover text starts with its class
#: name and the words of its first mention (95% of names at 2,000 articles), which reader.js adds back
NAMED_BY_MENTION = 2


def reader_css() -> str:
    """The readers' shared styles (every class's colour, so one file serves every article)."""
    return _css(list(CLASS_STYLE))


def reader_data(model: Model, dt: DocText, linker: Linker) -> dict:
    """What reader.js needs besides the article's text script (see its header): nodes as
    [class, id, info, figure, page, anchor] (page and anchor left off when [0, 1]; id 0 when it
    is the observation named by its first mention's place, ``_obs_id``; figure
    ``NAMED_BY_MENTION`` when its hover text is its class, its first mention's words and then
    info), mentions ``delta``-coded."""
    strings, pages, folders = _Table(), _Table(), _Table()
    classes: dict[str, int] = {}
    nodes: dict[str, int] = {}
    node_rows: list[list] = []
    mentions = []
    for a, b, m in dt.art.mentions:
        if m.node not in nodes:
            cls = _cls(model, m.node)
            ci = classes.setdefault(cls, len(classes))
            href = linker.page_of(m.node) or "#"
            page, code = _href(href, m.node, pages)
            if code == 1 and not sel_anchor(m.node).startswith("#sel=~"):
                code = sel_anchor(m.node)[1:]  # not a citykg resource: the anchor as written
            fig = 1 if m.node in model.observations else 0
            nodes[m.node] = len(node_rows)
            short = short_id(m.node)
            node_id = 0 if short == _obs_id(dt.key, m.start, b - a) else _id(short, folders)
            info = _info(model, m.node)
            named = f"{style(cls)[3]} {dt.art.text[a:b]}"  # "平台 " + the words of its first mention
            if not fig and info.startswith(named):
                info, fig = info[len(named) :], NAMED_BY_MENTION
            row = [ci, node_id, strings.add(info), fig, page, code]
            node_rows.append(row[:-2] if row[-2:] == [0, 1] else row)
        mentions.append((a, b, nodes[m.node], m.start))
    return {"k": dt.key, "C": [[c, style(c)[3]] for c in classes], "S": strings.items, "P": pages.items,
            "I": folders.items, "n": node_rows, "m": delta(mentions)}  # fmt: skip


def _obs_id(key: str, start: int, length: int) -> str:
    """The short id of the observation an article's figure at ``start`` mints (reader.js derives it).

    >>> _obs_id("ab12", 500, 3)
    '~obs/ab12/500-503'
    """
    return f"~obs/{key}/{start}-{start + length}"


def delta(mentions: list[tuple[int, int, int, int]]) -> list[int]:
    """Mentions (a, b, node, offset in the normalised text) as one flat list of small numbers, four
    per mention: a after the previous b, b - a, the node (-1: the next node not seen yet, which is
    every node's first mention) and the change of (offset - a) since the previous mention.

    >>> delta([(10, 12, 0, 10), (15, 18, 1, 20), (30, 31, 0, 35)])
    [10, 2, -1, 0, 3, 3, -1, 5, 12, 1, 0, 0]
    >>> undelta(delta([(10, 12, 0, 10), (15, 18, 1, 20), (30, 31, 0, 35)]))
    [(10, 12, 0, 10), (15, 18, 1, 20), (30, 31, 0, 35)]
    """
    out: list[int] = []
    end = shift = seen = 0
    for a, b, node, start in mentions:
        new = node == seen
        seen += new
        out += [a - end, b - a, -1 if new else node, start - a - shift]
        end, shift = b, start - a
    return out


def undelta(flat: list[int]) -> list[tuple[int, int, int, int]]:
    """The mentions ``delta`` coded (what reader.js decodes)."""
    out = []
    end = shift = seen = 0
    for i in range(0, len(flat), len(MENTION)):
        da, length, node, dshift = flat[i : i + len(MENTION)]
        a = end + da
        shift += dshift
        if node < 0:
            node, seen = seen, seen + 1
        out.append((a, a + length, node, a + shift))
        end = a + length
    return out


MENTION = ("a", "b", "node", "start")  # what one mention's four numbers in ``delta`` stand for


def reader_page(model: Model, dt: DocText, linker: Linker, crumbs: str, assets: str) -> str:
    """The reader page of the site (``assets``: the href of OUT/assets/ from the page, ending in "/")."""
    e = html.escape
    art = dt.art
    d = model.docs.get(art.doc)
    title = (d.title or d.file) if d else doc_key(art.doc)
    meta = []
    if d:
        meta = [e(x) for x in (d.date, d.publisher, d.file) if x]
        for city in d.about:
            href = linker.city(city)
            meta.append(f'<a href="{e(href)}">{e(model.label(city))}</a>' if href else e(model.label(city)))
    mode = ("全文 full text" if art.full else
            "摘录 excerpts: the sentences the extraction quotes (the source file was not found; "
            "citykg viz article PATH shows the whole text)")  # fmt: skip
    classes = sorted({_cls(model, m.node) for _, _, m in art.mentions})
    legend = "".join(f'<span class="m c-{e(c)}">{e(style(c)[3])} {e(c)}</span> ' for c in classes)
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'; "
        f"style-src 'self'\"><title>{e(title)}</title>"
        f'<link rel="stylesheet" href="{e(assets + READER_CSS)}"></head><body>{crumbs}'
        f'<h1>{e(title)}</h1><p class="meta">{" · ".join(meta)}</p><p class="meta">{e(mode)} · '
        f'{len(art.mentions)} 处提及 mentions</p><p class="legend">{legend}</p>'
        '<div class="text" id="ck-text"></div>'
        + packed_element("ck-article", reader_data(model, dt, linker), f'data-text="{TEXT_DIR}/"')
        + f'<script src="{TEXT_DIR}/{e(dt.key)}.js"></script><script src="{e(assets + PACKED_JS)}"></script>'
        f'<script src="{e(assets + READER_JS)}"></script>'
        "</body></html>\n"
    )
