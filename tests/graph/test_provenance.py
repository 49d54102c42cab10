"""Provenance on the bundled build: every evidence points at the text it claims to quote."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.graph.ingest.documents import load_manifest, read_document
from citykg.graph.rdf.quotes import without_spam
from citykg.namespaces import SPARQL_PREFIXES

STRIP = set("“”\"'‘’《》「」『』〈〉()（）[]【】 ")


def bare(text: str) -> str:
    return "".join(ch for ch in text if ch not in STRIP)


@pytest.fixture(scope="module")
def dataset(built_dataset: ox.Store) -> ox.Store:
    return built_dataset


@pytest.fixture(scope="module")
def documents(seed_dir: Path):
    manifest = load_manifest(seed_dir)
    return {f.name: read_document(f, manifest.get(f.name)) for f in sorted(seed_dir.glob("*.txt"))}


EVIDENCE = """
SELECT ?ev ?file ?hash ?start ?end ?mention ?quote WHERE {
  ?ev a ck:Evidence ; ck:inDocument ?d ; ck:charStart ?start ; ck:charEnd ?end ; ck:mention ?mention ; ck:quote ?quote .
  ?d ck:fileName ?file ; ck:contentHash ?hash .
}"""


def select(store: ox.Store, query: str, names: list[str]) -> list[dict[str, str]]:
    return [{n: (s[n].value if s[n] is not None else None) for n in names}
            for s in store.query(SPARQL_PREFIXES + query, use_default_graph_as_union=True)]  # fmt: skip


def test_every_evidence_offset_points_at_its_mention(dataset, documents):
    evs = select(dataset, EVIDENCE, ["ev", "file", "hash", "start", "end", "mention", "quote"])
    assert len(evs) > 100
    for ev in evs:
        doc = documents[ev["file"]]
        assert doc.content_hash == ev["hash"]
        start, end = int(ev["start"]), int(ev["end"])
        assert doc.text[start:end] == ev["mention"], ev
        # the quote is the sentence without injected spam words; the offsets are the original text's
        assert ev["mention"] in ev["quote"] and ev["quote"] in without_spam(doc.text), ev


def test_every_entity_label_is_in_its_mentions(dataset, documents):
    """The mention is the label as written (minus quotes), or a short form of it (实施意见 for the full title)."""
    q = """SELECT ?label ?mention WHERE {
      ?x a ?c ; rdfs:label ?label ; ck:evidence ?ev . ?ev ck:mention ?mention .
      VALUES ?c { ck:Reform ck:Platform ck:Project ck:PolicyDocument ck:Organization ck:Award } }"""
    found = select(dataset, q, ["label", "mention"])
    assert len(found) > 50
    label_in_mention = [r for r in found if set(bare(r["label"])) <= set(bare(r["mention"]))]
    bad = [
        r for r in found if r not in label_in_mention and not set(bare(r["mention"])) <= set(bare(r["label"]))
    ]
    assert len(label_in_mention) >= 0.9 * len(found)
    assert bad == []


def test_every_observation_has_evidence_on_its_raw_text(dataset):
    q = """SELECT ?o ?raw ?mention WHERE { ?o a ck:Observation ; ck:rawText ?raw ; ck:evidence/ck:mention ?mention }"""
    found = select(dataset, q, ["o", "raw", "mention"])
    assert found and all(r["raw"] == r["mention"] for r in found)
    q = "SELECT ?o WHERE { ?o a ck:Observation FILTER NOT EXISTS { ?o ck:evidence ?e } }"
    assert select(dataset, q, ["o"]) == []


def test_every_extracted_node_has_evidence(dataset):
    q = """SELECT ?x WHERE { ?x a ?c . VALUES ?c { ck:Reform ck:Platform ck:Project ck:PolicyDocument
           ck:Organization ck:Award ck:Observation } FILTER NOT EXISTS { ?x ck:evidence ?e } }"""
    assert select(dataset, q, ["x"]) == []
