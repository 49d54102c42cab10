"""The site's weight and its incremental step: shared text and assets, keys computed in the page,
pages of an unchanged input reused byte for byte (headless Chromium where a page must work)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from click.testing import CliRunner
from pypinyin import lazy_pinyin
from viz_pages import embedded, wait_until

from citykg.cli import cli
from citykg.viz.doctext import read_text_script
from citykg.viz.graphview import GraphView, VNode
from citykg.viz.pagecache import MANIFEST
from citykg.viz.readerpage import undelta
from citykg.viz.render import write_view
from citykg.viz.search import SEP, _s2t, search_key

# our own sentence, appended to one article to change it (never text of the corpus)
CHANGE = "\n本市今年新建成城市数据开放平台，接入部门42个。\n"


def build(corpus: Path, out: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(corpus), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output


def tree(folder: Path) -> dict[str, bytes]:
    """Every file of the site but the bookkeeping (dot files: the manifest records the files' times,
    the incremental step's state is a pickle)."""
    files = (p for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith("."))
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def test_incremental_site_reuses_unchanged_pages_byte_identical(seed_dir: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(seed_dir, corpus)
    out = tmp_path / "out"
    build(corpus, out)
    before = {p.name: p.stat().st_ino for p in (out / "views").glob("*.html")}
    changed = sorted(corpus.glob("*.txt"))[-1]
    changed.write_text(changed.read_text(encoding="utf-8") + CHANGE, encoding="utf-8")
    build(corpus, out)  # incremental: the previous build is in OUT
    fresh = tmp_path / "fresh"
    build(corpus, fresh)
    assert tree(out / "views") == tree(fresh / "views")  # reused pages are what a full build writes
    after = {p.name: p.stat().st_ino for p in (out / "views").glob("*.html")}
    reused = [name for name, ino in after.items() if before.get(name) == ino]
    articles = [n for n in after if n.startswith("article-")]
    assert len([n for n in reused if n.startswith("article-")]) == len(articles) - 1  # only the changed one
    assert len(reused) > len(after) // 2 and len(reused) < len(after)
    assert (out / "views" / MANIFEST).is_file()


def test_site_pages_share_text_and_assets(built: Path, open_page) -> None:
    views = built / "views"
    city = max(views.glob("city-*.html"), key=lambda p: p.stat().st_size).read_text(encoding="utf-8")
    assert '<script src="../assets/view.js">' in city and "function expand" not in city
    assert embedded(city, "ck-data")["D"]  # the articles whose shared texts its tooltips quote
    reader = sorted(views.glob("article-*.html"))[0]
    html = reader.read_text(encoding="utf-8")
    key = reader.stem.split("-", 1)[1]
    assert f'<script src="text/{key}.js">' in html and "<style>" not in html
    text = read_text_script((views / "text" / f"{key}.js").read_text(encoding="utf-8"))[1]["t"]
    data = embedded(html, "ck-article")
    mentions = undelta(data["m"])
    anchor = mentions[len(mentions) // 2][3]
    opened = open_page(reader.resolve().as_uri() + f"#m-{anchor}")
    page = opened.page
    wait_until(page, "window.citykgReaderReady === true")
    assert page.evaluate("document.querySelectorAll('#ck-text a.m').length") >= len(mentions)
    target = page.evaluate("document.querySelector(':target') && document.querySelector(':target').textContent")
    assert target and target in text  # the mention the address names, drawn from the shared text
    assert opened.errors == [] and opened.network == []


def test_page_search_keys_equal_the_python_keys(built: Path, open_page) -> None:
    """The page computes what search.search_key wrote per node before (its Traditional
    forms aside: the page makes a Traditional query Simplified instead)."""
    page = open_page(built / "views" / "overview.html").page
    wait_until(page, "window.citykgReady !== undefined")
    nodes = page.evaluate("citykgData.nodes.map(n => [n.id, n.names])")
    assert len(nodes) > 10
    for node_id, names in nodes:
        js = set(page.evaluate("id => citykgKeyOf(id)", node_id).split(SEP))
        traditional = {_s2t().convert(n.lower().replace(" ", "")) for n in names}
        expected = set(search_key(names).split(SEP)) - traditional
        assert expected <= js, (names, expected - js)


def test_polyphones_and_traditional_are_found(tmp_path: Path, open_page) -> None:
    label = "重庆银行数据中台"  # 重 and 行 are read by phrase here (chong, hang), not by their default
    view = GraphView("t", [VNode("a", label, "Platform"), VNode("b", "行政审批局", "Organization")], [])
    path = write_view(view, tmp_path / "one.html")
    assert os.path.getsize(path) > 0
    page = open_page(path).page
    wait_until(page, "window.citykgReady !== undefined")
    syllables = lazy_pinyin(label)
    for query in ("".join(syllables), "".join(s[0] for s in syllables), "重慶銀行", "xingzhengshenpi"):
        hits = page.evaluate("q => citykgMatches(q)", query)
        assert hits and hits[0] == ("b" if query.startswith("xing") else "a"), query
    assert page.evaluate("citykgMatches('zhongqingyinxing')") == []
