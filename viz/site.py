"""``write_site(out_dir)``: OUT/index.html linking every view, the views under OUT/views/.

The build calls it after writing OUT/citykg.trig. The model is read once (a
few bulk SELECTs) and every page is a pure function of it, built from the
model's indexes, so a page costs what it shows: the bundled corpus takes about
a second, a 2,000-article build (4M triples, ~200 graph pages and ~500
comparison pages) about 20 s, half of it reading the model (docs/viz.md).
Pages of an earlier build that no longer exist (a city that left the corpus)
are removed; each file is written atomically.
"""

from __future__ import annotations

import gc
import html
import re
from dataclasses import dataclass
from pathlib import Path

from citykg.viz import views
from citykg.viz.chart import compare_html
from citykg.viz.data import Model, load_model
from citykg.viz.graphview import CJK_FONT, GraphView, aggregate
from citykg.viz.render import write_text_atomic, write_view
from citykg.viz.source import ViewSource

VIEWS_DIR = "views"
INDEX = "index.html"
MAX_NODES = 2000  # views above this size are aggregated (citykg viz --max-nodes changes it)
#: Each graph page inlines vis-network (~0.5 MB), so a large corpus gets pages for
#: the largest cities and concepts only; the index names the command for the rest.
MAX_PAGES = 120


def safe_name(text: str) -> str:
    """A file-name-safe slug (ASCII letters, digits, ``-``, ``_``, ``.``).

    >>> safe_name("one-thing/once?"), safe_name("../x")
    ('one-thing-once-', '..-x')
    """
    return re.sub(r"[^A-Za-z0-9._-]", "-", text) or "x"


def view_path(out_dir: Path, kind: str, key: str = "") -> Path:
    """Where a view lives: OUT/views/<kind>[-<key>].html."""
    name = f"{kind}-{safe_name(key)}" if key else kind
    return out_dir / VIEWS_DIR / f"{name}.html"


def city_key(model: Model, iri: str) -> str:
    area = model.areas.get(iri)
    return area.adcode if area and area.adcode else iri.rsplit("/", 1)[-1]


@dataclass
class Link:
    section: str
    label: str
    path: Path
    note: str = ""


def _graph(
    view: GraphView, path: Path, max_nodes: int | None, links: list[Link], section: str, label: str
) -> None:
    view = aggregate(view, max_nodes)
    write_view(view, path)
    links.append(Link(section, label, path, f"{len(view.nodes)} 节点 nodes · {len(view.edges)} 边 edges"))


def _largest(keys: list[str], size: dict[str, int], limit: int) -> tuple[list[str], int]:
    """The ``limit`` keys of largest size (ties by key, so the choice is stable) and how many were left."""
    ranked = sorted(keys, key=lambda k: (-size.get(k, 0), k))
    return ranked[:limit], max(0, len(ranked) - limit)


def write_site(out_dir: Path | str, max_nodes: int | None = MAX_NODES, max_pages: int = MAX_PAGES) -> Path:
    """Write the views and OUT/index.html linking them; returns the index path.

    Per-city and per-concept pages are written for the ``max_pages`` largest of
    each (cities by initiatives, concepts by cities running them).
    """
    out = Path(out_dir)
    model = load_model(ViewSource(out))
    gc.freeze()  # the model lives to the end: keep later collections from walking its records again
    try:
        return _write_site(out, model, max_nodes, max_pages)
    finally:
        gc.unfreeze()


def _write_site(out: Path, model: Model, max_nodes: int | None, max_pages: int) -> Path:
    links: list[Link] = []
    city_size = {city: len(items) for city, items in model.initiatives_by_city.items()}
    concept_cities = {
        c: len({i.city for i in items if i.city}) for c, items in model.initiatives_by_concept.items()
    }
    cities, more_cities = _largest(model.cities(), city_size, max_pages)
    concepts = {c.iri: c for c in model.concepts_in_use()}
    concept_keys, more_concepts = _largest(list(concepts), concept_cities, max_pages)
    omitted = {"城市 Cities": (more_cities, "citykg viz city NAME"),
               "改革概念 Reform concepts": (more_concepts, "citykg viz reform NAME")}  # fmt: skip
    _graph(
        views.overview(model),
        view_path(out, "overview"),
        max_nodes,
        links,
        "总览 Overview",
        "城市与改革概念 Cities × concepts",
    )
    _graph(
        views.analogues_view(model),
        view_path(out, "analogues"),
        max_nodes,
        links,
        "总览 Overview",
        "跨城市类比 Analogues",
    )
    for city in cities:
        _graph(views.city_view(model, city), view_path(out, "city", city_key(model, city)), max_nodes, links,
               "城市 Cities", model.label(city))  # fmt: skip
    for c in (concepts[k] for k in concept_keys):
        _graph(views.reform_view(model, c.iri, max_nodes), view_path(out, "reform", c.slug), max_nodes, links,
               "改革概念 Reform concepts", c.label + (f" / {c.label_en}" if c.label_en else ""))  # fmt: skip
    for ind in model.indicators_in_use():
        path = view_path(out, "compare", ind.slug)
        write_text_atomic(path, compare_html(model, ind.iri))
        n = len(model.observations_by_indicator.get(ind.iri, ()))
        links.append(Link("指标对比 Indicator comparisons", ind.label, path, f"{n} 个数值 values"))
    written = {link.path.name for link in links}
    for old in (out / VIEWS_DIR).glob("*.html"):
        if old.name not in written:
            old.unlink()
    return write_text_atomic(out / INDEX, index_html(model, links, out, omitted))


def index_html(model: Model, links: list[Link], out: Path,
               omitted: dict[str, tuple[int, str]] | None = None) -> str:  # fmt: skip
    """The static index page (no script): one list of links per section."""
    e = html.escape
    sections: dict[str, list[Link]] = {}
    for link in links:
        sections.setdefault(link.section, []).append(link)
    body = []
    for section, items in sections.items():
        rows = "".join(
            f'<li><a href="{e(link.path.relative_to(out).as_posix())}">{e(link.label)}</a>'
            f' <span class="n">{e(link.note)}</span></li>'
            for link in items
        )
        more, command = (omitted or {}).get(section, (0, ""))
        note = (
            f'<p class="n">另有 {more} 个未生成页面 ({more} more not written): {e(command)}</p>'
            if more
            else ""
        )
        body.append(f"<h2>{e(section)} ({len(items)})</h2><ul>{rows}</ul>{note}")
    stats = (
        f"{len(model.docs)} 篇文章 articles · {len(model.cities())} 个城市 cities · "
        f"{len(model.initiatives)} 项举措 initiatives · {len(model.observations)} 个指标数据 observations"
    )
    css = (
        f"body {{ font-family: {CJK_FONT}; margin: 16px; color: #222; }} h1 {{ font-size: 20px; }}"
        " h2 { font-size: 16px; margin-top: 20px; } li { margin: 2px 0; } .n { color: #888; font-size: 12px; }"
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>citykg 图谱视图 views</title><style>{css}</style></head><body>"
        f"<h1>citykg 图谱视图 Views</h1><p>{e(stats)}</p>" + "".join(body) + "</body></html>\n"
    )
