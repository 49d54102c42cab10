"""The reform and domain schemes as the extractor reads them (graph/entity_lexicon.py)."""

from __future__ import annotations

from functools import cache

import pytest

from citykg.graph.extract.entities.concepts import label_class
from citykg.graph.extract.entities.lexicon import Lexicon, build_lexicon, concept_for, domain_for
from citykg.graph.kb import KnowledgeBase, load_kb
from citykg.namespaces import CKR_IRI

REFORM = CKR_IRI + "concept/reform/"
DOMAIN = CKR_IRI + "concept/domain/"
FIXED_DOMAINS = (
    "government-services city-governance health education transport social-security housing-community "
    "culture-tourism credit-finance digital-economy digital-infrastructure data-resources public-safety "
    "environment agriculture business-environment employment"
).split()


@cache
def kb() -> KnowledgeBase:
    return load_kb()


@cache
def lex() -> Lexicon:
    return build_lexicon(kb())


def test_domain_scheme_has_the_fixed_slugs_with_cue_words() -> None:
    domains = {c.iri: c for c in kb().domains}
    assert set(domains) == {DOMAIN + s for s in FIXED_DOMAINS}
    for c in domains.values():
        assert c.pref_zh and c.pref_en and c.definition
        assert len(c.hidden) >= 5, f"{c.iri} needs cue words (skos:hiddenLabel)"


def test_reform_scheme_size_and_links() -> None:
    reforms = kb().reforms
    assert 60 <= len(reforms) <= 120
    domains = {c.iri for c in kb().domains}
    for c in reforms:
        assert c.domains and set(c.domains) <= domains, c.iri
    linked = [c for c in reforms if c.related or c.close_match]
    assert len(linked) >= len(reforms) // 2


# variants one analogue finder must see as the same mechanism (same concept or closeMatch)
SAME = [
    ("无感认证", "静默认证"),
    ("城市云脑中枢", "城市大脑"),
    ("公共数据运营", "公共数据授权运营"),
    ("一朵云", "政务云"),
    ("云底座", "政务云"),
    ("无证明办事", "无证明城市"),
    ("12345政务热线", "12345热线"),
    ("互联网＋政务服务", "互联网+政务服务"),
    # common reforms added for the held-out articles (issue 3, item 3)
    ("好差评", "政务服务好差评制度"),
    ("首席数据官", "首席数据官制度"),
    ("数转智改", "智改数转"),
    ("全城一个停车场", "智慧停车"),
    ("城市数字孪生底座", "数字孪生城市"),
    ("粤省事", "皖事通"),  # provincial app brands realize one platform-type concept
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_variants_realize_one_concept(a: str, b: str) -> None:
    ca, cb = concept_for(lex(), a), concept_for(lex(), b)
    assert ca is not None and cb is not None
    assert ca.iri == cb.iri


def test_one_thing_once_is_a_close_match_of_efficient_one_thing() -> None:
    c = concept_for(lex(), "一件事一次办")
    assert c is not None and REFORM + "efficient-one-thing" in c.close_match


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("义务教育入学一件事", "efficient-one-thing"),  # a named one-thing service is an instance
        ("社保待遇领取资格无感认证", "passive-verification"),
        ("郓城县智慧社区建设", "smart-community"),
        ("蓝天白云", None),
        ("上城区未来社区建设", "future-community"),
        ("浙江政务服务网", "integrated-gov-service-platform"),  # through its hidden cue word
    ],
)
def test_concept_by_containment(name: str, slug: str | None) -> None:
    c = concept_for(lex(), name)
    assert (c.iri if c else None) == (REFORM + slug if slug else None)


@pytest.mark.parametrize(
    ("name", "sentence", "slug"),
    [
        ("全民健康信息平台", "", "health"),
        ("智游文旅大数据平台", "", "culture-tourism"),
        ("小威智答", "市民可在线查询社保待遇和养老金发放", "social-security"),
        ("某某通", "", None),
    ],
)
def test_domain_cues(name: str, sentence: str, slug: str | None) -> None:
    assert domain_for(lex(), name, sentence) == (DOMAIN + slug if slug else None)


def test_category_concepts_are_not_matched_in_plain_text() -> None:
    assert lex().categories
    for iri in lex().categories:
        label = kb().concepts[iri].pref_zh
        assert lex().label_re is None or not lex().label_re.fullmatch(label)


@pytest.mark.parametrize(
    ("label", "cls"),
    [
        ("千兆城市", "Award"),  # a title cities win, whatever verb precedes it
        ("灯塔工厂", "Award"),
        ("未来社区", "Project"),
        ("鄂汇办", "Platform"),
        ("好差评", "Reform"),
        ("首席数据官制度", "Reform"),
    ],
)
def test_scheme_labels_imply_the_entity_class(label: str, cls: str) -> None:
    assert label_class(lex(), label) == cls
