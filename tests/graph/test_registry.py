"""Proposers and extractor backends by name (graph/registry.py), selection from the CLI, the
--explain report, and the cache fingerprint keyed on the backend and its data files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from citykg.cli import cli
from citykg.graph import cache, registry
from citykg.graph.extract.entities import pipeline as entity_pipeline  # registers the proposers

ARTICLE = (
    "近日，济南市大数据局发布《济南市公共数据开放管理办法》。市民可以通过“泉城办”APP查询。"
    "相关部门还上线了载体平台，推动数据驱动平台建设。"
)  # written for these tests


def test_proposers_are_registered_with_priorities() -> None:
    names = {p.name: p for p in registry.proposers()}
    assert {"title", "quote", "platform", "award", "ministry", "concept", "head", "programme", "list"} <= set(names)
    assert names["title"].priority < names["quote"].priority < names["head"].priority
    assert entity_pipeline.extract_entities  # the module that registered them


def test_a_registered_proposer_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    from citykg.graph.extract.entities.rules import Candidate

    saved = dict(registry._PROPOSERS)
    try:

        @registry.proposer("test-fixed", priority=0)
        def _fixed(ctx, s):
            """Proposes the first four characters of each sentence."""
            return [Candidate(s.start, s.start + 4, s.text[:4], "Project", "title")]

        doc = entity_pipeline.Document("t.txt", "雁栖工程启动。", [], "t")
        from citykg.graph.ingest.text import split_sentences
        from citykg.graph.kb import load_kb

        doc.sentences = split_sentences(doc.text)
        recs = entity_pipeline.extract_entities(doc, load_kb(), None, [])
        assert ("Project", "雁栖工程") in {(r.cls, r.label) for r in recs}
    finally:
        registry._PROPOSERS.clear()
        registry._PROPOSERS.update(saved)


def test_unknown_extractor_lists_the_valid_names() -> None:
    with pytest.raises(registry.RegistryError, match=r"unknown extractor 'nope' \(valid: rules\)"):
        registry.get_extractor("nope")
    assert registry.get_extractor("rules").version


@pytest.mark.parametrize("command", ["build", "extract"])
def test_cli_refuses_an_unknown_extractor(command: str, tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    args = [command, str(f), "--extractor", "nope"] + (["-o", str(tmp_path / "out")] if command == "build" else [])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "unknown extractor 'nope' (valid: rules)" in result.output
    assert "Traceback" not in result.output


def test_explain_names_the_proposer_of_kept_spans_and_the_filter_of_dropped_ones(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(f), "--explain", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    kept = {(r["label"], r["proposer"]) for r in rows if r["status"] == "kept"}
    assert ("济南市公共数据开放管理办法", "title") in kept
    assert ("济南市大数据局", "head") in kept
    assert ("泉城办APP", "quote") in kept
    dropped = {r["label"]: r["dropped by"] for r in rows if r["status"] == "dropped"}
    assert dropped.get("载体平台") == "generic words"
    assert all(r["dropped by"] for r in rows if r["status"] == "dropped")
    table = CliRunner().invoke(cli, ["extract", str(f), "--explain"])
    assert table.exit_code == 0 and "proposer" in table.output and "dropped by" in table.output


def test_fingerprint_keys_on_backend_and_data_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    base = cache.fingerprint()
    monkeypatch.setattr(registry, "_EXTRACTORS", dict(registry._EXTRACTORS))
    rules = registry.get_extractor("rules")
    registry._EXTRACTORS["rules"] = registry.Extractor("rules", rules.version + "-next", rules.func)
    assert cache.fingerprint() != base  # a new backend version invalidates the cache
    registry._EXTRACTORS["rules"] = rules
    assert cache.fingerprint() == base
    from citykg.graph import lang

    extra = tmp_path / "extra.txt"
    extra.write_text("# a list\n词\n", encoding="utf-8")
    monkeypatch.setattr(lang, "data_files", lambda: [*lang.LANG_DIR.rglob("*.txt"), extra])
    assert cache.fingerprint() != base  # a word-list change invalidates the cache
