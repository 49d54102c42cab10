"""The map of China and the article reader: the CLI writes them, and they hold in headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from viz_pages import wait_until

from citykg.cli import cli
from citykg.paths import corpus_dir
from citykg.store.core import open_store
from citykg.viz.data import load_model
from citykg.viz.mapview import map_data
from citykg.viz.reader import Mention, from_sentences
from citykg.viz.source import ViewSource

pytestmark = pytest.mark.browser


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_the_map_draws_every_city_in_its_province_and_the_slider_changes_it(built: Path, open_page) -> None:
    data = map_data(load_model(ViewSource(built)))
    concept = next(c for c in data["concepts"] if len({y for y in c["first"].values() if y}) > 1)
    cities = open_store(built).select(
        "SELECT DISTINCT ?city WHERE { ?i ck:realizes ?c ; ck:inCity ?city }",
        {"c": ox.NamedNode(concept["id"])},
    )
    opened = open_page(built / "views" / "map.html")
    page = opened.page
    wait_until(page, "window.citykgMapReady === true")
    # every city with data is a circle inside its province's outline
    n_cities = len(load_model(ViewSource(built)).cities())
    inside = page.evaluate("""() => [...document.querySelectorAll('a.city')].map(a => {
        const c = a.querySelector('circle'), p = document.getElementById('p-' + a.dataset.prov);
        return !!p && p.isPointInFill(new DOMPoint(+c.getAttribute('cx'), +c.getAttribute('cy'))); })""")
    assert len(inside) == n_cities and all(inside)
    # coloured by the concept's adoption: at the last year, every city running it is red
    page.select_option("#concept", concept["id"])
    years = sorted({y for y in concept["first"].values() if y})
    page.evaluate("y => { const s = document.getElementById('year'); s.value = y; s.dispatchEvent(new Event('input')); }", years[-1])  # fmt: skip
    assert page.evaluate("window.citykgMapShown") == len(cities)
    late = page.evaluate("[...document.querySelectorAll('a.city circle')].map(c => c.getAttribute('fill'))")
    page.evaluate("y => { const s = document.getElementById('year'); s.value = y; s.dispatchEvent(new Event('input')); }", years[0])  # fmt: skip
    early = page.evaluate("[...document.querySelectorAll('a.city circle')].map(c => c.getAttribute('fill'))")
    assert early != late and page.evaluate("window.citykgMapShown") < len(cities)
    assert f"year={years[0]}" in page.url and "concept=" in page.url
    assert opened.errors == [] and opened.network == []


def test_cli_map_and_article(built: Path, tmp_path: Path, open_page) -> None:
    article = sorted(corpus_dir().glob("*.txt"))[0]
    out = run("viz", "article", str(article), "--data", str(built), "-o", str(tmp_path / "a.html"))
    assert "full text" in out
    text = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert "<script" not in text and len(re.findall(r'class="m c-', text)) > 5
    name = article.name
    run("viz", "article", name, "--data", str(built), "-o", str(tmp_path / "b.html"))
    concept = map_data(load_model(ViewSource(built)))["concepts"][0]
    run("viz", "map", "--concept", concept["label"], "--data", str(built), "-o", str(tmp_path / "m.html"))
    page = open_page(tmp_path / "m.html").page
    wait_until(page, "window.citykgMapReady === true")
    assert page.evaluate("document.getElementById('concept').value") == concept["id"]
    bad = CliRunner().invoke(
        cli, ["viz", "article", "nope.txt", "--data", str(built), "-o", str(tmp_path / "c.html")]
    )
    assert bad.exit_code != 0 and "not found" in bad.output and "Traceback" not in bad.output


def test_the_reader_from_quoted_sentences_places_each_mention() -> None:
    one, two = "甲市建成数据平台，平台接入部门30个。", "乙项目上线。"
    mentions = [
        Mention("p", 104, 108, "数据平台", one),
        Mention("q", 109, 111, "平台", one),  # the second 平台 of the sentence: placed by the offsets
        Mention("r", 200, 203, "乙项目", two),
    ]
    art = from_sentences("doc", mentions)
    assert art.text == one + "\n" + two and not art.full
    assert [art.text[a:b] for a, b, _ in art.mentions] == ["数据平台", "平台", "乙项目"]
    assert [a for a, _, _ in art.mentions][:2] == [4, 9]
