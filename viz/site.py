"""``write_site(out_dir)``: OUT/index.html linking every view, the views under OUT/views/.

The build calls it after writing OUT/citykg.trig. The model is read once (a
few bulk SELECTs) and every page is a pure function of it, built from the
model's indexes, so a page costs what it shows (docs/viz.md). The pages link
each other (a ``Linker`` knows which exist): a node's details panel opens its
city, concept and article pages, and every page has a breadcrumb to the index.
The pages share what they have in common: OUT/assets/ (vis-network, the page
scripts, styles and search tables) and OUT/views/text/<key>.js (each article's
text, which its reader draws and every tooltip quoting it refers to). A page whose
inputs did not change since the previous build is reused (``viz.pagecache``).
Pages of an earlier build that no longer exist are removed; each file is
written atomically.
"""

from __future__ import annotations

import gc
from pathlib import Path

from citykg.paths import corpus_dir
from citykg.viz import views
from citykg.viz.chart import comparison_indicators
from citykg.viz.chartpage import COMPARE_CSS, COMPARE_JS, compare_css, compare_page
from citykg.viz.data import Model, load_model
from citykg.viz.doctext import TEXT_DIR, DocTexts, text_path, text_script
from citykg.viz.graphview import GraphView, aggregate
from citykg.viz.index import INDEX, Link, index_html
from citykg.viz.links import VIEWS_DIR, Linker, city_key, doc_key, safe_name, view_path
from citykg.viz.mapview import map_html
from citykg.viz.pagecache import PageCache
from citykg.viz.pagedata import compact
from citykg.viz.reader import all_mentions, read_source_text
from citykg.viz.readerpage import READER_CSS, READER_JS, reader_css, reader_page
from citykg.viz.render import (
    asset,
    crumbs_html,
    render_html,
    script_json,
    write_if_changed,
    write_site_assets,
    write_text_atomic,
    write_vis_asset,
)
from citykg.viz.source import ViewSource

__all__ = ["MAX_NODES", "MAX_PAGES", "city_key", "safe_name", "section_crumbs", "view_path", "write_site"]

MAX_NODES = 2000  # views above this size are aggregated (citykg viz --max-nodes changes it)
#: Pages for the largest cities and concepts only; the index names the command for the rest.
MAX_PAGES = 120
SECTIONS = {
    "overview": "总览 Overview",
    "city": "城市 Cities",
    "reform": "改革概念 Reform concepts",
    "compare": "指标对比 Indicator comparisons",
    "article": "文章 Articles",
}


def section_crumbs(linker: Linker, kind: str, label: str) -> list[tuple[str, str | None]]:
    """索引 Index › section › this page (hrefs relative to the page being written)."""
    index = linker.to(linker.out_dir / INDEX)
    section = SECTIONS.get(kind, SECTIONS["overview"])
    return [("索引 Index", index), (section, index + "#sec-" + kind), (label, None)]


def _largest(keys: list[str], size: dict[str, int], limit: int) -> tuple[list[str], int]:
    """The ``limit`` keys of largest size (ties by key, so the choice is stable) and how many were left."""
    ranked = sorted(keys, key=lambda k: (-size.get(k, 0), k))
    return ranked[:limit], max(0, len(ranked) - limit)


def write_site(out_dir: Path | str, max_nodes: int | None = MAX_NODES, max_pages: int = MAX_PAGES) -> Path:
    """Write the views and OUT/index.html linking them; returns the index path.

    Per-city and per-concept pages are written for the ``max_pages`` largest of
    each (cities by initiatives, concepts by cities running them); every article
    gets a reader page.
    """
    out = Path(out_dir)
    source = ViewSource(out)
    model = load_model(source)
    gc.freeze()  # the model lives to the end: keep later collections from walking its records again
    try:
        return _write_site(out, source, model, max_nodes, max_pages)
    finally:
        gc.unfreeze()


class _Site:
    """The pages planned for one site, then written one by one."""

    def __init__(self, out: Path, model: Model, max_pages: int) -> None:
        self.out, self.model = out, model
        city_size = {city: len(items) for city, items in model.initiatives_by_city.items()}
        concept_cities = {
            c: len({i.city for i in items if i.city}) for c, items in model.initiatives_by_concept.items()
        }
        self.cities, more_cities = _largest(model.cities(), city_size, max_pages)
        self.concepts = {c.iri: c for c in model.concepts_in_use()}
        self.concept_keys, more_concepts = _largest(list(self.concepts), concept_cities, max_pages)
        self.omitted = {"city": (more_cities, "citykg viz city NAME"),
                        "reform": (more_concepts, "citykg viz reform NAME")}  # fmt: skip
        pages = {"overview.html", "analogues.html", "map.html"}
        pages |= {view_path(out, "city", city_key(model, c)).name for c in self.cities}
        pages |= {view_path(out, "reform", self.concepts[k].slug).name for k in self.concept_keys}
        pages |= {view_path(out, "compare", i.slug).name for i in model.indicators_in_use()}
        pages |= {view_path(out, "article", doc_key(d)).name for d in model.docs}
        self.linker = Linker(model, out, pages)
        self.vis_src = self.linker.to(write_vis_asset(out))
        self.assets = self.vis_src.rsplit("/", 1)[0] + "/"  # href of OUT/assets/ from a page
        self.links: list[Link] = []
        self.texts: DocTexts | None = None
        self.cache = PageCache(out)

    def graph(
        self, view: GraphView, path: Path, max_nodes: int | None, kind: str, label: str, key: str = ""
    ) -> None:
        view = aggregate(view, max_nodes)
        crumbs = section_crumbs(self.linker, kind, label)
        # what the page reads: its data without the layout (a function of it), crumbs and asset href
        data = compact(view, {}, self.linker, self.texts)
        inputs = script_json([data, crumbs, self.vis_src])
        self.cache.write(path, inputs, lambda: render_html(view, self.linker, self.vis_src, crumbs, self.texts, data))
        note = f"{len(view.nodes)} 节点 nodes · {len(view.edges)} 边 edges"
        self.links.append(Link(kind, label, path, note, key))


def _write_site(out: Path, source: ViewSource, model: Model, max_nodes: int | None, max_pages: int) -> Path:
    site = _Site(out, model, max_pages)
    site.texts = DocTexts(model, all_mentions(source), _source_text(model))
    site.graph(
        views.overview(model),
        view_path(out, "overview"),
        max_nodes,
        "overview",
        "城市与改革概念 Cities × concepts",
    )
    site.graph(
        views.analogues_view(model),
        view_path(out, "analogues"),
        max_nodes,
        "overview",
        "跨城市类比 Analogues",
    )
    map_path = view_path(out, "map")
    site.cache.text(map_path, map_html(model, crumbs=section_crumbs(site.linker, "overview", "地图 Map")))
    site.links.append(
        Link(
            "overview",
            "中国地图 Map of China",
            map_path,
            "按概念/指标着色，时间轴 by concept or indicator, by year",
        )
    )
    for city in site.cities:
        site.graph(views.city_view(model, city), view_path(out, "city", city_key(model, city)), max_nodes, "city",
                   model.label(city), city)  # fmt: skip
    for c in (site.concepts[k] for k in site.concept_keys):
        site.graph(views.reform_view(model, c.iri, max_nodes), view_path(out, "reform", c.slug), max_nodes, "reform",
                   c.label + (f" / {c.label_en}" if c.label_en else ""), c.iri)  # fmt: skip
    for ind in comparison_indicators(model):  # curated, or minted and reported by >= 2 cities
        path = view_path(out, "compare", ind.slug)
        crumbs = crumbs_html(section_crumbs(site.linker, "compare", ind.label))
        site.cache.text(path, compare_page(model, ind.iri, site.assets, crumbs))
        n = len(model.observations_by_indicator.get(ind.iri, ()))
        site.links.append(Link("compare", ind.label, path, f"{n} 个数值 values", ind.iri))
    _readers(site)
    write_site_assets(out, site.texts.chars)
    write_if_changed(out / "assets" / READER_JS, asset(READER_JS))
    write_if_changed(out / "assets" / READER_CSS, reader_css())
    write_if_changed(out / "assets" / COMPARE_JS, asset(COMPARE_JS))
    write_if_changed(out / "assets" / COMPARE_CSS, compare_css())
    written = {link.path.name for link in site.links}
    for old in (out / VIEWS_DIR).glob("*.html"):
        if old.name not in written:
            old.unlink()
    texts = {f"{site.texts.get(d).key}.js" for d in model.docs}
    for old in (out / VIEWS_DIR / TEXT_DIR).glob("*.js"):
        if old.name not in texts:
            old.unlink()
    site.cache.save()
    index = index_html(model, site.links, out, site.omitted)
    return write_text_atomic(out / INDEX, index)


def _source_text(model: Model):
    """doc IRI -> (normalised text, sentence offsets) when the bundled corpus holds its file."""

    def find(doc: str) -> tuple[str, list[tuple[int, int]]] | None:
        d = model.docs.get(doc)
        return read_source_text(doc, [corpus_dir() / d.file]) if d and d.file else None

    return find


def _readers(site: _Site) -> None:
    """One reader page per article, and its text script (which the graph pages' tooltips share)."""
    model, out, texts = site.model, site.out, site.texts
    assert texts is not None
    for d in sorted(model.docs.values(), key=lambda d: (d.date, d.iri)):
        dt = texts.get(d.iri)
        site.cache.text(text_path(out, dt.key), text_script(dt.key, script_json(dt.data())))
        art = dt.art
        path = view_path(out, "article", doc_key(d.iri))
        label = d.title or d.file or doc_key(d.iri)
        crumbs = crumbs_html(section_crumbs(site.linker, "article", label))
        site.cache.text(path, reader_page(model, dt, site.linker, crumbs, site.assets))
        note = " · ".join(x for x in (d.date, f"{len(art.mentions)} 处提及 mentions") if x)
        site.links.append(Link("article", label, path, note, d.iri))
