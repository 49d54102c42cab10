"""``citykg validate``: SHACL shapes, the reasoner and the QC queries on good and broken data."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from citykg.cli import cli
from citykg.namespaces import CK, CKR
from citykg.ontofiles import ontology_graph, shapes_file
from citykg.testing import require_tool
from citykg.validate.checks import Report, load_union, run_shacl
from citykg.validate.run import locate_trig, qc_queries, query_header

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
GOOD = FIXTURES / "good.trig"
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")

HZ_REFORM = CKR["initiative/330100/r1"]
SZ_ORG = CKR["initiative/440300/o1"]
HZ_OBS = CKR["obs/aaaa1111/40-46"]
SZ_OBS = CKR["obs/bbbb2222/30-38"]
HZ_EV = CKR["evidence/aaaa1111/2-6"]
HZ_DOC = CKR["doc/aaaa1111"]
HZ = CKR["area/330100"]
ZJ = CKR["area/330000"]
INDICATOR = CKR["concept/indicators/5g-base-stations"]
ANALOGY = CKR["analogy/ab12"]


@pytest.fixture(scope="module")
def good_graph() -> Graph:
    g = load_union(GOOD)
    g += ontology_graph()
    return g


def shacl(graph: Graph) -> Report:
    report = Report(data="test")
    run_shacl(graph, report)
    return report


def test_good_fixture_passes_every_shape(good_graph: Graph) -> None:
    report = shacl(good_graph)
    assert report.problems == []
    assert report.shacl_shapes >= 9


Mutation = Callable[[Graph], None]


def drop(s: URIRef, p: URIRef) -> Mutation:
    return lambda g: g.remove((s, p, None))


def put(s: URIRef, p: URIRef, o: object) -> Mutation:
    def mutate(g: Graph) -> None:
        g.remove((s, p, None))
        g.add((s, p, o))  # type: ignore[arg-type]

    return mutate


def add(s: URIRef, p: URIRef, o: object) -> Mutation:
    return lambda g: g.add((s, p, o))  # type: ignore[arg-type]


ADOPTION = CKR["adoption/aaaa1111/x/s1"]


def adoption(without: URIRef) -> Mutation:
    """Add a complete ck:Adoption of 杭州 (the good data's city, reform and evidence) minus ``without``."""
    facts = {
        RDF.type: CK.Adoption,
        CK.adopter: HZ,
        CK.adoptedConcept: CKR["concept/reforms/one-network-service"],
        CK.stage: CKR["concept/stage/launched"],
        CK.evidence: HZ_EV,
    }
    return lambda g: [g.add((ADOPTION, p, o)) for p, o in facts.items() if p != without] and None


# (property shape, mutation, node that must be reported, words of the message)
BROKEN: list[tuple[str, Mutation, URIRef, str]] = [
    ("NamedEntity-label", drop(SZ_ORG, RDFS.label), SZ_ORG, "has no name (rdfs:label)"),
    ("NamedEntity-evidence", drop(SZ_ORG, CK.evidence), SZ_ORG, "has no evidence"),
    (
        "NamedEntity-city",
        put(SZ_ORG, CK.inCity, ZJ),
        SZ_ORG,
        "ck:inCity points to something that is not a ck:City",
    ),
    ("Initiative-city", drop(HZ_REFORM, CK.inCity), HZ_REFORM, "is an initiative with no city (ck:inCity)"),
    (
        "Observation-indicator",
        add(HZ_OBS, CK.indicator, URIRef("https://w3id.org/citykg/resource/concept/indicator/x-second")),
        HZ_OBS,
        "must have at most one indicator",
    ),
    (
        "Observation-value",
        put(HZ_OBS, CK.value, Literal("32000")),
        HZ_OBS,
        "exactly one value (ck:value, an xsd:decimal)",
    ),
    ("Observation-unit", drop(HZ_OBS, CK.unit), HZ_OBS, "must have exactly one non-empty unit (ck:unit)"),
    ("Observation-evidence", drop(HZ_OBS, CK.evidence), HZ_OBS, "has no evidence"),
    (
        "Observation-qualifier",
        put(HZ_OBS, CK.qualifier, Literal("roughly")),
        HZ_OBS,
        "ck:qualifier must be one of",
    ),
    (
        "Observation-valueMax",
        put(SZ_OBS, CK.valueMax, Literal("100")),
        SZ_OBS,
        "ck:valueMax must be one xsd:decimal",
    ),
    (
        "Observation-changeRole",
        put(HZ_OBS, CK.changeRole, Literal("during")),
        HZ_OBS,
        'must be "before" or "after"',
    ),
    (
        "Range",
        put(SZ_OBS, CK.valueMax, Literal(Decimal("50"))),
        SZ_OBS,
        "lower end of a range (ck:value) is above",
    ),
    ("Evidence-document", drop(HZ_EV, CK.inDocument), HZ_EV, "must point to exactly one source document"),
    (
        "Evidence-start",
        put(HZ_EV, CK.charStart, Literal(-1)),
        HZ_EV,
        "one start offset (ck:charStart, an integer >= 0)",
    ),
    ("Evidence-end", drop(HZ_EV, CK.charEnd), HZ_EV, "one end offset (ck:charEnd"),
    (
        "Evidence-order",
        put(HZ_EV, CK.charEnd, Literal(3)),
        HZ_EV,
        "start offset (ck:charStart) is not before its end",
    ),
    ("Evidence-quote", drop(HZ_EV, CK.quote), HZ_EV, "has no quoted sentence (ck:quote)"),
    ("SourceDocument-fileName", drop(HZ_DOC, CK.fileName), HZ_DOC, "must have exactly one file name"),
    (
        "SourceDocument-city",
        put(HZ_DOC, CK.aboutCity, ZJ),
        HZ_DOC,
        "ck:aboutCity points to something that is not",
    ),
    ("Area-adcode", put(HZ, CK.adcode, Literal("3301")), HZ, "six-digit GB/T 2260 code"),
    ("Area-label", drop(ZJ, RDFS.label), ZJ, "has no official name (rdfs:label)"),
    ("Area-parent", add(HZ, CK.partOf, CKR["area/440000"]), HZ, "part of at most one administrative area"),
    ("Concept-label", drop(INDICATOR, SKOS.prefLabel), INDICATOR, "has no preferred label (skos:prefLabel)"),
    ("Concept-scheme", drop(INDICATOR, SKOS.inScheme), INDICATOR, "belongs to no concept scheme"),
    ("Analogy-source", drop(ANALOGY, CK.source), ANALOGY, "exactly one source initiative"),
    ("Analogy-target", add(ANALOGY, CK.target, SZ_ORG), ANALOGY, "exactly one target initiative"),
    ("Analogy-score", put(ANALOGY, CK.score, Literal(Decimal("1.5"))), ANALOGY, "a decimal from 0 to 1"),
    ("Analogy-basis", drop(ANALOGY, CK.basis), ANALOGY, "gives no reason (ck:basis)"),
    # adoption events (issue 18): a complete event added to the good data, minus one statement
    ("Adoption-adopter", adoption(without=CK.adopter), ADOPTION, "exactly one adopting city"),
    ("Adoption-concept", adoption(without=CK.adoptedConcept), ADOPTION, "exactly one reform concept"),
    ("Adoption-stage", adoption(without=CK.stage), ADOPTION, "exactly one stage"),
    ("Adoption-evidence", adoption(without=CK.evidence), ADOPTION, "has no evidence"),
]


@pytest.mark.parametrize("shape,mutate,node,words", BROKEN, ids=[b[0] for b in BROKEN])
def test_shacl_reports_each_broken_shape(
    good_graph: Graph, shape: str, mutate: Mutation, node: URIRef, words: str
) -> None:
    g = Graph()
    g += good_graph
    mutate(g)
    problems = shacl(g).violations
    assert problems, f"{shape}: nothing reported"
    hits = [p for p in problems if words in p.message]
    assert hits, [p.message for p in problems]
    assert any(p.node.split(" ")[0] == node.n3().strip("<>").replace(str(CKR), "ckr:") for p in hits)


def test_every_shape_has_a_broken_case() -> None:
    shapes = Graph().parse(shapes_file(), format="turtle")
    named = {str(s).rsplit("#", 1)[1] for s in shapes.subjects(RDF.type, SH.PropertyShape)}
    node_shapes_with_inline = {"Range"}
    covered = {b[0] for b in BROKEN}
    assert named | node_shapes_with_inline == covered


def test_message_names_the_node_with_its_label(good_graph: Graph) -> None:
    g = Graph()
    g += good_graph
    drop(SZ_ORG, CK.evidence)(g)
    [problem] = shacl(g).violations
    assert problem.line() == (
        'ckr:initiative/440300/o1 "市政务服务数据管理局"  [shacl]  '
        "has no evidence (ck:evidence pointing to a ck:Evidence)"
    )


# --- the command ---------------------------------------------------------------------------------


def write_trig(graph: Graph, path: Path) -> Path:
    """``graph`` written back as TriG, each subject in the named graph it has in the good fixture."""
    home = {q.subject.value: q.graph_name.value for q in ox.parse(path=str(GOOD), format=ox.RdfFormat.TRIG)}
    onto = ontology_graph()
    blocks: dict[str, list[str]] = {}
    for s, p, o in graph:
        if (s, p, o) not in onto:
            blocks.setdefault(home.get(str(s), str(CKR["graph/test"])), []).append(
                f"{s.n3()} {p.n3()} {o.n3()} ."
            )
    text = "".join(f"<{g}> {{\n" + "\n".join(sorted(lines)) + "\n}\n" for g, lines in sorted(blocks.items()))
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_good_fixture_exits_0(tmp_path: Path) -> None:
    data = Path(shutil.copy(GOOD, tmp_path / "good.trig"))
    result = CliRunner().invoke(cli, ["validate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith(f"OK: {data} is valid - ")
    assert "SHACL 10 shapes" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.trig"]  # nothing written next to it


def test_validate_broken_data_exits_1_with_plain_words(tmp_path: Path, good_graph: Graph) -> None:
    g = Graph()
    g += good_graph
    g.remove((HZ_OBS, CK.unit, None))
    g.remove((HZ_REFORM, CK.inCity, None))
    data = write_trig(g, tmp_path / "broken.trig")
    result = CliRunner().invoke(cli, ["validate", "--data", str(data), "--no-reasoner"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "ckr:obs/aaaa1111/40-46  [shacl]  must have exactly one non-empty unit (ck:unit)" in lines
    assert 'ckr:initiative/330100/r1 "一网通办"  [shacl]  is an initiative with no city (ck:inCity)' in lines
    # the QC queries see the same two defects in their own words
    assert "ckr:initiative/330100/r1  [qc:initiative-without-city]" in result.output
    assert lines[-1].startswith(f"FAILED: 4 violations on 2 nodes in {data} - ")


def test_validate_reports_a_reasoner_clash(tmp_path: Path, good_graph: Graph) -> None:
    require_tool("java")
    g = Graph()
    g += good_graph
    g.add((HZ_REFORM, RDF.type, CK.Platform))  # one node, two disjoint classes: SHACL cannot see it
    data = write_trig(g, tmp_path / "clash.trig")
    result = CliRunner().invoke(cli, ["validate", "--data", str(data)])
    assert result.exit_code == 1, result.output
    expected = (
        "ckr:initiative/330100/r1  [reasoner]  is both a ck:Platform (typed so) and a ck:Reform (typed so), "
        "but the ontology says nothing can be both."
    )
    assert expected in result.output.splitlines()
    assert "HermiT INCONSISTENT" in result.output


def test_validate_without_java_says_so_and_still_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import citykg.validate.reasoning as reasoning

    monkeypatch.setattr(reasoning.shutil, "which", lambda name: None)
    data = Path(shutil.copy(GOOD, tmp_path / "good.trig"))
    result = CliRunner().invoke(cli, ["validate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "note: Java is not installed, so the OWL reasoner (HermiT) was skipped" in result.output


def test_validate_runs_the_qc_queries(tmp_path: Path, good_graph: Graph) -> None:
    """A QC query's rows are violations too (here: a mention that is not in its quote)."""
    files = {p.name: query_header(p) for p in qc_queries()}
    if "mention-not-in-quote-violation.rq" not in files:
        pytest.skip("the SPARQL helper's mention-not-in-quote check is not there")
    g = Graph()
    g += good_graph
    g.set((HZ_EV, CK.mention, Literal("最多跑一次")))
    data = write_trig(g, tmp_path / "qc.trig")
    result = CliRunner().invoke(cli, ["validate", "--data", str(data), "--no-reasoner", "--json"])
    assert result.exit_code == 1
    import json

    payload = json.loads(result.output)
    assert payload["ok"] is False
    hits = [p for p in payload["problems"] if p["check"] == "qc:mention-not-in-quote"]
    assert hits and hits[0]["node"] == "ckr:evidence/aaaa1111/2-6"
    assert hits[0]["message"].startswith(files["mention-not-in-quote-violation.rq"]["title"])


def test_validate_missing_data_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = CliRunner().invoke(cli, ["validate", "--data", str(missing)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: No dataset at {missing}: {missing / 'citykg.trig'} does not exist - "
        'run "citykg build" to create it (or pass --data OUT).\n'
    )


def test_validate_bad_rdf_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "citykg.trig"
    bad.write_text("this is not { turtle", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {bad}: not valid RDF (")
    assert result.output.count("\n") == 1


def test_locate_trig_accepts_a_folder_or_a_file(tmp_path: Path) -> None:
    (tmp_path / "citykg.trig").write_text("", encoding="utf-8")
    assert locate_trig(tmp_path) == tmp_path / "citykg.trig"
    assert locate_trig(tmp_path / "citykg.trig") == tmp_path / "citykg.trig"


def test_validate_passes_on_the_bundled_corpus(built: Path) -> None:
    """The real build of the five seed articles conforms: shapes, reasoner (if Java) and QC."""
    result = CliRunner().invoke(cli, ["validate", "--data", str(built)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith(f"OK: {built / 'citykg.trig'} is valid")
    assert (built / "ontology" / "index.html").exists()


def test_unknown_unit_is_a_warning_not_a_failure(tmp_path: Path, good_graph: Graph) -> None:
    g = Graph()
    g += good_graph
    g.set((HZ_OBS, CK.unit, Literal("斤")))
    data = write_trig(g, tmp_path / "unit.trig")
    result = CliRunner().invoke(cli, ["validate", "--data", str(data), "--no-reasoner"])
    assert result.exit_code == 0, result.output
    assert (
        'warning: "斤"  [units]  unit used by 1 observation is not in ontology/units.ttl '
        "(add it there with its UCUM code)"
    ) in result.output.splitlines()


def test_doctests_of_the_validation_modules() -> None:
    import doctest

    import citykg.ontofiles
    import citykg.validate.reasoning

    for module in (citykg.ontofiles, citykg.validate.reasoning):
        failed, tried = doctest.testmod(module)
        assert tried > 0 and failed == 0, module.__name__


def test_validate_broken_fixture_file(tmp_path: Path) -> None:
    """tests/fixtures/validate/broken.trig: five defects, each reported on the node that has it."""
    data = Path(shutil.copy(FIXTURES / "broken.trig", tmp_path / "broken.trig"))
    result = CliRunner().invoke(cli, ["validate", "--data", str(data), "--no-reasoner"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    for expected in (
        'ckr:analogy/ab12  [shacl]  must have one score (ck:score, a decimal from 0 to 1) (found "1.5")',
        'ckr:area/330100 "杭州市"  [shacl]  must have one six-digit GB/T 2260 code (ck:adcode) (found "3301")',
        "ckr:evidence/bbbb2222/0-4  [shacl]  its start offset (ck:charStart) is not before its end offset "
        '(ck:charEnd) (found "7")',
        'ckr:initiative/440300/o1 "市政务服务数据管理局"  [shacl]  has no evidence (ck:evidence pointing to a ck:Evidence)',
        "ckr:obs/aaaa1111/40-46  [shacl]  must have exactly one non-empty unit (ck:unit)",
    ):
        assert expected in lines
    assert any(ln.startswith("FAILED: ") and " on 5 nodes in " in ln for ln in lines)
