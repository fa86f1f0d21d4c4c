"""The slides of 会议模式 and its 会议材料 deck (one definition serves both): pure builders from query results."""

import pandas as pd

from charts import format as fmt
from charts import rankings as rk
from charts.overview import Card, completion_figure
from charts.progress import curve_figure, overdue_counts, overdue_figure, phase_figures
from charts.slide import Headline, Slide
from charts.static_map import idle_assets_figure, names_over_bubbles, park_class
from charts.supervision import LagRules, rate_standing
from charts.theme import Stamp
from reports.deck import kpi_summary

TOP_BOTTOM = 5  # parks shown at each end of the 亩均税收 ranking


def kpi_slide(cards: list[Card], stamp: Stamp, counted: str | None = None) -> Slide:
    """六本台账: the 总览 page's cards, with the totals as headline figures; counted (the 要情通报's sentence on
    released resources with each parcel and enterprise counted once) as its note, so the land the cards show
    盘活 is not quoted with the double counting of several ledgers."""
    found, rectified = sum(c.found for c in cards), sum(c.rectified for c in cards)
    overdue = sum(c.overdue for c in cards)
    headlines = (
        Headline(fmt.rate(rectified / found if found else None), "整改完成率"),
        Headline(f"{found:,}", "发现问题（项）"),
        Headline(f"{rectified:,}", "已整改（项）"),
        Headline(f"{overdue:,}", "超期未整改（项）", "bad" if overdue else "good"),
    )
    notes = (counted,) if counted else ()
    return Slide(
        "六本台账整改进展", None, stamp, headlines, kpi_summary(cards), cards=tuple(cards), notes=notes, key="kpis"
    )


def phases_slide(phases: pd.DataFrame, curve: pd.DataFrame, stamp: Stamp) -> Slide:
    """Each phase's plan against its actual (整治进度 page), and the cumulative curve against the plan lines."""
    shown = [(p, *phase_figures(p)) for p in phases.itertuples()]
    headlines = tuple(
        Headline(
            f"{value.replace(' / ', '/')} {p.unit[:1]}",
            f"{p.name}·{p.state}",
            "good" if p.target and p.done >= p.target else ("bad" if p.state == "已结束" else ""),
        )
        for p, value, _ in shown
    )
    notes = (
        "；".join(
            f"{p.name}：{'' if p.state == '未开始' else f'{int(p.done)} '}{note}（计划 {int(p.target)}）"
            for p, _, note in shown
        ),
    )
    figure = curve_figure(curve, None, stamp)
    return Slide("整治进度：各阶段计划与实际", figure, stamp, headlines, notes=notes, key="phases")


def comparison_slide(table: pd.DataFrame, key: str, stamp: Stamp, title: str, overall: float | None) -> Slide:
    """Completion per league (or per park of a league) against the whole, as on the 总览 page; leagues drill."""
    figure = completion_figure(table, key, stamp, title, overall, f"{stamp.scope_label}整体")
    rates = table.completion_rate.astype(float)
    below = sum(rate_standing(r, overall) == "lagging" for r in rates)  # the chart's red bars (one rule)
    unit = "盟市" if key == "league_code" else "园区"
    headlines = (
        Headline(fmt.rate(overall), f"{stamp.scope_label}整体完成率"),
        Headline(str(below), f"滞后的{unit}（个）", "bad" if below else "good"),
    )
    if rates.notna().any():
        best, worst = table.loc[rates.idxmax()], table.loc[rates.idxmin()]
        headlines += (
            Headline(fmt.rate(best.completion_rate), f"最高：{best['name']}", "good"),
            Headline(
                fmt.rate(worst.completion_rate),
                f"最低：{worst['name']}",
                "bad" if rate_standing(worst.completion_rate, overall) == "lagging" else "",
            ),
        )
    return Slide(title, figure, stamp, headlines, drill=key == "league_code", key="compare")


def map_slide(parks: pd.DataFrame, outlines: dict | None, stamp: Stamp, focus: str | None) -> Slide:
    """Where the idle assets still open lie (the static map the deck shows; it needs no map service)."""
    title = f"{stamp.scope_label}闲置资产分布"
    figure = names_over_bubbles(idle_assets_figure(parks, outlines, stamp, title, focus))
    kinds = [park_class(row) for _, row in parks.iterrows()]
    open_mu = float(parks.open_land_mu.astype(float).sum() + parks.open_stalled_mu.astype(float).sum())
    headlines = (
        Headline(fmt.hectares(open_mu), "未整改闲置土地与停产停建占地"),
        Headline(str(sum(k != "clear" for k in kinds)), "有未整改闲置资产的园区（个）"),
        Headline(str(kinds.count("overdue")), "其中有超期未整改的（个）", "bad" if "overdue" in kinds else "good"),
    )
    return Slide(title, figure, stamp, headlines, key="map")


def tax_slide(parks: pd.DataFrame, stamp: Stamp, place: str, year: int | None) -> Slide:
    """The first and last parks by 亩均税收 (park_rankings with metric tax_per_mu), as on the 园区排名 page."""
    ranked = parks[parks["rank"].notna()].sort_values("rank")
    ends = ranked if len(ranked) <= 2 * TOP_BOTTOM else pd.concat([ranked.head(TOP_BOTTOM), ranked.tail(TOP_BOTTOM)])
    title = f"{place}园区亩均税收前{TOP_BOTTOM}名与后{TOP_BOTTOM}名" + (f"（{year}年）" if year else "")
    figure = rk.ranking_figure(
        ends,
        "park_id",
        "tax_per_mu",
        stamp,
        title,
        reference="league_median",
        reference_label="所属盟市中位数",
        subtitle=f"共 {len(ranked)} 个园区参与排名；竖线：所属盟市中位数，红色为低于中位数",
        clickable=False,
    )
    headlines = ()
    if len(ranked):
        first, last = ranked.iloc[0], ranked.iloc[-1]
        headlines = (
            Headline(rk.value_text("tax_per_mu", first.value), f"第1名：{first['name']}", "good"),
            Headline(rk.value_text("tax_per_mu", ranked.value.median()), f"{len(ranked)} 个园区中位数"),
            Headline(rk.value_text("tax_per_mu", last.value), f"第{int(last['rank'])}名：{last['name']}", "bad"),
        )
    return Slide(title, figure, stamp, headlines, key="tax")


def overdue_slide(overdue: pd.DataFrame, level: str, stamp: Stamp) -> Slide:
    """Items past their 整改时限 and still open (整治进度 page, 超期清单), per league, park or ledger."""
    unit = {"league": "盟市", "park": "园区"}.get(level, "台账")
    title = f"超期未整改事项：分{unit}"
    counts = overdue_counts(overdue, level)
    figure = overdue_figure(counts, stamp, title) if len(counts) else None
    headlines = (
        Headline(str(len(overdue)), "超期未整改（项）", "bad" if len(overdue) else "good"),
        Headline(str(len(counts)), f"有超期事项的{unit}（个）"),
    )
    if len(overdue):
        worst = overdue.iloc[0]
        headlines += (
            Headline(f"{int(worst.days_overdue)} 天", f"超期最久：{worst.park_name}·{worst.ledger_name}", "bad"),
        )
    notes = () if len(counts) else (f"截至 {stamp.asof:%Y-%m-%d} 没有超过整改时限仍未整改的事项。",)
    return Slide(title, figure, stamp, headlines, notes=notes, drill=level == "league", key="overdue")


def lagging_slide(
    summary: pd.DataFrame,
    lagging: pd.DataFrame,
    stamp: Stamp,
    rules: LagRules,
    league: str | None,
    relapses: str | None = None,
) -> Slide:
    """督导通报: the leagues that lag by the default rules (always compared across the region), with why; relapses
    (reports.relapses.relapse_sentence: leagues whose closed items 回头看 found 不属实) as the 督导通报 prints it."""
    region = summary.region_rate.iloc[0] if len(summary) else None
    rows = lagging  # every lagging league, up to all twelve: the slide's type and rows shrink to hold them
    table = pd.DataFrame(
        {
            "盟市": [
                ("▶ " if code == league else "") + name
                for code, name in zip(rows.league_code, rows.league_name, strict=True)
            ],
            "整改完成率": [fmt.rate(r) for r in rows.completion_rate],
            "超期未整改": [f"{int(n)} 项" for n in rows.overdue],
            "通报原因": ["；".join(r) for r in rows.reasons],
        }
    )
    headlines = (
        Headline(str(len(lagging)), "本期应通报盟市（个）", "bad" if len(lagging) else "good"),
        Headline(fmt.rate(region), "全区整改完成率"),
    )
    if league is not None:
        listed = league in set(lagging.league_code)
        name = summary.set_index("league_code").league_name.get(league, "")
        headlines += (Headline("在列" if listed else "不在列", f"{name}是否被通报", "bad" if listed else "good"),)
    notes = [
        f"通报标准：整改完成率低于全区 {rules.rate_gap_points:g} 个百分点及以上，"
        f"或超期未整改 {rules.overdue_at_least} 项及以上，或自查台账逾期仍未报送、动员部署任务逾期仍未完成；"
        "在全区范围比较12个盟市。"
    ]
    if lagging.empty:
        notes.insert(0, "按上述标准，本期各盟市均无通报事项。")
    if relapses:
        notes.append(relapses)
    return Slide("督导通报：进展滞后盟市", None, stamp, headlines, table=table, notes=tuple(notes), key="lagging")
