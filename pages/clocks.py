"""法定时限: the clocks the law sets — idle land's 闲置费 and 无偿收回 milestones, 待批项目's approval time limits."""

import streamlit as st

import queries
from charts import format as fmt
from queries.law_clocks import (
    MILESTONE_FLAGS,
    approval_departments,
    land_clocks_head,
    land_milestones_by_league,
    land_stages,
    longest_waits,
)
from reports.clocks import approval_waits_xlsx, land_clocks_xlsx, land_table, wait_table
from reports.stamp import stamp
from ui.downloads import export_button
from ui.scope import page_header
from ui.tables import table

TOP_WAITS = 5  # waits shown per department (the export has all)
LAND_SHOWN = 300  # parcels sent to the browser (the counts and the export cover all)
LEAGUE_HEADERS = {
    "league_name": "盟市",
    "rows": "计时地块",
    "fee_this_month": "本月满一年",
    "fee_next_month": "下月满一年",
    "recovery_this_month": "本月满两年",
    "recovery_next_month": "下月满两年",
    "partly_developed": "部分开发中止",
    "area_mu": "面积(亩)",
}

scope = page_header("法定时限")
label, demo = stamp(scope).scope_label, stamp(scope).demo
view = st.segmented_control("内容", ["闲置土地", "待批项目"], default="闲置土地", key="clocks_view")

if view in (None, "闲置土地"):
    st.caption(
        "《闲置土地处置办法》：自约定动工开发日期（无约定日期的按台账“闲置起始”）起满一年未动工，征缴不超过土地价款20%的"
        "土地闲置费；满两年，无偿收回。已动工但开发面积不足三分之一或投资不足25%、中止开发满一年的，按闲置土地计时。"
        "按整年计算（2月29日起算的，次年2月28日满一年）。"
    )
    stages = land_stages(scope).set_index("stage")
    total = int(stages.rows.sum())
    soon = int(sum(stages[flag].sum() for flag in MILESTONE_FLAGS[:4]))
    cards = st.columns(4)
    cards[0].metric("计时中的地块", f"{total} 宗")
    cards[1].metric("已满一年（征缴闲置费）", f"{int(stages.rows.get('征缴闲置费', 0))} 宗")
    cards[2].metric("已满两年（无偿收回）", f"{int(stages.rows.get('无偿收回', 0))} 宗")
    cards[3].metric("本月、下月到期", f"{soon} 宗")
    if total == 0:
        st.info("本范围在数据截至日没有计时中的闲置土地。")
    else:
        st.markdown(f"**各盟市本月（{scope.asof:%Y年%m月}）和下月到期情况**")
        by_league = land_milestones_by_league(scope)
        table(by_league.assign(area_mu=by_league.area_mu.round(1)).rename(columns=LEAGUE_HEADERS), "clocks_leagues")
        cap = fmt.money(float(stages.fee_cap_wan.sum()))
        st.markdown(f"**计时地块**（本月、下月到期的在前；闲置费上限合计 {cap}）")
        if total > LAND_SHOWN:
            st.caption(f"下表列出前 {LAND_SHOWN} 宗；导出的 Excel 含全部 {total} 宗。")
        rows = land_clocks_head(scope, LAND_SHOWN)
        table(land_table(rows), "clocks_land")
        export_button(
            "导出闲置土地时限清单（Excel）",
            lambda: land_clocks_xlsx(queries.land_clocks(scope), label, scope.asof, demo),
            file_name=f"闲置土地时限_{label.replace(' › ', '_')}_{scope.asof:%Y%m%d}.xlsx",
            what="闲置土地时限清单",
            scope_label=label,
            icon=":material/download:",
            key="clocks_land_export",
        )
else:
    st.caption("每个审批环节的受理日期与办理时限（演示数据为各部门承诺时限）；只列数据截至日仍在等待的环节。")
    departments = approval_departments(scope)
    if departments.empty:
        st.info("数据截至日没有仍在等待审批的待批项目。可在左侧选择更早的日期查看当时的等待情况。")
    else:
        shown = departments.rename(
            columns={
                "department": "审批部门",
                "rows": "等待环节",
                "over_limit": "超出时限",
                "days_over": "超出天数合计",
            }
        )
        table(shown.assign(超出天数合计=shown.超出天数合计.astype(int)), "clocks_departments")
        st.markdown(f"**各审批部门等待最久的 {TOP_WAITS} 个环节**")
        table(wait_table(longest_waits(scope, TOP_WAITS, len(departments))), "clocks_waits")
        export_button(
            "导出审批等待清单（Excel）",
            lambda: approval_waits_xlsx(queries.approval_waits(scope), label, scope.asof, demo),
            file_name=f"审批等待_{label.replace(' › ', '_')}_{scope.asof:%Y%m%d}.xlsx",
            what="待批项目审批等待清单",
            scope_label=label,
            icon=":material/download:",
            key="clocks_waits_export",
        )
