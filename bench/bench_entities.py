"""Throughput of entity extraction, as a ratio to jieba segmentation of the same text.

    .venv/bin/python bench/bench_entities.py [FOLDER ...]

Reads the articles (default: the bundled seeds plus the held-out test articles),
warms up jieba and the lexicon on a sentence of its own, then times ``extract_entities``
(its caches cleared, so every round is like unseen text) against ``jieba.lcut`` (plain
full segmentation) over the same text, in interleaved rounds, and reports medians.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import jieba
from jieba import posseg

from citykg.graph.extract.entities import filters as entity_filters
from citykg.graph.extract.entities.lexicon import build_lexicon
from citykg.graph.extract.entities.pipeline import extract_entities
from citykg.graph.extract.entities.rules import _lcut, leading_junk
from citykg.graph.ingest.documents import read_document
from citykg.graph.ingest.text import split_sentences
from citykg.graph.kb import load_kb
from citykg.graph.records import Document

ROUNDS = 7


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    folders = [Path(a) for a in argv] or [root / "corpus/seeds", root / "tests/graph/data/heldout"]
    docs = [read_document(p) for f in folders for p in sorted(f.glob("*.txt"))]
    kb = load_kb()
    build_lexicon(kb)
    jieba.initialize()
    posseg.lcut("预热")
    warm = "某市大数据局上线“某某通”APP。"
    extract_entities(Document("warm", warm, split_sentences(warm), "w"), kb, None, [])
    chars = sum(len(d.text) for d in docs)
    ext, seg = [], []
    n = 0
    for _ in range(ROUNDS):  # interleaved rounds; caches cleared so every round sees "new" text
        leading_junk.cache_clear()
        _lcut.cache_clear()
        entity_filters._generic_body.cache_clear()  # the generic-word test's cache
        t0 = time.perf_counter()
        n = sum(len(extract_entities(d, kb, None, [])) for d in docs)
        ext.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for d in docs:
            jieba.lcut(d.text)
        seg.append(time.perf_counter() - t0)
    t_ext, t_jieba = statistics.median(ext), statistics.median(seg)
    print(f"documents {len(docs)}, characters {chars:,}, entities {n}, median of {ROUNDS} rounds")
    print(f"extract_entities  {chars / t_ext:>12,.0f} chars/s (caches cleared each round)")
    print(f"jieba.lcut        {chars / t_jieba:>12,.0f} chars/s")
    print(f"ratio extraction / jieba.lcut = {t_jieba / t_ext:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
