"""总览: KPI cards per ledger, campaign phases, and the comparison that drills into leagues and parks."""

import streamlit as st

import queries
from charts import format as fmt
from charts.overview import changes, comparison_dates, completion_figure, kpi_cards, status_figure, totals
from charts.supervision import standing_rule
from charts.theme import STATE_COLORS, plotly_config
from queries.scope import Scope
from reports.counted_once import counted_once_sentence
from reports.stamp import stamp
from ui.downloads import export_menu
from ui.scope import catalog, drill_down, page_header, selected_key
from ui.supervision import light_line
from ui.tables import percent_column, table

COMPLETION_HEADERS = {
    "found": "发现(项)",
    "rectified": "已整改(项)",
    "overdue": "超期未整改(项)",
    "completion_rate": "完成率",
}

scope = page_header("总览")
names = catalog()

# Where the campaign stands --------------------------------------------------------------------
phase_columns = st.columns(4)
for column, phase in zip(phase_columns, queries.phases(scope).itertuples(), strict=True):
    with column.container(border=True):
        color = STATE_COLORS[phase.state]
        st.markdown(f"**{phase.name}** :small[{phase.start_date:%Y-%m} — {phase.end_date:%Y-%m}]")
        st.markdown(f"<span style='color:{color};font-weight:600'>● {phase.state}</span>", unsafe_allow_html=True)

# The totals with 环比 (a month before) and 同比 (a year before) ------------------------------------
ledgers = queries.ledger_kpis(scope)
earlier = {
    label: (day, queries.ledger_kpis(Scope(scope.league, scope.park, day)))
    for label, day in comparison_dates(scope.asof).items()
}
moves = changes(totals(ledgers), {k: (d, totals(t)) for k, (d, t) in earlier.items()}, names.first_date)
now = totals(ledgers)
headline = (
    ("发现问题", "found", fmt.count(now["found"]), "normal"),
    ("已整改", "rectified", fmt.count(now["rectified"]), "normal"),
    ("整改完成率", "rate", fmt.rate(now["rate"]), "normal"),
    ("超期未整改", "overdue", fmt.count(now["overdue"]), "inverse"),
)
for column, (label, measure, value, colour) in zip(st.columns(4), headline, strict=True):
    month, year = moves[measure]
    moved = bool(month.delta) and not month.delta.startswith("持平")
    column.metric(label, value, month.delta, colour if moved else "off", help=month.text, delta_arrow="off")
    column.caption(f"{month.text}；{year.text}")
st.caption("环比：与上月同日相比；同比：与上年同日相比（按各日期当时的台账状态重算）。")
light_line(queries.light_counts(scope))  # 督办三色 of the open items on the 数据截至 date

# One card per ledger --------------------------------------------------------------------------
cards = kpi_cards(ledgers, queries.category_kpis(scope))
for row_start in (0, 3):
    for column, card in zip(st.columns(3), cards[row_start : row_start + 3], strict=True):
        with column.container(border=True, key=f"overview_card_{card.ledger}"):
            st.metric(
                f"{card.name} · 整改完成率",
                fmt.rate(card.completion_rate),
                f"超期未整改 {card.overdue} 项" if card.overdue else "无超期",
                delta_color="inverse" if card.overdue else "off",
                delta_arrow="off",
            )
            st.markdown(f"发现 **{card.found}** 项　已整改 **{card.rectified}** 项")
            own = {k: (d, totals(t[t.ledger == card.ledger])) for k, (d, t) in earlier.items()}
            month, year = changes(totals(ledgers[ledgers.ledger == card.ledger]), own, names.first_date)["rate"]
            st.caption(f"完成率{month.text}；{year.text}")
            for line in card.lines:
                st.caption(line)

if counted := counted_once_sentence(queries.counted_once(scope)):
    st.caption(counted)  # one parcel, one enterprise counted once across the ledgers (#30)

registers = queries.survey_registers(scope)
st.caption(
    f"起底底数：2016年以来基础设施项目 {registers.infra_projects} 个（手续不齐全 "
    f"{registers.infra_incomplete_procedures} 个，长期未建成或建成未投运 {registers.infra_unfinished_or_idle} 个）；"
    f"停产1年以上企业 {registers.stopped_enterprises} 家。"
)

# Comparison one level down, click to drill ----------------------------------------------------
found = int(ledgers.found.sum())
overall = int(ledgers.rectified.sum()) / found if found else None
figure_stamp = stamp(scope)
if scope.park is None:
    if scope.league is None:
        completion = queries.league_completion(scope)
        key, title, label = "league_code", "各盟市整改完成率（点击柱形进入该盟市）", "盟市"
    else:
        completion = queries.park_completion(scope)
        key, title, label = "park_id", f"{names.leagues[scope.league]}各园区整改完成率（点击柱形进入园区）", "园区"
    figure = completion_figure(completion, key, figure_stamp, title, overall, f"{figure_stamp.scope_label}整体")
    event = st.plotly_chart(
        figure,
        on_select="rerun",
        selection_mode="points",
        key=f"overview_compare_{scope.league or 'region'}",
        config=plotly_config("整改完成率"),
    )
    export_menu(figure, f"整改完成率_{figure_stamp.scope_label}_{scope.asof:%Y%m%d}", "overview_compare")
    st.caption(standing_rule(f"{figure_stamp.scope_label}整体", overall))
    clicked = selected_key(event, dict(zip(completion.name, completion[key], strict=True)))
    if clicked:
        drill_down(scope, clicked)
    shown = completion.rename(columns=COMPLETION_HEADERS | {"name": label}).drop(
        columns=[key, "league_code"], errors="ignore"
    )
    table(fmt.in_percent(shown, "完成率"), "overview_table", fit=True, column_config={"完成率": percent_column()})
else:
    breakdown = queries.status_breakdown(scope)
    if breakdown.empty:
        st.info("该园区截至所选日期没有台账条目。")
    else:
        figure = status_figure(breakdown, figure_stamp, f"{names.parks[scope.park][0]}各台账整改状态")
        st.plotly_chart(figure, config=plotly_config("园区整改状态"), key="overview_status")
        export_menu(figure, f"园区整改状态_{names.parks[scope.park][0]}_{scope.asof:%Y%m%d}", "overview_status")
