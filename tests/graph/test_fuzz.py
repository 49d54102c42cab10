"""Fuzz the whole per-document path (ingest -> extract -> RDF quads) with hypothesis.

Generated texts mix government-news words, numerals with units, quotes and 《》,
absurd numbers (100000000000000000000亿), control and invisible characters,
full-width digits, front matter, HTML and very long lines. Whatever comes in,
a file either becomes quads or is refused with an ``IngestError``; nothing else
may escape (the build would isolate it, but then the file is lost). The words
are my own; ``bench/bench_fuzz.py`` runs the same generator on 20,000+ texts and
reports the slowest text per 10k characters.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citykg.graph.worker import DocResult, Source, WorkOptions, _stages, warm

#: a long line repeats a phrase up to this many times (a few thousand characters)
LONG_REPEAT = 60
#: examples per CI run (the bench runs ten times more)
CI_EXAMPLES = 2000

WORDS = ["数字政府", "一网通办", "城市大脑", "政务服务", "智慧城市", "大数据局", "平台", "项目", "改革", "行动方案",
         "义乌市", "昆山市", "晋江市", "杭州市", "浙江省", "江苏省", "朝阳区", "城区", "市政府", "国务院办公厅",
         "推进", "上线", "建成", "印发", "荣获", "评估", "达到", "累计", "同比增长", "超过", "不少于", "以上",
         "截至", "年底前", "今年以来", "目前", "全市", "企业", "群众", "事项", "办件", "数据", "系统", "中心",
         "旗舰店", "专区", "掌上办", "秒批", "最多跑一次", "奖", "称号", "示范区", "试点", "的", "和", "、"]  # fmt: skip
UNITS = ["个", "家", "件", "项", "亿元", "万元", "万人", "人次", "平方公里", "公里", "吉瓦", "兆瓦", "%", "倍",
         "次", "条", "TB", "PB", "G", "年", "月", "日", "小时", "分钟", "秒", "万亿", "亿", "万"]  # fmt: skip
NUMBERS = ["0", "1", "12", "98.5", "1,234", "0.5", "3.", ".7", "两", "十四", "两万三千", "二〇二三", "五六十",
           "一两", "百分之九十", "１２３４５", "100000000000000000000亿", "九千九百九十九万亿亿亿亿",
           "9" * 60, "1e309", "NaN", "-5", "1/3", "三分之一"]  # fmt: skip
ODD = ["\x00", "\x01", "\x0b", "\x0c", "\x1f", "\x7f", "\u200b", "\ufeff", "\u2028", "\u3000", "\xa0", "\r",
       "\n", "\n\n", "\t", "。", "！", "？", "；", ",", "，", ":", "：", "…", "——", "(", ")", "（", "）",
       "【", "】", "<", ">", "&", "\\", '"', "'", "`", "#", "*", "_", "|", "ℌ", "𠀀", "é", "\U0001F600"]  # fmt: skip
PREFIXES = ["", "", "", "---\ntitle: 标题\ncity: 义乌市\n---\n", "---\na: [1\n---\n", "---\n", "<html><p>",
            "<script>alert(1)</script>", "# 标题\n", "来源: 某报\n", "2024-01-02 10:00 某网\n"]  # fmt: skip


def _quoted(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pairs = [("“", "”"), ("《", "》"), ("「", "」"), ("‘", "’"), ("《", ""), ("", "》"), ('"', '"')]
    return st.tuples(st.sampled_from(pairs), inner).map(lambda t: t[0][0] + t[1] + t[0][1])


def texts() -> st.SearchStrategy[str]:
    """Article-like text: a prefix, then pieces of words, numbers with units, quotes and oddities."""
    word = st.sampled_from(WORDS)
    number = st.tuples(st.sampled_from(NUMBERS), st.sampled_from(UNITS)).map("".join)
    phrase = st.lists(st.one_of(word, number), min_size=1, max_size=6).map("".join)
    piece = st.one_of(
        word, word, number, phrase, _quoted(phrase), st.sampled_from(ODD),
        st.text(max_size=8),  # any unicode at all
        st.tuples(phrase, st.integers(20, LONG_REPEAT)).map(lambda t: t[0] * t[1]),  # a long line
    )  # fmt: skip
    body = st.lists(piece, min_size=4, max_size=40).map("".join)
    return st.tuples(st.sampled_from(PREFIXES), body).map("".join)


SUFFIXES = st.sampled_from([".txt", ".txt", ".md", ".html"])


def run_one(text: str, suffix: str, folder: Path, encoding: str = "utf-8") -> DocResult:
    """The per-document path on ``text`` written as a file: ingest, extract, RDF, TriG block, working set.

    Raises whatever a stage raises (the build would isolate it; here it is a finding).
    """
    path = folder / f"fuzz{suffix}"
    path.write_bytes(text.encode(encoding, errors="surrogatepass"))
    result = DocResult(path=path, file_name=path.name)
    _stages(Source(path), WorkOptions(time_budget=None), None, result, ["ingest"])
    if result.error is None:
        assert result.quads > 0 and result.trig
        list(ox.parse(input=result.trig, format=ox.RdfFormat.TRIG))  # the block parses back
    return result


_FOLDER = Path(tempfile.mkdtemp(prefix="citykg-fuzz-"))


@settings(max_examples=CI_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
@given(text=texts(), suffix=SUFFIXES)
def test_any_text_becomes_quads_or_one_ingest_error(text: str, suffix: str) -> None:
    run_one(text, suffix, _FOLDER)


def test_the_fuzz_findings_stay_fixed(tmp_path: Path) -> None:
    """Inputs that once sank a build: a number beyond any quantity, a YAML alias bomb, a giant line."""
    warm()
    r = run_one("全市累计投资100000000000000000000亿元,数字政府建设项目达到12个。", ".txt", tmp_path)
    values = [q.object.value for q in ox.parse(input=r.trig, format=ox.RdfFormat.TRIG)
              if q.predicate.value.endswith(("#value", "#valueMax"))]  # fmt: skip
    assert r.error is None and values == ["12"]
    bomb = "---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n---\n"
    r = run_one(bomb + "义乌市推进数字政府建设,上线城市大脑平台。", ".md", tmp_path)
    assert r.error == "front matter uses YAML anchors or aliases (&, *): write plain key: value pairs"
    line = "义乌市建设智慧城市平台,接入数据12.5亿条," * 3000  # 60k characters, no sentence end
    r = run_one(line, ".txt", tmp_path)
    assert r.error is None and r.quads < len(line)  # bounded output, not one mention per pair of spans
