"""Output formats: Chinese stays readable, JSON is typed, tables align by display width and fit."""

from __future__ import annotations

import json

from citykg.cli.output import Style, render, typed, width

ROWS = [{"city": "青岛市", "n": 3}, {"city": "Weihai", "n": 12}]


def test_json_keeps_chinese() -> None:
    text = render(ROWS, ["city", "n"], "json")
    assert "青岛市" in text
    assert json.loads(text) == ROWS


def test_table_aligns_by_display_width() -> None:
    lines = render(ROWS, ["city", "n"], "table").splitlines()
    # the n column starts at the same display column on every row
    cols = {width(ln[: ln.rfind(" ") + 1]) for ln in (lines[2], lines[3])}
    assert len(cols) == 1


def test_csv_and_tsv_have_a_header() -> None:
    assert render(ROWS, ["city", "n"], "csv").splitlines()[0] == "city,n"
    assert render(ROWS, ["city", "n"], "tsv").splitlines()[1] == "青岛市\t3"


def test_nl_is_one_json_object_per_line() -> None:
    lines = render(ROWS, ["city", "n"], "nl").splitlines()
    assert [json.loads(ln) for ln in lines] == ROWS


def test_no_headers_drops_the_header_row() -> None:
    style = Style(headers=False)
    assert render(ROWS, ["city", "n"], "csv", style=style).splitlines() == ["青岛市,3", "Weihai,12"]
    table = render(ROWS, ["city", "n"], "table", style=style).splitlines()
    assert table[0].startswith("青岛市") and len(table) == 2


def test_markdown_is_a_pipe_table_with_escaped_bars() -> None:
    rows = [{"name": "a|b", "n": 1}]
    lines = render(rows, ["name", "n"], "markdown", style=Style(headers=False)).splitlines()
    assert lines[0].startswith("| name") and set(lines[1]) <= {"|", "-", ":", " "}
    assert lines[2].startswith("| a\\|b")


def test_tables_fit_the_width_unless_told_not_to() -> None:
    long = {"city": "青岛市" * 40, "n": 1}
    cut = render([long], ["city", "n"], "table", max_width=40).splitlines()
    assert max(width(ln) for ln in cut) <= 40 and cut[2].split()[0].endswith("…")
    full = render([long], ["city", "n"], "table", max_width=40, style=Style(truncate=False))
    assert "青岛市" * 40 in full


def test_json_values_are_typed_from_rdf_datatypes() -> None:
    import pyoxigraph as ox

    xsd = "http://www.w3.org/2001/XMLSchema#"
    values = {
        "n": ox.Literal("8894", datatype=ox.NamedNode(xsd + "integer")),
        "share": ox.Literal("0.25", datatype=ox.NamedNode(xsd + "decimal")),
        "ok": ox.Literal("false", datatype=ox.NamedNode(xsd + "boolean")),
        "when": ox.Literal("2024-01-31", datatype=ox.NamedNode(xsd + "date")),
        "iri": ox.NamedNode("https://example.org/x"),
    }
    assert {k: typed(v) for k, v in values.items()} == {
        "n": 8894,
        "share": 0.25,
        "ok": False,
        "when": "2024-01-31",
        "iri": "https://example.org/x",
    }
