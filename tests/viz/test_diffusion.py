"""The diffusion views in headless Chromium, offline: the timeline's points and their evidence, the map's
year slider, a city's reform timeline; and the page data agree with the synthetic corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from viz_pages import wait_until

from citykg.cli import cli
from citykg.graph.adoption.ledger import load_events
from citykg.graph.build import build
from citykg.store.core import memory_store
from citykg.viz.diffusion import adopters, cumulative, timeline_html

CORPUS = Path(__file__).resolve().parent.parent / "graph" / "data" / "diffusion"
REFORM = "https://w3id.org/citykg/resource/concept/reform/mianshen-jixiang"
# year -> cities adopted by the end of it (first piloted-or-later stage in the articles)
CUMULATIVE = {2019: 1, 2020: 2, 2021: 3, 2022: 3, 2023: 5}


@pytest.fixture(scope="module")
def diffusion_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("diffusion-views")
    assert not build([CORPUS], out, post_steps=False, jobs=1).problems
    return out


@pytest.fixture(scope="module")
def pages(diffusion_build: Path) -> tuple[Path, Path]:
    runner = CliRunner()
    timeline, city = diffusion_build / "timeline.html", diffusion_build / "jinan.html"
    for args in (["timeline", "免申即享", "-o", str(timeline)], ["city-timeline", "济南", "-o", str(city)]):
        result = runner.invoke(cli, ["viz", *args, "-d", str(diffusion_build)])
        assert result.exit_code == 0, result.output
    return timeline, city


def test_the_timeline_counts_what_the_articles_say(diffusion_build: Path) -> None:
    events = load_events(memory_store(diffusion_build / "citykg.trig").select)
    points = cumulative(adopters(events, REFORM))
    assert {year: n for year, n, _ in points} == CUMULATIVE
    assert [a.event.city_label for _, _, new in points for a in new] == [
        "济南市",
        "温州市",
        "淄博市",
        "烟台市",
        "绵阳市",
    ]


def test_article_text_is_escaped(diffusion_build: Path) -> None:
    events = load_events(memory_store(diffusion_build / "citykg.trig").select)
    for e in events:
        e.quote = "<script>alert(1)</script>"
    html = timeline_html(events, REFORM, "<b>x</b>")
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "<b>x</b>" not in html


@pytest.mark.browser
def test_timeline_opens_offline_and_each_point_leads_to_its_evidence(pages, open_page) -> None:
    opened = open_page(pages[0])
    page = opened.page
    wait_until(page, "window.citykgReady === true")
    points = page.evaluate(
        "[...document.querySelectorAll('#timeline circle.pt')].map(c => [+c.dataset.year, +c.dataset.n])"
    )
    assert points == [[y, n] for y, n in CUMULATIVE.items() if y != 2022]  # 2022: nobody new
    for year, _ in points:
        target = page.evaluate(f"document.getElementById('y{year}').nextElementSibling.textContent")
        assert "免申即享" in target and ".txt" in target  # the sentence and its file
    page.click("#timeline a[href='#y2021']")
    assert page.evaluate("location.hash") == "#y2021"
    assert opened.errors == [] and opened.network == [] and opened.dialogs == []


@pytest.mark.browser
def test_the_year_slider_changes_which_cities_are_coloured(pages, open_page) -> None:
    pytest.importorskip("citykg.viz.geo")
    opened = open_page(pages[0])
    page = opened.page
    wait_until(page, "window.citykgReady === true")

    def coloured_at(year: int) -> int:
        page.evaluate(f"(() => {{ const s = document.getElementById('year'); s.value = '{year}';"
                      "s.dispatchEvent(new Event('input')); })()")  # fmt: skip
        return page.evaluate("document.querySelectorAll('#map circle.city:not(.off)').length")

    assert page.evaluate("document.querySelectorAll('#map circle.city').length") == 5
    assert {y: coloured_at(y) for y in CUMULATIVE} == CUMULATIVE
    assert page.text_content("#year-label") == "2023"
    assert opened.errors == []


@pytest.mark.browser
def test_a_city_timeline_lists_its_steps_in_order(pages, open_page) -> None:
    opened = open_page(pages[1])
    page = opened.page
    wait_until(page, "window.citykgReady === true")
    steps = page.evaluate("[...document.querySelectorAll('li')].map(li => li.textContent)")
    mine = [s for s in steps if s.startswith("免申即享")]
    assert [s.split(" · ")[0].rsplit(" ", 1)[-1] for s in mine] == [
        "planned", "piloted", "launched", "expanded", "awarded"
    ]  # fmt: skip
    assert opened.errors == [] and opened.network == []
