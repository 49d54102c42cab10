"""The site's packed pages show what the Python side meant to write (headless Chromium, offline).

The site's pages carry their data packed (``viz.packed``: base64 of raw deflate, inflated in
the page) and draw it with scripts. Each kind is checked against the Python side, never
against bytes: a graph page's nodes and edges (labels, classes, tooltip rows with every quoted
sentence, own page and detail links) against its ``GraphView`` and the ``Linker``; a reader's
mentions and a comparison page's bars and evidence rows against the static page
(``reader.article_html``, ``chart.compare_html``) drawn from the same model. No console
error, no request beyond file://.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from viz_pages import embedded, wait_until

from citykg.paths import corpus_dir
from citykg.viz import views
from citykg.viz.chart import compare_html, comparison_indicators
from citykg.viz.data import Model, load_model
from citykg.viz.doctext import DocTexts
from citykg.viz.graphview import GraphView, aggregate
from citykg.viz.links import Linker, city_key, doc_key, view_path
from citykg.viz.packed import PACKED_TYPE, pack, unpack
from citykg.viz.reader import all_mentions, article_html, read_source_text
from citykg.viz.site import MAX_NODES
from citykg.viz.source import ViewSource

pytestmark = pytest.mark.browser

GRAPH_JS = """() => [
  citykgData.nodes.map(n => [n.id, n.label, n.cls, n.tip, n.page || null, n.links || []]),
  citykgData.edges.map(e => [e.from, e.to, e.width, e.label || "", e.tip || []])]"""
#: every mention drawn in a reader: [id, href, its text (all its segments), hover or figure text]
MENTIONS_JS = """() => { const out = [];
  for (const x of document.querySelectorAll('.text a.m, .text span.fig, #ck-text a.m, #ck-text span.fig')) {
    if (x.tagName === 'SPAN') { out[out.length - 1][3] = x.textContent; }
    else if (x.id) { out.push([x.id, x.getAttribute('href'), x.textContent, x.title]); }
    else { out[out.length - 1][2] += x.textContent; } }
  return out; }"""
COMPARE_JS = """() => [
  [...document.querySelectorAll('svg.chart a')].map(a => [a.getAttribute('href'), a.textContent]),
  [...document.querySelectorAll('tr[id]')].map(r => [r.id, r.className, [...r.cells].map(c => c.textContent)])]"""
LARGEST = 3  # reform and comparison pages checked: the largest few (every city page and reader is)


def first_difference(shown: list, want: list) -> str:
    """The first item the page shows differently (the assertion message)."""
    pairs = [(a, b) for a, b in zip(shown, want, strict=False) if a != b][:1]
    return json.dumps([len(shown), len(want), pairs], ensure_ascii=False)


def _un(href: str | None) -> str | None:
    return unquote(href) if href else href


def _rows(rows: list[tuple[str, ...]], linker: Linker | None) -> list[list[str]]:
    """Tooltip rows as the page shows them: key, text, and for a quote the reader's href."""
    out = []
    for r in rows:
        row = [r[0], r[1]]
        if len(r) > 2 and linker is not None:
            doc, _, start = r[2].partition(" ")
            href = linker.article(doc)
            if href:
                row.append(href + (f"#m-{start}" if start else ""))
        out.append(row)
    return out


def expected_graph(view: GraphView, linker: Linker) -> tuple[list, list]:
    nodes = []
    for n in view.nodes:
        own = None if n.id.startswith("agg:") else linker.page_of(n.id)
        links = [] if n.id.startswith("agg:") else [[t, _un(h)] for t, h in linker.related(n.id)]
        nodes.append([n.id, n.label, n.cls, _rows(n.rows(), linker), _un(own), links])
    ids = {n.id for n in view.nodes}
    edges = [[e.source, e.target, round(e.width, 2), e.label, [list(r[:2]) for r in e.tip]]
             for e in view.edges if e.source in ids and e.target in ids]  # fmt: skip
    return nodes, edges


def shown_graph(page) -> tuple[list, list]:
    nodes, edges = page.evaluate(GRAPH_JS)
    for n in nodes:
        n[4] = _un(n[4])
        n[5] = [[t, _un(h)] for t, h in n[5]]
    return nodes, edges


def graph_pages(model: Model, out: Path) -> dict[Path, GraphView]:
    """Every graph page of the site's kinds that the seed build has (the largest few reform pages)."""
    pages = {
        view_path(out, "overview"): views.overview(model),
        view_path(out, "analogues"): views.analogues_view(model),
    }
    for city in model.cities():
        pages[view_path(out, "city", city_key(model, city))] = views.city_view(model, city)
    for c in model.concepts_in_use():
        pages[view_path(out, "reform", c.slug)] = views.reform_view(model, c.iri, MAX_NODES)
    found = {p: aggregate(v, MAX_NODES) for p, v in pages.items() if p.is_file()}
    reforms = sorted((p for p in found if p.name.startswith("reform-")), key=lambda p: -p.stat().st_size)
    return {p: v for p, v in found.items() if not p.name.startswith("reform-") or p in reforms[:LARGEST]}


def test_pack_round_trip_keeps_markup_inert() -> None:
    value = {"t": "</script><img src=x onerror=alert(1)>“引号”\u2028", "n": [1, -2, 3.5]}
    packed = pack(value)
    assert unpack(packed) == value
    assert set(packed) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def test_packed_site_pages_show_what_python_meant(built: Path, open_page, tmp_path: Path) -> None:
    model = load_model(ViewSource(built))
    linker = Linker.from_disk(model, built)
    pages = graph_pages(model, built)
    kinds = {p.name.split("-")[0].split(".")[0] for p in pages}
    assert {"overview", "analogues", "city", "reform"} <= kinds
    opened = open_page(built / "views" / "overview.html")
    page, quotes = opened.page, 0
    for path, view in pages.items():
        html = path.read_text(encoding="utf-8")
        assert f'type="{PACKED_TYPE}" id="ck-data"' in html and "application/json" not in html
        page.goto(path.resolve().as_uri())
        wait_until(page, "window.citykgReady !== undefined")
        nodes, edges = shown_graph(page)
        want_nodes, want_edges = expected_graph(view, linker)
        assert nodes == want_nodes, first_difference(nodes, want_nodes)
        assert edges == want_edges, path.name
        quotes += sum(1 for n in nodes for r in n[3] if r[0] == "quote")
    assert quotes  # tooltips quote sentences drawn from the articles' shared texts

    texts = DocTexts(model, all_mentions(ViewSource(built)), lambda d: _source(model, d))
    for doc in sorted(model.docs):
        art = texts.get(doc).art
        static = tmp_path / f"static-{doc_key(doc)}.html"
        static.write_text(article_html(model, art, linker, ""), encoding="utf-8")
        page.goto(static.resolve().as_uri())
        want = page.evaluate(MENTIONS_JS)
        page.goto(view_path(built, "article", doc_key(doc)).resolve().as_uri())
        wait_until(page, "window.citykgReaderReady === true")
        shown = page.evaluate(MENTIONS_JS)
        assert len(want) == len(art.mentions) and shown == want, first_difference(shown, want)

    indicators = sorted(
        comparison_indicators(model), key=lambda i: -len(model.observations_by_indicator.get(i.iri, ()))
    )
    for ind in indicators[:LARGEST]:
        static = tmp_path / f"static-{ind.slug}.html"
        static.write_text(compare_html(model, ind.iri), encoding="utf-8")
        page.goto(static.resolve().as_uri())
        want = page.evaluate(COMPARE_JS)
        site_page = view_path(built, "compare", ind.slug)
        assert embedded(site_page.read_text(encoding="utf-8"), "ck-compare")["charts"]
        page.goto(site_page.resolve().as_uri())
        wait_until(page, "window.citykgCompareReady === true")
        assert want[0] and page.evaluate(COMPARE_JS) == want, ind.slug
    assert opened.errors == [] and opened.network == [] and opened.dialogs == []


def _source(model: Model, doc: str):
    """The article's text where the site finds it (the bundled corpus)."""
    d = model.docs.get(doc)
    return read_source_text(doc, [corpus_dir() / d.file]) if d and d.file else None
