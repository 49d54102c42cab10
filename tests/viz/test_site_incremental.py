"""The incremental site step (``viz.incsite``): after each kind of edit the site equals a full build's,
byte for byte, the patched model equals a freshly read one, and only the pages the edit reaches are
built again (every sentence below is our own, never text of the corpus)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from citykg.cli import cli
from citykg.viz import views
from citykg.viz.data import Model, load_model
from citykg.viz.graphview import GraphView
from citykg.viz.links import city_key, page_name
from citykg.viz.site import MAX_NODES, MAX_PAGES
from citykg.viz.sitestate import STATE, SiteState, load_state
from citykg.viz.source import ViewSource

NO_INITIATIVE = "\n会议强调，要进一步统一思想、提高认识、压实责任。\n"
NEW_INITIATIVE = "\n本市启动“城市大脑”项目建设，推行“一件事一次办”改革。\n"
#: a practice and an indicator no scheme knows: the build mints both (the schemes graph changes)
MINTING = "\n本市推行“扫码即办”改革，全市智慧停车泊位周转率达到87%。\n"
ADDED = "zz_incremental_test.txt"  # the article the test adds (the seeds' manifest does not list it)
NEW_ARTICLE = (
    "{city}推进数字政府建设\n2024-05-10来源：本测试\n"
    "{city}上线政务服务平台“{short}通”，推行“一网通办”改革，全市政务服务事项网上可办率达到98%。\n"
)


def build(corpus: Path, out: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(corpus), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output


def site_files(out: Path) -> dict[str, bytes]:
    """The site as a reader gets it: index, assets and views (bookkeeping dot files aside)."""
    files = [out / "index.html", *(out / "assets").rglob("*"), *(out / "views").rglob("*")]
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(files) if p.is_file()
            and not p.name.startswith(".")}  # fmt: skip


def _append(text: str, index: int) -> Callable[[Path], None]:
    def edit(corpus: Path) -> None:
        path = sorted(corpus.glob("*.txt"))[index]
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return edit


def _article(city: str, short: str) -> Callable[[Path], None]:
    def edit(corpus: Path) -> None:
        (corpus / ADDED).write_text(NEW_ARTICLE.format(city=city, short=short), encoding="utf-8")

    return edit


def _remove(name: str) -> Callable[[Path], None]:
    def edit(corpus: Path) -> None:
        (corpus / name).unlink()

    return edit


EDITS = [
    ("a sentence without an initiative", _append(NO_INITIATIVE, 0)),
    ("a sentence adding an initiative", _append(NEW_INITIATIVE, 1)),
    ("a sentence minting concepts", _append(MINTING, 2)),
    ("an article added", _article("青岛市", "青")),
    ("the article's city changes", _article("烟台市", "烟")),
    ("an article removed", _remove(ADDED)),
]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many city pages' views are built (an unchanged city page is not built at all)."""
    calls = {"city": 0}
    city_view = views.city_view

    def counting(model: Model, city: str) -> GraphView:
        calls["city"] += 1
        return city_view(model, city)

    monkeypatch.setattr(views, "city_view", counting)
    return calls


def test_incremental_site_equals_a_full_build_after_each_kind_of_edit(
    seed_dir: Path, tmp_path: Path, counted: dict[str, int]
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(seed_dir, corpus)
    out = tmp_path / "out"
    build(corpus, out)
    cities = len(list((out / "views").glob("city-*.html")))
    assert cities >= 2 and (out / "views" / STATE).is_file()
    for n, (what, edit) in enumerate(EDITS):
        edit(corpus)
        counted["city"] = 0
        build(corpus, out)  # incremental: the previous build is in OUT
        built_cities = counted["city"]
        fresh = tmp_path / f"fresh{n}"
        build(corpus, fresh)
        assert site_files(out) == site_files(fresh), what
        state = load_state(out / "views", (MAX_NODES, MAX_PAGES))
        assert isinstance(state, SiteState), what
        model = load_model(ViewSource(fresh))
        assert state.model == model, what  # the patched records are what a fresh read gives
        assert list(state.model.initiatives) == list(model.initiatives), what  # in the same order
        if what in ("a sentence without an initiative", "a sentence minting concepts"):
            assert built_cities < cities, what  # the other cities' pages were not even built
        if what == "a sentence minting concepts":  # the minted concepts' pages and labels are there
            minted = {c.label for c in model.concepts.values() if not c.curated}
            assert {"扫码即办", "智慧停车泊位周转率"} <= minted, what
        shutil.rmtree(fresh)


def test_no_state_or_a_foreign_state_means_a_full_step(built: Path, tmp_path: Path) -> None:
    from citykg.viz.site import write_site

    out = tmp_path / "out"
    shutil.copytree(built, out)
    (out / "views" / STATE).write_bytes(b"not a state")
    assert load_state(out / "views", (MAX_NODES, MAX_PAGES)) is None
    write_site(out)
    assert site_files(out) == site_files(built)
    assert load_state(out / "views", (MAX_NODES, MAX_PAGES)) is not None
    assert load_state(out / "views", (MAX_NODES, 1)) is None  # other arguments: other pages


def test_an_aggregated_analogues_view_skips_only_what_aggregation_drops(built: Path) -> None:
    from citykg.viz.graphview import aggregate

    model = load_model(ViewSource(built))
    whole = views.analogues_view(model)
    assert len(whole.nodes) > 2 and whole.edges
    for limit in (len(whole.nodes) - 1, 2):

        def shown(view: GraphView) -> tuple:
            nodes = [(n.id, n.label, n.cls, n.weight, n.cities, n.domains, n.rows()) for n in view.nodes]
            return nodes, [(e.source, e.target, e.label, e.width, e.tip) for e in view.edges], view.notes

        assert shown(aggregate(views.analogues_view(model, limit), limit)) == shown(aggregate(whole, limit))


#: an article of our own naming several initiatives of one city (enough to move a small city up)
MANY_INITIATIVES = (
    "{city}全面推进数字化改革\n2024-06-18来源：本测试\n"
    "{city}上线“{short}通”政务服务平台，推行“一网通办”改革和“跨省通办”改革。\n"
    "{city}启动“城市大脑”项目和“数字孪生城市”工程，建设“智慧交通”平台、“智慧社区”平台。\n"
    "{city}推行“一件事一次办”改革，上线“{short}好办”小程序，建成“城市运行管理服务平台”。\n"
)


def test_a_city_entering_the_largest_re_renders_only_the_pages_that_link_to_what_came_or_went(
    seed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With pages for the 4 largest cities only, an article moves the smallest city in (and another
    out): the site equals a full build's, the pages that never asked about a page that came or
    went are the previous build's files (same inode), not rendered again, and no graph page is
    rendered again for its links (they link every city page; assets/pages.js lists those that exist):
    each one rendered again shows a changed record (the plan's dirty pages) or is new."""
    import functools

    from citykg.viz import site

    monkeypatch.setattr(site, "write_site", functools.partial(site.write_site, max_pages=4))
    plans: list = []
    plan = site._incremental
    monkeypatch.setattr(site, "_incremental", lambda *a: plans.append(plan(*a)) or plans[-1])
    corpus = tmp_path / "corpus"
    shutil.copytree(seed_dir, corpus)
    out = tmp_path / "out"
    build(corpus, out)
    before = {p.name for p in (out / "views").glob("city-*.html")}
    model = load_model(ViewSource(out))
    sizes = sorted((len(v), c) for c, v in model.initiatives_by_city.items())
    assert len(sizes) > len(before) == 4  # one city has no page
    smallest = model.label(sizes[0][1])
    inodes = {p.name: p.stat().st_ino for p in (out / "views").glob("*.html")}
    for n, edit in enumerate([_many(smallest), _remove(ADDED)]):
        edit(corpus)
        plans.clear()
        old_model = load_model(ViewSource(out))
        build(corpus, out)
        assert plans and plans[0] is not None and not plans[0].dirty.everything  # the incremental path
        fresh = tmp_path / f"fresh{n}"
        build(corpus, fresh)
        assert site_files(out) == site_files(fresh)
        cities = {p.name for p in (out / "views").glob("city-*.html")}
        assert cities != before if n == 0 else cities == before  # the page set changed, and back
        state = load_state(out / "views", (MAX_NODES, 4))
        assert isinstance(state, SiteState) and state.model == load_model(ViewSource(fresh))
        now = {p.name: p.stat().st_ino for p in (out / "views").glob("*.html")}
        kept = {name for name, ino in now.items() if inodes.get(name) == ino}
        assert kept and len(kept) < len(now)  # some pages rendered again, others reused
        graphs = {name for name in set(now) - kept if not name.startswith(("article-", "compare-", "map"))}
        pages = _graph_pages(old_model) | _graph_pages(state.model)
        assert graphs and all(name not in inodes or plans[0].dirty.has(*pages[name]) for name in graphs), graphs
        assert (out / "assets" / "pages.js").read_text(encoding="utf-8").count('"city-') == 4  # the city pages
        assert not {name for name in kept if set(state.asks[name]) & (set(now) ^ set(inodes))}
        inodes = now
        shutil.rmtree(fresh)


def _graph_pages(model: Model) -> dict[str, tuple[str, str]]:
    """Graph page name -> (kind, key) as the incremental plan (``incsite.Dirty.has``) names them."""
    pages = {"overview.html": ("overview", ""), "analogues.html": ("analogues", "")}
    pages |= {page_name("city", city_key(model, c)): ("city", c) for c in model.cities()}
    return pages | {page_name("reform", c.slug): ("reform", c.iri) for c in model.concepts_in_use()}


def _many(city: str) -> Callable[[Path], None]:
    def edit(corpus: Path) -> None:
        text = MANY_INITIATIVES.format(city=city, short=city[:2])
        (corpus / ADDED).write_text(text, encoding="utf-8")

    return edit


def test_a_small_change_keeps_the_state_base_and_writes_only_its_delta(
    seed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every change counted as small, an incremental step keeps the first step's base file
    (the same inode: not written again) and writes the changed records into the head; the state it
    leaves loads as a fresh read's model, in its order, and the site equals a full build's (a full
    step, when an edit needs one, writes a new base)."""
    from citykg.viz import sitestate

    monkeypatch.setattr(sitestate, "DELTA_MAX_FRACTION", 1.0)
    corpus = tmp_path / "corpus"
    shutil.copytree(seed_dir, corpus)
    out = tmp_path / "out"
    build(corpus, out)
    bases = [p for p in (out / "views").glob(STATE + ".*")]
    assert len(bases) == 1
    inode = bases[0].stat().st_ino
    for n, (what, edit) in enumerate(EDITS[:4]):
        edit(corpus)
        build(corpus, out)
        now = [p.name for p in (out / "views").glob(STATE + ".*")]
        assert len(now) == 1, what  # the previous base is never left behind
        if n < 2:  # a sentence appended: an incremental step
            assert now == [bases[0].name] and (out / "views" / now[0]).stat().st_ino == inode, what
        fresh = tmp_path / f"fresh{n}"
        build(corpus, fresh)
        assert site_files(out) == site_files(fresh), what
        state = load_state(out / "views", (MAX_NODES, MAX_PAGES))
        model = load_model(ViewSource(fresh))
        assert isinstance(state, SiteState) and state.model == model, what
        for table in ("initiatives", "observations", "docs", "areas", "concepts"):
            assert list(getattr(state.model, table)) == list(getattr(model, table)), (what, table)
        assert [a.iri for a in state.model.analogies] == [a.iri for a in model.analogies], what
        shutil.rmtree(fresh)
    (out / "views" / now[0]).unlink()  # a head without its base is no state: a full step
    assert load_state(out / "views", (MAX_NODES, MAX_PAGES)) is None
