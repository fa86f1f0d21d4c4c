"""动态管理: a park's scores over the years and the league/region table of parks judged over the years."""

import pandas as pd
import plotly.graph_objects as go

from charts.rankings import GRADE_COLORS, rank_change_text, rank_text
from charts.theme import Stamp, finish

DYNAMIC_RULE = (
    "动态管理规则：每年按默认权重计算综合得分并全区排名，同时在国家级/自治区级、蒙东/蒙西内分别排名；"
    "全区排名后 20% 为末位组；近三年中有两年在末位组，或入园项目少于 5 个且亩均产值低于控制性指标的，"
    "列为再整合再优化候选。"
)


def trend_figure(years: pd.DataFrame, stamp: Stamp, title: str) -> go.Figure:
    """The park's composite score by year, each point coloured by its grade, its region-wide rank as the label."""
    shown = years[years.score.notna()]
    labels = [f"第{int(r)}名" for r in shown["rank"]]
    figure = go.Figure(
        go.Scatter(
            x=shown.year,
            y=shown.score.round(1),
            mode="lines+markers+text",
            text=labels,
            textposition="top center",
            marker={"size": 12, "color": [GRADE_COLORS[g] for g in shown.grade]},
            line={"color": "#1565c0"},
            customdata=shown[["grade", "ranked"]],
            hovertemplate="%{x}年 综合得分 %{y}<br>等级 %{customdata[0]}，%{text} / %{customdata[1]}<extra></extra>",
            name="综合得分",
        )
    )
    figure.update_xaxes(title="年份", dtick=1, tickformat="d")
    low, high = float(shown.score.min()), float(shown.score.max())
    room = max(5.0, (high - low) * 0.15)  # the rank labels above the highest point stay inside the plot
    figure.update_yaxes(title="综合得分（100 = 恰好达到控制性指标）", range=[low - room, high + room])
    return finish(figure, title, stamp, height=360)


def best_and_worst(years: pd.DataFrame) -> tuple[pd.Series | None, pd.Series | None]:
    """The years with the best and the worst region-wide rank (the earlier year on a tie); none when unranked."""
    ranked = years[years["rank"].notna()].sort_values(["rank", "year"])
    if ranked.empty:
        return None, None
    return ranked.iloc[0], ranked.sort_values(["rank", "year"], ascending=[False, True]).iloc[0]


def judgement_text(row: pd.Series) -> str:
    """Why a park-year is (or is not) a 再整合再优化 candidate, in the rule's words."""
    reasons = []
    if row.bottom_years >= 2:
        reasons.append(f"近三年 {int(row.bottom_years)} 年在末位组")
    if row.few_and_low:
        reasons.append("入园项目少、亩均产值低")
    if not reasons:
        return "未列为再整合再优化候选" + ("（本年在末位组）" if row.bottom else "")
    return "列为再整合再优化候选：" + "，".join(reasons)


def years_table(years: pd.DataFrame) -> pd.DataFrame:
    """One park's years, newest first, as the profile shows them."""
    rows = years.sort_values("year", ascending=False)
    return pd.DataFrame(
        {
            "年份": rows.year.astype(int).astype(str),
            "综合得分": rows.score.round(1),
            "等级": rows.grade,
            "全区排名": [rank_text(r, n) for r, n in zip(rows["rank"], rows.ranked, strict=True)],
            "同级排名": [rank_text(r, n) for r, n in zip(rows.level_rank, rows.level_ranked, strict=True)],
            "片区排名": [rank_text(r, n) for r, n in zip(rows.tier_rank, rows.tier_ranked, strict=True)],
            "较上年": [
                rank_change_text(p, c, y > years.year.min())
                for p, c, y in zip(rows.prev_rank, rows.rank_change, rows.year, strict=True)
            ],
            "末位组": rows.bottom.map({True: "是", False: "否"}),
            "判定": [judgement_text(r) for _, r in rows.iterrows()],
        }
    )


def league_table(years: pd.DataFrame, year: int) -> pd.DataFrame:
    """The parks of one year, by region-wide rank: score, peer ranks, years in the bottom group, the judgement."""
    rows = years[years.year == year].sort_values(["rank", "name"], na_position="last")
    return pd.DataFrame(
        {
            "全区排名": rows["rank"].astype("Int64"),
            "园区": rows.name,
            "盟市": rows.league_name,
            "级别": rows.level,
            "片区": rows.tier,
            "综合得分": rows.score.round(1),
            "等级": rows.grade,
            "同级排名": [rank_text(r, n) for r, n in zip(rows.level_rank, rows.level_ranked, strict=True)],
            "片区排名": [rank_text(r, n) for r, n in zip(rows.tier_rank, rows.tier_ranked, strict=True)],
            "较上年": [rank_change_text(p, c, True) for p, c in zip(rows.prev_rank, rows.rank_change, strict=True)],
            "近三年末位": rows.bottom_years.astype(int).astype(str) + " 年",
            "判定": [judgement_text(r) for _, r in rows.iterrows()],
        }
    )


def ladder_markdown(actions: pd.DataFrame, steps: tuple[str, ...]) -> str:
    """The ladder as one line: the steps reached in bold with their dates, the others greyed, the latest marked."""
    reached = actions.groupby("step").decided_date.max()
    latest = actions.sort_values(["decided_date", "action_id"]).step.iloc[-1] if len(actions) else None
    parts = []
    for step in steps:
        if step in reached:
            mark = "（当前）" if step == latest else ""
            parts.append(f"**{step}**{mark} {pd.Timestamp(reached[step]):%Y-%m-%d}")
        else:
            parts.append(f":gray[{step}]")
    return " → ".join(parts)


def actions_table(actions: pd.DataFrame) -> pd.DataFrame:
    """The register as the profile lists it: newest first."""
    rows = actions.sort_values(["decided_date", "action_id"], ascending=False)
    return pd.DataFrame(
        {
            "措施": rows.step,
            "决定日期": pd.to_datetime(rows.decided_date).dt.strftime("%Y-%m-%d"),
            "决定机关": rows.decider,
            "文号": rows.doc_no,
            "跟踪复查": pd.to_datetime(rows.follow_up_date).dt.strftime("%Y-%m-%d").fillna("—"),
            "说明": rows.note.fillna(""),
        }
    )


def ladder_table(ladder: pd.DataFrame) -> pd.DataFrame:
    """Parks on the ladder, as the meeting and the bulletin list them."""
    return pd.DataFrame(
        {
            "盟市": ladder.league_name,
            "园区": ladder.park_name,
            "当前措施": ladder.step,
            "决定日期": pd.to_datetime(ladder.decided_date).dt.strftime("%Y-%m-%d"),
            "文号": ladder.doc_no,
            "措施次数": ladder.decisions.astype(int),
            "下次复查": pd.to_datetime(ladder.next_follow_up).dt.strftime("%Y-%m-%d").fillna("—"),
        }
    )
