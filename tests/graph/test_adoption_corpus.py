"""The adoption ledger, the city timeline and the diffusion queries agree, row by row, with what the
synthetic multi-year corpus (tests/graph/data/diffusion, written for these tests) says."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from citykg.cli import cli
from citykg.graph.adoption.ledger import for_city, ledger, load_events
from citykg.graph.build import build
from citykg.store import querylib
from citykg.store.core import memory_store

CORPUS = Path(__file__).parent / "data" / "diffusion"
REFORM = "https://w3id.org/citykg/resource/concept/reform/mianshen-jixiang"

# city, province, first stage, first date, adopted date, latest stage, latest date, driven by, sentences, file
LEDGER = [
    ("济南市", "山东省", "planned", "2018-06-15", "2019-03", "awarded", "2024-03-15", "local", 5, "d01_jinan_2018.txt"),
    ("温州市", "浙江省", "launched", "2020-11-02", "2020-11-02", "launched", "2020-11-02", "local", 1,
     "d04_wenzhou_2020.txt"),
    ("淄博市", "山东省", "piloted", "2021-03", "2021-03", "expanded", "2024-12-01", "provincial", 2, "d05_zibo_2021.txt"),
    ("烟台市", "山东省", "launched", "2023-01-12", "2023-01-12", "launched", "2023-01-12", "local", 1,
     "d07_yantai_2022.txt"),
    ("绵阳市", "四川省", "launched", "2023-06-30", "2023-06-30", "launched", "2023-06-30", "national", 1,
     "d08_mianyang_2023.txt"),
    ("襄阳市", "湖北省", "planned", "2025-05-20", "", "planned", "2025-05-20", "local", 1, "d11_xiangyang_2025.txt"),
]  # fmt: skip
COLUMNS = ("city", "province", "first_stage", "first_date", "adopted_date", "latest_stage", "latest_date",
           "driven_by", "evidence", "file")  # fmt: skip


@pytest.fixture(scope="module")
def diffusion_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("diffusion")
    report = build([CORPUS], out, post_steps=False, jobs=1)
    assert not report.problems
    return out


@pytest.fixture(scope="module")
def store(diffusion_build: Path):
    return memory_store(diffusion_build / "citykg.trig")


def _text(file: str) -> str:
    return (CORPUS / file).read_text(encoding="utf-8").replace("，", ",")


def test_the_ledger_says_what_the_articles_say(store) -> None:
    rows = ledger(load_events(store.select), REFORM)
    assert [tuple(r[c] for c in COLUMNS) for r in rows] == LEDGER
    for r in rows:  # every row points to its sentence, in its article
        assert "免申即享" in str(r["quote"])
        assert str(r["quote"]).replace("，", ",") in _text(str(r["file"]))


def test_a_stated_date_is_exact_and_an_article_date_an_upper_bound(store) -> None:
    rows = {r["city"]: r for r in ledger(load_events(store.select), REFORM)}
    assert rows["淄博市"]["first_date_is_upper_bound"] is False  # 于2021年3月启动...试点
    assert rows["温州市"]["first_date_is_upper_bound"] is True  # no date in the sentence


def test_a_city_timeline_is_in_time_order(store) -> None:
    events = load_events(store.select)
    jinan = querylib.resolve(store, "city", "济南").value
    stages = [(e.stage, e.date) for e in events if e.city == jinan and e.concept == REFORM]
    assert stages == [("planned", "2018-06-15"), ("piloted", "2019-03"), ("launched", "2020-09-10"),
                      ("expanded", "2022-07-08"), ("awarded", "2024-03-15")]  # fmt: skip
    rows = for_city(events, jinan)
    assert rows[0]["concept"] == "免申即享" and rows[0]["evidence"] == 5
    dates = [str(r["first_date"]) for r in rows]
    assert dates == sorted(dates)


def test_the_cli_prints_the_ledger_and_a_city(diffusion_build: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["adoption", "免申即享", "-d", str(diffusion_build), "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["city"], r["adopted_date"]) for r in rows] == [(c[0], c[4]) for c in LEDGER]
    result = runner.invoke(cli, ["adoption", "--city", "淄博", "-d", str(diffusion_build), "--json"])
    assert result.exit_code == 0, result.output
    assert '"latest_stage": "expanded"' in result.output
    result = runner.invoke(cli, ["adoption", "-d", str(diffusion_build)])
    assert result.exit_code != 0 and "--city" in result.output


def _query(store, name: str, **given: str) -> list[dict]:
    saved = querylib.find(name)
    return store.select(saved.text, querylib.bind_params(saved, given, store))


def test_first_adopters_in_order_with_their_sentence(store) -> None:
    rows = _query(store, "first-adopters", reform="免申即享")
    expected = [(c[0], c[4]) for c in LEDGER if c[4]]
    assert [(r["city"], r["adopted"]) for r in rows] == expected
    assert all(r["quote"].replace("，", ",") in _text(r["file"]) for r in rows)


def test_province_followers_within_n_years(store) -> None:
    rows = _query(store, "province-followers", reform="免申即享")
    assert [(r["province"], r["leader"], r["follower"], r["lag_years"]) for r in rows] == [
        ("山东省", "济南市", "淄博市", "2")
    ]
    rows = _query(store, "province-followers", reform="免申即享", years="4")
    assert [r["follower"] for r in rows] == ["淄博市", "烟台市"]


def test_fastest_spreading_and_early_adopters(store) -> None:
    rows = {r["reform"]: r for r in _query(store, "fastest-spreading")}
    assert (rows["免申即享"]["cities"], rows["免申即享"]["first_year"], rows["免申即享"]["last_year"]) == (
        "5", "2019", "2023")  # fmt: skip
    early = {r["city"]: r for r in _query(store, "early-adopters")}
    assert early["济南市"]["first_in"] != "0" and early["烟台市"]["first_in"] == "0"


def test_on_the_seed_build_every_city_and_reform_has_its_events(built: Path) -> None:
    """Each (city, reform concept) an initiative realizes has adoption events, and each event's sentence
    is the evidence of such an initiative (the seed build: five real articles)."""
    from citykg.store.core import open_store

    store = open_store(built)
    realized = {
        (r["c"], r["k"])
        for r in store.select(
            """SELECT DISTINCT ?c ?k WHERE { VALUES ?cls { ck:Reform ck:Platform ck:Project }
               ?x a ?cls ; ck:inCity ?c ; ck:realizes ?k . ?k skos:inScheme ckr:scheme\\/reforms }"""
        )
    }
    events = load_events(store.select)
    assert realized and {(e.city, e.concept) for e in events} == realized
    unsupported = store.select(
        """SELECT ?a WHERE { ?a a ck:Adoption ; ck:adoptedConcept ?k ; ck:adopter ?c ; ck:evidence ?ev .
           FILTER NOT EXISTS { ?x ck:realizes ?k ; ck:inCity ?c ; ck:evidence ?ev } }"""
    )
    assert unsupported == []
    undated = {r["f"] for r in store.select(
        "SELECT ?f WHERE { ?d a ck:SourceDocument ; ck:fileName ?f FILTER NOT EXISTS { ?d dcterms:date ?x } }"
    )}  # fmt: skip
    assert {e.file for e in events if not e.date} <= undated  # no date only where the article has none
    assert {e.stage for e in events} >= {"running", "launched", "expanded"}
