"""整治进度: plan against actual per phase, who is behind, what is overdue, the 督导通报 and 纸面整改 checks."""

import streamlit as st

import queries
from auth.roles import Action
from charts import format as fmt
from charts import progress as pg
from charts.overview import completion_figure
from charts.supervision import LAG_POINTS, LagRules, lagging_leagues, standing_rule
from charts.theme import plotly_config
from queries.overdue import overdue_counts, overdue_head
from queries.scope import Scope
from reports.relapses import relapse_sentence
from reports.stamp import stamp
from reports.supervision_notice import notice_docx
from reports.workbooks import overdue_xlsx
from ui.downloads import export_button, export_menu
from ui.scope import catalog, drill_down, page_header, selected_key
from ui.session import current_user
from ui.tables import chinese_headers, date_column, item_link, item_table, park_link_column, percent_column, table
from ui.url_state import PROGRESS_VIEWS, view_control

OVERDUE_SHOWN = 500  # rows of the 超期清单 sent to the browser (the most overdue first); the counts cover all
OVERDUE_COLUMNS = ["link", "ledger_name", "title", "park_name", "days_overdue", "deadline", "responsible_unit",
                   "league_name"]  # fmt: skip
GAP_COLUMNS = ["park_name", "league_name", "state", "filed_date"]
PAPER_COLUMNS = ["rule_name", "item_id", "title", "ledger_name", "park_name", "league_name", "detail"]

scope = page_header("整治进度")
names = catalog()
sees_region = current_user().may(Action.SEE_REGION)  # the 督导通报 compares all 12 leagues
views = {k: v for k, v in PROGRESS_VIEWS.items() if sees_region or k != "notice"}
view = view_control(views, "phases", "progress_view")

if view in (None, "阶段进度"):
    for column, phase in zip(st.columns(4), queries.phase_progress(scope).itertuples(), strict=True):
        with column.container(border=True):
            st.markdown(f"**{phase.name}** · {phase.state}")
            value, note = pg.phase_figures(phase)
            st.metric(f"{phase.start_date:%Y-%m} — {phase.end_date:%Y-%m}", value)
            begun = phase.state != "未开始" and phase.target
            st.progress(phase.done / phase.target if begun else 0.0)
            st.caption(note)

    st.subheader("宣传动员：动员部署会议与落实方案")
    milestones = pg.milestone_table(queries.league_milestones(scope))
    table(pg.milestone_style(milestones), "progress_milestones", fit=True)

    st.subheader("排查摸底：自查台账报送（截止 2022-08-31）")
    coverage = queries.survey_coverage(scope)
    left, right = st.columns([3, 2])
    with left:
        shown = fmt.in_percent(chinese_headers(coverage.drop(columns="league_code")), "按期覆盖率")
        table(shown, "progress_coverage", fit=True, column_config={"按期覆盖率": percent_column()})
    gaps = queries.survey_gaps(scope)
    with right:
        st.markdown(f"**需“补课”“返工”的园区：{len(gaps)} 个**")
        if not gaps.empty:
            table(fmt.dashed(chinese_headers(gaps[GAP_COLUMNS])), "progress_gaps")

    st.subheader("集中整治与长效盘活：累计发现与整改")
    curve = queries.rectification_curve(scope)
    ledger = st.selectbox("台账", ["全部台账", *curve.name.unique()], key="progress_curve_ledger")
    figure = pg.curve_figure(curve, None if ledger == "全部台账" else ledger, stamp(scope))
    st.plotly_chart(figure, config=plotly_config("累计整改进度"), key="progress_curve")
    export_menu(figure, f"累计整改进度_{scope.asof:%Y%m%d}", "progress_curve")

elif view == "盟市对比":
    matrix = queries.unit_ledger_matrix(scope)
    matrix_frame = pg.matrix_table(matrix)
    overall = matrix_frame["合计·已整改"].sum() / max(matrix_frame["合计·发现"].sum(), 1)
    level = "各盟市" if scope.league is None else f"{names.leagues[scope.league]}各园区"
    whole = f"{names.leagues[scope.league]}整体" if scope.league else "全区整体"
    if scope.park is None:
        units = matrix_frame.reset_index().rename(
            columns={"单位": "name", "合计·发现": "found", "合计·已整改": "rectified", "合计·超期": "overdue",
                     "合计·完成率": "completion_rate"}
        )  # fmt: skip
        bars = completion_figure(units, "unit_id", stamp(scope), f"{level}整改完成率（点击柱形进入）", overall, whole)
        event = st.plotly_chart(
            bars,
            on_select="rerun",
            selection_mode="points",
            key=f"progress_bars_{scope.league or 'region'}",
            config=plotly_config("整改完成率对比"),
        )
        export_menu(bars, f"整改完成率对比_{scope.asof:%Y%m%d}", "progress_bars")
        clicked = selected_key(event, dict(zip(units.name, units.unit_id, strict=True)))
        if clicked:
            drill_down(scope, clicked)
    rates, overdue_matrix = pg.matrix_parts(matrix_frame)
    st.markdown(f"**{level}分台账整改完成率**")
    st.caption(standing_rule(whole, overall) + "点表头排序，选中一行进入该单位。")
    event = table(
        pg.style_rates(rates, overall),
        f"progress_matrix_{scope.league or 'region'}",
        fit=True,
        on_select="rerun",
        selection_mode="single-row",
    )
    rows = event["selection"]["rows"] if event else []
    if rows and scope.park is None:
        unit = matrix_frame.index[rows[0]]
        drill_down(scope, unit)
    st.markdown(f"**{level}分台账超期未整改（项）**")
    table(pg.style_overdue(overdue_matrix), "progress_matrix_overdue", fit=True)

elif view == "超期清单":
    kpis = queries.ledger_kpis(scope)
    chosen = st.selectbox("台账", ["全部台账", *kpis.name], key="progress_overdue_ledger")
    ledger = None if chosen == "全部台账" else dict(zip(kpis.name, kpis.ledger, strict=True))[chosen]
    count, extended = overdue_counts(scope, ledger)  # of every overdue item; only the rows shown are fetched
    overdue = overdue_head(scope, OVERDUE_SHOWN, ledger)
    st.markdown(
        f"截至 {scope.asof:%Y-%m-%d}，超过整改时限仍未整改 **{count}** 项"
        + (f"（其中 {extended} 项经批准延期，按延期后的时限计算）。" if extended else "。")
    )
    if chosen in ("全部台账", "土地"):
        parks = pg.overdue_parks_table(queries.overdue_parks(scope), scope.asof)
        st.markdown(f"**有超期未整改土地的园区：{len(parks)} 个**（土地台账：批而未供、闲置土地、低效用地）")
        if len(parks):
            area = st.column_config.NumberColumn(format="%.1f")
            table(parks, "progress_overdue_parks", column_config={"园区档案": park_link_column(), "面积(公顷)": area})
        st.markdown("**超期未整改事项**")
    if count > OVERDUE_SHOWN:
        st.caption(
            f"下表列出超期最久的 {OVERDUE_SHOWN} 项；导出的 Excel 含全部 {count} 项，"
            "也可在“台账”页选“仅看超期未整改”筛选。"
        )
    shown = overdue.assign(link=[item_link(i, scope) for i in overdue.item_id])[OVERDUE_COLUMNS]
    item_table(chinese_headers(shown), "progress_overdue", {"整改时限": date_column()})
    picked = None if chosen == "全部台账" else chosen
    label = stamp(scope).scope_label
    export_button(
        "导出超期清单（Excel）",
        lambda: overdue_xlsx(  # on click: every overdue item, not only the rows shown
            pg.overdue_table(queries.overdue_items(scope, ledger)), label, scope.asof, stamp(scope).demo, picked
        ),
        file_name=f"超期清单_{label.replace(' › ', '_')}{'_' + picked if picked else ''}_{scope.asof:%Y%m%d}.xlsx",
        what="超期清单",
        scope_label=label,
        icon=":material/download:",
        key="progress_overdue_export",
    )

elif view == "督导通报" and sees_region:
    summary = queries.supervision_summary(scope)
    st.caption("督导通报在全区范围比较12个盟市，不随所选盟市、园区变化。通报标准可调整：")
    c1, c2, c3 = st.columns(3)
    rules = LagRules(
        rate_gap_points=c1.number_input("完成率低于全区（百分点）", 0.0, 50.0, LAG_POINTS, 0.5, key="progress_gap"),
        overdue_at_least=int(c2.number_input("超期未整改达到（项）", 1, 500, 10, 1, key="progress_overdue_min")),
        survey_incomplete=c3.checkbox("自查台账逾期未报、动员部署逾期未完成也通报", True, key="progress_survey_rule"),
    )
    lagging = lagging_leagues(summary, rules)
    extended = int(summary.extended.sum())
    st.markdown(
        f"**本期应通报盟市：{len(lagging)} 个**（全区整改完成率 {fmt.rate(summary.region_rate.iloc[0])}；"
        f"经批准延期 {extended} 项，按延期后的时限判断超期）"
    )
    for row in lagging.itertuples():
        st.markdown(f"- **{row.league_name}**：" + "；".join(row.reasons))
    number = st.text_input("通报文号（可选）", "", key="progress_notice_number", placeholder="例如：第3期")
    whole = Scope(None, None, scope.asof)
    region, demo = queries.ledger_kpis(whole), bool(queries.data_origin(whole).demo_items)
    export_button(
        "下载督导通报（Word）",
        notice_docx(region, lagging, scope.asof, demo, rules, number, relapse_sentence(queries.relapse_rates(whole))),
        file_name=f"督导通报_{scope.asof:%Y%m%d}.docx",
        what="督导通报",
        scope_label="全区",
        icon=":material/download:",
        key="progress_notice",
    )

else:
    checks = queries.paper_checks(scope)
    st.caption("“回头看”重点：已整改无佐证材料、销号早于发现、盘活面积超过地块面积、同一宗地在两本台账重复登记。")
    if checks.empty:
        st.success("当前范围未发现纸面整改疑点。")
    else:
        counts = checks.pivot_table(index="league_name", columns="rule_name", values="item_id", aggfunc="count")
        counts = counts.fillna(0).astype(int).rename_axis(index="盟市", columns=None).reset_index()
        table(counts, "progress_paper_counts")
        table(chinese_headers(checks[PAPER_COLUMNS]), "progress_paper_items")
