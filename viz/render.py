"""Write the HTML page of a graph view: self-contained, or sharing the site's assets.

vis-network 9.1.2 and its CSS are read from the pyvis package at run time
(``pyvis/templates/lib/vis-9.1.2``, Apache-2.0 / MIT), so nothing is fetched
from a CDN. A single view (``citykg viz ... -o FILE``) inlines vis-network, our
script, styles and search tables; the site's pages load them from OUT/assets/
and the articles' sentences from OUT/views/text/ (``<script src>`` and
``<link>``, which open from disk). The view's data is embedded as
JSON inside ``<script type="application/json">`` with ``<``, ``>`` and ``&``
escaped, and the page writes article text into the DOM with ``textContent``.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tempfile
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from citykg.errors import InputError
from citykg.viz.doctext import TEXT_DIR, DocTexts
from citykg.viz.graphview import GraphView
from citykg.viz.layout import label_box, layout
from citykg.viz.links import CHECKED_KINDS, Linker
from citykg.viz.packed import PACKED_JS, packed_element
from citykg.viz.pagedata import compact
from citykg.viz.search import zh_tables

ASSETS = Path(__file__).resolve().parent / "assets"
VIS_VERSION = "vis-9.1.2"
VIS_FILE = "vis-network.min.js"  # the site's shared copy, under OUT/assets/


@cache
def asset(name: str) -> str:
    """Text of a file under viz/assets."""
    return (ASSETS / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """(vis-network.min.js, the used part of vis-network.css) from the installed pyvis package."""
    try:
        lib = resources.files("pyvis") / "templates" / "lib" / VIS_VERSION
        js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
        css = (lib / "vis-network.css").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise InputError(
            f"vis-network ({VIS_VERSION}) not found in the pyvis package - reinstall citykg (pip install -e .)."
        ) from exc
    for text in (js, css):
        if re.search(r"</(script|style)", text, re.IGNORECASE):  # would end our inline element
            raise InputError("the bundled vis-network contains a closing tag - cannot inline it.")
    return js, css_subset(css)


def css_subset(css: str) -> str:
    """The vis-network rules a view uses (canvas, tooltip); drops the configurator,
    manipulation and navigation-button rules (200 kB of inlined images) the views never enable.

    >>> css_subset(".vis-network{a:b}div.vis-configuration{c:d}div.vis-tooltip{e:f}")
    '.vis-network{a:b}div.vis-tooltip{e:f}'
    """
    unused = re.compile(r"configuration|manipulation|color-picker|navigation|edit|vis-button|vis-close")
    rules = re.findall(r"[^{}]+\{[^{}]*\}", css)
    keep = [
        r
        for r in rules
        if re.search(r"vis-(network|tooltip)", r.split("{")[0]) and not unused.search(r.split("{")[0])
    ]
    return "".join(keep)


def script_json(value: object) -> str:
    """JSON safe to embed in a <script> element: no "</", "<!--" or "]]>" can appear.

    >>> script_json({"a": "</script><!--"})
    '{"a": "\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(value, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def page_data(view: GraphView, linker: Linker | None = None, texts: DocTexts | None = None) -> dict:
    """The JSON the page script reads: positioned nodes, edges, legend and facets.

    With a ``linker`` each node also gets its own page (double-click), the related
    pages of its details panel and reader links on its evidence sentences; with
    ``texts`` (the site) quotes refer to the articles' shared text scripts.
    """
    return place(view, compact(view, {}, linker, texts))


def layout_inputs(view: GraphView) -> tuple[list[str], list[tuple[str, str]], dict]:
    """What the layout of ``view`` is a function of: node ids in order, edges, label boxes."""
    ids = [n.id for n in view.nodes]
    return ids, [(e.source, e.target) for e in view.edges], {n.id: label_box(n.label, n.size()) for n in view.nodes}


def layout_key(view: GraphView) -> str:
    """A digest of ``layout_inputs`` (a site keeps each page's positions under it: the layout is
    the costly part of a page, and a page re-rendered for a changed link often keeps its graph)."""
    return hashlib.sha256(repr(layout_inputs(view)).encode("utf-8")).hexdigest()


def positions(view: GraphView) -> list[list[int]]:
    """[x, y] of each node of ``view`` in its order, in whole px (labels keep layout.PAD free around them)."""
    pos = layout(*layout_inputs(view))
    return [[round(c) for c in pos.get(n.id, (0.0, 0.0))] for n in view.nodes]


def place(view: GraphView, data: dict, xy: list[list[int]] | None = None) -> dict:
    """Lay ``view`` out (or take ``xy``, its ``positions``) and write the positions into its page data
    (``compact`` of the same view: its nodes in the view's order, x and y at positions 4 and 5)."""
    for item, (x, y) in zip(data["nodes"], positions(view) if xy is None else xy, strict=True):
        item[4], item[5] = x, y
    return data


def crumbs_html(crumbs: list[tuple[str, str | None]]) -> str:
    """The breadcrumb line: escaped texts, linked where an href is given.

    >>> crumbs_html([("索引 Index", "../index.html"), ("<b>", None)])
    '<nav class="crumbs"><a href="../index.html">索引 Index</a> › <span>&lt;b&gt;</span></nav>'
    """
    e = html.escape
    parts = [
        f'<a href="{e(href)}">{e(text)}</a>' if href else f"<span>{e(text)}</span>" for text, href in crumbs
    ]
    return '<nav class="crumbs">' + " › ".join(parts) + "</nav>" if parts else ""


def view_css() -> str:
    """The graph pages' styles: the used part of vis-network's CSS, then ours."""
    return vis_assets()[1] + asset("view.css")


#: The graph pages' shared files under OUT/assets/ (the site writes them once, ``write_site_assets``)
VIEW_JS, VIEW_CSS, ZH_JS = "view.js", "view.css", "zh.js"
#: the site's pages of the kinds that exist for some keys only (``links.CHECKED_KINDS``): a graph
#: page links them all and its script keeps the links to those listed here
PAGES_JS = "pages.js"


def pages_script(pages: set[str]) -> str:
    """``PAGES_JS``: the file names (our own slugs) of the site's pages of the checked kinds, as data.

    >>> pages_script({"city-1.html", "map.html", "reform-a.html"})
    'window.CITYKG_PAGES={"kinds": ["city", "compare", "reform"], "pages": ["city-1.html", "reform-a.html"]};\\n'
    """
    names = sorted(p for p in pages if p.split("-", 1)[0] in CHECKED_KINDS)
    return f"window.CITYKG_PAGES={script_json({'kinds': list(CHECKED_KINDS), 'pages': names})};\n"


def render_html(
    view: GraphView,
    linker: Linker | None = None,
    vis_src: str | None = None,
    crumbs: list[tuple[str, str | None]] | None = None,
    texts: DocTexts | None = None,
    data: dict | None = None,
    xy: list[list[int]] | None = None,
) -> str:
    """The complete HTML page of a graph view (``data``: its ``compact`` data without positions,
    when the caller has it already; ``xy``: the view's ``positions``, when known).

    ``vis_src`` (the site's shared ``assets/vis-network.min.js``, relative to the page)
    loads vis-network, our script, styles, search tables and page list from beside the pages, packs
    the data (``viz.packed``) and has the page load the articles' text scripts it quotes
    (``texts``); without them the page inlines everything as plain JSON and is
    self-contained (``citykg viz ... -o FILE``).
    """
    js, _ = vis_assets()
    notes = "".join(f'<div class="note">{html.escape(n)}</div>' for n in view.notes)
    data = place(view, data, xy) if data is not None else page_data(view, linker, texts)
    if vis_src:  # the site: shared files, data packed, the quoted articles' texts loaded by the page
        e, base = html.escape, vis_src.rsplit("/", 1)[0] + "/" if "/" in vis_src else ""
        style_html = f'<link rel="stylesheet" href="{e(base + VIEW_CSS)}">'
        data_html = packed_element("ck-data", data, f'data-text="{TEXT_DIR}/"')
        names = (ZH_JS, PACKED_JS, PAGES_JS, VIEW_JS)
        scripts = "".join(f'<script src="{e(base + name)}"></script>' for name in names)
        scripts = f'<script src="{e(vis_src)}"></script>{scripts}'
    else:
        style_html = f"<style>{view_css()}</style>"
        data_html = f'<script type="application/json" id="ck-data">{script_json(data)}</script>'
        scripts = f"<script>{js}</script><script>{asset('view.js')}</script>"
    parts = {
        "TITLE": html.escape(view.title),
        "SUBTITLE": html.escape(view.subtitle),
        "CRUMBS": crumbs_html(crumbs or []),
        "NOTES": notes,
        "STYLE": style_html,
        "DATA": data_html,
        "SCRIPTS": scripts,
    }
    # one pass, so placeholders inside substituted text are never expanded again
    return re.sub(r"@@([A-Z_]+)@@", lambda m: parts[m.group(1)], asset("view.html"))


def write_vis_asset(out_dir: Path) -> Path:
    """The site's one copy of vis-network: OUT/assets/vis-network.min.js (rewritten only when it changed)."""
    return write_if_changed(out_dir / "assets" / VIS_FILE, vis_assets()[0])


def write_if_changed(path: Path, text: str) -> Path:
    """Write ``text`` atomically unless ``path`` already holds it (an unchanged asset keeps its file)."""
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_text_atomic(path, text)
    return path


def write_site_assets(out_dir: Path, chars: set[str], pages: set[str]) -> None:
    """The graph pages' shared script, styles, search tables and page list under OUT/assets/.

    ``chars``: the Han characters of the names on the site's pages (their pinyin goes to zh.js);
    ``pages``: the file names of the site's views (those of the checked kinds go to pages.js).
    """
    folder = out_dir / "assets"
    write_if_changed(folder / PAGES_JS, pages_script(pages))
    write_if_changed(folder / VIEW_JS, asset("view.js"))
    write_if_changed(folder / VIEW_CSS, view_css())
    write_if_changed(folder / ZH_JS, f"window.citykgZh={script_json(zh_tables(chars))};\n")
    write_if_changed(folder / PACKED_JS, asset(PACKED_JS))


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temp file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_view(
    view: GraphView,
    path: Path,
    linker: Linker | None = None,
    vis_src: str | None = None,
    crumbs: list[tuple[str, str | None]] | None = None,
    texts: DocTexts | None = None,
) -> Path:
    """Render ``view`` and write it atomically to ``path``."""
    return write_text_atomic(path, render_html(view, linker, vis_src, crumbs, texts))
