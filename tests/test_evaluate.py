"""``citykg eval``: the evaluation kit's matching, and the same summary as its score.py on real builds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from citykg.cli import cli
from citykg.evaluate import Tally, city_key, names_match, score_entities, score_metrics

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
needs_kit = pytest.mark.skipif(not (EVAL / "score.py").exists(), reason="../shared/eval is not here")


@pytest.mark.parametrize(("pred", "gold", "same"), [
    ("“掌上办事”平台", "掌上办事平台", True),       # quotes removed
    ("《智慧交通三年行动计划》", "智慧交通三年行动计划", True),
    ("运行管理服务平台", "城市运行管理服务平台", True),  # contained, 8/10 >= 60%
    ("平台", "城市运行管理平台", False),               # contained, but 2/8 < 60%
    ("ＡＰＰ专区", "app专区", True),                  # NFKC and case
    ("数据局", "统计局", False),
])  # fmt: skip
def test_names_match_like_the_kit(pred: str, gold: str, same: bool) -> None:
    assert names_match(pred, gold) is same


def test_city_key_drops_the_suffix() -> None:
    assert [city_key(c) for c in ("昆山市", "昆山", "阿拉善盟", "沙市")] == ["昆山", "昆山", "阿拉善", "沙市"]


def test_optional_gold_is_neutral_and_misses_are_listed() -> None:
    doc = {"entities": [
        {"type": "Platform", "name": "城市大脑", "aliases": [], "alt_types": []},
        {"type": "Organization", "name": "市数据局", "aliases": [], "alt_types": [], "optional": True},
        {"type": "Reform", "name": "一件事一次办", "aliases": [], "alt_types": ["Project"]},
    ], "metrics": [{"value": 98, "unit": "%"}, {"value": 10, "value_max": 20, "unit": "个"},
                   {"value": 7, "optional": True}]}  # fmt: skip
    preds = {("Platform", "城市大脑"), ("Organization", "市数据局"), ("Project", "一件事一次办"), ("Reform", "掌上办")}
    misses: list[dict] = []
    fps: list[dict] = []
    tallies = score_entities("a.txt", doc, preds, True, misses, fps)
    total = Tally()
    for t in tallies.values():
        total.add(t)
    assert (total.found, total.gold, total.right, total.predicted) == (2, 2, 2, 3)
    assert misses == [] and fps == [{"file": "a.txt", "class": "Reform", "label": "掌上办"}]
    m_miss: list[dict] = []
    m_fp: list[dict] = []
    t = score_metrics("a.txt", doc, [(20.0, "个"), (7.0, ""), (5.0, "家")], True, m_miss, m_fp)
    assert (t.found, t.gold, t.right, t.predicted) == (1, 2, 1, 2)  # 7 is optional: neutral
    assert m_miss == [{"file": "a.txt", "value": 98, "unit": "%", "text": None}]
    assert m_fp == [{"file": "a.txt", "value": 5.0, "unit": "家"}]


def _kit_summary(trig: Path, gold: Path) -> dict:
    out = subprocess.run([sys.executable, str(EVAL / "score.py"), str(trig), "--gold", str(gold), "--json"],
                         capture_output=True, text=True, check=True)  # fmt: skip
    return json.loads(out.stdout)["summary"]


def _ours(build: Path, gold: Path, *extra: str) -> dict:
    result = CliRunner().invoke(cli, ["eval", str(build), "--gold", str(gold), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _same(ours: dict, kit: dict) -> None:
    assert set(ours) == set(kit)
    for k, v in kit.items():
        assert (ours[k] is None and v is None) or ours[k] == pytest.approx(v, abs=1e-9), k


@needs_kit
def test_the_seed_build_scores_as_score_py_says(built: Path) -> None:
    gold = EVAL / "seeds-gold.json"
    _same(_ours(built, gold)["summary"], _kit_summary(built / "citykg.trig", gold))


@needs_kit
def test_the_dev_set_scores_as_score_py_says(tmp_path: Path) -> None:
    out = tmp_path / "dev"
    result = CliRunner().invoke(cli, ["build", str(EVAL / "dev" / "texts"), "-o", str(out), "-q", "--graph-only"])
    assert result.exit_code == 0, result.output
    gold = EVAL / "dev" / "gold.json"
    report = _ours(out / "citykg.trig", gold)
    _same(report["summary"], _kit_summary(out / "citykg.trig", gold))
    assert set(report["documents"]) == {d["file"] for d in json.loads(gold.read_text())["documents"]}
    assert report["classes"] and all(0 <= (c["precision"] or 0) <= 1 for c in report["classes"].values())
    table = CliRunner().invoke(cli, ["eval", str(out), "--gold", str(gold), "--misses", "--tsv"])
    assert table.exit_code == 0 and "entity_f1\t" in table.output


def test_a_bad_gold_file_is_one_line(built: Path, tmp_path: Path) -> None:
    bad = tmp_path / "gold.json"
    bad.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", str(built), "--gold", str(bad)])
    assert result.exit_code == 1
    assert result.output.strip().startswith(f"Error: {bad}: cannot read the gold annotation")
