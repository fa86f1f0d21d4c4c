"""Builders for the 整治进度 page: cumulative progress against the plan, the unit × ledger matrix, overdue per unit."""

import math
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from charts import format as fmt
from charts.supervision import STANDINGS, rate_standing
from charts.theme import ACCENT, BAD, GOOD, Stamp, finish

RECTIFICATION_PLAN = (date(2022, 9, 1), date(2022, 12, 31))  # 集中整治: all found items rectified by year end
LONG_TERM_PLAN = (date(2023, 1, 1), date(2025, 12, 31))  # 长效盘活: everything revitalised within three years
MILESTONE_COLORS = {"按时完成": "#e8f5e9", "逾期完成": "#fff3e0", "逾期未完成": "#ffebee", "未到期": "#f5f5f5"}


def plan_share(day: date, start: date, end: date) -> float:
    """The planned share of found items rectified on a day: 0 before start, rising linearly to 1 at end."""
    if day <= start:
        return 0.0
    if day >= end:
        return 1.0
    return (day - start).days / (end - start).days


def phase_figures(phase) -> tuple[str, str]:
    """The card of a phase: "done / target" and what exactly is counted. A phase not begun shows no done
    count (items dealt with before it are named as such); 集中整治 counts what was rectified within the
    phase and names the items rectified before it, which the cumulative curve and 已整改 figures include."""
    done, target, earlier = int(phase.done), int(phase.target), int(phase.earlier)
    if phase.state == "未开始":
        note = f"尚未开始（{phase.start_date:%Y-%m-%d} 起）"
        if earlier:
            note += f"；此前已{'盘活' if phase.phase_id == 'long_term' else '整改'} {earlier} 项"
        return f"— / {target}", note
    note = phase.unit
    if earlier and phase.phase_id == "rectification":
        note += (
            f"；另有 {earlier} 项在 {phase.start_date:%m-%d} 前已整改，"
            f"累计整改曲线和“已整改”计入（合计 {done + earlier} 项）"
        )
    elif earlier:
        note += f"（含 {phase.start_date:%Y-%m-%d} 前已盘活的 {earlier} 项）"
    return f"{done} / {target}", note


def curve_figure(curve: pd.DataFrame, ledger_name: str | None, stamp: Stamp) -> go.Figure:
    """Cumulative found and rectified (all ledgers, or one by name) with the two plan lines."""
    data = curve if ledger_name is None else curve[curve.name == ledger_name]
    data = data.groupby("as_of_date", as_index=False)[["found", "rectified"]].sum()
    days = [d.date() for d in pd.to_datetime(data.as_of_date)]
    fig = go.Figure()
    fig.add_scatter(x=days, y=data.found, name="累计发现", mode="lines", line={"color": "#546e7a", "width": 2})
    fig.add_scatter(x=days, y=data.rectified, name="累计整改", mode="lines", line={"color": GOOD, "width": 3})
    plan = [found * plan_share(d, *RECTIFICATION_PLAN) for d, found in zip(days, data.found, strict=True)]
    line = {"dash": "dash", "width": 1.5}
    fig.add_scatter(x=days, y=plan, name="计划：年底前全部整改", mode="lines", line={**line, "color": ACCENT})
    start, end = LONG_TERM_PLAN
    if days and days[-1] >= start:
        # 长效盘活: from what was rectified when the phase began, the rest revitalised evenly over three years;
        # drawn from its start only (before it there is no three-year target, so no line lying flat at 0).
        base = next((int(r) for d, r in zip(days, data.rectified, strict=True) if d >= start), 0)
        target = [
            None if d < start else base + (found - base) * plan_share(d, start, end)
            for d, found in zip(days, data.found, strict=True)
        ]
        fig.add_scatter(
            x=days, y=target, name="三年长效盘活目标", mode="lines", line={**line, "color": BAD}, connectgaps=False
        )
    title = f"{ledger_name or '六本台账'}：累计发现与整改（对照计划）"
    fig.update_layout(legend={"orientation": "h", "y": 1.1, "x": 0}, hovermode="x unified")
    fig.update_yaxes(title="台账条目（项）", gridcolor="#eeeeee", rangemode="tozero")
    fig.update_xaxes(tickformat="%Y-%m")
    return finish(fig, title, stamp)


def matrix_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """Unit × ledger pivot: 完成率 and 超期 per ledger, then the unit's totals; one row per unit, in unit order."""
    units = matrix.drop_duplicates("unit_id")[["unit_id", "unit_name"]].set_index("unit_id")
    table = units.rename(columns={"unit_name": "单位"})
    totals = matrix.groupby("unit_id", sort=False)[["found", "rectified", "overdue"]].sum()
    table["合计·完成率"] = (totals.rectified / totals.found.where(totals.found > 0)).astype(float)
    table["合计·超期"] = totals.overdue
    table["合计·发现"] = totals.found
    table["合计·已整改"] = totals.rectified
    for ledger_name, part in matrix.groupby("ledger_name", sort=False):
        part = part.set_index("unit_id")
        table[f"{ledger_name}·完成率"] = part.completion_rate.astype(float)
        table[f"{ledger_name}·超期"] = part.overdue.astype(int)
    return table


def style_rates(rates: pd.DataFrame, reference_rate: float | None):
    """Colour the completion rates of matrix_parts against the reference by charts.supervision.rate_standing (the
    chart's and the 督导通报's rule: red 滞后, orange a little below, green at or above); a unit without items in a
    ledger shows "—", not None."""

    def rate_color(value: float) -> str:
        standing = rate_standing(value, reference_rate)
        return "color: #9e9e9e" if standing == "none" else f"background-color: {STANDINGS[standing][1]}"

    columns = [c for c in rates.columns if c not in ("单位", "发现(项)", "已整改(项)")]
    return rates.style.map(rate_color, subset=columns).format(na_rep="—").format(fmt.rate, subset=columns, na_rep="—")


def style_overdue(overdue: pd.DataFrame):
    """Overdue counts of matrix_parts: red and bold above zero, grey at zero."""
    columns = [c for c in overdue.columns if c != "单位"]
    return overdue.style.map(
        lambda v: "color: #c62828; font-weight: 600" if v else "color: #9e9e9e", subset=columns
    ).format(na_rep="—")


def milestone_table(milestones: pd.DataFrame) -> pd.DataFrame:
    """One row per league, one column per milestone: its state and, when done, the date (按时完成 07-21)."""
    cells = milestones.assign(
        cell=[
            state if pd.isna(done) else f"{state} {pd.Timestamp(done):%m-%d}"
            for state, done in zip(milestones.state, milestones.done_date, strict=True)
        ]
    )
    table = cells.pivot(index=["league_code", "league_name"], columns="name", values="cell")
    order = list(dict.fromkeys(milestones.name))
    return table[order].reset_index(level=0, drop=True).rename_axis(index="盟市", columns=None).reset_index()


def milestone_style(table: pd.DataFrame):
    def color(value: str) -> str:
        state = str(value).split(" ")[0]
        return f"background-color: {MILESTONE_COLORS.get(state, 'white')}"

    return table.style.map(color, subset=[c for c in table.columns if c != "盟市"])


OVERDUE_COLUMNS = {
    "item_id": "编号",
    "ledger_name": "台账",
    "title": "名称",
    "league_name": "盟市",
    "park_name": "园区",
    "responsible_unit": "责任单位",
    "deadline": "整改时限",
    "days_overdue": "超期天数",
    "status": "状态",
    "extensions": "经批准延期(次)",
}


def overdue_table(overdue: pd.DataFrame) -> pd.DataFrame:
    """The 超期清单 with Chinese headers, deadlines as dates: for the Excel export (same rows as the page)."""
    table = overdue[list(OVERDUE_COLUMNS)].rename(columns=OVERDUE_COLUMNS)
    table["整改时限"] = pd.to_datetime(table["整改时限"]).dt.date
    return table.astype({"超期天数": "int64", "经批准延期(次)": "int64"})


def overdue_parks_table(parks: pd.DataFrame, asof: date) -> pd.DataFrame:
    """Parks with overdue land (overdue_parks), with a link to each park's profile, areas in 公顷."""
    link = "park?league={}&park={}&asof=" + f"{asof:%Y-%m-%d}"
    return pd.DataFrame(
        {
            "园区": parks.park_name,
            "盟市": parks.league_name,
            "超期土地(宗)": parks.overdue_land.astype(int),
            "其中闲置土地(宗)": parks.overdue_idle.astype(int),
            "面积(公顷)": parks.overdue_area_mu.astype(float) / fmt.MU_PER_HA,
            "最长超期(天)": parks.max_days_overdue.astype(int),
            "园区档案": [link.format(lg, pk) for lg, pk in zip(parks.league_code, parks.park_id, strict=True)],
        }
    )


def matrix_parts(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The unit × ledger matrix as two tables narrow enough for a 1366 screen: completion rates (with the unit's
    found and rectified) and overdue counts, each with one column per ledger, named by the ledger alone."""
    ledgers = [c.removesuffix("·完成率") for c in table.columns if c.endswith("·完成率") and c != "合计·完成率"]
    rates = table[["单位", "合计·发现", "合计·已整改", "合计·完成率", *(f"{n}·完成率" for n in ledgers)]]
    rates = rates.rename(columns={"合计·发现": "发现(项)", "合计·已整改": "已整改(项)", "合计·完成率": "合计"})
    overdue = table[["单位", "合计·超期", *(f"{n}·超期" for n in ledgers)]]
    rename = {f"{n}·完成率": n for n in ledgers} | {f"{n}·超期": n for n in ledgers} | {"合计·超期": "合计"}
    return rates.rename(columns=rename), overdue.rename(columns=rename)


def overdue_counts(overdue: pd.DataFrame, level: str) -> pd.DataFrame:
    """Overdue items per league (level league), park (park) or ledger (ledger): key, name, overdue, most first."""
    key, name = {"league": ("league_code", "league_name"), "park": ("park_id", "park_name")}.get(
        level, ("ledger", "ledger_name")
    )
    counts = overdue.groupby([key, name], as_index=False).size().rename(columns={key: "key", name: "name"})
    return counts.rename(columns={"size": "overdue"}).sort_values(["overdue", "name"], ascending=[False, True])


def overdue_figure(counts: pd.DataFrame, stamp: Stamp, title: str) -> go.Figure:
    """Horizontal bars of overdue items per unit, most on top; customdata[0] is the unit's key."""
    fig = go.Figure(
        go.Bar(
            y=counts.name,
            x=counts.overdue,
            orientation="h",
            marker_color=BAD,
            text=[f"{n} 项" for n in counts.overdue],
            textposition="outside",
            constraintext="none",
            cliponaxis=False,
            customdata=counts[["key"]].to_numpy(),
            hovertemplate="%{y}：超期未整改 %{x} 项<extra></extra>",
            name="超期未整改",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    most = max(1, int(counts.overdue.max() or 0))
    fig.update_xaxes(
        dtick=max(1, math.ceil(most / 6)),
        title="超期未整改（项）",
        gridcolor="#eeeeee",
        range=[0, most * 1.2],
    )
    return finish(fig, title, stamp, height=max(340, 34 * len(counts) + 200))
