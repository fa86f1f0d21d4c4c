"""Builders for the 园区排名 page: ranking bars with the score's breakdown, and the tables it shows."""

import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from charts.theme import BAD, GOOD, Stamp, finish

METRICS = {
    "score": "综合得分",
    "tax_per_mu": "亩均税收",
    "output_per_mu": "亩均产值",
    "investment_intensity": "投资强度",
    "plot_ratio": "容积率",
}
UNITS = {
    "score": "分",
    "tax_per_mu": "万元/亩",
    "output_per_mu": "万元/亩",
    "investment_intensity": "万元/亩",
    "plot_ratio": "",
}
DECIMALS = {"score": 1, "tax_per_mu": 1, "output_per_mu": 1, "investment_intensity": 1, "plot_ratio": 2}
# The score's parts in the order the weights are stated: name of the *_points / *_score column prefix.
PARTS = {"tax_per_mu": "tax", "output_per_mu": "output", "investment_intensity": "investment", "plot_ratio": "plot"}
PART_COLORS = {
    "tax_per_mu": "#1565c0",
    "output_per_mu": "#2e7d32",
    "investment_intensity": "#ef6c00",
    "plot_ratio": "#8e24aa",
}
GRADE_COLORS = {"A": "#2e7d32", "B": "#1565c0", "C": "#ef6c00", "D": "#c62828", "不定等级": "#9e9e9e"}

MIN_GRADED_PROJECTS = 3  # the SQL's rule: parks with fewer valid projects are 不定等级
SCORE_RULE = (
    "单项得分 = 实际值 ÷ 所属盟市该行业类别的控制性指标 × 100（恰好达标为 100 分，最高 150 分）；"
    "园区单项得分为其各项目得分按用地面积加权平均；综合得分 = 各单项得分按权重加权平均。"
    "控制性指标除容积率的国家下限（国土资发〔2008〕24号）外均为演示估计，不是正式发布的标准。"
)
GRADE_RULE = (
    "等级是位次，不是达标评价：按综合得分在本范围参评对象中的位次评定，得分高于它的对象占比不足 20% 为 A，"
    "不足 60% 为 B，不足 90% 为 C，其余为 D（后 10%）；同分者等级相同。因此得分超过 100 分（已达到控制性指标）"
    "的对象也可能为 D，表示相对靠后。有效项目少于 3 个的园区、当年投产的项目为“不定等级”。"
    "排名按所选指标由高到低，同值按名称排序；用地面积缺失或为 0 的项目记为“数据缺失”，不参与计算和排名。"
)


def value_text(metric: str, value: float | None) -> str:
    """365.17 -> '365.2 万元/亩'; a plot ratio keeps two decimals; missing -> 数据缺失."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "数据缺失"
    unit = UNITS[metric]
    return f"{value:,.{DECIMALS[metric]}f}" + (f" {unit}" if unit else "")


def metric_label(metric: str) -> str:
    """亩均产值（万元/亩）; 容积率 has no unit."""
    unit = UNITS[metric]
    return f"{METRICS[metric]}（{unit}）" if unit else METRICS[metric]


def weights_text(weights: Mapping[str, float]) -> str:
    """亩均税收 40%、亩均产值 30%、投资强度 20%、容积率 10% (shares of the weights' sum)."""
    total = sum(weights.values())
    if not total:
        return "权重均为 0"
    return "、".join(f"{METRICS[k]} {weights[k] / total:.0%}" for k in PARTS)


def flag_rule_text(rules: Mapping[str, float]) -> str:
    return (
        f"有效建成项目少于 {rules['min_projects']:g} 个（项目少）；企业少于 {rules['min_enterprises']:g} 家（企业少）；"
        f"园区亩均产值低于其项目控制值（按用地面积加权）的 {rules['min_output_share']:.0%}（亩均产值低）。"
        "触发任一条即列入；企业数暂按项目名称中的企业名统计。"
    )


def rank_text(rank: float | None, ranked: int) -> str:
    """第 3 / 9 名; unranked -> 数据缺失."""
    return "数据缺失" if rank is None or pd.isna(rank) else f"第 {int(rank)} / {ranked} 名"


def rank_change_text(prev_rank: float | None, change: float | None, has_previous_year: bool) -> str:
    """↑3 / ↓2 / 持平 / 新进榜 (no rank last year) / — (no earlier year to compare with)."""
    if not has_previous_year:
        return "—"
    if change is None or pd.isna(change):
        return "新进榜" if prev_rank is None or pd.isna(prev_rank) else "—"
    if change > 0:
        return f"↑{int(change)}"
    if change < 0:
        return f"↓{-int(change)}"
    return "持平"


def _shown(df: pd.DataFrame, limit: int) -> tuple[pd.DataFrame, str]:
    """Ranked rows for the chart; beyond `limit`, the first and last ten with a note."""
    ranked = df[df["rank"].notna()].sort_values("rank")
    if len(ranked) <= limit:
        return ranked, ""
    note = f"共 {len(ranked)} 个，图中为前 10 名和后 10 名，完整排名见下表"
    return pd.concat([ranked.head(10), ranked.tail(10)]), note


LABEL_PLOT_PX = 900  # the narrowest plot width a label's length is judged against (a 1366 screen's)
LABEL_SIZE = 13  # px, a bar's value label (the export and the meeting scale it with the rest)
LABEL_GAP = 8  # px between a bar's end and its label


def text_px(text: str, size: int = 14) -> float:
    """Roughly how wide text is at size px: a CJK or full-width character is square, a digit about half."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.58 for ch in text)


def label_text(metric: str, value: float, reference: float) -> str:
    """A bar's value label: the number and its difference from the reference, '7.3（-35.7%）' (the unit is the
    axis title's: a label as short as it can be stays beside its bar)."""
    number = f"{value:,.{DECIMALS[metric]}f}"
    return number + ("" if pd.isna(reference) or not reference else f"（{value / reference - 1:+.1%}）")


def labelled_range(values: pd.Series, texts: list[str], marks: pd.Series, size: float, plot_px: float) -> float:
    """The x axis's end so that every label, starting at its bar's end, ends inside the plot (plot_px wide, labels
    size px), and every reference mark is in view."""
    needed = [0.0]
    for value, text in zip(values.astype(float), texts, strict=True):
        share = (text_px(text, size) + LABEL_GAP) / plot_px  # of the axis's length
        if pd.notna(value) and share < 0.9:
            needed.append(max(value, 0.0) / (0.98 - share))
    top = pd.concat([values.astype(float), marks.astype(float)]).max()
    needed.append(float(top) * 1.05 if pd.notna(top) else 0.0)
    return max(needed) or 1.0


def room_for_labels(figure: dict, chart_px: float) -> None:
    """A laid-out ranking (a plotly dict, fonts as drawn): the x axis reaches far enough for the longest value label
    at its type's size in a chart chart_px wide, beside the park names of the y axis. Changes figure in place."""
    layout = figure["layout"]
    notes = [a for a in layout.get("annotations", ()) if a.get("name") == "value_label"]
    if not notes or "range" not in layout.get("xaxis", {}):
        return
    names = [str(y) for t in figure["data"] if t.get("type") == "bar" for y in (t.get("y") or ())]
    tick = (layout.get("yaxis", {}).get("tickfont") or {}).get("size") or (layout.get("font") or {}).get("size") or 13
    name_px = max((text_px(n, tick) for n in names), default=0.0)
    plot_px = chart_px - name_px - 64  # 64: the chart's own left and right margins
    size = max((a.get("font") or {}).get("size") or LABEL_SIZE for a in notes)
    end = labelled_range(
        pd.Series([a["x"] for a in notes]), [a["text"] for a in notes], pd.Series(dtype=float), size, plot_px
    )
    layout["xaxis"]["range"] = [layout["xaxis"]["range"][0], max(layout["xaxis"]["range"][1], end)]


def ranking_figure(
    df: pd.DataFrame,
    key: str,
    metric: str,
    stamp: Stamp,
    title: str,
    reference: str | None = None,
    reference_label: str = "",
    subtitle: str = "",
    clickable: bool = True,
    limit: int = 25,
) -> go.Figure:
    """Horizontal bars, rank 1 on top; customdata[0] is the key to drill. For the composite score the bar is
    stacked from each indicator's weighted points (why it ranks there) with the grade at its end; for one
    indicator, bars below the reference (league median or threshold) are red and the reference is marked.
    df: key, name, rank, value, grade, the *_points columns, and the reference column when given."""
    data, note = _shown(df, limit)
    labels = [f"{int(r)}. {n}" for r, n in zip(data["rank"], data["name"], strict=True)]
    custom = data[[key]].to_numpy()
    hint = "<extra>点击查看</extra>" if clickable else "<extra></extra>"
    fig = go.Figure()
    if metric == "score":
        for part, prefix in PARTS.items():
            fig.add_bar(
                y=labels,
                x=data[f"{prefix}_points"],
                name=f"{METRICS[part]}得分",
                orientation="h",
                marker_color=PART_COLORS[part],
                customdata=custom,
                hovertemplate="%{y}<br>" + METRICS[part] + " 贡献 %{x:.1f} 分" + hint,
            )
        fig.add_scatter(
            y=labels,
            x=data["value"],
            mode="text",
            text=[f"  {v:.1f}分 · {g}" for v, g in zip(data["value"], data["grade"], strict=True)],
            textposition="middle right",
            customdata=custom,
            hoverinfo="skip",
            showlegend=False,
            name="grade",
        )
        fig.add_vline(x=100, line_dash="dash", line_color="#424242", layer="below", name="threshold")
        fig.update_layout(barmode="stack")
        axis_title = "综合得分（分，100 = 恰好达到控制性指标）"
        x_max = max(150.0, float(data["value"].max() or 0)) * 1.18
    else:
        ref = data[reference].astype(float) if reference else pd.Series(float("nan"), index=data.index)
        below = data["value"] < ref
        texts = [label_text(metric, v, r) for v, r in zip(data["value"], ref, strict=True)]
        fig.add_bar(
            y=labels,
            x=data["value"],
            orientation="h",
            marker_color=[BAD if b else GOOD for b in below],
            customdata=custom,
            hovertemplate="%{y}<br>" + METRICS[metric] + " %{x:.2f}" + hint,
            name=METRICS[metric],
            showlegend=False,
        )
        if reference:
            fig.add_scatter(
                y=labels,
                x=ref,
                mode="markers",
                marker={"symbol": "line-ns", "size": 16, "line": {"width": 2, "color": "rgba(33,33,33,0.65)"}},
                name=reference_label,
                customdata=custom,
                hovertemplate="%{y}<br>" + reference_label + " %{x:.2f}<extra></extra>",
            )
        x_max = labelled_range(data["value"], texts, ref, LABEL_SIZE, LABEL_PLOT_PX)
        # each label starts at its own bar's end; where the reference mark stands beyond the bar (under the label),
        # the label sits on a patch of the page's colour, so the mark passes under it instead of striking the text
        # (the label states the difference anyway)
        for y, value, mark, text in zip(labels, data["value"], ref, texts, strict=True):
            if pd.notna(value):
                fig.add_annotation(
                    x=float(value),
                    y=y,
                    xref="x",
                    yref="y",
                    text=text,
                    xanchor="left",
                    xshift=LABEL_GAP / 4,
                    showarrow=False,
                    bgcolor="white" if pd.notna(mark) and mark > value else "rgba(0,0,0,0)",
                    borderpad=LABEL_GAP / 4,
                    font={"size": LABEL_SIZE, "color": "#212121"},
                    name="value_label",
                )
        axis_title = metric_label(metric)
    fig.update_yaxes(autorange="reversed", automargin=True, type="category")
    fig.update_xaxes(title=axis_title, gridcolor="#eeeeee", range=[0, x_max])
    fig.update_layout(legend={"traceorder": "normal"}, bargap=0.25)
    finish(fig, title, stamp, height=max(340, 26 * len(data) + 230))
    # A tall chart would push the footnote (placed at a fraction of the plot's height) out of the picture:
    # pin it a fixed distance under the x axis instead, and say what the chart leaves out under the title.
    fig.update_annotations(selector={"name": "footnote"}, y=0, yshift=-58)
    fig.update_layout(
        title_subtitle_text="<br>".join(part for part in (subtitle, note) if part),
        title_subtitle_font={"size": 14, "color": "#616161"},
        margin={"t": 110 if subtitle and note else 90, "b": 90},
    )
    return fig


def _rounded(series: pd.Series, metric: str) -> pd.Series:
    return series.astype(float).round(DECIMALS[metric])


def park_table(df: pd.DataFrame, metric: str, has_previous_year: bool) -> pd.DataFrame:
    """The park ranking as shown: rank, change, value against the league median, score and its parts, grade."""
    out = pd.DataFrame(
        {
            "排名": df["rank"].astype("Int64"),
            "较上年": [
                rank_change_text(p, c, has_previous_year) for p, c in zip(df.prev_rank, df.rank_change, strict=True)
            ],
            "园区": df["name"],
            "盟市": df["league_name"],
            metric_label(metric): _rounded(df["value"], metric),
            "盟市中位数": _rounded(df["league_median"], metric),
            "较中位数": [
                "—" if pd.isna(v) else ("持平" if abs(v) < 0.0005 else f"{'高' if v > 0 else '低'} {abs(v):.1%}")
                for v in df["vs_median"]
            ],
            "综合得分": _rounded(df["score"], "score"),
            "等级": df["grade"],
        }
    )
    if metric == "score":
        out = out.drop(columns=[metric_label("score")])
    for part, prefix in PARTS.items():
        out[f"{METRICS[part]}得分"] = _rounded(df[f"{prefix}_score"], "score")
    for part in PARTS:
        out[metric_label(part)] = _rounded(df[part], part)
    out["有效项目(个)"] = df["projects"]
    out["当年投产(个)"] = df["new_projects"]
    out["数据缺失(个)"] = df["missing_projects"]
    return out.reset_index(drop=True)


def project_table(df: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The park's projects as shown: rank, indicators against thresholds, score, grade; 数据缺失 rows last."""
    out = pd.DataFrame(
        {
            "排名": df["rank"].astype("Int64"),
            "项目": df["name"],
            "行业类别": df["industry_category"],
            "投产年份": df["year"],
            "状态": df["status"],
            "用地(亩)": df["land_mu"].astype(float).round(1),
            "综合得分": _rounded(df["score"], "score"),
            "等级": df["grade"],
        }
    )
    for part, prefix in PARTS.items():
        out[metric_label(part)] = _rounded(df[part], part)
        out[f"{METRICS[part]}控制值"] = df[f"{prefix}_min"]
    if metric != "score":
        out = out[["排名", "项目", metric_label(metric), *[c for c in out.columns if c not in ("排名", "项目")]]]
        out = out.loc[:, ~out.columns.duplicated()]
    return out.reset_index(drop=True)


def shortfall_text(indicator: str, value: float, threshold: float) -> str:
    """'151.0 / 200（低 24.5%）': the value, its threshold and how far below it is."""
    digits = DECIMALS[indicator]
    return f"{value:,.{digits}f} / {threshold:,.{digits}f}（低 {(threshold - value) / threshold:.1%}）"


def year_text(year: int, asof_year: int) -> str:
    """Which year a ranking ranks, and why when it is not the 数据截至 date's own year."""
    text = f"排名年度：{year} 年，按 {year} 年及以前建成投产的项目计算"
    if year < asof_year:
        text += f"（数据截至日期所在的 {asof_year} 年尚无建成项目数据，按最近有数据的 {year} 年排名）"
    return text + "。"


CANDIDATE_RULE = (
    "倒逼腾退候选（即园区指标台账的低效项目）：{year} 年度评价 {before} 年及以前建成投产的项目，"
    "至少一项指标低于所属盟市该行业类别的控制性指标即列入；{year} 年当年投产的项目尚未满一年，不评价。"
)


def candidates_ledger_text(counts: pd.DataFrame, year: int, asof_text: str) -> str:
    """How the candidates relate to the 园区指标 ledger on the 数据截至 date: how many are in it, how many rectified
    (from their counts per league: queries.retreat_candidate_counts)."""
    total, listed, done = (int(counts[c].sum()) for c in ("candidates", "listed", "rectified"))
    rule = CANDIDATE_RULE.format(year=year, before=year - 1)
    if listed == total:
        return rule + f"本范围 {total} 个，截至 {asof_text} 均已列入园区指标台账，其中已整改 {done} 个。"
    return (
        rule + f"本范围 {total} 个，截至 {asof_text} 园区指标台账已列入 {listed} 个（其中已整改 {done} 个），"
        f"其余 {total - listed} 个将在评价后列入。"
    )


def candidates_table(df: pd.DataFrame, with_place: bool = True) -> pd.DataFrame:
    """倒逼腾退 candidates, one row per project (in the query's order): for each indicator below its threshold
    the value against the threshold and the gap; 达标 where it meets it."""
    projects = df.drop_duplicates("project_id")
    out = pd.DataFrame(
        {
            "项目": projects["name"],
            "园区": projects["park_name"],
            "盟市": projects["league_name"],
            "行业类别": projects["industry_category"],
            "投产年份": projects["year"],
            "用地(亩)": projects["land_mu"].astype(float).round(1),
            "未达标指标数": projects["failed_indicators"],
            "园区指标台账": [
                "尚未列入" if pd.isna(status) else f"{item}（{status}）"
                for item, status in zip(projects["item_id"], projects["item_status"], strict=True)
            ],
        }
    ).set_index(projects["project_id"])
    for indicator in ("investment_intensity", "output_per_mu", "tax_per_mu", "plot_ratio"):
        rows = df[df.indicator == indicator]
        texts = {r.project_id: shortfall_text(indicator, r.value, r.threshold) for r in rows.itertuples()}
        out[f"{METRICS[indicator]}：实际 / 控制值"] = [texts.get(pid, "达标") for pid in out.index]
    return out.reset_index(drop=True) if with_place else out.drop(columns=["园区", "盟市"]).reset_index(drop=True)


def flags_table(df: pd.DataFrame) -> pd.DataFrame:
    """Parks to 再整合再优化 with the rules they trigger and the numbers that triggered them."""
    reasons = []
    for r in df.itertuples():
        parts = []
        if r.few_projects:
            parts.append(f"项目少（{r.projects} 个）")
        if r.few_enterprises:
            parts.append(f"企业少（{r.enterprises} 家）")
        if r.low_output:
            parts.append(
                f"亩均产值低（{r.output_per_mu:.1f} 万元/亩，"
                f"为控制值 {r.output_benchmark:.1f} 的 {r.output_share:.0%}）"
            )
        reasons.append("；".join(parts))
    return pd.DataFrame(
        {
            "园区": df["name"],
            "盟市": df["league_name"],
            "触发条件": reasons,
            "有效项目(个)": df["projects"],
            "企业(家)": df["enterprises"],
            "亩均产值(万元/亩)": df["output_per_mu"].astype(float).round(1),
            "控制值(万元/亩，用地加权)": df["output_benchmark"].astype(float).round(1),
        }
    ).reset_index(drop=True)


def thresholds_table(df: pd.DataFrame) -> pd.DataFrame:
    """Each league's control thresholds per category, labelled 演示估计."""
    return pd.DataFrame(
        {
            "盟市": df["league_name"],
            "行业类别": df["industry_category"],
            metric_label("investment_intensity"): df["investment_intensity"],
            metric_label("output_per_mu"): df["output_per_mu"],
            metric_label("tax_per_mu"): df["tax_per_mu"],
            metric_label("plot_ratio"): df["plot_ratio"],
            "依据": df["basis"],
            "容积率依据": df["plot_ratio_basis"],
        }
    ).reset_index(drop=True)


def grade_score_text(parks: pd.DataFrame) -> str:
    """How grade and score relate in this scope: how many parks meet the thresholds on average (score >= 100),
    the score range of each grade, and why candidates (projects) exist in parks that score above 100."""
    graded = parks[parks["grade"].isin(list("ABCD")) & parks["score"].notna()]
    if graded.empty:
        return ""
    meeting = int((graded["score"] >= 100).sum())
    ranges = "，".join(
        f"{g} 级 {len(part)} 个 {part['score'].min():.1f}–{part['score'].max():.1f} 分"
        for g, part in graded.groupby("grade", sort=True)
    )
    return (
        f"参评的 {len(graded)} 个园区中 {meeting} 个综合得分不低于 100 分（按用地面积加权平均达到控制性指标）。"
        f"各等级得分：{ranges}。倒逼腾退候选按项目评价：得分达标的园区内也可能有低于控制性指标的项目。"
    )


def grade_counts(df: pd.DataFrame) -> dict[str, int]:
    """How many of each grade, in the order A, B, C, D, 不定等级."""
    counts = df["grade"].value_counts()
    return {g: int(counts.get(g, 0)) for g in GRADE_COLORS}
