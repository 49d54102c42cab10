"""``citykg serve`` as a real process on 127.0.0.1, exercised by SPARQLWrapper and curl."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from endpointkit import start, stop
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from citykg.testing import require_tool

pytestmark = pytest.mark.server
FIXTURE = Path(__file__).parent / "fixtures" / "sparql-mini.trig"
CITYKG = Path(sys.executable).parent / "citykg"
# A label that would run script if the page used innerHTML.
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("serve")
    trig = FIXTURE.read_text(encoding="utf-8")
    trig += (
        "\n<https://w3id.org/citykg/resource/doc/dddd00000004> {\n"
        f'  ckr:initiative\\/370200\\/hostile a ck:Platform ; rdfs:label "{HOSTILE.replace(chr(34), chr(92) + chr(34))}"@zh ;\n'
        "    ck:inCity ckr:area\\/370200 .\n}\n"
    )
    (out / "citykg.trig").write_text(trig, encoding="utf-8")
    proc, url = start(out, "--timeout", "3", "--max-rows", "100", "--workers", "2", "--overtime", "0")
    yield url
    stop(proc)


def sparql(url: str, query: str, fmt: str):
    client = SPARQLWrapper(url + "sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client.query().convert()


def test_sparqlwrapper_json_xml_csv_turtle(server: str) -> None:
    q = "SELECT ?city WHERE { ?c a ck:City ; rdfs:label ?city } ORDER BY ?city"
    data = sparql(server, q, JSON)
    assert [b["city"]["value"] for b in data["results"]["bindings"]] == [
        "吉林市",
        "威海市",
        "通化市",
        "青岛市",
    ]
    assert data["results"]["bindings"][0]["city"]["xml:lang"] == "zh"
    xml = sparql(server, q, XML)
    assert xml.getElementsByTagName("literal")[0].firstChild.data == "吉林市"
    assert sparql(server, q, CSV).decode().splitlines() == ["city", "吉林市", "威海市", "通化市", "青岛市"]
    turtle = sparql(server, 'CONSTRUCT { ?c a ck:City } WHERE { ?c ck:adcode "220500" }', TURTLE)
    assert "ck:City" in turtle.decode()
    assert sparql(server, "ASK { ?c a ck:Province }", JSON)["boolean"] is True


def curl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [require_tool("curl"), "-s", "-w", "\\n%{http_code}", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_curl_get_post_and_tsv(server: str) -> None:
    q = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a ck:City }"
    get = curl(
        "-G",
        "--data-urlencode",
        f"query={q}",
        "-H",
        "Accept: application/sparql-results+json",
        server + "sparql",
    )
    body, status = get.stdout.rsplit("\n", 1)
    assert status == "200" and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "4"
    post = curl(
        "-H",
        "Content-Type: application/sparql-query",
        "-H",
        "Accept: text/tab-separated-values",
        "--data-binary",
        q,
        server + "sparql",
    )
    assert post.stdout == '?n\n"4"^^<http://www.w3.org/2001/XMLSchema#integer>\n\n200'
    form = curl("--data-urlencode", f"query={q}", "-H", "Accept: text/csv", server + "sparql")
    assert form.stdout == "n\n4\n\n200"  # text mode folds the CSV CRLFs


def test_updates_are_refused(server: str) -> None:
    for args in (
        ["--data-urlencode", "update=DROP ALL"],
        ["--data-urlencode", "query=DELETE WHERE { ?s ?p ?o }"],
        ["-H", "Content-Type: application/sparql-update", "--data-binary", "CLEAR ALL"],
    ):
        result = curl(*args, server + "sparql")
        assert result.stdout == "This endpoint is read-only: SPARQL updates are refused.\n\n403"
    assert sparql(server, "ASK { ?c a ck:City }", JSON)["boolean"] is True


def test_bad_query_and_bad_accept(server: str) -> None:
    bad = curl("--data-urlencode", "query=SELECT * WHERE { ?s ?p }", server + "sparql")
    assert bad.stdout.startswith("query: SPARQL syntax error at line 1, column ")
    assert bad.stdout.endswith("\n400")
    png = curl("-G", "--data-urlencode", "query=ASK {}", "-H", "Accept: image/png", server + "sparql")
    assert png.stdout.endswith("406")


def test_row_cap_and_timeout_answer_clearly(server: str) -> None:
    cap = curl("--data-urlencode", "query=SELECT * WHERE { ?s ?p ?o }", server + "sparql")
    assert cap.stdout == (
        "The query returns more than 100 rows - add LIMIT (or start the server with a higher "
        "--max-rows).\n\n400"
    )
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    timeout = curl("--data-urlencode", f"query={slow}", server + "sparql")
    assert timeout.stdout == (
        "The query exceeded the 3 s time limit and was stopped - narrow it or add LIMIT "
        "(or start the server with a higher --timeout).\n\n503"
    )
    # the pool recovered: a replacement worker answers
    assert sparql(server, "ASK { ?c a ck:City }", JSON)["boolean"] is True


def test_saved_query_endpoint_resolves_labels(server: str) -> None:
    url = server + "saved/cities-running-reform?" + urllib.parse.urlencode({"reform": "静默认证"})
    with urllib.request.urlopen(url, timeout=30) as resp:
        data = json.load(resp)
    assert sorted(b["city"]["value"] for b in data["results"]["bindings"]) == ["威海市", "通化市"]
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(server + "saved/cities-running-reform?city=x", timeout=30)
    assert err.value.code == 400
    assert err.value.read().decode() == (
        'Query "cities-running-reform" does not declare parameter "city" (it takes: reform, limit, offset).\n'
    )


def test_fifty_concurrent_clients(server: str) -> None:
    q = urllib.parse.urlencode({"query": "SELECT ?c WHERE { ?c a ck:City }"})

    def one(_: int) -> int:
        with urllib.request.urlopen(f"{server}sparql?{q}", timeout=60) as resp:
            return len(json.load(resp)["results"]["bindings"])

    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(one, range(200)))
    assert answers == [4] * 200


@pytest.mark.browser
def _browser():
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        require_tool("chromium")
    from playwright.sync_api import sync_playwright

    return sync_playwright(), chromium


def _offline_page(browser, server: str, outside: list[str]):
    """A fresh page whose every request to anything but ``server`` is recorded and aborted."""
    page = browser.new_context().new_page()
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(server)
            else (outside.append(route.request.url), route.abort())
        ),
    )
    return page

@contextlib.contextmanager
def _editor(server: str) -> Iterator[tuple[Any, Any, list[str]]]:
    """The query editor opened offline in headless Chromium: yields (browser, page, requests to other
    origins); on leaving, the page must have raised no error and asked nothing of any other origin."""
    manager, chromium = _browser()
    outside: list[str] = []
    with manager as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = _offline_page(browser, server, outside)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(server)
        page.wait_for_selector("body[data-ready]", state="attached", timeout=30000)
        yield browser, page, outside
        assert errors == []
        browser.close()
    assert outside == []



def _rows(page) -> int:
    page.wait_for_selector(".yasr table tbody tr", timeout=30000)
    return page.locator(".yasr table tbody tr").count()


def test_query_editor_offline_gallery_params_and_share_link(server: str) -> None:
    with urllib.request.urlopen(server, timeout=30) as resp:
        html = resp.read().decode()
        csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "no CDN or remote asset"
    with _editor(server) as (browser, page, outside):
        names = page.eval_on_selector_all("#gallery-list button", "bs => bs.map(b => b.dataset.name)")
        assert "platforms-by-city" in names and "cities-running-reform" in names  # the gallery
        page.click("#gallery-list button[data-name='platforms-by-city']")
        assert page.input_value("#params input[name='in_city']") == "青岛"  # the example, as a field
        page.fill("#params input[name='in_city']", "青岛市")
        page.click(".yasqe_queryButton")
        one_city = _rows(page)
        cells = page.locator(".yasr table tbody td").all_text_contents()
        assert any(HOSTILE in c for c in cells)  # shown as text ...
        assert page.title() == "citykg SPARQL" and page.locator(".yasr img").count() == 0  # ... never run
        link = page.evaluate("yasgui.getTab().getShareableLink()")
        assert "param.in_city" in link
        # the copied URL, in a fresh browser context, reproduces the query, its parameter and the rows
        again = _offline_page(browser, server, outside)
        again.goto(link)
        again.wait_for_selector("body[data-ready]", state="attached", timeout=30000)
        assert again.evaluate("yasgui.getTab().getQuery()") == page.evaluate("yasgui.getTab().getQuery()")
        assert again.input_value("#params input[name='in_city']") == "青岛市"
        if not again.locator(".yasr table tbody tr").count():
            again.click(".yasqe_queryButton")
        assert _rows(again) == one_city
        # without the parameter, every city: more rows - it was bound, not dropped
        page.fill("#params input[name='in_city']", "")
        page.click(".yasqe_queryButton")
        rows = page.locator(".yasr table tbody tr")
        for _ in range(150):  # until the new answer is shown (the page's CSP forbids wait_for_function)
            if rows.count() != one_city:
                break
            page.wait_for_timeout(200)
        assert rows.count() > one_city


def test_a_page_on_another_origin_queries_by_cors(server: str, tmp_path: Path) -> None:
    import http.server
    import threading

    (tmp_path / "index.html").write_text("<!doctype html><title>elsewhere</title><p>another origin</p>")
    handler = type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None})
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: handler(*a, directory=str(tmp_path)))
    threading.Thread(target=other.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{other.server_address[1]}/"
    manager, chromium = _browser()
    try:
        with manager as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page()
            page.route(
                "**/*",
                lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1:") else r.abort(),
            )
            page.goto(origin)
            script = """async (url) => {
                const q = 'SELECT ?c WHERE { ?c a ck:City }';
                const r = await fetch(url + 'sparql', {method: 'POST', body: q,
                  headers: {'Content-Type': 'application/sparql-query', 'Accept': 'application/sparql-results+json'}});
                return [r.status, (await r.json()).results.bindings.length];
            }"""
            status, rows = page.evaluate(script, server)
            assert status == 200 and rows == 4
            browser.close()
    finally:
        other.shutdown()


def test_citykg_query_against_citykg_serve(server: str) -> None:
    from click.testing import CliRunner

    from citykg.cli import cli

    args = ["query", "cities-running-reform", "-p", "reform=一网通办", "--json"]
    remote = CliRunner().invoke(cli, [*args, "--endpoint", server + "sparql"])
    assert remote.exit_code == 0, remote.output
    assert [r["city"] for r in json.loads(remote.output)] == ["威海市", "青岛市"]


def _show(page, query: str, plugin: str) -> int:
    """Run ``query`` in the editor, switch the result pane to ``plugin``; the number of table rows."""
    page.evaluate("q => void yasgui.getTab().setQuery(q)", query)
    page.click(".yasqe_queryButton")
    rows = _rows(page)
    page.evaluate("p => void yasgui.getTab().getYasr().selectPlugin(p)", plugin)
    page.wait_for_selector(f".yasr svg.citykg-{plugin}", timeout=30000)
    return rows


def test_query_editor_draws_results_as_a_chart_and_a_graph(server: str) -> None:
    """Besides the table: a bar chart (a label and a numeric column) and a node-link graph (IRI columns);
    labels from the data are SVG text, never markup."""
    with _editor(server) as (_, page, _outside):
        cities = _show(page, "SELECT ?city (COUNT(?x) AS ?n) WHERE { ?x ck:inCity ?c . ?c rdfs:label ?city } "
                       "GROUP BY ?city ORDER BY ?city", "chart")
        assert page.locator(".yasr svg.citykg-chart g.bar").count() == cities
        assert page.locator(".yasr svg.citykg-chart rect").count() == cities
        # a graph: each platform linked to its city
        platforms = _show(page, "SELECT ?x ?label ?c WHERE { ?x a ck:Platform ; rdfs:label ?label ; ck:inCity ?c }",
                          "graph")
        assert page.locator(".yasr svg.citykg-graph line").count() == platforms
        labels = page.locator(".yasr svg.citykg-graph text").all_text_contents()
        assert any(HOSTILE[:20] in t for t in labels)  # the hostile label is text in the SVG ...
        assert page.title() == "citykg SPARQL" and page.locator(".yasr img").count() == 0  # ... never run


def test_serve_a_dataset_file_that_is_not_an_out_folder(tmp_path: Path) -> None:
    """``--data FILE.nq`` serves that file (the workers must not look for FOLDER/citykg.trig)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    nq = tmp_path / "mini.nq"
    store.dump(output=str(nq), format=ox.RdfFormat.N_QUADS)
    assert not (tmp_path / "citykg.trig").exists()
    proc, url = start(nq, "--workers", "1")
    try:
        q = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?c a ck:City }"})
        req = urllib.request.Request(f"{url}sparql?{q}", headers={"Accept": "application/sparql-results+json"})
        body = json.loads(urllib.request.urlopen(req, timeout=60).read())
        assert int(body["results"]["bindings"][0]["n"]["value"]) > 0
    finally:
        stop(proc)
