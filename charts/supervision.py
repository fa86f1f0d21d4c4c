"""督导通报: which leagues lag and why (adjustable rules), and the draft notice as a Word document."""

import io
from dataclasses import dataclass
from datetime import date

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from charts import format as fmt

TITLE = "关于全区开发区闲置资源要素大起底工作进展情况的通报"
ISSUER = "自治区工业园区建设工作领导小组办公室"
REQUIREMENTS = (
    "被通报的盟市要对照问题台账逐项制定整改措施，明确责任单位和整改时限，于15个工作日内将整改情况报领导小组办公室。",
    "严禁纸面整改、虚假整改。已整改事项须上传佐证材料，销号须经盟市工信部门复核，领导小组办公室将组织“回头看”抽查。",
    "超期未整改事项要逐项说明原因，对长期停产企业、僵尸企业和“半拉子”工程坚持“一企一策”，确保三年内全部盘活。",
    "未按期报送自查台账的园区要立即“补课”“返工”，做到“全覆盖”“零死角”。",
)


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


def _font(run, size: float, bold: bool = False, family: str = "仿宋") -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = family
    run._element.rPr.rFonts.set(qn("w:eastAsia"), family)


def _paragraph(doc, text: str, size: float = 16, bold: bool = False, family: str = "仿宋", center: bool = False):
    paragraph = doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    _font(paragraph.add_run(text), size, bold, family)
    return paragraph


def notice_docx(
    ledgers: pd.DataFrame, lagging: pd.DataFrame, asof: date, demo: bool, rules: LagRules, number: str = ""
) -> bytes:
    """A draft 督导通报 in the usual layout: title, issuer and date, overall figures, the lagging leagues, requirements.
    ledgers: the region's ledger_kpis; lagging: lagging_leagues(...)."""
    doc = Document()
    _paragraph(doc, TITLE, size=22, bold=True, family="黑体", center=True)
    _paragraph(doc, f"{ISSUER}　{number}".strip(), size=16, center=True)
    _paragraph(doc, f"（{asof.year}年{asof.month}月{asof.day}日）", size=16, center=True)
    if demo:
        _paragraph(doc, "【演示数据，仅供系统试用，不得对外发布】", size=14, bold=True, center=True)

    found, rectified, overdue = int(ledgers.found.sum()), int(ledgers.rectified.sum()), int(ledgers.overdue.sum())
    rate = rectified / found if found else None
    _paragraph(doc, "一、总体进展", bold=True, family="黑体")
    _paragraph(
        doc,
        f"截至{asof.year}年{asof.month}月{asof.day}日，全区开发区闲置资源要素大起底共发现问题{found}项，"
        f"已整改{rectified}项，整改完成率{fmt.rate(rate)}；超期未整改{overdue}项。分台账情况如下：",
    )
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("台账", "发现(项)", "已整改(项)", "完成率", "超期(项)"), strict=True):
        cell.text = text
    for row in ledgers.itertuples():
        cells = table.add_row().cells
        rate_text = fmt.rate(None if pd.isna(row.completion_rate) else row.completion_rate)
        for cell, text in zip(
            cells, (row.name, str(row.found), str(row.rectified), rate_text, str(row.overdue)), strict=True
        ):
            cell.text = text

    _paragraph(doc, "二、进展滞后地区", bold=True, family="黑体")
    rule_text = (
        f"通报标准：整改完成率低于全区{rules.rate_gap_points:g}个百分点及以上，"
        f"或超期未整改{rules.overdue_at_least}项及以上"
        + ("，或自查台账逾期仍未报送、动员部署任务逾期仍未完成。" if rules.survey_incomplete else "。")
    )
    _paragraph(doc, rule_text, size=14)
    if lagging.empty:
        _paragraph(doc, "按上述标准，本期各盟市均无通报事项。")
    for n, row in enumerate(lagging.itertuples(), start=1):
        _paragraph(
            doc,
            f"{n}.{row.league_name}：{league_figures(row)}。" + "；".join(row.reasons) + "。",
        )

    _paragraph(doc, "三、工作要求", bold=True, family="黑体")
    for n, text in enumerate(REQUIREMENTS, start=1):
        _paragraph(doc, f"（{'一二三四五'[n - 1]}）{text}")

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
