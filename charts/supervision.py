"""督导通报's rules: how a completion rate stands against its reference, which leagues lag and why (adjustable
rules), in the words the documents print."""

from dataclasses import dataclass

import pandas as pd

from charts import format as fmt

# The one rule for a completion rate against its reference (the region's, or the league's for its parks): the chart,
# the table, the meeting slides and the bulletins all colour and call a unit by rate_standing, and say so with
# standing_rule. 滞后 = at least LAG_POINTS percentage points below (the 督导通报's default rate rule).
LAG_POINTS = 5.0
STANDINGS = {  # standing -> (bar colour, cell background, what it is called)
    "lagging": ("#c62828", "#ffcdd2", "滞后"),
    "below": ("#ef6c00", "#ffe0b2", "略低于"),
    "level": ("#2e7d32", "#e8f5e9", "不低于"),
    "none": ("#90a4ae", "#f5f5f5", "无台账"),
}


def gap_points(rate: float, reference: float) -> float:
    """How many percentage points rate lies below reference, to the one decimal every text prints."""
    return round((reference - rate) * 100, 1)


def rate_standing(rate: float | None, reference: float | None, points: float = LAG_POINTS) -> str:
    """lagging (at least `points` below the reference), below (under it by less), level (at or above it), or none
    (no rate, or nothing to compare with)."""
    if rate is None or reference is None or pd.isna(rate) or pd.isna(reference):
        return "none"
    gap = gap_points(rate, reference)
    return "lagging" if gap >= points else ("below" if gap > 0 else "level")


def standing_rule(label: str, reference: float | None, points: float = LAG_POINTS) -> str:
    """The colour rule in words, for the caption beside each chart and table that uses it."""
    ref = f"{label}（{fmt.rate(reference)}）"
    return (
        f"红色：滞后，完成率比{ref}低{points:g}个百分点及以上；橙色：比{label}低，但不足{points:g}个百分点；"
        f"绿色：不低于{label}。"
    )


RATE_REASON, OVERDUE_REASON = "整改完成率", "超期未整改"  # how the rate and overdue rules' reasons begin


@dataclass(frozen=True)
class LagRules:
    """A league lags when any rule fires; the page shows and lets users change every threshold."""

    rate_gap_points: float = LAG_POINTS  # completion rate below the region's by at least this many percentage points
    overdue_at_least: int = 10  # open items past their deadline
    survey_incomplete: bool = True  # parks that missed the survey deadline, or mobilization steps missed


def lag_reasons(row: pd.Series, rules: LagRules) -> list[str]:
    """Why a league lags, each reason in numbers and without a space between a number and its unit (as a
    government document writes "934项"). Survey and mobilization lapses count only while still outstanding
    on the date: a park that filed late, or a meeting held late, is not listed a year later."""
    reasons = []
    rate, region = row.completion_rate, row.region_rate
    if rate_standing(rate, region, rules.rate_gap_points) == "lagging":
        gap = gap_points(rate, region)
        reasons.append(f"{RATE_REASON}{fmt.rate(rate)}，比全区（{fmt.rate(region)}）低{gap:.1f}个百分点")
    if row.overdue >= rules.overdue_at_least:
        extended = int(getattr(row, "extended", 0) or 0)
        note = f"，另有{extended}项经批准延期未计入" if extended else ""
        reasons.append(f"{OVERDUE_REASON}{int(row.overdue)}项（通报线{rules.overdue_at_least}项{note}）")
    if rules.survey_incomplete and row.parks_unfiled:
        reasons.append(f"{int(row.parks_unfiled)}个园区逾期仍未报送自查台账")
    if rules.survey_incomplete and row.milestones_open:
        reasons.append(f"{int(row.milestones_open)}项动员部署任务逾期仍未完成")
    return reasons


def league_figures(row) -> str:
    """A lagging league's own numbers, stated whichever rule listed it: found, rectified, rate, overdue. The rate and
    the overdue count are left to the reasons when those rules listed the league, so a document states each number
    once."""
    reasons = tuple(getattr(row, "reasons", ()))
    parts = [f"发现问题{int(row.found)}项", f"已整改{int(row.rectified)}项"]
    if not any(reason.startswith(RATE_REASON) for reason in reasons):
        parts.append(f"整改完成率{fmt.rate(None if pd.isna(row.completion_rate) else row.completion_rate)}")
    if not any(reason.startswith(OVERDUE_REASON) for reason in reasons):
        parts.append(f"{OVERDUE_REASON}{int(row.overdue)}项")
    return "，".join(parts)


def lagging_leagues(summary: pd.DataFrame, rules: LagRules) -> pd.DataFrame:
    """The leagues that lag, with their figures and reasons, worst completion rate first."""
    out = summary.assign(reasons=[lag_reasons(row, rules) for _, row in summary.iterrows()])
    out = out[out.reasons.str.len() > 0]
    return out.sort_values(["completion_rate", "league_code"], na_position="last").reset_index(drop=True)
