"""``citykg analogues``: exit codes, JSON shape, error messages, the city views."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from citykg.cli import cli
from citykg.cli.analogues import CITY_COLUMNS, COLUMNS, GAP_COLUMNS
from citykg.graph.analogues.finder import analogy_quads

MINI = Path(__file__).parent / "graph" / "fixtures" / "analogues-mini.trig"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An OUT folder holding the mini dataset with its analogies, as a build writes it."""
    folder = tmp_path_factory.mktemp("analogues-out")
    store = ox.Store()
    store.load(path=str(MINI), format=ox.RdfFormat.TRIG)
    store.extend(list(analogy_quads(store)))
    store.dump(str(folder / "citykg.trig"), format=ox.RdfFormat.TRIG)
    return folder


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["analogues", *args])
    return result.exit_code, result.output


def rows(out: Path, *args: str) -> list[dict]:
    code, text = run(*args, "--data", str(out), "--json")
    assert code == 0, text
    return json.loads(text)


def test_one_initiative(out: Path) -> None:
    got = rows(out, "静默认证")
    assert [(r["initiative"], r["city"], r["analogue"], r["analogue_city"]) for r in got] == [
        ("静默认证", "菏泽市", "无感认证", "青岛市")
    ]
    assert list(got[0]) == COLUMNS
    assert got[0]["basis"].startswith("both realize 无感认证")
    assert got[0]["kinds"].split(",")[0] == "same_concept"
    assert 0.5 <= got[0]["score"] <= 1.0


def test_all_pairs_once_best_first(out: Path) -> None:
    got = rows(out)
    assert len(got) >= 5
    assert [r["score"] for r in got] == sorted((r["score"] for r in got), reverse=True)
    pairs = [frozenset({(r["initiative"], r["city"]), (r["analogue"], r["analogue_city"])}) for r in got]
    assert len(pairs) == len(set(pairs))


def test_city_and_other_city(out: Path) -> None:
    got = rows(out, "--city", "青岛", "--other-city", "菏泽市")
    assert {(r["initiative"], r["analogue"]) for r in got} == {("无感认证", "静默认证")}
    assert all(r["city"] == "青岛市" for r in rows(out, "--city", "青岛市"))


def test_lower_min_score_computes_more(out: Path) -> None:
    default = rows(out, "--city", "菏泽")
    low = rows(out, "--city", "菏泽", "--min-score", "0.01", "--top", "100")
    assert len(low) > len(default)
    assert min(r["score"] for r in low) < 0.5


def test_top(out: Path) -> None:
    assert len(rows(out, "--top", "2")) == 2


def test_similar_cities(out: Path) -> None:
    got = rows(out, "--similar-cities", "菏泽")
    assert got and list(got[0]) == CITY_COLUMNS
    assert {r["city"] for r in got} >= {"青岛市", "株洲市"}
    assert "菏泽市" not in {r["city"] for r in got}


def test_gaps(out: Path) -> None:
    got = rows(out, "--gaps", "株洲")
    assert got and list(got[0]) == GAP_COLUMNS
    names = {r["initiative"] for r in got}
    assert names & {"无感认证", "静默认证"}  # run by 青岛 and 菏泽, not by 株洲
    assert "一件事一次办" not in names and "高效办成一件事" not in names  # 株洲 has it
    assert all(0.0 <= r["closest_score"] < 0.5 for r in got)


def test_unknown_name(out: Path) -> None:
    code, text = run("静默认正", "--data", str(out))
    assert code == 1
    assert text.strip() == 'Error: No initiative named "静默认正" in the dataset - close matches: 静默认证.'


def test_unknown_city(out: Path) -> None:
    code, text = run("--city", "苏州", "--data", str(out))
    assert code == 1
    assert text.startswith('Error: --city: no initiatives of a city named "苏州" in the dataset')


def test_missing_dataset(tmp_path: Path) -> None:
    code, text = run("--data", str(tmp_path / "nowhere"))
    assert code == 1
    assert 'run "citykg build"' in text


def test_both_views_refused(out: Path) -> None:
    code, text = run("--similar-cities", "菏泽", "--gaps", "株洲", "--data", str(out))
    assert code == 1 and "not both" in text


def test_table_output(out: Path) -> None:
    code, text = run("无感认证", "--data", str(out), "--table")
    assert code == 0
    assert text.splitlines()[0].split() == COLUMNS


def test_on_the_seed_build(built: Path) -> None:
    got = rows(built, "静默认证")
    assert ("无感认证", "青岛市") in {(r["analogue"], r["analogue_city"]) for r in got}


def test_deeper_than_the_build_cap(tmp_path: Path) -> None:
    """40 cities run 一网通办: the build keeps each one's best few, the command still lists all."""
    from citykg.graph.analogues.data import load_input
    from citykg.graph.analogues.finder import MAX_PER_ITEM, Finder
    from citykg.namespaces import CK
    from citykg.testing import add_cities_running

    store = ox.Store()
    store.load(path=str(MINI), format=ox.RdfFormat.TRIG)
    add_cities_running(store, 40, "cli")
    everything = [
        a
        for a in Finder(load_input(store)).analogies(top=None)
        if "一网通办" in (a.source.label, a.target.label)
    ]
    store.extend(list(analogy_quads(store)))
    store.dump(str(tmp_path / "citykg.trig"), format=ox.RdfFormat.TRIG)
    stored = sum(1 for _ in store.quads_for_pattern(None, ox.NamedNode(str(CK.source)), None, None))
    assert stored <= 42 * MAX_PER_ITEM < len(everything)
    got = rows(tmp_path, "一网通办", "--top", "10000")
    both_ways = sum(2 if a.source.label == a.target.label else 1 for a in everything)
    assert len(got) == both_ways
