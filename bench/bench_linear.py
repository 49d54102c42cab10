"""Extraction time is linear in file size: synthetic articles of 1, 2, 4 and 8 MB.

Each article repeats my own sentences about county-level cities (numbers vary,
so no paragraph is a duplicate the cleaner would drop). For each size the
per-document path (ingest -> extract -> RDF quads) is timed in this process
after a warm-up, and the seconds per MB are compared with the smallest size:
linear time keeps the ratio near 1.0 (goal: every size within 10%).
A second series writes the same text as one giant line without sentence ends
(the shape that once yielded a 2.86 GB TriG), and reports quads per character.

    python bench/bench_linear.py                 # 1, 2, 4, 8 MB (minutes)
    python bench/bench_linear.py --sizes 0.25 0.5 1 --no-line
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from citykg.graph.ingest.documents import read_document
from citykg.graph.kb import load_kb
from citykg.graph.pipeline import extract
from citykg.graph.rdf.emit import rdfize
from citykg.graph.worker import warm

SENTENCES = [
    "义乌市数据局牵头建设“城市大脑{i}号”平台,全市政务服务事项网上可办率达到{p}%。",
    "昆山市推进“一网通办”改革,累计办理业务{i}万件,群众满意度提升至99%以上。",
    "晋江市印发《数字政府建设第{i}号行动方案》,计划投资{p}亿元建设智慧交通项目。",
    "市大数据局联合市公安局推出“秒批秒办”服务,审批时限压缩了{p}%。",
    "{y}年,全市新建5G基站{i}个,城市光纤宽带覆盖率达到100%。",
    "该平台已接入部门{p}个,归集数据{i}亿条,日均调用量超过8万次。",
    "在浙江省数字化改革评估中,义乌市获得“优秀”等次,荣获第{i}届数字政府创新奖。",
    "下一步,我们将围绕“最多跑一次”改革,打造{i}个掌上办事之城。",
]
#: a paragraph break after this many sentences
PARAGRAPH = 5
#: goal: seconds per MB of every size within this fraction of the smallest size's
TOLERANCE = 0.10


def article(megabytes: float, one_line: bool = False) -> str:
    """A synthetic article of about ``megabytes`` MB of UTF-8."""
    target, size, i = int(megabytes * 1024 * 1024), 0, 0
    parts = ["义乌市全面推进数字政府建设\n"]
    while size < target:
        s = SENTENCES[i % len(SENTENCES)].format(i=i, p=i % 97 + 1, y=2000 + i % 25)
        if one_line:
            s = s.replace("。", ",")
        elif i % PARAGRAPH == PARAGRAPH - 1:
            s += "\n"
        parts.append(s)
        size += len(s.encode())
        i += 1
    return "".join(parts)


def measure(text: str, folder: Path, kb) -> tuple[float, int, int]:
    """CPU seconds for ingest -> extract -> rdfize of ``text``, its characters and quads.

    CPU time of this process, not wall time: the machine may be shared, and
    other processes' load would read as non-linearity.
    """
    path = folder / "article.txt"
    path.write_text(text, encoding="utf-8")
    t = time.process_time()
    doc = read_document(path, max_bytes=1 << 30)
    quads = len(rdfize(extract(doc, kb), kb).quads)
    return time.process_time() - t, len(doc.text), quads


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4, 8], help="MB")
    ap.add_argument("--no-line", action="store_true", help="skip the one-giant-line series")
    ap.add_argument("--repeat", type=int, default=2, help="runs per size; the fastest counts (noise is one-sided)")
    args = ap.parse_args()
    warm()
    kb = load_kb()
    series = [("paragraphs", False)] + ([] if args.no_line else [("one line", True)])
    worst = slower = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        measure(article(min(args.sizes) / 4), Path(tmp), kb)  # first-call costs (lazy tables) out of the series
        for name, one_line in series:
            print(f"\n{name}:\n{'MB':>6} {'chars':>10} {'cpu s':>8} {'s/MB':>7} {'ratio':>6} {'quads/char':>10}")
            base = None
            for mb in args.sizes:
                text = article(mb, one_line)
                seconds, chars, quads = min(measure(text, Path(tmp), kb) for _ in range(args.repeat))
                per_mb = seconds / mb
                base = base or per_mb
                ratio = per_mb / base
                worst, slower = max(worst, abs(ratio - 1)), max(slower, ratio - 1)
                print(f"{mb:6g} {chars:10,} {seconds:8.2f} {per_mb:7.2f} {ratio:6.2f} {quads / chars:10.3f}")
    verdict = "linear" if worst <= TOLERANCE else "NOT linear"
    print(f"\nlargest deviation from linear: {worst:.0%} (goal <= {TOLERANCE:.0%}): {verdict}")
    growth = "no" if slower <= TOLERANCE else "SUPER-LINEAR"
    print(f"largest slow-down per MB against the smallest size: {slower:.0%}: {growth} super-linear growth")


if __name__ == "__main__":
    main()
