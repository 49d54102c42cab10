"""``citykg query`` and ``citykg queries`` through click's CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from citykg.cli import cli
from citykg.cli.output import width

FIXTURE = Path(__file__).parent / "fixtures" / "sparql-mini.trig"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    shutil.copy(FIXTURE, tmp_path / "citykg.trig")
    return tmp_path


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_saved_query_json_has_full_iris_and_lexical_literals(out: Path) -> None:
    result = invoke(
        "query", "cities-running-reform", "--param", "reform=一网通办", "--data", str(out), "--json"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["city"] for r in rows] == ["威海市", "青岛市"]
    assert rows[1] == {
        "city": "青岛市",
        "initiative": "https://w3id.org/citykg/resource/initiative/370200/q0000000001",
        "label": "一网通办",
        "quote": "青岛全面推行一网通办改革。",
        "file": "q1_qingdao.txt",
    }


def test_table_aligns_chinese(out: Path) -> None:
    result = invoke("query", "list-cities", "-d", str(out), "--table")
    lines = result.output.splitlines()
    row = next(ln for ln in lines if ln.startswith("青岛市"))
    # the adcode column starts at the same display column in the header and in a Chinese row
    assert width(lines[0][: lines[0].index("adcode")]) == width(row[: row.index("370200")])
    assert set(lines[1]) <= {"-", " "}


def test_csv_tsv_and_ask(out: Path) -> None:
    csv_out = invoke(
        "query", "SELECT ?a WHERE { ?x ck:adcode ?a } ORDER BY ?a LIMIT 2", "-d", str(out), "--csv"
    )
    assert csv_out.output == "a\n220000\n220200\n"
    ask = invoke("query", "ASK { ?c a ck:City }", "-d", str(out), "--json")
    assert json.loads(ask.output) == [{"result": True}]
    assert invoke("query", "ASK { ?c a ck:Nothing }", "-d", str(out), "--tsv").output == "result\nfalse\n"


def test_construct_prints_turtle_or_jsonld(out: Path) -> None:
    q = 'CONSTRUCT { ?c a ck:City } WHERE { ?c ck:adcode "370200" }'
    turtle = invoke("query", q, "-d", str(out))
    assert "ckr:area\\/370200 a ck:City ." in turtle.output
    jsonld = json.loads(invoke("query", q, "-d", str(out), "--format", "jsonld").output)
    assert jsonld[0]["@id"] == "https://w3id.org/citykg/resource/area/370200"


def test_query_from_file_and_stdin(out: Path, tmp_path: Path) -> None:
    rq = tmp_path / "mine.rq"
    rq.write_text(
        "# title: 我的 / Mine\n# params: city (city label or IRI)\n# columns: l\n"
        "SELECT ?l WHERE { ?city rdfs:label ?l }\n",
        encoding="utf-8",
    )
    assert invoke("query", str(rq), "-p", "city=通化", "-d", str(out), "--tsv").output == "l\n通化市\n"
    piped = invoke(
        "query", "-", "-d", str(out), "--tsv", stdin="SELECT (COUNT(*) AS ?n) WHERE { ?c a ck:City }"
    )
    assert piped.output == "n\n4\n"


def test_syntax_error_has_line_and_column(out: Path) -> None:
    result = invoke("query", "SELECT ?x WHERE {\n  ?x ?y\n}", "-d", str(out))
    assert result.exit_code == 1
    assert result.output.startswith("Error: query: SPARQL syntax error at line 3, column 2: expected ")
    assert "Traceback" not in result.output


def test_misspelt_query_name_suggests_the_closest(out: Path) -> None:
    result = invoke("query", "citys", "-d", str(out))
    assert result.exit_code == 1
    assert result.output.startswith('Error: Query "citys" not found - did you mean list-cities')
    result = invoke("query", "no-such-thing", "-d", str(out))
    assert result.output.startswith(
        'Error: Query "no-such-thing" not found - saved queries are: analogues-of-initiative, '
    )


def test_missing_dataset_says_run_build(tmp_path: Path) -> None:
    result = invoke("query", "list-cities", "--data", str(tmp_path))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: No dataset at {tmp_path}: {tmp_path / 'citykg.trig'} does not exist - "
        'run "citykg build" to create it (or pass --data OUT).\n'
    )


def test_undeclared_param_is_an_error(out: Path) -> None:
    result = invoke("query", "list-cities", "-p", "city=青岛", "-d", str(out))
    assert result.exit_code == 1
    assert result.output == 'Error: Query "list-cities" does not declare parameter "city" (it takes: none).\n'
    literal = invoke("query", "SELECT ?x WHERE { ?x ?p ?city }", "-p", "city=青岛", "-d", str(out))
    assert literal.exit_code == 1
    assert literal.output.startswith(
        "Error: query does not declare parameter(s) city - parameters need a saved query"
    )


def test_bad_param_syntax_and_both_sources(out: Path) -> None:
    result = invoke("query", "city-portfolio", "-p", "city", "-d", str(out))
    assert result.output == "Error: --param 'city': write NAME=VALUE, e.g. --param reform=一网通办\n"
    both = invoke("query", "list-cities", "-d", str(out), "-e", "http://127.0.0.1:1/query")
    assert both.exit_code == 2  # a usage error
    assert both.output.endswith("Error: Pass either --data or --endpoint, not both.\n")


def test_unreachable_endpoint_is_a_user_error() -> None:
    result = invoke("query", "list-cities", "--endpoint", "http://127.0.0.1:9/query")
    assert result.exit_code == 1
    assert result.output.startswith("Error: Cannot reach endpoint http://127.0.0.1:9/query: ")
    assert result.output.endswith("- is the server running?\n")


def test_queries_lists_the_library() -> None:
    rows = json.loads(invoke("queries", "--json").output)
    by_name = {r["name"]: r for r in rows}
    assert len(rows) >= 20
    assert by_name["list-cities"]["params"] == []
    assert by_name["cities-running-reform"]["params"] == [
        "reform (reform label or IRI)",
        "limit (cities per page, integer, default 20)",
        "offset (cities to skip, integer, default 0)",
    ]
    assert by_name["cities-running-reform"]["title"] == "推行某项改革的城市 / Cities running a reform"
    checks = json.loads(invoke("queries", "--qc", "--json").output)
    assert all(r["name"].endswith("-violation") for r in checks)


def test_every_command_has_help_with_an_example() -> None:
    for name in ("query", "queries", "serve", "push"):
        result = invoke(name, "--help")
        assert result.exit_code == 0 and "citykg " + name in result.output


def test_json_numbers_are_numbers_and_nl_streams(out: Path) -> None:
    rows = json.loads(invoke("query", "list-cities", "-d", str(out), "--json").output)
    assert rows and all(isinstance(r["initiatives"], int) for r in rows)
    assert all(isinstance(r["adcode"], str) for r in rows)  # a code, typed as a string in the data
    nl = invoke("query", "list-cities", "-d", str(out), "--nl").output.splitlines()
    assert [json.loads(ln) for ln in nl] == rows


def test_no_headers_and_markdown(out: Path) -> None:
    q = "SELECT ?a WHERE { ?x ck:adcode ?a } ORDER BY ?a LIMIT 2"
    assert invoke("query", q, "-d", str(out), "--csv", "--no-headers").output == "220000\n220200\n"
    md = invoke("query", q, "-d", str(out), "--fmt", "markdown").output.splitlines()
    assert md == ["| a      |", "|--------|", "| 220000 |", "| 220200 |"]


def test_queries_name_shows_the_sparql_and_header() -> None:
    text = invoke("queries", "city-portfolio").output
    assert text.startswith("#") and "# params:" in text and "SELECT" in text
    item = json.loads(invoke("queries", "city-portfolio", "--json").output)[0]
    assert item["name"] == "city-portfolio" and "SELECT" in item["sparql"]
    assert item["example"] == {"city": "青岛"}
    missing = invoke("queries", "city-portfoli")
    assert missing.exit_code == 1
    assert missing.output == 'Error: Query "city-portfoli" not found - did you mean city-portfolio?\n'
