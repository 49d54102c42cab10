"""The README's promise: to teach citykg a new reform or indicator, add a concept to the Turtle under
ontology/ and the extractor picks it up on the next build (no code edit)."""

from __future__ import annotations

import shutil
from pathlib import Path

from citykg.graph.extract.entities.pipeline import extract_entities
from citykg.graph.ingest.text import split_sentences
from citykg.graph.kb import DIVISION_FILES, load_kb
from citykg.graph.records import Document
from citykg.paths import ontology_dir

NEW_REFORM = """
@prefix ck: <https://w3id.org/citykg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/citykg/resource/concept/reform/queqiao-helper> a skos:Concept, ck:ReformConcept ;
    skos:inScheme <https://w3id.org/citykg/resource/scheme/reforms> ;
    skos:prefLabel "鹊桥帮办"@zh, "Magpie-bridge assisted service"@en ;
    skos:altLabel "鹊桥帮代办"@zh ;
    skos:definition "Staff fill in and file applications on behalf of older residents."@en ;
    ck:domain <https://w3id.org/citykg/resource/concept/domain/government-services> ;
    ck:curated true .
"""
# written for this test; no rule of the extractor knows the words
SENTENCE = "今年该区在各街道全面推行鹊桥帮办，老人不出社区就能办成社保业务。"
IRI = "https://w3id.org/citykg/resource/concept/reform/queqiao-helper"


def _kb(root: Path):
    files = sorted((root / "schemes").glob("*.ttl")) + [root / n for n in DIVISION_FILES if (root / n).exists()]
    return load_kb(files)


def _records(kb):
    doc = Document(file_name="t.txt", text=SENTENCE, sentences=split_sentences(SENTENCE), content_hash="t")
    return extract_entities(doc, kb, "000000", [])


def test_a_reform_added_to_the_scheme_is_extracted(tmp_path: Path) -> None:
    root = tmp_path / "ontology"
    shutil.copytree(ontology_dir(), root)
    before = _records(_kb(root))
    assert not [r for r in before if "鹊桥" in r.label], "the word must be new to the extractor"
    with (root / "schemes" / "reforms.ttl").open("a", encoding="utf-8") as f:
        f.write(NEW_REFORM)
    after = [r for r in _records(_kb(root)) if r.label == "鹊桥帮办"]
    assert after and after[0].cls == "Reform" and after[0].concept == IRI
    assert after[0].new_concept is False


NEW_INDICATOR = """
@prefix ck: <https://w3id.org/citykg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/citykg/resource/concept/indicator/drone-pads> a skos:Concept, ck:Indicator ;
    skos:inScheme <https://w3id.org/citykg/resource/scheme/indicators> ;
    skos:topConceptOf <https://w3id.org/citykg/resource/scheme/indicators> ;
    skos:prefLabel "无人机起降点数量"@zh, "Number of drone landing pads"@en ;
    skos:altLabel "无人机起降点"@zh ;
    skos:definition "Drone take-off and landing pads in service for deliveries and inspection."@en ;
    ck:expectedUnit "个" ;
    ck:domain <https://w3id.org/citykg/resource/concept/domain/digital-infrastructure> ;
    ck:curated true .
"""
# written for this test: a figure whose noun phrase no curated indicator names
FIGURE = "截至今年6月，全市已建成无人机起降点326个，覆盖主要物流园区。"
INDICATOR = "https://w3id.org/citykg/resource/concept/indicator/drone-pads"


def _observations(kb):
    from citykg.graph.extract.metrics.observations import extract_observations

    doc = Document(file_name="t.txt", text=FIGURE, sentences=split_sentences(FIGURE), content_hash="t",
                   date="2024-07-01")  # fmt: skip
    return [o for o in extract_observations(doc, kb, [], "000000") if o.value == 326]


def test_an_indicator_added_to_the_scheme_names_the_figure(tmp_path: Path) -> None:
    root = tmp_path / "ontology"
    shutil.copytree(ontology_dir(), root)
    before = _observations(_kb(root))
    assert before and all(o.indicator != INDICATOR for o in before)
    with (root / "schemes" / "indicators.ttl").open("a", encoding="utf-8") as f:
        f.write(NEW_INDICATOR)
    (after,) = _observations(_kb(root))
    assert after.indicator == INDICATOR and after.unit == "个"
