"""What every page's export shares: the PNG/SVG/PDF menu under a chart, and the content of the briefing deck."""

import re
from collections.abc import Callable
from datetime import date

import plotly.graph_objects as go
import streamlit as st

import queries
from charts import rankings as rk
from charts.bulletin import bulletin_docx
from charts.deck import FigureSlide, idle_assets_figure
from charts.export import export_problem, figure_pdf, figure_png, figure_svg
from charts.overview import Card, completion_figure, kpi_cards
from charts.progress import curve_figure
from charts.supervision import LagRules, lagging_leagues
from charts.theme import Stamp
from pages._auth import export_button
from pages._shell import catalog, current_scope, stamp
from queries.boundaries import league_boundaries
from queries.scope import Scope

UNSAFE = re.compile(r'[\\/:*?"<>|\s›]+')  # characters a file name should not carry (Windows, the breadcrumb)
FORMATS: dict[str, tuple[Callable[[go.Figure], bytes], str, str]] = {
    "png": (figure_png, "image/png", "PNG 图片（1920×1080，2倍清晰度，用于幻灯片）"),
    "svg": (figure_svg, "image/svg+xml", "SVG 矢量图（文字可编辑，打开它的电脑需有中文字体）"),
    "pdf": (figure_pdf, "application/pdf", "PDF（字体已嵌入，用于印刷）"),
}


def _deferred(build: Callable[[go.Figure], bytes], fig: go.Figure) -> Callable[[], bytes]:
    return lambda: build(fig)


def export_menu(fig: go.Figure, name: str, key: str) -> None:
    """PNG, SVG and PDF of the figure, made on the server only when a button is clicked (with its title, scope,
    数据截至, source and 演示数据 mark); when the server cannot make images, says exactly what is missing."""
    problem = export_problem()
    if problem:
        st.caption(f":material/image_not_supported: {problem}")
        return
    scope_label = stamp(current_scope()[0]).scope_label
    with st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center", key=f"{key}_export"):
        st.caption("导出图表（含标题、范围、数据截至、来源）：", width="content")
        for fmt, (build, mime, help_text) in FORMATS.items():
            export_button(
                fmt.upper(),
                _deferred(build, fig),
                file_name=f"{UNSAFE.sub('_', name)}.{fmt}",
                what=f"图表 {fmt.upper()}",
                scope_label=scope_label,
                mime=mime,
                help=help_text,
                icon=":material/download:",
                type="tertiary",
                key=f"{key}_{fmt}",
            )


def _outlines() -> dict | None:
    """The 盟市 outlines for the map; without them the map shows the parks only."""
    try:
        return league_boundaries()
    except (OSError, ImportError, ValueError):
        return None


def deck_content(scope: Scope, metric: str = "tax_per_mu") -> tuple[Stamp, list[Card], list[FigureSlide]]:
    """What the 汇报材料 shows for a scope, from the same queries and builders as the pages: the 总览 cards, the
    整治进度 curve, the comparison one level down (a park's scope: its league's parks), the 园区排名 ranking by
    `metric` in the latest year, and the map of idle assets."""
    names = catalog()
    here = stamp(scope)
    cards = kpi_cards(queries.ledger_kpis(scope), queries.category_kpis(scope))
    slides = [
        FigureSlide("整治进度：累计发现与整改", curve_figure(queries.rectification_curve(scope), None, here), here)
    ]

    level = scope if scope.park is None else Scope(scope.league, None, scope.asof)
    level_stamp = stamp(level)
    ledgers = queries.ledger_kpis(level)
    overall = ledgers.rectified.sum() / ledgers.found.sum() if ledgers.found.sum() else None
    if level.league is None:
        table, key, title = queries.league_completion(level), "league_code", "各盟市整改完成率"
    else:
        table, key, title = queries.park_completion(level), "park_id", f"{names.leagues[level.league]}各园区整改完成率"
    figure = completion_figure(table, key, level_stamp, title, overall, f"{level_stamp.scope_label}整体")
    slides.append(FigureSlide(title, figure, level_stamp))

    year = queries.ranking_years(scope)[1]
    place = names.leagues.get(scope.league, "全区")
    title = f"{place}园区{rk.METRICS[metric]}排名" + (f"（{year}年）" if year else "")
    parks = queries.park_rankings(scope, year, metric)
    explain = (
        f"权重：{rk.weights_text(queries.DEFAULT_WEIGHTS)}；100 分 = 恰好达到控制性指标（演示估计）"
        if metric == "score"
        else "竖线：所属盟市中位数；红色为低于中位数，括号内为与中位数之差"
    )

    figure = rk.ranking_figure(
        parks,
        "park_id",
        metric,
        here,
        title,
        reference=None if metric == "score" else "league_median",
        reference_label="所属盟市中位数",
        subtitle=explain,
        clickable=False,
    )
    slides.append(FigureSlide(title, figure, here))

    title = f"{here.scope_label}闲置资产分布"
    figure = idle_assets_figure(queries.map_parks(scope), _outlines(), here, title, scope.league)
    slides.append(FigureSlide(title, figure, here))
    return here, cards, slides


def bulletin_for(number: int, asof: date, previous: date) -> bytes:
    """要情通报 第N期 for the whole region on asof, compared with previous, from the pages' own queries."""
    now, before = Scope(None, None, asof), Scope(None, None, previous)
    return bulletin_docx(
        number,
        asof,
        previous,
        queries.ledger_kpis(now),
        queries.category_kpis(now),
        queries.ledger_kpis(before),
        queries.category_kpis(before),
        lagging_leagues(queries.supervision_summary(now), LagRules()),
        bool(queries.data_origin(now).demo_items),
    )
