"""The Python API a notebook uses: open a build, run saved and ad-hoc queries, typed rows, DataFrames."""

from __future__ import annotations

from pathlib import Path

import pytest

import citykg.api as ck
from citykg.errors import NotFound, QueryError


@pytest.fixture(scope="module")
def kg(built: Path) -> ck.Build:
    return ck.open_build(built)


def test_a_saved_query_with_a_parameter_gives_typed_rows(kg: ck.Build) -> None:
    rows = kg.query("compare-indicator", indicator="5G基站数量")
    by_city = {r["city"]: r for r in rows}
    assert {"青岛市", "菏泽市", "通化市", "威海市"} <= set(by_city)
    assert by_city["菏泽市"]["value"] == 10963 and isinstance(by_city["菏泽市"]["value"], int)
    assert {r["unit"] for r in rows} == {"计数"}  # one comparable count unit


def test_a_city_parameter_by_adcode_is_the_same_as_by_name(kg: ck.Build) -> None:
    assert kg.query("city-portfolio", city="370200") == kg.query("city-portfolio", city="青岛")


def test_ad_hoc_select_and_ask(kg: ck.Build) -> None:
    rows = kg.query("SELECT (COUNT(?c) AS ?n) WHERE { ?c a ck:City }")
    assert rows[0]["n"] >= 5
    assert kg.query("ASK { ?c ck:adcode \"370200\" }") == [{"result": True}]


def test_the_same_rows_as_the_cli_json(kg: ck.Build, built: Path) -> None:
    import json

    from click.testing import CliRunner

    from citykg.cli import cli

    out = CliRunner().invoke(cli, ["query", "list-cities", "-d", str(built), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == kg.query("list-cities")


def test_dataframe_keeps_the_query_columns(kg: ck.Build) -> None:
    pytest.importorskip("pandas")
    df = kg.dataframe("list-cities")
    assert list(df.columns)[:3] == ["city", "adcode", "province"]
    assert len(df) >= 5


def test_mistakes_are_citykg_errors(kg: ck.Build) -> None:
    with pytest.raises(NotFound):
        kg.query("no-such-question")
    with pytest.raises(QueryError):
        kg.query("SELECT * WHERE { ?s ?p ?o }", city="青岛")
    assert any(q["name"] == "compare-indicator" for q in ck.Build.saved())
