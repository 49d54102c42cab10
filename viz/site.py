"""``write_site(out_dir)``: OUT/index.html linking every view, the views under OUT/views/.

The build calls it after writing OUT/citykg.trig. The model is read once (a
few bulk SELECTs) and every page is a pure function of it, built from the
model's indexes, so a page costs what it shows (docs/viz.md). The pages link
each other (a ``Linker`` knows which exist): a node's details panel opens its
city, concept and article pages, and every page has a breadcrumb to the index.
A graph page links every city, reform and comparison page and its script keeps
the links to those the site has (OUT/assets/pages.js), so a page coming or going
renders no graph page again. The pages share what they have in common: OUT/assets/
(vis-network, the page scripts, styles, search tables and page list) and OUT/views/text/<key>.js (each article's
text, which its reader draws and every tooltip quoting it refers to). A page whose
inputs did not change since the previous build is reused (``viz.pagecache``).
Pages of an earlier build that no longer exist are removed; each file is
written atomically.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from citykg.paths import corpus_dir
from citykg.viz import views
from citykg.viz.chart import comparison_indicators
from citykg.viz.chartpage import COMPARE_CSS, COMPARE_JS, compare_css, compare_page
from citykg.viz.data import Model, load_model
from citykg.viz.doctext import TEXT_DIR, DocTexts, text_path, text_script
from citykg.viz.graphview import GraphView, aggregate
from citykg.viz.incsite import (
    SCHEMES_GRAPH,
    Dirty,
    KeptTexts,
    dirty_pages,
    find_change,
    patch_model,
    trig_graphs,
)
from citykg.viz.index import INDEX, Link, index_html
from citykg.viz.links import VIEWS_DIR, Linker, city_key, doc_key, safe_name, view_path
from citykg.viz.mapview import map_html
from citykg.viz.pagecache import PageCache, previous_build
from citykg.viz.pagedata import compact
from citykg.viz.reader import all_mentions, read_source_text
from citykg.viz.readerpage import READER_CSS, READER_JS, reader_css, reader_page
from citykg.viz.render import (
    asset,
    crumbs_html,
    layout_key,
    positions,
    render_html,
    script_json,
    write_if_changed,
    write_site_assets,
    write_text_atomic,
    write_vis_asset,
)
from citykg.viz.search import KeyCache, OverrideCache
from citykg.viz.sitestate import SiteState, load_state, save_state
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
    gets a reader page. After a previous site step (its state kept beside the pages,
    ``viz.incsite``) only the pages the changed graphs reach are read and rendered.
    """
    out = Path(out_dir)
    source = ViewSource(out)
    params = (max_nodes, max_pages)
    collecting = gc.isenabled()
    # an incremental step allocates for a few hundred pages, and its objects form no cycles to
    # speak of: collections would only walk the kept model and pages again (a third of its time
    # at 2,000 articles); a full step (every page, more garbage) keeps collecting
    gc.disable()
    try:
        trig = trig_graphs(source.trig)
        inc = _incremental(out, source, params, trig)
        if inc is None and collecting:
            gc.enable()
        model = inc.model if inc else load_model(source)
        gc.freeze()  # the model lives to the end: keep later collections from walking its records again
        site = _Site(out, model, max_pages, inc)
        index = _write_site(site, source, max_nodes)
        if trig is not None:
            quotes = {d: site.quote_order(d) for d in model.docs}
            saved = Model(model.areas, model.concepts, model.initiatives, model.observations, model.docs,
                          model.analogies)  # fmt: skip  (without the indexes built on it)
            state = SiteState(params, trig[2], saved, quotes, site.notes, site.chars, site.linker.pages, site.asks,
                              site.layouts, site.keys.new, site.pinyin.known)  # fmt: skip
            save_state(out / VIEWS_DIR, state)
        return index
    finally:
        gc.unfreeze()
        if collecting:
            gc.enable()


@dataclass
class _Incremental:
    """An incremental step: the previous state, the patched model and the pages to render again."""

    state: SiteState
    model: Model
    dirty: Dirty


def _incremental(out: Path, source: ViewSource, params: tuple, trig) -> _Incremental | None:
    """The incremental plan when the previous step's state allows one (else None: a full step)."""
    previous = previous_build(out)
    state = load_state(previous / VIEWS_DIR, params) if trig is not None else None
    if state is None:
        return None
    change = find_change(state, previous / source.trig.name, trig, source.trig)
    if change is None:
        return None
    model, touched = patch_model(state.model, source, change.iris, SCHEMES_GRAPH in change.graphs)
    return _Incremental(state, model, dirty_pages(state.model, model, touched, change.graphs, params[0]))


class _Site:
    """The pages planned for one site, then written one by one (or taken from the previous build)."""

    def __init__(self, out: Path, model: Model, max_pages: int, inc: _Incremental | None = None) -> None:
        self.out, self.model, self.inc = out, model, inc
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
        pages |= {view_path(out, "compare", i.slug).name for i in comparison_indicators(model)}  # the written ones
        pages |= {view_path(out, "article", doc_key(d)).name for d in model.docs}
        self.linker = Linker(model, out, pages)  # the readers', comparison pages' and map's links
        # the graph pages link every city, reform and comparison page (their script keeps those
        # that exist, assets/pages.js): their bytes do not depend on which of those pages exist
        self.graph_linker = self.linker.deferring_twin()  # the two share answers: readers ask the same
        self.vis_src = self.linker.to(write_vis_asset(out))
        self.assets = self.vis_src.rsplit("/", 1)[0] + "/"  # href of OUT/assets/ from a page
        self.links: list[Link] = []
        self.texts: DocTexts | None = None
        self.cache = PageCache(out)
        self.notes: dict[str, str] = {}  # page name -> its note on the index (kept for the next step)
        self.chars: dict[str, str] = {}  # graph page name -> Han characters of its names
        self.asks: dict[str, list[str]] = {}  # page name -> the page names it asked the linker about
        # pages that came or went (a city entering the largest, an article added...): a page that
        # asked about one of them links it now, or no longer does; it is rendered again (a graph
        # page asks about none of the checked kinds: a city entering the largest redoes none)
        moved = inc.state.pages ^ pages if inc is not None else set()
        self.redo = {p for p, names in inc.state.asks.items() if moved.intersection(names)} if moved else set()
        # graph page name -> [layout_key, positions]: a page rendered again for a link keeps its graph,
        # and its layout (what costs) is the kept one (the layout is a pure function of its inputs)
        self.layouts: dict[str, list] = {}
        self.old_xy = {key: xy for key, xy in inc.state.layouts.values()} if inc is not None else {}
        self.keys = KeyCache(inc.state.keys if inc is not None else {})  # the index rows' search keys
        # graph pages' names -> pinyin overrides (the kept ones, and those this step asks for)
        self.pinyin = OverrideCache(inc.state.pinyin if inc is not None else {})

    @contextmanager
    def asking(self, name: str) -> Iterator[None]:
        """Record which pages the page ``name`` asks the linker about while it is built."""
        self.linker.asked = self.graph_linker.asked = asked = set()
        try:
            yield
        finally:
            self.linker.asked = self.graph_linker.asked = None
        self.asks[name] = sorted(asked)

    def clean(self, kind: str, key: str = "") -> bool:
        """True when the page is unchanged since the previous step (an incremental step said so)."""
        return self.inc is not None and not self.inc.dirty.has(kind, key)

    def reuse(self, path: Path, kind: str, key: str = "") -> bool:
        """Take an unchanged page from the previous build (with its note and characters)."""
        if not self.clean(kind, key) or path.name in self.redo or path.name not in self.inc.state.notes:
            return False
        if path.name not in self.inc.state.asks or not self.cache.keep(path):
            return False
        self.notes[path.name] = self.inc.state.notes[path.name]
        self.asks[path.name] = self.inc.state.asks[path.name]
        if path.name in self.inc.state.layouts:
            self.layouts[path.name] = self.inc.state.layouts[path.name]
        chars = self.inc.state.chars.get(path.name)
        if chars is not None:
            self.chars[path.name] = chars
            self.texts.chars.update(chars)
        return True

    def graph(self, make: Callable[[], GraphView], path: Path, max_nodes: int | None, kind: str, label: str,
              key: str = "", page: str = "") -> None:  # fmt: skip
        """A graph page (``page``: its kind for the incremental plan when not ``kind``, the index section)."""
        if not self.reuse(path, page or kind, key):
            with self.asking(path.name):
                self._render_graph(make, path, max_nodes, kind, label)
        self.links.append(Link(kind, label, path, self.notes[path.name], key))

    def _render_graph(self, make: Callable[[], GraphView], path: Path, max_nodes: int | None, kind: str,
                      label: str) -> None:  # fmt: skip
        """Build a graph page's data, and render it unless the previous build's file has that data."""
        view = aggregate(make(), max_nodes)
        crumbs = section_crumbs(self.linker, kind, label)
        # what the page reads: its data without the layout (a function of it), crumbs and asset href
        site_chars, self.texts.chars = self.texts.chars, set()
        data = compact(view, {}, self.graph_linker, self.texts, self.pinyin)
        page_chars, self.texts.chars = self.texts.chars, site_chars | self.texts.chars
        self.chars[path.name] = "".join(sorted(page_chars))
        inputs = script_json([data, crumbs, self.vis_src])

        def render() -> str:
            key = layout_key(view)
            xy = self.old_xy.get(key)
            self.layouts[path.name] = [key, positions(view) if xy is None else xy]
            return render_html(view, self.graph_linker, self.vis_src, crumbs, self.texts, data,
                               self.layouts[path.name][1])  # fmt: skip

        self.cache.write(path, inputs, render)
        if path.name not in self.layouts and self.inc is not None and path.name in self.inc.state.layouts:
            self.layouts[path.name] = self.inc.state.layouts[path.name]  # the file was the previous one
        self.notes[path.name] = f"{len(view.nodes)} 节点 nodes · {len(view.edges)} 边 edges"

    def quote_order(self, doc: str) -> list[str]:
        """The article's quotes in the order its text script lists them (kept for the next step)."""
        kept = self.texts.kept.get(doc) if isinstance(self.texts, KeptTexts) else None
        return kept if kept is not None else list(self.texts.get(doc).index)


def _write_site(site: _Site, source: ViewSource, max_nodes: int | None) -> Path:
    out, model = site.out, site.model
    if site.inc is None or site.inc.dirty.everything:
        site.texts = DocTexts(model, all_mentions(source), _source_text(model))
    else:
        site.texts = KeptTexts(model, source, _source_text(model), site.inc.state.quotes, site.inc.dirty.docs)
    site.graph(lambda: views.overview(model), view_path(out, "overview"), max_nodes, "overview",
               "城市与改革概念 Cities × concepts")  # fmt: skip
    site.graph(lambda: views.analogues_view(model, max_nodes), view_path(out, "analogues"), max_nodes, "overview",
               "跨城市类比 Analogues", page="analogues")  # fmt: skip
    map_path = view_path(out, "map")
    if not site.reuse(map_path, "map"):
        with site.asking(map_path.name):
            site.cache.text(map_path, map_html(model, crumbs=section_crumbs(site.linker, "overview", "地图 Map")))
    site.links.append(
        Link(
            "overview",
            "中国地图 Map of China",
            map_path,
            "按概念/指标着色，时间轴 by concept or indicator, by year",
        )
    )
    site.notes[map_path.name] = site.links[-1].note
    for city in site.cities:
        site.graph(lambda city=city: views.city_view(model, city), view_path(out, "city", city_key(model, city)),
                   max_nodes, "city", model.label(city), city)  # fmt: skip
    for c in (site.concepts[k] for k in site.concept_keys):
        site.graph(lambda c=c: views.reform_view(model, c.iri, max_nodes), view_path(out, "reform", c.slug),
                   max_nodes, "reform", c.label + (f" / {c.label_en}" if c.label_en else ""), c.iri)  # fmt: skip
    for ind in comparison_indicators(model):  # curated, or minted and reported by >= 2 cities
        path = view_path(out, "compare", ind.slug)
        if not site.reuse(path, "compare", ind.iri):
            with site.asking(path.name):
                crumbs = crumbs_html(section_crumbs(site.linker, "compare", ind.label))
                site.cache.text(path, compare_page(model, ind.iri, site.assets, crumbs))
        n = len(model.observations_by_indicator.get(ind.iri, ()))
        site.links.append(Link("compare", ind.label, path, f"{n} 个数值 values", ind.iri))
        site.notes[path.name] = site.links[-1].note
    _readers(site)
    write_site_assets(out, site.texts.chars, site.linker.pages)
    write_if_changed(out / "assets" / READER_JS, asset(READER_JS))
    write_if_changed(out / "assets" / READER_CSS, reader_css())
    write_if_changed(out / "assets" / COMPARE_JS, asset(COMPARE_JS))
    write_if_changed(out / "assets" / COMPARE_CSS, compare_css())
    written = {link.path.name for link in site.links}
    for old in (out / VIEWS_DIR).glob("*.html"):
        if old.name not in written:
            old.unlink()
    texts = {f"{doc_key(d)}.js" for d in model.docs}
    for old in (out / VIEWS_DIR / TEXT_DIR).glob("*.js"):
        if old.name not in texts:
            old.unlink()
    site.cache.save()
    index = index_html(model, site.links, out, site.omitted, site.keys)
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
        path = view_path(out, "article", doc_key(d.iri))
        label = d.title or d.file or doc_key(d.iri)
        script = text_path(out, doc_key(d.iri))
        if not (site.reuse(path, "article", d.iri) and site.cache.keep(script)):
            dt = texts.get(d.iri)
            site.cache.text(script, text_script(dt.key, script_json(dt.data())))
            crumbs = crumbs_html(section_crumbs(site.linker, "article", label))
            with site.asking(path.name):
                site.cache.text(path, reader_page(model, dt, site.linker, crumbs, site.assets))
            site.notes[path.name] = " · ".join(x for x in (d.date, f"{len(dt.art.mentions)} 处提及 mentions") if x)
        site.links.append(Link("article", label, path, site.notes[path.name], d.iri))
