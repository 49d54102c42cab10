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
    assert got[0]["basis_zh"].startswith("两者都实施无感认证")
    assert "静默认证" in got[0]["sentence"] and "无感认证" in got[0]["analogue_sentence"]
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
    assert got and list(got[0])[: len(CITY_COLUMNS)] == CITY_COLUMNS
    assert {r["city"] for r in got} >= {"青岛市"}
    assert "菏泽市" not in {r["city"] for r in got}


def test_gaps(out: Path) -> None:
    got = rows(out, "--gaps", "株洲")
    assert got and list(got[0])[: len(GAP_COLUMNS)] == GAP_COLUMNS
    names = {r["reform"] for r in got}
    assert "无感认证" in names  # run by 青岛 and 菏泽, not by 株洲
    assert "一件事一次办" not in names and "高效办成一件事" not in names  # 株洲 has it
    assert all(r["note"].startswith("not found in ") and "株洲市" in r["note_zh"] for r in got)


def test_unknown_name(out: Path) -> None:
    code, text = run("静默认正", "--data", str(out))
    assert code == 1
    assert text.strip() == 'Error: Initiative "静默认正" not found - did you mean 静默认证?'


def test_unknown_city(out: Path) -> None:
    code, text = run("--city", "苏州", "--data", str(out))
    assert code == 1
    assert text.startswith('Error: City (given to --city) "苏州" not found')


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
    lines = text.splitlines()
    assert "无感认证（青岛市） ~ 静默认证（菏泽市）" in lines[0]  # a card: both sides, reasons, both sentences
    assert lines[1].lstrip().startswith("依据  两者都实施") and lines[2].lstrip().startswith("basis both realize")
    assert "静默认证" in lines[4]
    code, text = run("无感认证", "--data", str(out), "--csv")
    assert text.splitlines()[0].split(",") == COLUMNS


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
    got = rows(tmp_path, "一网通办", "--top", "10000", "--all")
    both_ways = sum(2 if a.source.label == a.target.label else 1 for a in everything)
    assert len(got) == both_ways


def test_both_sentences_with_titles_and_dates_on_the_seed_build(built: Path) -> None:
    got = rows(built, "静默认证")
    assert got and all(r["sentence"] and r["analogue_sentence"] for r in got)
    assert all("(20" in r["source"] and "(20" in r["analogue_source"] for r in got)  # title (date)
    assert all(r["basis_zh"] and r["basis"] for r in got)


def test_awards_only_when_asked_for(built: Path) -> None:
    default = rows(built, "--top", "1000")
    asked = rows(built, "--top", "1000", "--classes", "Reform,Platform,Project,Award,PolicyDocument,Portal")
    assert len(asked) > len(default)


def test_gaps_are_the_saved_query_and_never_covered(built: Path) -> None:
    """--gaps C and reform-gaps give the same concepts; none is run by C or reached by an analogue."""
    from citykg.store.core import open_store

    qs = open_store(built)
    ck = "https://w3id.org/citykg/ontology#"
    cities = {r["c"] for r in qs.select(f"SELECT DISTINCT ?c WHERE {{ ?d <{ck}aboutCity> ?c }}")}
    assert len(cities) == 5
    for city in sorted(cities):
        label = qs.select(f"SELECT ?l WHERE {{ <{city}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}")[0]["l"]
        shown = {r["concept"] for r in rows(built, "--gaps", label, "--top", "1000")}
        result = CliRunner().invoke(cli, ["query", "reform-gaps", "-d", str(built), "-p", f"city={label}", "--json"])
        assert result.exit_code == 0, result.output
        assert shown == {r["reform"] for r in json.loads(result.output)}, label
        covered = {
            r["k"]
            for r in qs.select(
                f"""SELECT DISTINCT ?k WHERE {{
                  {{ ?x <{ck}inCity> <{city}> ; <{ck}realizes> ?k }} UNION
                  {{ ?x <{ck}inCity> <{city}> .
                     {{ ?a <{ck}source> ?x ; <{ck}target> ?y }} UNION {{ ?a <{ck}target> ?x ; <{ck}source> ?y }}
                     ?y <{ck}realizes> ?k }} }}"""
            )
        }
        assert shown and not shown & covered, (label, shown & covered)
