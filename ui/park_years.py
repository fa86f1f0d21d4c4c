"""动态管理 sections: a park's years on its profile, and the parks judged over the years on 园区排名."""

import streamlit as st

import queries
from charts import dynamic
from charts.theme import plotly_config
from queries.scope import Scope
from reports.stamp import stamp
from ui.downloads import export_menu
from ui.tables import table


def park_years_section(scope: Scope) -> None:
    """The park's score, ranks and grade in every year: the trend, best and worst year, movement, judgement."""
    st.subheader("历年评价（动态管理）")
    years = queries.park_years(scope)
    best, worst = dynamic.best_and_worst(years)
    if best is None:
        st.info("本园区尚无有效建成项目，历年均未参与排名。", icon=":material/inbox:")
        return
    latest = years.sort_values("year").iloc[-1]
    cards = st.columns(4)
    cards[0].metric("最好年份", f"{int(best.year)} 年", f"全区第 {int(best['rank'])} 名", "off", delta_arrow="off")
    cards[1].metric("最差年份", f"{int(worst.year)} 年", f"全区第 {int(worst['rank'])} 名", "off", delta_arrow="off")
    cards[2].metric(
        "近三年末位组", f"{int(latest.bottom_years)} 年", f"截至 {int(latest.year)} 年", "off", delta_arrow="off"
    )
    cards[3].metric("再整合再优化", "列为候选" if latest.candidate else "未列入")
    figure = dynamic.trend_figure(years, stamp(scope), f"{latest['name']}历年综合得分与全区排名")
    st.plotly_chart(figure, config=plotly_config("园区历年评价"), key="park_years_chart")
    export_menu(figure, f"园区历年评价_{scope.park}_{scope.asof:%Y%m%d}", "park_years_chart")
    table(dynamic.years_table(years), "park_years_table")
    st.caption(dynamic.DYNAMIC_RULE)


def league_years_view(scope: Scope, year: int) -> None:
    """The parks in scope judged in one year, by region-wide rank, candidates counted first."""
    chosen = queries.park_years(scope, year)
    st.caption(dynamic.DYNAMIC_RULE)
    counts = st.columns(3)
    counts[0].metric("参与排名园区", f"{int(chosen['rank'].notna().sum())} 个")
    counts[1].metric("本年末位组", f"{int(chosen.bottom.sum())} 个")
    counts[2].metric("再整合再优化候选", f"{int(chosen.candidate.sum())} 个")
    table(dynamic.league_table(chosen, year), "rankings_years_table")
