"""The adoption-step reader on sentences written for these tests, and the events of one extraction."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from citykg.graph.adoption.cues import load
from citykg.graph.adoption.detect import read_step
from citykg.graph.adoption.events import SKIP_ENV, adoption_quads, city_of
from citykg.graph.ingest.documents import document_from_text
from citykg.graph.kb import load_kb
from citykg.graph.pipeline import extract
from citykg.namespaces import CK

# (sentence, mention, article date) -> stage, stated date (None: the article date, an upper bound), driver
CASES = [
    ("2020年5月，某市在两个区开展“一网通办”试点。", "一网通办", "2021-01-04", "piloted", "2020-05", "local"),
    ("某市计划明年推出“一网通办”。", "一网通办", "2021-01-04", "planned", None, "local"),
    ("某市正式上线“一网通办”平台。", "一网通办", "2021-01-04", "launched", None, "local"),
    ("某市启动“一网通办”。", "一网通办", "2021-01-04", "launched", None, "local"),
    ("在试点基础上，某市将“一网通办”推广至全部县区。", "一网通办", "2021-01-04", "expanded", None, "local"),
    ("某市“一网通办”改革获评全国优秀案例。", "一网通办", "2021-01-04", "awarded", None, "local"),
    ("第三方机构对某市“一网通办”开展评估。", "一网通办", "2021-01-04", "evaluated", None, "local"),
    (
        "按照省政府部署，某市于2019年启动“一网通办”试点。",
        "一网通办",
        "2021-01-04",
        "piloted",
        "2019",
        "provincial",
    ),
    ("根据国家部署，某市推行“一网通办”。", "一网通办", "2021-01-04", "launched", None, "national"),
    # 深化 is a weak cue (skos:hiddenLabel); 到2025年 is a target, not the date of the step
    ("某市深化“一网通办”，到2025年实现全覆盖。", "一网通办", "2023-03-01", "expanded", None, "local"),
    ("某市的“一网通办”已覆盖1200个事项。", "一网通办", "2023-03-01", "running", None, "local"),
    # a reform named with a cue word is not its own cue: 试点 here is part of the name
    ("某市建成“试点示范区”。", "试点示范区", "2023-03-01", "launched", None, "local"),
]


@pytest.mark.parametrize("sentence,mention,date,stage,stated,driver", CASES)
def test_reads_stage_date_and_driver(sentence: str, mention: str, date: str, stage: str, stated: str | None,
                                     driver: str) -> None:  # fmt: skip
    stages, drivers = load()
    start = sentence.index(mention)
    step = read_step(sentence, start, start + len(mention), date, stages, drivers)
    assert (step.stage.slug, step.driver.slug) == (stage, driver)
    assert step.stated == (stated is not None)
    assert step.date == (stated or date)


def test_stages_are_ordered_and_planned_is_first() -> None:
    stages, drivers = load()
    assert [s.slug for s in stages.concepts] == [
        "planned",
        "piloted",
        "running",
        "launched",
        "expanded",
        "evaluated",
        "awarded",
    ]
    assert [d.slug for d in drivers.concepts] == ["national", "provincial", "local"]


def test_a_county_rolls_up_to_its_city() -> None:
    kb = load_kb()
    assert city_of(kb, "370202") == "370200"  # 市南区 -> 青岛市
    assert city_of(kb, "370200") == "370200"
    assert city_of(kb, "110000") == "110000"  # a municipality is a city
    assert city_of(kb, "370000") is None  # a province is no city


TEXT = "嘉兴市推进数字政府建设。\n2019年6月，嘉兴市启动“一网通办”试点。\n2021年，嘉兴市将“一网通办”推广至全市。\n"


def _events(monkeypatch: pytest.MonkeyPatch | None = None) -> ox.Store:
    kb = load_kb()
    doc = document_from_text(TEXT, "jiaxing.txt")
    doc.date = "2022-02-01"
    ex = extract(doc, kb)
    store = ox.Store()
    store.extend(adoption_quads(ex, kb, ox.NamedNode("urn:g")))
    return store


def test_one_event_per_sentence_with_its_stage_date_and_evidence() -> None:
    store = _events()
    rows = store.query(
        f"""SELECT ?stage ?date ?ub ?ev WHERE {{ GRAPH ?g {{ ?a a <{CK.Adoption}> ; <{CK.stage}> ?stage ;
        <{CK.eventDate}> ?date ; <{CK.dateIsUpperBound}> ?ub ; <{CK.evidence}> ?ev ;
        <{CK.adopter}> <https://w3id.org/citykg/resource/area/330400> }} }} ORDER BY ?date"""
    )
    got = [(r["stage"].value.rsplit("/", 1)[-1], r["date"].value, r["ub"].value) for r in rows]
    assert got == [("piloted", "2019-06", "false"), ("expanded", "2021", "false")]


def test_the_step_can_be_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SKIP_ENV, "1")
    assert len(_events()) == 0
