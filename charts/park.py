"""Builders for the 园区档案 page: facts, ledger table, indicators against thresholds, the item list and export."""

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts.theme import Stamp, finish

# indicator column -> (threshold column, label, unit, decimals)
INDICATORS = {
    "output_per_mu": ("output_min", "亩均产值", "万元/亩", 1),
    "tax_per_mu": ("tax_min", "亩均税收", "万元/亩", 2),
    "investment_intensity": ("investment_min", "投资强度", "万元/亩", 1),
    "plot_ratio": ("plot_min", "容积率", "", 2),
}
ITEM_COLUMNS = {
    "item_id": "编号",
    "ledger_name": "台账",
    "category_name": "类别",
    "title": "名称",
    "status": "状态",
    "overdue": "超期未整改",
    "found_date": "发现日期",
    "deadline": "整改时限",
    "responsible_unit": "责任单位",
    "measure": "整改措施",
    "area_mu": "面积(亩)",
    "amount_wan": "金额(万元)",
}


def _missing(x: object) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def facts(profile: pd.Series) -> list[tuple[str, str]]:
    """(label, value) pairs of the park's catalogue facts, 批准面积 in 公顷 as the catalogue gives it."""
    area = "—" if _missing(profile["approved_area_ha"]) else f"{profile['approved_area_ha']:,.1f} 公顷"
    place = profile["league_name"] + ("" if _missing(profile["county"]) else f" · {profile['county']}")
    year = "—" if _missing(profile["approved_year"]) else f"{int(profile['approved_year'])}年"
    return [
        ("级别", profile["level"]),
        ("类型", profile["park_type"] or "—"),
        ("所在盟市", place),
        ("批准面积", area),
        ("批准设立", year),
        ("主导产业", profile["leading_industries"] or "—"),
        ("控制性指标类别", profile["industry_category"] or "—"),
        ("目录代码", profile["catalogue_code"] or "—"),
    ]


def ledger_table(kpis: pd.DataFrame) -> pd.DataFrame:
    """The six ledgers of the park: found, rectified, open, overdue and the completion rate (0..1)."""
    return kpis[["name", "found", "rectified", "open", "overdue", "completion_rate"]].rename(
        columns={
            "name": "台账",
            "found": "发现(项)",
            "rectified": "已整改(项)",
            "open": "未整改(项)",
            "overdue": "超期未整改(项)",
            "completion_rate": "完成率",
        }
    )


@dataclass(frozen=True)
class IndicatorCard:
    label: str  # 亩均税收（万元/亩）
    value: str  # 13.58 or 数据缺失
    delta: str | None  # +35.8%（控制值 10.00）
    below: bool | None  # below the threshold (None: no value or no threshold)


def indicator_cards(row: pd.Series) -> list[IndicatorCard]:
    cards = []
    for column, (min_column, label, unit, decimals) in INDICATORS.items():
        value, minimum = row[column], row[min_column]
        title = f"{label}（{unit}）" if unit else label
        if _missing(value):
            cards.append(IndicatorCard(title, "数据缺失", None, None))
            continue
        if _missing(minimum) or not minimum:
            cards.append(IndicatorCard(title, f"{value:,.{decimals}f}", "无控制值", None))
            continue
        gap = value / minimum - 1  # the sign leads, so st.metric colours a shortfall red
        delta = f"{gap * 100:+.1f}%（控制值 {minimum:,.{decimals}f}）"
        cards.append(IndicatorCard(title, f"{value:,.{decimals}f}", delta, gap < 0))
    return cards


def indicator_basis_text(row: pd.Series, profile: pd.Series, asof_year: int) -> str:
    """Which projects the indicators count (the data year, and why when it is not the date's own year) and
    which thresholds they are set against."""
    if _missing(row["year"]):
        return "暂无已建成工业项目数据。"
    year = int(row["year"])
    text = f"按 {year} 年及以前建成投产的 {int(row['projects'])} 个工业项目计算（{year} 年度）"
    if year < asof_year:
        text += f"，{asof_year} 年尚无建成项目数据，按最近有数据的 {year} 年"
    if row["missing_projects"]:
        text += f"；另有 {int(row['missing_projects'])} 个项目数据缺失，未计入"
    basis = row["basis"] or "未设定"
    plot = row["plot_basis"] or "未设定"
    return (
        text + f"。控制值为{profile['league_name']}{profile['industry_category']}类控制性指标"
        f"（投资强度、亩均产值、亩均税收：{basis}；容积率：{plot}）。"
    )


def rank_text(row: pd.Series) -> str:
    if _missing(row["tax_rank"]):
        return "无有效项目数据，未参与排名"
    return f"第 {int(row['tax_rank'])} 位 / {int(row['ranked_parks'])} 个园区"


def items_table(items: pd.DataFrame) -> pd.DataFrame:
    """The park's items with Chinese headers, dates as dates (for the page and the Excel export)."""
    table = items[list(ITEM_COLUMNS)].rename(columns=ITEM_COLUMNS)
    for column in ("发现日期", "整改时限"):
        table[column] = pd.to_datetime(table[column]).dt.date
    return table


def directory_table(directory: pd.DataFrame, asof: date) -> pd.DataFrame:
    """A page of the park directory (park_directory) with Chinese headers and a link to each profile."""
    link = "park?league={}&park={}&asof=" + f"{asof:%Y-%m-%d}"
    table = pd.DataFrame(
        {
            "园区": directory.name,
            "盟市": directory.league_name,
            "旗县区": directory.county.fillna("—"),
            "级别": directory.level,
            "发现(项)": directory.found.astype(int),
            "未整改(项)": directory.open_items.astype(int),
            "超期(项)": directory.overdue.astype(int),
            "完成率": directory.completion_rate.astype(float),
            "园区档案": [link.format(lg, pk) for lg, pk in zip(directory.league_code, directory.park_id, strict=True)],
        }
    )
    return table if directory.county.notna().any() else table.drop(columns="旗县区")  # no catalogue gives one


# The park's small map ---------------------------------------------------------------------------
STATUS_COLORS = {"overdue": "#c62828", "open": "#ef6c00", "rectified": "#2e7d32"}  # as on 闲置资产地图
STATUS_NAMES = {"overdue": "超期未整改", "open": "未整改", "rectified": "已整改"}
LEDGER_SYMBOLS = {"land": "circle", "stalled": "square", "infrastructure": "diamond"}
LEDGER_NAMES = {"land": "土地", "stalled": "停产企业和停建项目", "infrastructure": "基础设施"}
SCALES_KM = (0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200)
KM_PER_DEGREE = 111.32


def _outline_rings(geometry: dict) -> list[list[list[float]]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [ring for polygon in polygons for ring in polygon]


def _line_xy(rings: list[list[list[float]]]) -> tuple[list, list]:
    """The rings as one line trace, a gap (None) between rings."""
    xs = [p[0] for ring in rings for p in [*ring, [None, None]]]
    ys = [p[1] for ring in rings for p in [*ring, [None, None]]]
    return xs, ys


def _scale_km(span_km: float) -> float:
    """A round length for the scale bar: about a quarter of the view's width."""
    return max([s for s in SCALES_KM if s <= span_km / 4] or [SCALES_KM[0]])


def park_map_figure(outline: dict | None, park: pd.Series, items: pd.DataFrame, stamp: Stamp, note: str) -> go.Figure:
    """Two panels drawn from bundled data only (no map service, prints and exports like any chart): where the park
    lies in its 盟市 (the league's outline, the park starred), and the park's surroundings with each located item
    coloured by status and shaped by ledger, the park marked and named, and a scale bar. outline: the league's
    GeoJSON feature (None: the boundary file is missing); park: map_parks row (name, lat, lon); items: map_items
    (item_id, ledger, title, map_status, status, deadline, lat, lon); customdata of an item is (item_id, ledger)."""
    fig = make_subplots(rows=1, cols=2, column_widths=[0.34, 0.66], horizontal_spacing=0.04)
    located = items.dropna(subset=["lat", "lon"])
    has_place = not (_missing(park["lat"]) or _missing(park["lon"]))
    rings = _outline_rings(outline["geometry"]) if outline else []
    xs, ys = _line_xy(rings)
    if rings:  # the locator: the whole league
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="lines",
            fill="toself",
            fillcolor="#e3f2fd",
            line={"color": "#1565c0"},
            hoverinfo="skip",
            showlegend=False,
            name="league_outline",
            row=1,
            col=1,
        )
    if has_place:
        fig.add_scatter(
            x=[park["lon"]],
            y=[park["lat"]],
            mode="markers",
            hoverinfo="skip",
            showlegend=False,
            marker={"symbol": "star", "size": 18, "color": "#c62828", "line": {"color": "white", "width": 1}},
            name="park_locator",
            row=1,
            col=1,
        )
    # the surroundings: the items and the park, a few kilometres around
    points = located[["lon", "lat"]].astype(float).to_numpy().tolist()
    if has_place:
        points.append([float(park["lon"]), float(park["lat"])])
    if rings:
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": "#1565c0", "width": 1.5, "dash": "dot"},
            hoverinfo="skip",
            showlegend=False,
            name="league_edge",
            row=1,
            col=2,
        )
    for status, color in STATUS_COLORS.items():
        part = located[located.map_status == status]
        fig.add_scatter(
            x=part.lon.astype(float),
            y=part.lat.astype(float),
            mode="markers",
            marker={
                "color": color,
                "size": 12,
                "symbol": [LEDGER_SYMBOLS.get(x, "circle") for x in part.ledger],
                "line": {"color": "white", "width": 1},
            },
            customdata=part[["item_id", "ledger"]].to_numpy(),
            text=[
                f"{t}<br>{LEDGER_NAMES.get(g, g)}　{s}"
                for t, g, s in zip(part.title, part.ledger, part.status, strict=True)
            ],
            hovertemplate="%{text}<br>编号 %{customdata[0]}，点击打开台账条目<extra></extra>",
            name=f"{STATUS_NAMES[status]}（{len(part)} 项）",
            showlegend=len(part) > 0,
            row=1,
            col=2,
        )
    if has_place:
        fig.add_scatter(
            x=[park["lon"]],
            y=[park["lat"]],
            mode="markers+text",
            text=[park["name"]],
            textposition="top center",
            textfont={"color": "#0d47a1", "shadow": "1px 1px 2px white"},
            marker={"symbol": "circle-open", "size": 26, "color": "#1565c0", "line": {"width": 3}},
            hoverinfo="skip",
            showlegend=False,
            name="park",
            row=1,
            col=2,
        )
    middle = float(park["lat"]) if has_place else (sum(p[1] for p in points) / len(points) if points else 41.0)
    squash = 1 / math.cos(math.radians(middle))  # a degree of longitude is shorter than one of latitude
    if rings:
        lons, lats = [p[0] for r in rings for p in r], [p[1] for r in rings for p in r]
        pad = 0.05 * max(max(lons) - min(lons), max(lats) - min(lats))
        fig.update_xaxes(range=[min(lons) - pad, max(lons) + pad], row=1, col=1)
        fig.update_yaxes(range=[min(lats) - pad, max(lats) + pad], row=1, col=1)
    if points:
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        width, height = max(max(lons) - min(lons), 0.04), max(max(lats) - min(lats), 0.02)
        west, east = min(lons) - 0.12 * width, max(lons) + 0.12 * width
        fig.update_xaxes(range=[west, east], row=1, col=2)  # the aspect ratio widens whichever range it must
        # room above the points for the panel's label and below them for the scale bar
        fig.update_yaxes(range=[min(lats) - 0.3 * height, max(lats) + 0.22 * height], row=1, col=2)
        km = _scale_km((east - west) * KM_PER_DEGREE / squash)
        length = km / (KM_PER_DEGREE / squash)
        y0, x0 = min(lats) - 0.2 * height, min(lons)
        fig.add_scatter(
            x=[x0, x0 + length],
            y=[y0, y0],
            mode="lines+text",
            line={"color": "#212121", "width": 3},
            text=["", f"{km:g} 公里"],
            textposition="middle right",
            hoverinfo="skip",
            showlegend=False,
            name="scale_bar",
            row=1,
            col=2,
        )
    for col in (1, 2):
        fig.update_xaxes(visible=False, row=1, col=col)
        fig.update_yaxes(visible=False, scaleanchor="x" if col == 1 else "x2", scaleratio=squash, row=1, col=col)
    fig.update_layout(
        legend={"orientation": "h", "x": 0.36, "y": -0.02, "xanchor": "left", "yanchor": "top"},
        title_subtitle_text=note,
        title_subtitle_font={"size": 14, "color": "#616161"},
        shapes=[  # a frame around each panel, so the map reads as a map, not dots on paper
            {
                "type": "rect",
                "xref": f"x{'' if c == 1 else c} domain",
                "yref": f"y{'' if c == 1 else c} domain",
                "x0": 0,
                "x1": 1,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#bdbdbd", "width": 1},
                "layer": "below",
            }
            for c in (1, 2)
        ],
    )
    fig.add_annotation(
        text="位置",
        xref="x domain",
        yref="y domain",
        x=0.02,
        y=0.98,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": 14, "color": "#424242"},
    )
    fig.add_annotation(
        text="园区及其条目（形状：● 土地 ■ 停产企业和停建项目 ◆ 基础设施）",
        xref="x2 domain",
        yref="y2 domain",
        x=0.02,
        y=0.98,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": 14, "color": "#424242"},
        bgcolor="rgba(255,255,255,0.8)",
    )
    return finish(fig, f"{park['name']}闲置资产分布", stamp, height=460)
