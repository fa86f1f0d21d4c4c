"""会议模式 and its 会议材料, and the 汇报材料: each slide gathered for a scope from the pages' own queries and drawn by
the slide builders (reports/slides.py), so the screen, the decks and the pages show the same numbers."""

from collections.abc import Callable
from datetime import date

import pandas as pd
import plotly.graph_objects as go

import queries
from charts import dynamic
from charts import rankings as rk
from charts.overview import Card, kpi_cards
from charts.slide import Headline, Slide
from charts.supervision import LagRules, lagging_leagues
from charts.theme import Stamp
from queries.boundaries import league_boundaries
from queries.scope import Scope
from reports import slides
from reports.counted_once import counted_once_sentence
from reports.deck import slide_png, slides_deck
from reports.relapses import relapse_sentence
from reports.stamp import stamp


def _outlines(asof: date) -> dict | None:
    """The 盟市 outlines for the map, named only where the user may see the league (others: a plain outline);
    without them the map shows the parks only."""
    try:
        boundaries = league_boundaries()
    except (OSError, ImportError, ValueError):
        return None
    visible = set(queries.map_leagues(Scope(None, None, asof)).league_code)
    unnamed = {"name": "", "label": None}
    features = [
        f if f["properties"]["league_code"] in visible else {**f, "properties": {**f["properties"], **unnamed}}
        for f in boundaries["features"]
    ]
    return {**boundaries, "features": features}


def _level(scope: Scope) -> Scope:
    """The scope whose units a comparison shows: a park's scope compares the parks of its league."""
    return scope if scope.park is None else Scope(scope.league, None, scope.asof)


def kpis_slide(scope: Scope) -> Slide:
    cards = kpi_cards(queries.ledger_kpis(scope), queries.category_kpis(scope))
    return slides.kpi_slide(cards, stamp(scope), counted_once_sentence(queries.counted_once(scope)))


def phases_slide(scope: Scope) -> Slide:
    return slides.phases_slide(queries.phase_progress(scope), queries.rectification_curve(scope), stamp(scope))


def comparison_slide(scope: Scope) -> Slide:
    level = _level(scope)
    ledgers = queries.ledger_kpis(level)
    overall = ledgers.rectified.sum() / ledgers.found.sum() if ledgers.found.sum() else None
    if level.league is None:
        table, key, title = queries.league_completion(level), "league_code", "各盟市整改完成率"
    else:
        table, key, title = (
            queries.park_completion(level),
            "park_id",
            f"{queries.catalog().leagues[level.league]}各园区整改完成率",
        )
    return slides.comparison_slide(table, key, stamp(level), title, overall)


def map_slide(scope: Scope) -> Slide:
    return slides.map_slide(queries.map_parks(scope), _outlines(scope.asof), stamp(scope), scope.league)


def ranking_slide(scope: Scope, metric: str) -> Slide:
    here = stamp(scope)
    year = queries.ranking_years(scope)[1]
    place = queries.catalog().leagues.get(scope.league, "全区")
    title = f"{place}园区{rk.METRICS[metric]}排名" + (f"（{year}年）" if year else "")
    explain = (
        f"权重：{rk.weights_text(queries.DEFAULT_WEIGHTS)}；100 分 = 恰好达到控制性指标（演示估计）"
        if metric == "score"
        else "竖线：所属盟市中位数；红色为低于中位数，括号内为与中位数之差"
    )
    figure = rk.ranking_figure(
        queries.park_rankings(scope, year, metric),
        "park_id",
        metric,
        here,
        title,
        reference=None if metric == "score" else "league_median",
        reference_label="所属盟市中位数",
        subtitle=explain,
        clickable=False,
    )
    return Slide(title, figure, here, key="ranking")


def tax_slide(scope: Scope) -> Slide:
    year = queries.ranking_years(scope)[1]
    parks = queries.park_rankings(scope, year, "tax_per_mu")
    return slides.tax_slide(parks, stamp(scope), queries.catalog().leagues.get(scope.league, "全区"), year)


def overdue_slide(scope: Scope) -> Slide:
    level = "league" if scope.league is None else ("park" if scope.park is None else "ledger")
    return slides.overdue_slide(queries.overdue_items(scope), level, stamp(scope))


def lagging_slide(scope: Scope) -> Slide:
    """督导通报 as the page issues it: the lagging leagues, and the leagues with 回头看 relapses (region-wide, both)."""
    summary, rules = queries.supervision_summary(scope), LagRules()
    relapses = relapse_sentence(queries.relapse_rates(Scope(None, None, scope.asof)))
    return slides.lagging_slide(summary, lagging_leagues(summary, rules), stamp(scope), rules, scope.league, relapses)


def ladder_slide(scope: Scope) -> Slide:
    """The parks on the 动态管理 ladder (约谈 → 通报 → 限期整改 → 降级 / 调整出序列 / 整合), the highest step
    first: how many, how many are due for their follow-up, and the list (four columns: narrow enough for a phone)."""
    ladder = queries.park_ladder(scope)
    place = queries.catalog().leagues.get(scope.league, "全区")
    due = pd.to_datetime(ladder.next_follow_up) <= pd.Timestamp(scope.asof)  # no date set: not due
    headlines = (
        Headline(str(len(ladder)), "处于措施中的园区（个）", "bad" if len(ladder) else "good"),
        Headline(str(int(due.sum())), "已到复查日期（个）", "bad" if due.any() else "good"),
    )
    if ladder.empty:
        notes, table = ("本范围暂无园区处于约谈、通报等动态管理措施中。",), None
    else:
        notes, table = (), dynamic.ladder_table(ladder)[["盟市", "园区", "当前措施", "下次复查"]]
    return Slide(f"{place}园区动态管理措施", None, stamp(scope), headlines, table=table, notes=notes, key="ladder")


# 会议模式 and its 会议材料, in this order: one builder per slide, so the screen draws only the slide it shows
MEETING: dict[str, Callable[[Scope], Slide]] = {
    "kpis": kpis_slide,
    "phases": phases_slide,
    "compare": comparison_slide,
    "map": map_slide,
    "tax": tax_slide,
    "overdue": overdue_slide,
    "ladder": ladder_slide,
    "lagging": lagging_slide,
}


REGION_ONLY = ("lagging",)  # the 督导通报 compares all 12 leagues: only for users who see the region


def meeting_keys(sees_region: bool) -> list[str]:
    """The meeting's slides for a user: a league's or a park's user has no 督导通报 slide (as on 整治进度)."""
    return [key for key in MEETING if sees_region or key not in REGION_ONLY]


def meeting_deck(scope: Scope, keys: list[str], render: Callable[[go.Figure], bytes] = slide_png) -> bytes:
    """会议材料: the meeting's slides for the scope as a 16:9 .pptx (render draws the charts; the server by default)."""
    return slides_deck(stamp(scope), [MEETING[key](scope) for key in keys], render)


def deck_content(scope: Scope, metric: str = "tax_per_mu") -> tuple[Stamp, list[Card], list[Slide]]:
    """What the 汇报材料 shows for a scope, from the same queries and builders as the pages and the meeting: the 总览
    cards, the 整治进度 phases and curve, the comparison one level down (a park's scope: its league's parks), the
    园区排名 ranking by `metric` in the latest year, and the map of idle assets."""
    cards = kpi_cards(queries.ledger_kpis(scope), queries.category_kpis(scope))
    figures = [phases_slide(scope), comparison_slide(scope), ranking_slide(scope, metric), map_slide(scope)]
    return stamp(scope), cards, figures
