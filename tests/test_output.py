"""Output formats: Chinese stays readable and tables align by display width."""

from __future__ import annotations

import json

from citykg.cli.output import render, width

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
