"""Claim conflicts: a planted disagreement is reported with both sentences; a repeated figure is not."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from citykg.cli import cli
from citykg.graph.adoption.conflicts import Claim, agree, conflicts, load_claims, reason
from citykg.graph.build import build
from citykg.store import querylib
from citykg.store.core import memory_store

CORPUS = Path(__file__).parent / "graph" / "data" / "diffusion"


@pytest.fixture(scope="module")
def diffusion_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("conflicts")
    assert not build([CORPUS], out, post_steps=False, jobs=1).problems
    return out


def test_the_planted_pair_is_reported_and_the_repeat_is_not(diffusion_build: Path) -> None:
    rows = conflicts(load_claims(memory_store(diffusion_build / "citykg.trig").select))
    assert len(rows) == 1
    (row,) = rows
    assert (row["subject"], row["indicator"], row["as_of"]) == ("济南市", "5G基站数量", "2021")
    assert {row["value_1"], row["value_2"]} == {"1.8万个", "2.4万个"}
    assert {row["file_1"], row["file_2"]} == {"d06_jinan_2022.txt", "d09_jinan_2024.txt"}
    assert "1.8万个" in str(row["quote_1"]) + str(row["quote_2"]) and "2.4万个" in str(row["quote_1"]) + str(
        row["quote_2"]
    )
    assert not any("淄博" in str(r["subject"]) for r in rows)  # 6000 twice: consistent


def test_the_saved_query_finds_the_same_pair(diffusion_build: Path) -> None:
    store = memory_store(diffusion_build / "citykg.trig")
    saved = querylib.find("conflicting-claims")
    rows = store.select(saved.text, querylib.bind_params(saved, {}, store))
    assert [(r["subject"], r["as_of"], {r["file_1"], r["file_2"]}) for r in rows] == [
        ("济南市", "2021", {"d06_jinan_2022.txt", "d09_jinan_2024.txt"})
    ]


def test_the_command_prints_both_sentences(diffusion_build: Path) -> None:
    result = CliRunner().invoke(cli, ["conflicts", "-d", str(diffusion_build), "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert row["quote_1"] != row["quote_2"] and "济南市" in row["quote_1"]


def claim(value: str, qualifier: str = "exact", unit: str = "个", target: bool = False, as_of_text: str = "",
          value_max: str | None = None) -> Claim:  # fmt: skip
    return Claim("x", "s", "s", "i", "i", "2023", Decimal(value), Decimal(value_max) if value_max else None, unit,
                 qualifier, target, "", as_of_text, value, "", "f", 0)  # fmt: skip


@pytest.mark.parametrize(
    "a,b,same",
    [
        (claim("21000"), claim("21000"), True),  # a repeated figure
        (claim("21000"), claim("21100"), True),  # within rounding (1%)
        (claim("21000"), claim("26000"), False),
        (claim("30000", "more_than"), claim("32000"), True),  # 超过3万 and 3.2万 agree
        (claim("30000", "more_than"), claim("25000"), False),
        (claim("9800", "approx"), claim("10000"), True),  # 近9800 and 1万
        (claim("5000", "range", value_max="8000"), claim("6000"), True),
    ],
)
def test_claims_agree_as_intervals(a: Claim, b: Claim, same: bool) -> None:
    assert agree(a, b) is same


def test_the_likely_reason_is_named() -> None:
    assert reason(claim("1", unit="个"), claim("2", unit="座")) == "different unit (个 / 座)"
    assert reason(claim("1"), claim("2", target=True)) == "target vs achieved"
    assert "different period" in reason(
        claim("1", as_of_text="截至2023年底"), claim("2", as_of_text="2023年以来")
    )
    assert reason(claim("1"), claim("2")) == ""


def test_the_compare_page_marks_the_disagreeing_pair_only(diffusion_build: Path, tmp_path: Path) -> None:
    import re

    page = tmp_path / "5g.html"
    result = CliRunner().invoke(cli, ["viz", "compare", "5G基站数量", "-d", str(diffusion_build), "-o", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    disputed = re.findall(r'<tr id="(ev-\d+)" class="disputed"><td>([^<]*)</td>', html)
    assert sorted(label for _, label in disputed) == ["济南市", "济南市"]  # 1.8万 vs 2.4万, both marked
    links = re.findall(r'disagrees with another source: <a href="#(ev-\d+)">([^<]*)</a>', html)
    assert {text for _, text in links} == {"1.8万个", "2.4万个"}
    assert {target for target, _ in links} == {key for key, _ in disputed}  # each links the other row
    assert "淄博" not in "".join(label for _, label in disputed)  # 6000 twice: consistent, unmarked
