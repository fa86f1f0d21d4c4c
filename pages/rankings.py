"""园区排名: parks by per-mu yield and the 亩均效益 score with grades, thresholds, 倒逼腾退 and 再整合再优化."""

import math

import streamlit as st

import queries
from charts import rankings as rk
from charts.theme import plotly_config
from reports.stamp import stamp
from ui.downloads import export_menu
from ui.grade_publication import publication_view
from ui.park_years import league_years_view
from ui.project_grades import project_grades_view
from ui.ranking_choices import league_choice, ranking_choices
from ui.scope import catalog, drill, page_header, selected_key
from ui.tables import table
from ui.url_state import RANKING_VIEWS, follow_page, page_input, view_control

RANKING_PAGE = 50  # parks per page of the ranking table (a league has dozens; the nation thousands)
CANDIDATE_PAGE = 50  # projects per page of the 倒逼腾退 candidates (the nation has some hundred thousand)

scope = page_header("园区排名")
names = catalog()
first_year, last_year = queries.ranking_years(scope)
if last_year is None:
    st.info("暂无已建成工业项目数据，无法排名。", icon=":material/inbox:")
    st.stop()

year, metric, weights = ranking_choices(first_year, last_year)
st.caption(rk.year_text(year, scope.asof.year))
st.caption(rk.SCORE_RULE + rk.GRADE_RULE)

figure_stamp = stamp(scope)
subtitle = (
    f"权重：{rk.weights_text(weights)}；100 分 = 恰好达到控制性指标（演示估计）"
    if metric == "score"
    else (
        "竖线：控制性指标（演示估计）；红色为低于控制值，括号内为与控制值之差"
        if scope.park
        else "竖线：所属盟市中位数；红色为低于中位数，括号内为与中位数之差"
    )
)
has_previous_year = year > first_year
place = names.parks[scope.park][0] if scope.park else names.leagues.get(scope.league, "全区")
candidate_counts = queries.retreat_candidate_counts(scope, year)  # the list itself only in its own view
chosen: list[str] = []
flags = queries.park_flags(scope, year)
parks = queries.park_rankings(scope, year, metric, weights)  # a park's scope ranks its league's parks

if scope.park is None:
    if scope.league is None:
        chosen = league_choice(names)
        if chosen:
            parks, candidate_counts, flags = (t[t.league_code.isin(chosen)] for t in (parks, candidate_counts, flags))
    counts = rk.grade_counts(parks)
    kpis = st.columns(4)
    kpis[0].metric(
        "参评园区",
        f"{len(parks) - counts['不定等级']} 个",
        f"不定等级 {counts['不定等级']} 个",
        "off",
        delta_arrow="off",
    )
    kpis[1].metric("等级分布 A / B / C / D", " / ".join(str(counts[g]) for g in "ABCD"))
    kpis[2].metric("倒逼腾退候选项目", f"{int(candidate_counts.candidates.sum())} 个", help="即园区指标台账的低效项目")
    kpis[3].metric("再整合再优化园区", f"{int((flags.triggers > 0).sum())} 个")
    st.caption(rk.grade_score_text(parks))
    views = {
        k: RANKING_VIEWS[k]
        for k in ("parks", "candidates", "regroup", "dynamic", "grades", "publication", "thresholds")
    }
    view = view_control(views, "parks", "rankings_view")
else:
    row = parks.set_index("park_id").loc[scope.park]
    park_flags = flags.iloc[0]
    kpis = st.columns(4)
    kpis[0].metric(
        f"盟市内{rk.METRICS[metric]}排名",
        rk.rank_text(row["rank"], int(parks["rank"].notna().sum())),
    )
    kpis[1].metric("综合得分 · 等级", f"{rk.value_text('score', row['score'])} · {row['grade']}")
    kpis[2].metric("倒逼腾退候选项目", f"{int(candidate_counts.candidates.sum())} 个", help="即园区指标台账的低效项目")
    kpis[3].metric("再整合再优化", f"触发 {int(park_flags.triggers)} 条" if park_flags.triggers else "未触发")
    views = {k: RANKING_VIEWS[k] for k in ("projects", "candidates", "publication", "thresholds")}
    view = view_control(views, "projects", "rankings_view_park")

# The chosen view ---------------------------------------------------------------------------------
if view == "园区排名":
    figure = rk.ranking_figure(
        parks,
        "park_id",
        metric,
        figure_stamp,
        f"{place}园区{rk.METRICS[metric]}排名（{year}年，点击园区查看其项目）",
        reference=None if metric == "score" else "league_median",
        reference_label="所属盟市中位数",
        subtitle=subtitle,
    )
    event = st.plotly_chart(
        figure,
        on_select="rerun",
        selection_mode="points",
        key=f"rankings_chart_{scope.league or 'region'}",
        config=plotly_config("园区排名"),
    )
    export_menu(figure, f"园区{rk.METRICS[metric]}排名_{place}_{year}", "rankings_chart")
    pages = max(1, math.ceil(len(parks) / RANKING_PAGE))  # the chart shows top and bottom; the table, all in pages
    number = follow_page("page", "rankings_page", pages)
    shown = parks.iloc[(number - 1) * RANKING_PAGE : number * RANKING_PAGE]
    if pages > 1:
        page_col, where_col = st.columns([1, 4], vertical_alignment="bottom")
        page_input(page_col, "page", "rankings_page", pages)
        first = (number - 1) * RANKING_PAGE + 1
        where_col.caption(f"第 {first}–{first + len(shown) - 1} 名，共 {len(parks)} 个园区（每页 {RANKING_PAGE} 个）。")
    picked = table(
        rk.park_table(shown, metric, has_previous_year),
        f"rankings_table_{scope.league or 'region'}",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "排名": st.column_config.NumberColumn(pinned=True),
            "园区": st.column_config.Column(pinned=True),
        },
    )
    rows = picked["selection"]["rows"] if picked else []
    clicked = selected_key(event, {}) or (shown.iloc[rows[0]].park_id if rows else None)
    if clicked:
        drill(scope, league=parks.set_index("park_id").at[clicked, "league_code"], park=clicked)
    st.caption("点击图中柱形或表中一行，进入该园区，查看其建成项目排名。")
elif view == "项目排名":
    projects = queries.project_rankings(scope, year, metric, weights)
    prefix = rk.PARTS.get(metric)
    figure = rk.ranking_figure(
        projects,
        "project_id",
        metric,
        figure_stamp,
        f"{place}建成项目{rk.METRICS[metric]}排名（{year}年）",
        reference=f"{prefix}_min" if prefix else None,
        reference_label="控制性指标（演示估计）",
        subtitle=subtitle,
        clickable=False,
    )
    st.plotly_chart(figure, config=plotly_config("项目排名"), key="rankings_projects_chart")
    export_menu(figure, f"项目{rk.METRICS[metric]}排名_{place}_{year}", "rankings_projects_chart")
    missing = int((projects.status == "数据缺失").sum())
    if missing:
        st.caption(f"{missing} 个项目用地面积缺失或为 0，记为“数据缺失”，不参与计算和排名（列于表末）。")
    table(rk.project_table(projects, metric), "rankings_projects_table")
elif view == "倒逼腾退候选":
    st.caption(rk.candidates_ledger_text(candidate_counts, year, f"{scope.asof:%Y-%m-%d}"))
    st.caption(
        "控制性指标为演示估计（容积率为国家 2008 年标准或更严的盟市标准）；"
        "候选项目可通过转让、拍卖、合作开发等方式盘活。"
        "表中为“实际值 / 控制值（低于控制值的比例）”，未达标指标多者在前。"
    )
    projects = int(candidate_counts.candidates.sum())
    pages = max(1, math.ceil(projects / CANDIDATE_PAGE))
    number = follow_page("cpage", "rankings_candidates_page", pages)
    offset = (number - 1) * CANDIDATE_PAGE
    shown = queries.retreat_candidate_page(scope, year, tuple(sorted(chosen)), offset, CANDIDATE_PAGE)
    if pages > 1:
        page_col, where_col = st.columns([1, 4], vertical_alignment="bottom")
        page_input(page_col, "cpage", "rankings_candidates_page", pages)
        where_col.caption(
            f"第 {offset + 1:,}–{offset + shown.project_id.nunique():,} 个，共 {projects:,} 个候选项目"
            f"（每页 {CANDIDATE_PAGE} 个）。"
        )
    table(rk.candidates_table(shown, with_place=scope.park is None), "rankings_candidates")
elif view == "再整合再优化":
    st.caption("列入规则：" + rk.flag_rule_text(queries.FLAG_RULES))
    flagged = flags[flags.triggers > 0]
    if flagged.empty:
        st.success("本范围没有触发再整合再优化条件的园区。", icon=":material/check_circle:")
    else:
        table(rk.flags_table(flagged), "rankings_flags")
elif view == "动态管理":
    league_years_view(scope, year)
elif view == "项目评价":
    project_grades_view(scope, year)
elif view == "评价公示":
    publication_view(scope, year)
else:
    st.caption(
        "投资强度、亩均产值、亩均税收为演示估计，不是正式发布的标准；容积率为国家《工业项目建设用地控制指标》"
        "（国土资发〔2008〕24号）的下限，部分盟市定得更严（演示估计）。新项目入园应不低于这些数值。"
    )
    table(rk.thresholds_table(queries.control_thresholds(scope)), "rankings_thresholds")
