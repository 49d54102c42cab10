"""Throughput of entity extraction, as a ratio to jieba segmentation of the same text.

    .venv/bin/python bench/bench_entities.py [FOLDER ...]

Reads the articles (default: the bundled seeds plus the held-out test articles),
warms up jieba and the lexicon on a sentence of its own, then times one pass of
``extract_entities`` over text it has not seen (so no cache helps) and one pass of
``jieba.lcut`` (the cheapest full segmentation) over the same text.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import jieba
from citykg.graph.entities import extract_entities
from citykg.graph.entity_lexicon import build_lexicon
from citykg.graph.ingest import read_document
from citykg.graph.kb import load_kb
from citykg.graph.records import Document
from citykg.graph.text import split_sentences
from jieba import posseg


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
    t0 = time.perf_counter()
    n = sum(len(extract_entities(d, kb, None, [])) for d in docs)
    t_ext = time.perf_counter() - t0
    t0 = time.perf_counter()
    for d in docs:
        jieba.lcut(d.text)
    t_jieba = time.perf_counter() - t0
    print(f"documents {len(docs)}, characters {chars:,}, entities {n}")
    print(f"extract_entities  {chars / t_ext:>12,.0f} chars/s (first pass, unseen text)")
    print(f"jieba.lcut        {chars / t_jieba:>12,.0f} chars/s")
    print(f"ratio extraction / jieba.lcut = {t_jieba / t_ext:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
