"""亩均评价 on 园区排名: projects graded A/B/C/D within tracks by switchable rules, and the utility's D/C list."""

import pandas as pd
import streamlit as st

import queries
from queries.scope import Scope
from reports.grade_lists import utility_rows, utility_xlsx
from reports.stamp import stamp
from ui.downloads import export_button
from ui.tables import table

RULES_TEXT = (
    "评价规则：综合得分（默认权重）减去当年扣分记录；≥120 为 A，≥100 为 B，≥80 为 C，其余为 D；"
    "同一赛道内 A 类不超过 20%（超出的按得分定为 B），D 类不少于 5%（不足的按得分从低到高补足）；"
    "当年有安全或环境事故记录的最高定为 C；投产未满保护期的不定为 D。"
)


def project_grades_view(scope: Scope, year: int) -> None:
    """The switches, the grade counts per track, the graded projects and the D/C list for the utility."""
    left, middle, right, last = st.columns(4)
    track = left.segmented_control(
        "赛道", list(queries.GRADE_TRACKS), format_func=queries.GRADE_TRACKS.get, default="land",
        key="rankings_grades_track",
    ) or "land"  # fmt: skip
    veto = middle.toggle("事故否决", value=True, key="rankings_grades_veto")
    quotas = right.toggle("名额控制（A≤20%，D≥5%）", value=True, key="rankings_grades_quotas")
    protect = last.number_input("保护期（年，0 为不设）", 0, 10, 3, key="rankings_grades_protect")
    grades = queries.project_grades(scope, year, track, veto, int(protect), quotas)
    st.caption(
        RULES_TEXT + f"本表为按当前数据即时计算的 {year} 年评价（{year} 年前投产的有效项目），不是公示版本；"
        "已公示和确认的版本见“评价公示”。"
    )
    if grades.empty:
        st.info("本范围没有参评项目。", icon=":material/inbox:")
        return
    counts = grades.pivot_table(index="track", columns="grade", values="project_id", aggfunc="count", fill_value=0)
    table(
        counts.reindex(columns=list("ABCD"), fill_value=0).rename_axis("赛道").reset_index(), "rankings_grades_counts"
    )
    table(grades_table(grades), "rankings_grades_table")
    here = stamp(scope)
    basis = (
        f"{year} 年亩均效益评价，{queries.GRADE_TRACKS[track]}分赛道；"
        + ("事故否决、" if veto else "")
        + ("名额控制、" if quotas else "")
        + f"保护期 {int(protect)} 年"
    )
    export_button(
        "导出 C、D 类企业名单（供电力、水务部门）",
        lambda: utility_xlsx(grades, here.scope_label, scope.asof, basis, here.demo),
        file_name=f"亩均评价CD类名单_{here.scope_label}_{year}.xlsx",
        what="亩均评价 C、D 类名单",
        scope_label=here.scope_label,
        icon=":material/download:",
        help=f"共 {len(utility_rows(grades))} 家，点击后生成",
        key="rankings_grades_export",
    )


def grades_table(grades: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "项目": grades.name,
            "园区": grades.park_name,
            "赛道": grades.track,
            "投产年份": grades.completed.astype(int).astype(str),
            "综合得分": grades.score.round(1),
            "扣分": grades.deduction.round(1),
            "按分等级": grades.score_grade,
            "评价等级": grades.grade,
            "调整说明": grades.adjustment,
        }
    )
