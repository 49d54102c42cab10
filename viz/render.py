"""Write one self-contained HTML page per view (vis-network, CSS and data inlined).

vis-network 9.1.2 and its CSS are read from the pyvis package at run time
(``pyvis/templates/lib/vis-9.1.2``, Apache-2.0 / MIT), so nothing is fetched
from a CDN and no ``lib/`` folder is written. The view's data is embedded as
JSON inside ``<script type="application/json">`` with ``<``, ``>`` and ``&``
escaped, and the page writes article text into the DOM with ``textContent``.
"""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import click

from citykg.viz.graphview import CJK_FONT, GraphView
from citykg.viz.layout import layout

ASSETS = Path(__file__).resolve().parent / "assets"
VIS_VERSION = "vis-9.1.2"


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
        raise click.ClickException(
            f"vis-network ({VIS_VERSION}) not found in the pyvis package - reinstall citykg (pip install -e .)."
        ) from exc
    for text in (js, css):
        if re.search(r"</(script|style)", text, re.IGNORECASE):  # would end our inline element
            raise click.ClickException("the bundled vis-network contains a closing tag - cannot inline it.")
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


def page_data(view: GraphView) -> dict:
    """The JSON the page script reads: positioned nodes, edges, legend and facets."""
    pos = layout([n.id for n in view.nodes], [(e.source, e.target) for e in view.edges])
    nodes = [n.to_json(pos.get(n.id, (0.0, 0.0))) for n in view.nodes]
    cities = sorted({c for n in view.nodes for c in n.cities})
    domains = sorted({d for n in view.nodes for d in n.domains})
    return {
        "title": view.title,
        "font": CJK_FONT,
        "directed": view.directed,
        "edgeLabels": view.edge_labels,
        "nodes": nodes,
        "edges": [e.to_json() for e in view.edges],
        "legend": view.legend(),
        "facets": {"cities": cities, "domains": domains},
    }


def render_html(view: GraphView) -> str:
    """The complete HTML page of a graph view."""
    js, css = vis_assets()
    notes = "".join(f'<div class="note">{html.escape(n)}</div>' for n in view.notes)
    parts = {
        "TITLE": html.escape(view.title),
        "SUBTITLE": html.escape(view.subtitle),
        "NOTES": notes,
        "VIS_CSS": css,
        "VIEW_CSS": asset("view.css"),
        "DATA": script_json(page_data(view)),
        "VIS_JS": js,
        "VIEW_JS": asset("view.js"),
    }
    # one pass, so placeholders inside substituted text are never expanded again
    return re.sub(r"@@([A-Z_]+)@@", lambda m: parts[m.group(1)], asset("view.html"))


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


def write_view(view: GraphView, path: Path) -> Path:
    """Render ``view`` and write it atomically to ``path``."""
    return write_text_atomic(path, render_html(view))
