"""A site's graph pages link every city, reform and comparison page whether it exists or not, and
their script keeps only the links to the pages the site has (OUT/assets/pages.js): a page's bytes
do not depend on which of those pages exist, and what the reader sees is what it saw before (no
link to a missing page, in the details panel or on double-click). Headless Chromium, offline.

Pages and nodes are picked from the build (the model, the page's own data), never by a
hand-written label, so the tests hold for any corpus.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from viz_pages import wait_until

from citykg.viz.data import Model, load_model
from citykg.viz.links import CHECKED_KINDS, Linker, city_key, page_name, sel_anchor
from citykg.viz.render import PAGES_JS
from citykg.viz.site import write_site
from citykg.viz.source import ViewSource

SMALL = 3  # pages for the 3 largest cities and concepts of the 5 seed articles' (the others have none)
CITY_LINK = "城市 city"  # the details panel's row linking an initiative's city page (links.Linker.related)
NODE_JS = "id => citykgData.nodes.find(n => n.id === id) || null"
DETAILS_JS = "[...document.querySelectorAll('#ck-details a')].map(a => [a.textContent, a.getAttribute('href')])"


def _site(built: Path, folder: Path, max_pages: int) -> Path:
    """A copy of the seed build whose site has pages for the ``max_pages`` largest cities and concepts."""
    shutil.copytree(built, folder)
    write_site(folder, max_pages=max_pages)
    return folder


def _listed(out: Path) -> list[str]:
    """The page names assets/pages.js lists (it is data: one assignment of a JSON object)."""
    text = (out / "assets" / PAGES_JS).read_text(encoding="utf-8")
    found = re.fullmatch(r"window\.CITYKG_PAGES=(\{.*\});\n", text, re.S)
    assert found, text[:80]
    data = json.loads(found.group(1))
    assert data["kinds"] == list(CHECKED_KINDS)
    return data["pages"]


def _ready(page) -> None:
    wait_until(page, "window.citykgReady !== undefined")


def _pick(model: Model, out: Path) -> tuple[Path, dict, dict]:
    """A reform page of the site with two initiatives: one whose city has a page in the site, one
    whose city has none (their ids, and their city node's id)."""
    for c in sorted(model.concepts_in_use(), key=lambda c: c.iri):
        path = out / "views" / page_name("reform", c.slug)
        inits = sorted((i for i in model.initiatives_by_concept.get(c.iri, []) if i.city), key=lambda i: i.iri)
        has = [i for i in inits if (out / "views" / page_name("city", city_key(model, i.city))).is_file()]
        lacks = [i for i in inits if not (out / "views" / page_name("city", city_key(model, i.city))).is_file()]
        if path.is_file() and has and lacks:
            return path, {"id": has[0].iri, "city": has[0].city}, {"id": lacks[0].iri, "city": lacks[0].city}
    raise AssertionError("no reform page shows both a city with a page and one without")


def _dblclick(page, node_id: str) -> None:
    """Double-click the node where the graph draws it (focused in the middle of the canvas)."""
    page.evaluate("id => { citykgHighlight(null); network.focus(id, {scale: 3, animation: false}); }", node_id)
    box = page.locator("#ck-graph canvas").bounding_box()
    page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


@pytest.mark.browser
def test_a_link_to_a_missing_city_page_is_not_shown_and_works_once_the_page_exists(
    built: Path, tmp_path: Path, open_page
) -> None:
    small = _site(built, tmp_path / "small", SMALL)
    views = small / "views"
    assert len(list(views.glob("reform-*.html"))) == len(list(views.glob("city-*.html"))) == SMALL
    model = load_model(ViewSource(small))
    reform, has, lacks = _pick(model, small)
    # the same page, byte for byte, in a site with a page for every city
    assert reform.read_bytes() == (built / "views" / reform.name).read_bytes()
    small_pages = {p.name for p in views.glob("*.html") if p.name.split("-", 1)[0] in CHECKED_KINDS}
    assert set(_listed(small)) == small_pages
    assert set(_listed(built)) > small_pages

    opened = open_page(reform)
    page = opened.page
    _ready(page)
    assert {has["id"], lacks["id"]} <= set(page.evaluate("citykgData.nodes.map(n => n.id)"))
    # no link to the missing city page: not the node's own page, not its city's, no details row
    assert "page" not in page.evaluate(NODE_JS, lacks["id"])
    assert "page" not in page.evaluate(NODE_JS, lacks["city"])
    page.evaluate("id => citykgHighlight(id)", lacks["id"])
    texts = [t for t, _ in page.evaluate(DETAILS_JS)]
    assert texts and not [t for t in texts if t.startswith(CITY_LINK)], texts
    page.evaluate("id => citykgHighlight(id)", has["id"])
    shown = dict(page.evaluate(DETAILS_JS))
    want = page_name("city", city_key(model, has["city"])) + sel_anchor(has["id"])
    assert [h for t, h in shown.items() if t.startswith(CITY_LINK)] == [want]
    # double-click: the city without a page opens nothing, the one with a page opens it
    start, depth = page.url.split("#")[0], page.evaluate("history.length")
    _dblclick(page, lacks["city"])
    _dblclick(page, has["city"])
    page.wait_for_url("**/city-*.html")
    assert page.url.endswith("/" + page_name("city", city_key(model, has["city"])))
    assert page.evaluate("history.length") == depth + 1  # the first double-click went nowhere
    page.go_back()
    _ready(page)
    assert page.url.split("#")[0] == start

    # the whole site: the same reform page bytes, the link is there and opens the city page
    page.goto((built / "views" / reform.name).resolve().as_uri())
    _ready(page)
    page.evaluate("id => citykgHighlight(id)", lacks["id"])
    page.click(f"#ck-details a:text-matches('^{CITY_LINK}')")
    _ready(page)
    assert page.url.split("#")[0].endswith("/" + page_name("city", city_key(model, lacks["city"])))
    assert page.evaluate("network.getSelectedNodes()") == [lacks["id"]]
    assert opened.errors == [] and opened.network == [] and opened.dialogs == []


def test_graph_pages_ask_about_no_checked_kind_and_single_views_link_only_what_exists(
    built: Path, tmp_path: Path
) -> None:
    """A deferring linker (the site's graph pages) answers every city, reform and comparison link
    and records none of them as asked (a page coming or going redoes no graph page); a linker
    of the pages on disk (a single ``citykg viz`` view) links only the pages found."""
    model = load_model(ViewSource(built))
    deferred = Linker(model, tmp_path, set(), deferring=True)
    on_disk = Linker.from_disk(model, tmp_path)  # no views folder: no pages
    deferred.asked, on_disk.asked = set(), set()
    for iri in [*model.initiatives, *model.areas, *model.concepts]:
        own, related = deferred.page_of(iri), dict(deferred.related(iri))
        assert on_disk.page_of(iri) is None and on_disk.related(iri) == []
        if iri in model.concepts:  # its reform (or comparison) page, whether the site has it or not
            assert any(t.startswith("概念页面") for t in related)
        if iri in model.initiatives and model.initiatives[iri].city:
            assert own == page_name("city", city_key(model, model.initiatives[iri].city)) + sel_anchor(iri)
    assert deferred.asked and not {n for n in deferred.asked if n.split("-", 1)[0] in CHECKED_KINDS}
    assert {n.split("-", 1)[0] for n in on_disk.asked} >= {"city", "reform"}


def test_a_linker_and_its_deferring_sibling_share_answers_and_give_each_its_own(built: Path) -> None:
    """The site's graph pages (deferring) and readers (not) share the answers; whichever asks first,
    each gets what a linker of its own would give, and records the names it would record."""
    model = load_model(ViewSource(built))
    pages = {p.name for p in (built / "views").glob("*.html")}
    pages -= set(sorted(n for n in pages if n.startswith("city-"))[:2])  # two cities without a page
    iris = [*model.initiatives, *model.observations, *model.areas, *model.concepts, *model.docs]

    def answers(linker: Linker) -> list:
        out = []
        for iri in iris:
            linker.asked = set()
            out.append((linker.page_of(iri), linker.related(iri), sorted(linker.asked)))
        linker.asked = None
        return out

    for first_deferring in (True, False):
        exact = Linker(model, built, set(pages))
        sibling = exact.deferring_twin()
        if first_deferring:
            got_deferring, got_exact = answers(sibling), answers(exact)
        else:
            got_exact, got_deferring = answers(exact), answers(sibling)
        alone = Linker(model, built, set(pages), deferring=True)
        assert got_exact == answers(Linker(model, built, set(pages)))
        assert got_deferring == answers(alone)
    # the sibling links the missing city pages, records no city page, and the other asks the same
    assert sum(a[0] is None for a in got_deferring) < sum(a[0] is None for a in got_exact)
    assert not [n for a in got_deferring for n in a[2] if n.startswith("city-")]
    assert [n for a in got_exact for n in a[2] if n.startswith("city-")]
