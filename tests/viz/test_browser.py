"""The generated pages in real headless Chromium, offline: load, counts, search, XSS, CJK screenshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from viz_pages import wait_until

from citykg.cli import cli
from citykg.store.core import open_store
from citykg.viz.graphview import GraphView, VEdge, VNode
from citykg.viz.render import write_view

pytestmark = pytest.mark.browser

PAYLOAD_IMG = "<img src=x onerror=window.__pwned=1;alert(1)>"
PAYLOAD_SCRIPT = "<script>window.__pwned=2;alert(2)</script>"
XSS_ARTICLE = f"""某某市推进“{PAYLOAD_SCRIPT}数字某某”建设
2024-03-01来源： 嘉兴日报
近年来，嘉兴市全面推进数字政府建设。
嘉兴市上线“{PAYLOAD_IMG}嘉兴办{PAYLOAD_SCRIPT}”政务服务平台，推行“一网通办”改革，全市政务服务事项网上可办率达98%。
嘉兴市建成“<img src=x onerror=window.__pwned=4>城市大脑<script>window.__pwned=5</script>”平台，累计建设5G基站1200个。
"""


def wait_ready(opened) -> None:
    wait_until(opened.page, "window.citykgReady !== undefined")


def test_overview_loads_offline_with_the_expected_graph(built: Path, open_page, tmp_path: Path) -> None:
    expected = open_store(built).select(
        """SELECT (COUNT(DISTINCT ?city) AS ?cities) (COUNT(DISTINCT ?c) AS ?concepts)
                  (COUNT(DISTINCT CONCAT(STR(?city), " ", STR(?c))) AS ?pairs)
           WHERE { ?i ck:inCity ?city ; ck:realizes ?c . ?c skos:inScheme ?s }"""
    )[0]
    opened = open_page(built / "views" / "overview.html")
    wait_ready(opened)
    page = opened.page
    n_nodes = page.evaluate("network.body.data.nodes.length")
    n_edges = page.evaluate("network.body.data.edges.length")
    assert n_nodes == int(expected["cities"]) + int(expected["concepts"])
    assert n_edges == int(expected["pairs"])
    # the search box finds and selects a city
    city = page.evaluate("citykgData.nodes.filter(n => n.cls === 'City')[0]")
    page.fill("#ck-search", city["label"][:2])
    page.press("#ck-search", "Enter")
    assert page.evaluate("network.getSelectedNodes()") == [city["id"]]
    assert "match" in page.text_content("#ck-search-status")
    assert city["label"] in page.text_content("#ck-details")
    # filters hide nodes of other classes; legend lists the classes
    shown = page.evaluate("citykgFilter('City', '', '')")
    assert shown == int(expected["cities"])
    assert page.locator("#ck-legend .legend-row").count() >= 2
    page.evaluate("citykgFilter('', '', '')")
    # CJK glyphs: the page's font stack resolves to an installed CJK font, and the screenshot is kept
    assert page.evaluate("document.fonts.check('14px \"Noto Sans CJK SC\"', '青岛市')")
    shot = tmp_path / "overview.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20000
    assert opened.errors == [] and opened.network == [] and opened.dialogs == []


def test_city_and_compare_pages_work(built: Path, open_page) -> None:
    city_page = sorted((built / "views").glob("city-*.html"))[0]
    opened = open_page(city_page)
    wait_ready(opened)
    page = opened.page
    node = page.evaluate("citykgData.nodes.find(n => n.tip.some(r => r[0] === 'quote'))")
    text = page.evaluate("id => citykgShowTip(id)", node["id"])
    quote = next(r[1] for r in node["tip"] if r[0] == "quote")
    assert quote in text  # the evidence sentence, as text
    page.evaluate("id => citykgHighlight(id)", node["id"])
    assert node["label"] in page.text_content("#ck-details")
    assert opened.errors == [] and opened.network == []

    compare = max((built / "views").glob("compare-*.html"), key=lambda p: p.stat().st_size)
    opened = open_page(compare)
    page = opened.page
    wait_until(page, "window.citykgCompareReady === true")  # drawn once its data is inflated
    bars = page.evaluate("[...document.querySelectorAll('svg.chart a')].map(a => a.getAttribute('href'))")
    assert bars and all(page.evaluate("h => !!document.getElementById(h.slice(1))", h) for h in bars)
    assert page.locator("svg.chart rect").count() == len(bars)
    assert opened.errors == [] and opened.network == []


def test_article_markup_never_runs(tmp_path: Path, open_page) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "001_xss.txt").write_text(XSS_ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(corpus), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    pages = [p for p in sorted((out / "views").glob("*.html")) if "__pwned" in p.read_text(encoding="utf-8")]
    assert pages, "the payload should reach at least one page (as escaped evidence text)"
    # a hand-made view puts the payload in every slot: label, tooltip, edge label, title, note
    bad = PAYLOAD_IMG + PAYLOAD_SCRIPT + "</script><!--"
    view = GraphView(
        bad,
        [VNode("a", bad, "Reform", 2.0, [bad], [bad], [("quote", bad), (bad, bad)]), VNode("b", "b", "City")],
        [VEdge("a", "b", bad, 1.0, [(bad, bad)])],
        bad,
        [bad],
        edge_labels=True,
    )
    pages.append(write_view(view, tmp_path / "crafted.html"))
    for path in [*pages, out / "index.html"]:
        opened = open_page(path)
        page = opened.page
        if "ck-data" in path.read_text(encoding="utf-8"):
            wait_ready(opened)
            for node in page.evaluate("citykgData.nodes.map(n => n.id)"):
                page.evaluate("id => citykgShowTip(id)", node)
                page.evaluate("id => citykgHighlight(id)", node)
        page.wait_for_timeout(50)
        assert page.evaluate("typeof window.__pwned") == "undefined", path.name
        assert page.evaluate("document.querySelectorAll('img').length") == 0, path.name
        assert opened.dialogs == [] and opened.errors == [] and opened.network == [], path.name
    crafted = open_page(tmp_path / "crafted.html")
    wait_ready(crafted)
    assert PAYLOAD_IMG in crafted.page.evaluate("citykgShowTip('a')")
