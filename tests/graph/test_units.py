"""Units are data (ontology/units.ttl), counts share one axis, figures keep their real subject.

Every article and sentence here is written for these tests (synthetic; no real news text).
"""

from __future__ import annotations

import ast
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from citykg.cli import cli
from citykg.graph.extract.metrics.observations import extract_observations
from citykg.graph.extract.metrics.quantities import find_quantities
from citykg.graph.extract.metrics.units import default_units, load_units
from citykg.graph.ingest.text import normalise, split_sentences
from citykg.graph.kb import KnowledgeBase, load_kb
from citykg.graph.records import Document
from citykg.paths import ontology_dir

METRICS_CODE = Path(__file__).resolve().parents[2] / "graph" / "extract" / "metrics"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


def observe(text: str, kb: KnowledgeBase, city: str | None = None):
    body = normalise(text)
    doc = Document("t.txt", body, split_sentences(body), "0" * 16)
    return extract_observations(doc, kb, [], city)


# ------------------------------------------------------------------ the unit table is data


def test_a_unit_in_units_ttl_is_read_by_the_extractor(kb: KnowledgeBase) -> None:
    """吉瓦 is a ck:writtenForm of u:gigawatt: the extractor reads it, and it compares in 千瓦."""
    [rec] = observe("全市光伏装机容量达到3吉瓦。", kb)
    assert (rec.value, rec.unit) == (Decimal(3), "吉瓦")
    unit, value = default_units().comparable(rec.unit, rec.value)
    assert (unit.label, value) == ("千瓦", Decimal(3000000))


def test_adding_a_unit_to_a_copy_of_units_ttl_teaches_the_extractor(tmp_path: Path) -> None:
    text = "全市储能电站累计放电2太瓦时,风电装机容量突破5太瓦。"
    assert "太瓦" not in {q.unit_written for q in find_quantities(text)}
    copy = tmp_path / "units.ttl"
    copy.write_text(
        (ontology_dir() / "units.ttl").read_text(encoding="utf-8")
        + """
u:terawatt a skos:Concept ; skos:inScheme sch:units ; skos:topConceptOf sch:units ;
    skos:prefLabel "太瓦"@zh, "terawatt"@en ; skos:notation "太瓦" ;
    skos:definition "Terawatt (power)."@en ; ck:unitCode "TW" ;
    ck:unitKind "power" ; ck:writtenForm "太瓦" ; ck:baseUnit u:kilowatt ; ck:conversionFactor 1000000000 .
""",
        encoding="utf-8",
    )
    table = load_units(copy)
    found = [(q.num, q.quantity.unit) for q in find_quantities(text, measured_only=True, units=table)]
    assert ("5", "太瓦") in found
    unit, value = table.comparable("太瓦", Decimal(5))
    assert (unit.label, value) == ("千瓦", Decimal(5 * 10**9))


def _code_strings(path: Path) -> list[ast.Constant]:
    """The string literals of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef) and n.body and isinstance(n.body[0], ast.Expr)
    }
    return [
        n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


def test_no_unit_table_is_written_in_python() -> None:
    """The extractor's modules hold no list of unit forms: at most a stray one in a literal."""
    forms = {w for w in default_units().written if len(w) >= 2 and not w.isascii()}
    for path in sorted(METRICS_CODE.glob("*.py")):
        tokens: set[str] = set()
        for node in _code_strings(path):
            tokens |= set(re.split(r"[\s|,()?:]+", node.value))
        assert len(tokens & forms) <= 2, (path.name, sorted(tokens & forms))


def test_unit_kinds_and_conversions_come_from_the_data() -> None:
    t = default_units()
    assert {t.kind(u) for u in ("个", "座", "处", "家", "项", "件", "套", "台")} == {"count"}
    assert [t.kind(u) for u in ("TB", "公里", "元", "%", "次/日")] == [
        "storage",
        "length",
        "money",
        "pct",
        "count",
    ]
    assert t.comparable("PB", Decimal("1.5"))[1] == Decimal(1500)
    assert t.comparable("万元", Decimal(1)) is None  # 万 is a scale word, never a unit: 3万元 is 30000 元
    assert {t.comparable(u, Decimal(1))[0].iri for u in ("个", "座", "处")} == {t.comparable("项", 1)[0].iri}


# ------------------------------------------------------------------ whose figure


SUBJECTS = [
    # (sentence, city adcode, figures kept)
    ("截至2024年底,全国累计建成5G基站425万个,全市累计建成5G基站8100个。", "330600", ["8100个"]),
    ("我国网民规模达到11亿,互联网普及率达78%。全市网民规模达到420万。", "330600", ["420万"]),
    ("目前全省数据中心机架总数超过30万架,我市占全省的12%。", "330600", ["12%"]),
    ("绍兴市在全省率先建成5G基站2000个。", "330600", ["2000个"]),
    ("全国首创“无感认证”,认证率达96%。", "330600", ["96%"]),
    ("杭州市建成城市大脑应用场景120个,绍兴市建成应用场景80个。", "330600", ["80个"]),
    ("其中省内已有18家企业入选,全市新增入选企业6家。", "330600", ["6家"]),
]


@pytest.mark.parametrize(("sentence", "city", "kept"), SUBJECTS)
def test_figures_of_the_nation_province_or_another_city_are_dropped(
    sentence: str, city: str, kept: list[str], kb: KnowledgeBase
) -> None:
    assert [r.mention.text for r in observe(sentence, kb, city)] == kept


# ------------------------------------------------------------------ one count axis across cities

ARTICLES = {
    "a_shaoxing.txt": (
        "绍兴市数字基础设施建设提速\n2024年07月15日 来源：本报\n"
        "今年以来,绍兴市加快新型基础设施建设。截至6月底,全市累计建成5G基站12000个,"
        "千兆光网覆盖全部乡镇。全国5G基站总数达到390万个。"
    ),
    "b_quanzhou.txt": (
        "泉州市推进5G网络全覆盖\n2024年05月20日 来源：本报\n"
        "泉州市持续推进信息通信基础设施建设,全市已累计建成5G基站9500座,行政村5G通达率达到100%。"
        "到2026年,力争5G基站达到15000座。"
    ),
    "c_xiangyang.txt": (
        "襄阳市数字政府建设新进展\n2023年11月02日 来源：本报\n"
        "襄阳市大力推进数字襄阳建设,截至目前,全市累计建设5G基站3200处,数据中心存储能力达到2PB。"
    ),
}


@pytest.fixture(scope="module")
def three_cities(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name, text in ARTICLES.items():
        (src / name).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(cli, ["build", str(src), "-o", str(out), "--graph-only", "--quiet"])
    assert result.exit_code == 0, result.output
    return out


def test_compare_indicator_puts_every_count_on_one_unit(three_cities: Path) -> None:
    args = ["query", "compare-indicator", "-p", "indicator=5G基站数量", "--data", str(three_cities), "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    got = sorted((r["city"], r["value"], r["unit"], r["measure_word"]) for r in rows)
    assert got == [
        ("泉州市", 9500, "计数", "座"),  # the 2026 target is not an achievement
        ("绍兴市", 12000, "计数", "个"),  # not the national 390万
        ("襄阳市", 3200, "计数", "处"),
    ]


def test_the_compare_page_draws_one_chart_for_the_counts(three_cities: Path) -> None:
    from citykg.viz.chart import bars_by_unit, compare_html
    from citykg.viz.data import load_model
    from citykg.viz.source import ViewSource

    model = load_model(ViewSource(three_cities))
    ind = next(c for c in model.indicators_in_use() if c.label == "5G基站数量")
    groups = bars_by_unit(model, ind.iri)
    achieved = {b.written for b in groups["计数"] if "目标" not in b.label}
    assert achieved == {"个", "座", "处"}
    assert list(groups) == ["计数"]  # the target 15000座 is on the same axis, tagged
    page = compare_html(model, ind.iri)
    assert page.count("<svg") == 1 and "9500 座" in page and "3200 处" in page


def test_the_comparison_list_holds_curated_indicators_and_minted_ones_of_two_cities(
    three_cities: Path,
) -> None:
    from citykg.viz.chart import comparison_indicators
    from citykg.viz.data import load_model
    from citykg.viz.source import ViewSource

    model = load_model(ViewSource(three_cities))
    listed = comparison_indicators(model)
    assert "5G基站数量" in {c.label for c in listed}
    for c in model.indicators_in_use():
        cities = {model.subject_city(o.refers_to) for o in model.observations_by_indicator[c.iri]}
        if "/x-" in c.iri:
            assert (c in listed) == (len(cities - {None}) >= 2), c.label


# ------------------------------------------------------------------ spam in evidence


def test_spam_words_leave_the_quote_but_offsets_keep_the_original_text(kb: KnowledgeBase) -> None:
    import pyoxigraph as ox

    from citykg.graph.pipeline import extract
    from citykg.graph.rdf.emit import rdfize
    from citykg.namespaces import CK_IRI

    text = "绍兴市推进数字政府建设\n绍兴市开云电竞累计建成5G基站12000个,开云电竞千兆光网覆盖全部乡镇。"
    body = normalise(text)
    doc = Document("spam.txt", body, split_sentences(body), "1" * 16, date="2024-07-15")
    quads = rdfize(extract(doc, kb), kb).quads
    store = ox.Store()
    store.extend(quads)
    rows = list(
        store.query(
            f"SELECT ?q ?m ?s ?e WHERE {{ ?o <{CK_IRI}rawText> ?raw ; <{CK_IRI}evidence> ?ev . "
            f"?ev <{CK_IRI}quote> ?q ; <{CK_IRI}mention> ?m ; <{CK_IRI}charStart> ?s ; <{CK_IRI}charEnd> ?e }}",
            use_default_graph_as_union=True,
        )
    )
    assert rows
    for q, m, s, e in rows:
        assert "开云电竞" not in q.value and m.value in q.value
        assert body[int(s.value) : int(e.value)] == m.value  # offsets point at the original text
    assert "开云电竞" in body


def test_no_word_list_is_written_into_the_metric_code() -> None:
    """Language knowledge lives in graph/lang/zh/metrics and ontology/units.ttl: a string literal
    of the extractor (docstrings aside) holds at most a few Chinese words as alternatives."""
    for path in sorted(METRICS_CODE.glob("*.py")):
        for node in _code_strings(path):
            words = [
                w
                for w in re.split(r"[|()?:^$*+\[\]{}<!=\\]+", node.value)
                if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w)
            ]
            assert len(words) <= MAX_WORDS_IN_CODE, (path.name, node.lineno, words)


MAX_WORDS_IN_CODE = 12  # grammar (time phrases, numerals) may name a few words; lists are data


def test_a_broken_unit_table_is_a_one_line_error(tmp_path: Path) -> None:
    from citykg.graph.extract.metrics.units import UnitDataError

    bad = tmp_path / "units.ttl"
    bad.write_text("u:x a skos:Concept ; ck:writtenForm \"太瓦\" .", encoding="utf-8")  # no prefixes
    with pytest.raises(UnitDataError) as err:
        load_units(bad)
    assert str(bad) in str(err.value) and "\n" not in str(err.value)
