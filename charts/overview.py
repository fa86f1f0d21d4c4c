"""Builders for the 总览 page: KPI cards per ledger, completion comparison, status breakdown."""

import calendar
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from charts import format as fmt
from charts.supervision import LAG_POINTS, STANDINGS, rate_standing
from charts.theme import STATUS_COLORS, Stamp, finish


@dataclass(frozen=True)
class Card:
    ledger: str
    name: str
    found: int
    rectified: int
    overdue: int
    completion_rate: float | None
    lines: tuple[str, ...]  # the ledger's headline quantities


def _headlines(ledger: str, cats: pd.DataFrame) -> tuple[str, ...]:
    """The quantities each ledger is judged by, in the published bulletins' terms."""
    c = cats.set_index("category")
    if ledger == "pending_approval":
        return (
            f"审批事项办结 {fmt.count(c.at['pending_approval', 'rectified_approvals'], '项')}"
            f" / {fmt.count(c.at['pending_approval', 'found_approvals'], '项')}",
        )
    if ledger == "idle_fund":
        return (
            f"收回上缴 {fmt.money(c.at['idle_fund', 'returned_wan'])}",
            f"沉淀余额 {fmt.money(c.at['idle_fund', 'found_amount_wan'])}",
        )
    if ledger == "land":
        idle = c.loc["land_idle"]
        lines = [f"闲置土地盘活 {fmt.hectares(idle.rectified_area_mu)} / {fmt.hectares(idle.found_area_mu)}"]
        if idle.found_area_mu:
            lines.append(f"闲置土地面积盘活率 {fmt.rate(idle.rectified_area_mu / idle.found_area_mu)}")
        return tuple(lines)
    if ledger == "infrastructure":
        half, papers = c.loc["infra_half_finished"], c.loc["infra_procedures"]
        return (
            f"半拉子工程 {int(half.found)} 个，已盘活 {int(half.rectified)} 个",
            f"手续不齐全 {int(papers.found)} 个，已补办 {int(papers.rectified)} 个",
        )
    if ledger == "stalled":
        rows = c.loc[["stalled_long", "stalled_zombie", "stalled_project"]]
        parts = "，".join(f"{r.name} {int(r.rectified)}/{int(r.found)}" for r in rows.itertuples())
        return (parts, f"盘活占地 {fmt.hectares(rows.rectified_area_mu.sum())}")
    return (f"低效项目用地 {fmt.area(c.at['indicator', 'found_area_mu'])}",)


def kpi_cards(ledgers: pd.DataFrame, categories: pd.DataFrame) -> list[Card]:
    cards = []
    for row in ledgers.itertuples():
        rate = None if pd.isna(row.completion_rate) else float(row.completion_rate)
        cards.append(
            Card(
                row.ledger,
                row.name,
                int(row.found),
                int(row.rectified),
                int(row.overdue),
                rate,
                _headlines(row.ledger, categories[categories.ledger == row.ledger]),
            )
        )
    return cards


def completion_figure(
    df: pd.DataFrame, key: str, stamp: Stamp, title: str, reference_rate: float | None, reference_label: str
) -> go.Figure:
    """Horizontal bars of completion rate per league or park (df has key, name, found, rectified, overdue,
    completion_rate), best on top; coloured by charts.supervision.rate_standing against the reference rate (the same
    rule as the 盟市对比 table and the 督导通报). Names stand level on the left, so they read on
    a phone as on a projector; each value sits inside its bar's end, where the reference line (drawn under the
    bars) cannot strike it through. customdata[0] is the key to drill."""
    data = df.assign(rate=df.completion_rate.astype(float).fillna(-1)).sort_values(
        ["rate", "name"], ascending=[False, True]
    )
    has_items = data.found > 0
    standings = [rate_standing(r if ok else None, reference_rate) for r, ok in zip(data.rate, has_items, strict=True)]
    colors = [STANDINGS[s][0] for s in standings]
    fig = go.Figure(
        go.Bar(
            y=data.name.tolist(),  # the deck counts a chart's rows from trace.y
            x=(data.rate.clip(lower=0) * 100).tolist(),
            orientation="h",
            marker_color=colors,
            text=[fmt.rate(r) if ok else "无台账" for r, ok in zip(data.rate, has_items, strict=True)],
            textposition="auto",  # inside the bar's end; outside only a bar too short to hold it
            insidetextanchor="end",
            insidetextfont={"color": "white"},
            outsidetextfont={"color": "#212121"},
            constraintext="inside",  # a label larger than its bar (the meeting's big type) shrinks to fit it
            customdata=data[[key, "found", "rectified", "overdue"]].to_numpy(),
            hovertemplate="%{y}<br>完成率 %{x:.1f}%<br>发现 %{customdata[1]} 项，已整改 %{customdata[2]} 项"
            "<br>超期未整改 %{customdata[3]} 项<extra>点击查看</extra>",
            name="完成率",
        )
    )
    if reference_rate is not None:
        fig.add_vline(x=reference_rate * 100, line_dash="dash", line_color="#424242", layer="below", name="reference")
        fig.add_annotation(
            text=f"虚线：{reference_label} {fmt.rate(reference_rate)}（红：低{LAG_POINTS:g}个百分点及以上，橙：略低）",
            xref="paper",
            yref="paper",
            x=1,
            y=1.01,
            xanchor="right",
            yanchor="bottom",
            showarrow=False,
            font={"size": 12, "color": "#424242"},
        )
    fig.update_xaxes(title="整改完成率（%）", range=[0, 100], gridcolor="#eeeeee", dtick=20)
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    fig.update_layout(bargap=0.25)
    return finish(fig, title, stamp, height=max(360, 30 * len(data) + 150))


def status_figure(df: pd.DataFrame, stamp: Stamp, title: str) -> go.Figure:
    """Stacked horizontal bars: items per ledger by status on the date (df: name, status, items)."""
    fig = go.Figure()
    order = list(dict.fromkeys(df.name))
    for status, color in STATUS_COLORS.items():
        part = df[df.status == status].set_index("name").reindex(order)
        fig.add_bar(
            y=order,
            x=part["items"].fillna(0),
            name=status,
            orientation="h",
            marker_color=color,
            hovertemplate="%{y}：%{x} 项<extra>" + status + "</extra>",
        )
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": 1.08, "x": 0.5, "xanchor": "center"})
    fig.update_xaxes(title="台账条目（项）", gridcolor="#eeeeee")
    fig.update_yaxes(autorange="reversed")
    return finish(fig, title, stamp, height=360)


# 同比 / 环比 ----------------------------------------------------------------------------------------
def _month_back(day: date, months: int) -> date:
    """The same day `months` earlier, or that month's last day when it is shorter (03-31 -> 02-28)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def comparison_dates(asof: date) -> dict[str, date]:
    """环比 compares with the same day a month earlier, 同比 with the same day a year earlier."""
    return {"环比": _month_back(asof, 1), "同比": _month_back(asof, 12)}


@dataclass(frozen=True)
class Change:
    label: str  # 环比 / 同比
    day: date  # the date compared with
    delta: str | None  # +2.1个百分点 / +35项; None when there was nothing to compare with
    text: str  # 环比（较 2023-05-08）+2.1个百分点


def _signed(value: float, unit: str, decimals: int = 0) -> str:
    return f"{value:+,.{decimals}f}{unit}" if round(value, decimals) else f"持平（0{unit}）"


def changes(now: dict[str, float], before: dict[str, dict[str, float]], first: date) -> dict[str, list[Change]]:
    """For found, rectified, overdue (counts) and rate (share or None): the 环比 and 同比 change, each saying
    which date it compares with; a date before the ledgers begin (first) has nothing to compare with."""
    out: dict[str, list[Change]] = {}
    for measure in ("found", "rectified", "rate", "overdue"):
        out[measure] = []
        for label, (day, then) in before.items():
            if day < first:
                out[measure].append(Change(label, day, None, f"{label}：{day:%Y-%m-%d} 尚无台账，不作比较"))
                continue
            if measure == "rate":
                if now["rate"] is None or then["rate"] is None:
                    delta = None
                else:
                    delta = _signed((now["rate"] - then["rate"]) * 100, "个百分点", 1)
            else:
                delta = _signed(now[measure] - then[measure], "项")
            out[measure].append(Change(label, day, delta, f"{label}（较 {day:%Y-%m-%d}）{delta or '—'}"))
    return out


def totals(ledgers: pd.DataFrame) -> dict[str, float]:
    """found, rectified, overdue and the completion rate (None with nothing found) of ledger_kpis rows."""
    found, rectified = int(ledgers.found.sum()), int(ledgers.rectified.sum())
    return {
        "found": found,
        "rectified": rectified,
        "overdue": int(ledgers.overdue.sum()),
        "rate": rectified / found if found else None,
    }
