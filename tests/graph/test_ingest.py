"""Ingestion: decoding, HTML/Markdown, folding, furniture, broken lines, metadata, offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from citykg.graph.ingest.dates import infer_date
from citykg.graph.ingest.documents import (
    IngestError,
    decode,
    document_from_text,
    load_manifest,
    read_document,
)
from citykg.graph.ingest.text import clean_lines, fold, is_furniture

FIX = Path(__file__).parent / "fixtures"


def test_seed_metadata_from_manifest(seed_dir):
    man = load_manifest(seed_dir)
    doc = read_document(seed_dir / "000_dc9962ff8289445f.txt", man["000_dc9962ff8289445f.txt"])
    assert (doc.title, doc.date, doc.outlet) == ("乘“数”而上 “智”领发展", "2023-09-07", "吉林日报")
    assert "来源" not in doc.text  # the date/来源 header line is furniture
    assert len(doc.content_hash) == 16


def test_seed_broken_line_is_joined(seed_dir):
    doc = read_document(seed_dir / "003_383f1b34112f88f1.txt")
    assert "从众多参评项目中脱颖而出" in doc.text
    assert doc.title == "奋进新征程 建功新时代"  # inferred from the first line (no manifest passed)
    assert not doc.text.startswith("#")


def test_seed_furniture_dropped(seed_dir):
    doc = read_document(seed_dir / "004_d6a477be16eb06b7.txt")
    for junk in ("责编", "审签", "热点新闻", "大众网记者"):
        assert junk not in doc.text
    assert doc.outlet == "大众网" and doc.date == "2024-12-21"
    last = read_document(seed_dir / "001_4aab4466302be3fb.txt").text.splitlines()[-1]
    assert last != "0" and "来源" not in last  # stray lone number and 来源 footer


@pytest.mark.parametrize(
    ("name", "title", "date", "outlet", "snippet"),
    [("suzhou_gbk.txt", "苏州推进“一网通办”改革提速增效", "2024-03-05", "苏州日报", "达到98.5%,累计办件量超过1200万件。"),
     ("shenzhen_big5.txt", "深圳市推进「一网统管」建设", None, None, "龙华区率先试点「智慧社区」"),
     ("chengdu.html", "成都市“智慧蓉城”建设取得新进展", "2023-11-02", "成都发布", "接入物联感知设备12.6万个。"),
     ("hangzhou.md", "杭州城市大脑迭代升级", "2024-05-20", "杭州日报", "杭州市持续推进城市大脑建设,已接入数据资源超过500亿条。")],
)  # fmt: skip
def test_encodings_and_formats(name, title, date, outlet, snippet):
    doc = read_document(FIX / name)
    assert (doc.title, doc.date, doc.outlet) == (title, date, outlet)
    assert snippet in doc.text
    for junk in ("alert", "首页", "版权所有", "分享到", "责编", "**", "](", "color:red"):
        assert junk not in doc.text


def test_front_matter_city_hint():
    assert read_document(FIX / "hangzhou.md").city_hint == "杭州市"


def test_manifest_overrides_front_matter():
    doc = read_document(FIX / "hangzhou.md", {"title": "另一个标题", "city": "宁波市"})
    assert doc.title == "另一个标题" and doc.city_hint == "宁波市" and doc.outlet == "杭州日报"


def test_fold_full_width_and_traditional():
    assert fold("全市５Ｇ基站１９５９處，覆蓋率９９．７％") == "全市5G基站1959处,覆盖率99.7%"


def test_simplified_text_skips_converter_unchanged():
    text = "乾县的干部发展了数字经济。"  # 乾 is also Simplified: text without Traditional chars is untouched
    assert fold(text) == text


def test_repeated_paragraph_dropped_once():
    para = "西安市推进政务服务“一网通办”,全市可网办事项超过3000项。"
    doc = document_from_text(f"西安数字政府\n{para}\n其他内容在这里继续说明。\n{para}\n", "x.txt")
    assert doc.text.count(para) == 1


def test_heading_kept_as_own_sentence():
    doc = document_from_text("长沙数字政府\n“新”中有“数”,发展提速\n长沙市推进数字政府建设取得成效。", "x.txt")
    assert [s.text for s in doc.sentences] == [
        "长沙数字政府",
        "“新”中有“数”,发展提速",
        "长沙市推进数字政府建设取得成效。",
    ]


def test_sentence_offsets_point_into_text(seed_dir):
    for f in sorted(seed_dir.glob("*.txt")):
        doc = read_document(f)
        assert doc.sentences and all(doc.text[s.start : s.end] == s.text for s in doc.sentences)
        assert all(a.end <= b.start for a, b in zip(doc.sentences, doc.sentences[1:], strict=False))


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty file"), (b"  \n\n", "empty file"), (b"%PDF-1.4 ...", "binary file (PDF), not text"),
     (b"abc\x00\x01\x02def", "binary file (contains NUL bytes), not text")],
)  # fmt: skip
def test_decode_rejects(data, message):
    with pytest.raises(IngestError, match=message.replace("(", r"\(").replace(")", r"\)")):
        decode(data)


def test_undecodable_bytes():
    junk = bytes([0x81, 0xFF, 0xFE, 0x80, 0xC0, 0xAF]) * 40
    with pytest.raises(IngestError, match=r"cannot decode|no Chinese"):
        document_from_text(decode(junk), "junk.txt")


def test_no_chinese_text():
    with pytest.raises(IngestError, match="no Chinese text"):
        document_from_text("Smart city news in English only.\nNothing else.", "en.txt")


def test_too_large(tmp_path):
    f = tmp_path / "big.txt"
    f.write_text("数字城市建设。" * 100, encoding="utf-8")
    with pytest.raises(IngestError, match=r"too large \(2,100 bytes > limit 1,000"):
        read_document(f, max_bytes=1000)


def test_malformed_front_matter(tmp_path):
    f = tmp_path / "bad.md"
    f.write_text("---\ntitle: [不闭合\n---\n南京市推进数字政府建设。", encoding="utf-8")
    with pytest.raises(IngestError, match="malformed front matter"):
        read_document(f)


def test_malformed_manifest(tmp_path):
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IngestError, match="malformed manifest"):
        load_manifest(tmp_path)


@pytest.mark.parametrize(
    ("head", "text", "expected"),
    [("2023-09-07来源: 吉林日报", "", "2023-09-07"), ("发布时间:2023年9月7日 10:00", "", "2023-09-07"),
     ("12月17日下午,菏泽市召开发布会", "2024年全市……2024年底……到2027年", "2024-12-17"),
     ("12月17日下午,某市召开发布会", "没有年份", None)],
)  # fmt: skip
def test_infer_date(head, text, expected):
    assert infer_date(head, text) == expected


@pytest.mark.parametrize(
    "line", ["责任编辑:李四", "【打印】", "上一篇:", "记者 王五 通讯员 赵六", "12", "扫一扫"]
)
def test_furniture(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line", ["全市建成5G基站1959处。", "一、夯实数字基础设施", "2023年,全市数字经济增长12%。"]
)
def test_not_furniture(line):
    assert not is_furniture(line)


def test_list_items_are_not_joined():
    lines = clean_lines(
        "标题\n主要做法包括以下几个方面,分别是数据共享和业务协同\n一、推进数据共享\n二、推进业务协同"
    )
    assert lines[-2:] == ["一、推进数据共享", "二、推进业务协同"]


def test_government_site_page():
    doc = read_document(FIX / "wuhan_gov.html")
    assert doc.title == "武汉市推进“高效办成一件事”改革"
    assert (doc.date, doc.outlet) == ("2024-06-18", "武汉市政务服务和大数据管理局")
    assert doc.text.splitlines()[0] == doc.title
    assert "已上线“一件事”主题服务32个,累计办件量超过18万件。" in doc.text  # joined across <p>
    for junk in ("政务公开", "当前位置", "字体", "浏览次数", "网站地图", "ICP", "主办", "_hmt"):
        assert junk not in doc.text


def test_trailing_link_list_dropped():
    text = "太原数字政府\n太原市推进“一网通办”改革,全市可网办事项超过3000项。\n太原市上线城市大脑。\n相关阅读\n·某区一件事改革\n·某平台用户破百万"
    assert document_from_text(text, "x.txt").text.splitlines()[-1] == "太原市上线城市大脑。"


BOMB = ("---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\ntitle: 标题\n---\n")  # fmt: skip


def test_a_yaml_alias_bomb_in_front_matter_is_refused(tmp_path):
    """A few hundred bytes of aliases would expand to gigabytes: refused before expansion, in one line."""
    from citykg.graph.build import build

    src = tmp_path / "src"
    src.mkdir()
    (src / "bomb.md").write_text(BOMB + "义乌市推进数字政府建设,上线城市大脑平台,全市办件量增长。", encoding="utf-8")
    (src / "ok.md").write_text("---\ntitle: 标题\ncity: 义乌市\n---\n义乌市推进数字政府建设,上线城市大脑平台。",
                               encoding="utf-8")  # fmt: skip
    with pytest.raises(IngestError, match="anchors or aliases"):
        read_document(src / "bomb.md")
    report = build([src], tmp_path / "out", jobs=1, post_steps=False, analogues=False)
    assert report.problems == [
        f"{src / 'bomb.md'}: front matter uses YAML anchors or aliases (&, *): write plain key: value pairs; skipped"
    ]
    assert report.documents == 1


def test_oversized_front_matter_is_refused():
    from citykg.graph.ingest.documents import MAX_FRONT_MATTER, split_front_matter

    with pytest.raises(IngestError, match="front matter too long"):
        split_front_matter("---\n" + "k: v\n" * (MAX_FRONT_MATTER // 4) + "---\n正文")
