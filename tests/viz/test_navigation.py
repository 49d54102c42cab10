"""The site as an analyst uses it, in headless Chromium offline: links between pages, state, search, export.

Everything is picked from the build (a SPARQL query or the page's own data), never
from a hand-written label, so the tests hold for any corpus.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
from opencc import OpenCC
from pypinyin import lazy_pinyin
from viz_pages import embedded, wait_until

from citykg.store.core import open_store
from citykg.viz.pagedata import short_id

pytestmark = pytest.mark.browser
MAX_OVERLAP = 0.02  # share of label boxes that may overlap another at fit zoom (issue 17)
#: Label boxes where vis-network draws them: label width and height from its label module,
#: centred under the node's shape (the label module's own top is that of its last measuring
#: call, not the drawing), in canvas units, so the count does not depend on the zoom.
OVERLAP_JS = """() => { network.fit({animation: false}); network.redraw();
  const ids = network.body.nodeIndices.filter(id => !network.body.nodes[id].options.hidden);
  const b = ids.map(id => { const n = network.body.nodes[id], s = n.labelModule.size;
    const top = n.y + (n.shape.height || 2 * n.options.size) / 2;
    return [n.x - s.width / 2, top, n.x + s.width / 2, top + s.height + 4]; });
  const hit = new Set();
  for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++) {
    const p = b[i], q = b[j];
    if (p[0] < q[2] && q[0] < p[2] && p[1] < q[3] && q[1] < p[3]) { hit.add(i); hit.add(j); } }
  return [hit.size, ids.length]; }"""


def ready(opened):
    wait_until(opened.page, "window.citykgReady !== undefined")
    return opened.page


def details_link(page, prefix: str) -> str:
    """The href of the details panel's link whose text starts with ``prefix``."""
    links = page.evaluate("[...document.querySelectorAll('#ck-details a')].map(a => [a.textContent, a.href])")
    return next(href for text, href in links if text.startswith(prefix))


def test_from_an_initiative_to_its_city_concept_and_sentence_and_back(built: Path, open_page) -> None:
    row = open_store(built).select(
        """SELECT ?i ?city ?c WHERE { ?i ck:inCity ?city ; ck:realizes ?c ; ck:evidence ?e .
             ?e ck:charStart ?s . ?c skos:inScheme ?scheme } ORDER BY ?i LIMIT 1"""
    )[0]
    reform_pages = list((built / "views").glob("reform-*.html"))
    leaf = short_id(row["i"]).rsplit("/", 1)[-1]
    start = next(p for p in reform_pages if leaf in json.dumps(embedded(p.read_text(encoding="utf-8"), "ck-data")))
    opened = open_page(start)
    page = ready(opened)
    page.evaluate("id => citykgHighlight(id)", row["i"])
    # to the city page, the initiative selected there
    page.click("#ck-details a:text-matches('^城市 city')")
    page = ready(opened)
    assert "/views/city-" in page.url and page.evaluate("network.getSelectedNodes()") == [row["i"]]
    assert unquote(page.url.split("#sel=")[1]) == short_id(row["i"])  # the URL names it by its short id
    # on to its concept page, then to the reader at its sentence
    page.click("#ck-details a:text-matches('^概念 concept')")
    page = ready(opened)
    assert "/views/reform-" in page.url and page.evaluate("network.getSelectedNodes()") == [row["i"]]
    quote = page.evaluate(
        "id => citykgData.nodes.find(n => n.id === id).tip.find(r => r[0] === 'quote')", row["i"]
    )
    page.click("#ck-details a.read")
    page.wait_for_load_state()
    wait_until(page, "window.citykgReaderReady === true")  # the reader draws its text once inflated
    assert "/views/article-" in page.url and "#m-" in page.url
    target = page.evaluate("(() => { const t = document.querySelector(':target'); const s = t.closest('.s');"
                           " return [t.getAttribute('href'), s ? s.textContent : ''] })()")  # fmt: skip
    assert quote[1] in target[1]  # the sentence around the mention is the node's evidence sentence
    assert row["i"].rsplit("/", 1)[-1] in unquote(target[0])  # the mention links back to the node
    # and back: the concept page, then the city page, each with its selection
    page.go_back()
    page = ready(opened)
    assert "/views/reform-" in page.url and page.evaluate("network.getSelectedNodes()") == [row["i"]]
    page.go_back()
    page = ready(opened)
    assert "/views/city-" in page.url
    assert opened.errors == [] and opened.network == []


def test_double_click_and_breadcrumb(built: Path, open_page) -> None:
    opened = open_page(built / "views" / "overview.html")
    page = ready(opened)
    city = page.evaluate("citykgData.nodes.find(n => n.cls === 'City')")
    page.evaluate("id => network.focus(id, {scale: 2, animation: false})", city["id"])
    box = page.locator("#ck-graph canvas").bounding_box()
    page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/city-*.html")
    page = ready(opened)
    assert page.evaluate("citykgData.nodes[0].label") == city["label"]
    crumbs = page.evaluate("[...document.querySelectorAll('nav.crumbs a')].map(a => a.href)")
    assert crumbs[0].endswith("/index.html")
    page.click("nav.crumbs a >> nth=1")
    assert page.url.endswith("index.html#sec-city")
    assert opened.errors == []


def test_search_then_filter_keeps_the_match_bright(built: Path, open_page) -> None:
    page = ready(open_page(sorted((built / "views").glob("city-*.html"))[0]))
    node = page.evaluate("citykgData.nodes.find(n => n.cls === 'Platform')")
    hit = page.evaluate("q => citykgSearch(q)", node["label"])
    assert page.evaluate("id => citykgData.nodes.find(n => n.id === id).cls", hit) == "Platform"
    colour = "id => network.body.data.nodes.get(id).color.background"
    shown = page.evaluate("citykgFilter('Platform', '', '')")
    assert shown > 0 and page.evaluate("network.getSelectedNodes()") == [hit]
    assert page.evaluate(colour, hit) != page.evaluate("'rgba(200,200,200,0.35)'")
    assert node["label"] in page.text_content("#ck-details")
    # a filter that hides the selection: no node stays grey, the details no longer describe it
    page.evaluate("citykgFilter('Observation', '', '')")
    grey = page.evaluate(
        "network.body.data.nodes.get({filter: n => !n.hidden && n.color.background.startsWith('rgba(200')}).length"
    )
    assert grey == 0 and node["label"] not in page.text_content("#ck-details")


def test_search_by_other_names_traditional_and_pinyin(built: Path, open_page) -> None:
    page = ready(open_page(built / "views" / "overview.html"))
    concept = page.evaluate(
        "citykgData.nodes.find(n => n.cls === 'ReformConcept' && n.tip.some(r => r[0].startsWith('又称'))"
        " && n.tip.some(r => r[0].startsWith('英文')))"
    )
    alt = next(r[1] for r in concept["tip"] if r[0].startswith("又称")).split("、")[0]
    english = next(r[1] for r in concept["tip"] if r[0].startswith("英文"))
    queries = [
        alt,
        english.upper(),
        OpenCC("s2t").convert(concept["label"]),
        " ".join(lazy_pinyin(concept["label"])),
    ]
    for q in queries:
        assert concept["id"] in page.evaluate("q => citykgMatches(q)", q), q
    page.fill("#ck-search", queries[-1])
    page.press("#ck-search", "Enter")
    assert page.evaluate("network.getSelectedNodes()")[0] in page.evaluate(
        "q => citykgMatches(q)", queries[-1]
    )


def test_a_reloaded_url_restores_filters_and_selection(built: Path, open_page) -> None:
    opened = open_page(sorted((built / "views").glob("city-*.html"))[0])
    page = ready(opened)
    node = page.evaluate("citykgData.nodes.find(n => n.cls === 'Observation')")
    domain = node["domains"][0]
    shown = page.evaluate("d => citykgFilter('', '', d)", domain)
    page.evaluate("id => citykgHighlight(id)", node["id"])
    url = page.url
    assert "sel=" in url and "dom=" in url
    again = ready(open_page(url))  # a new tab on the shared link
    assert again.evaluate("document.getElementById('ck-filter-domain').value") == domain
    assert again.evaluate("window.citykgShown") == shown
    assert again.evaluate("network.getSelectedNodes()") == [node["id"]]
    assert node["label"] in again.text_content("#ck-details")


def test_labels_do_not_overlap_at_fit_zoom(built: Path, open_page) -> None:
    for path in [built / "views" / "overview.html", *sorted((built / "views").glob("city-*.html"))]:
        page = ready(open_page(path))
        hit, total = page.evaluate(OVERLAP_JS)
        assert total > 20 and hit / total < MAX_OVERLAP, (path.name, hit, total)


def test_export_of_the_visible_subgraph(built: Path, open_page) -> None:
    page = ready(open_page(sorted((built / "views").glob("city-*.html"))[0]))
    shown = page.evaluate("citykgFilter('Reform', '', '')")
    graph = ET.fromstring(page.evaluate("citykgExport('graphml')"))
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    assert len(graph.findall(f"{ns}graph/{ns}node")) == shown
    svg = ET.fromstring(page.evaluate("citykgExport('svg')"))
    assert len(svg.findall("{http://www.w3.org/2000/svg}g")) == shown
    assert page.evaluate("citykgExport('png')").startswith("data:image/png;base64,")


def test_the_index_search_filters_by_pinyin_and_traditional(built: Path, open_page) -> None:
    opened = open_page(built / "index.html")
    page = opened.page
    city = page.evaluate("document.querySelector('#sec-city li a').textContent")
    for q in ("".join(lazy_pinyin(city)), OpenCC("s2t").convert(city)):
        page.fill("#q", q)
        page.dispatch_event("#q", "input")
        visible = page.evaluate(
            "[...document.querySelectorAll('#sec-city li:not([hidden]) a')].map(a => a.textContent)"
        )
        assert city in visible, q
        assert page.evaluate(
            "document.querySelectorAll('li[data-key]:not([hidden])').length"
        ) < page.evaluate("document.querySelectorAll('li[data-key]').length")
    assert opened.errors == [] and opened.network == []


def test_tooltips_stay_in_the_window_and_say_each_sentence_once(built: Path, open_page) -> None:
    page = ready(open_page(sorted((built / "views").glob("city-*.html"))[0]))
    node = max(page.evaluate("citykgData.nodes"), key=lambda n: len(n["tip"]))
    size = page.evaluate(
        "[document.getElementById('ck-graph').clientWidth, document.getElementById('ck-graph').clientHeight]"
    )
    text = page.evaluate("([id, x, y]) => citykgShowTip(id, x, y)", [node["id"], size[0] - 5, size[1] - 5])
    tip = page.evaluate("(() => { const r = document.getElementById('ck-tip').getBoundingClientRect();"
                        " const g = document.getElementById('ck-graph').getBoundingClientRect();"
                        " return [r.left - g.left, r.top - g.top, r.right - g.left, r.bottom - g.top]; })()")  # fmt: skip
    assert tip[0] >= 0 and tip[1] >= 0 and tip[2] <= size[0] + 1 and tip[3] <= size[1] + 1
    for quote in {r[1] for r in node["tip"] if r[0] == "quote"}:
        assert text.count(quote) == 1
