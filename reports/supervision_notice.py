"""督导通报: the draft notice naming the leagues that lag and why, as a Word document in 公文 layout."""

import io
from datetime import date

import pandas as pd
from docx import Document

from charts import format as fmt
from charts.supervision import LagRules, league_figures
from reports import typography as ty

TITLE = "关于全区开发区闲置资源要素大起底工作进展情况的通报"
ISSUER = "自治区工业园区建设工作领导小组办公室"
REQUIREMENTS = (
    "被通报的盟市要对照问题台账逐项制定整改措施，明确责任单位和整改时限，于15个工作日内将整改情况报领导小组办公室。",
    "严禁纸面整改、虚假整改。已整改事项须上传佐证材料，销号须经盟市工信部门复核，领导小组办公室将组织“回头看”抽查。",
    "超期未整改事项要逐项说明原因，对长期停产企业、僵尸企业和“半拉子”工程坚持“一企一策”，确保三年内全部盘活。",
    "未按期报送自查台账的园区要立即“补课”“返工”，做到“全覆盖”“零死角”。",
)


def notice_docx(
    ledgers: pd.DataFrame,
    lagging: pd.DataFrame,
    asof: date,
    demo: bool,
    rules: LagRules,
    number: str = "",
    scope_label: str = "全区",
    relapses: str | None = None,
) -> bytes:
    """A draft 督导通报 in the usual layout: title, issuer and date, overall figures, the lagging leagues, requirements.
    ledgers: the ledger_kpis of scope_label (the region, or a subscriber's league: ledger/schedule); lagging:
    lagging_leagues(...); relapses: reports.relapses.relapse_sentence (the leagues whose closed items were found
    不属实 on re-inspection), printed after the lagging leagues."""
    doc = Document()
    ty.page_setup(doc)
    ty.paragraph(doc, TITLE, ty.ER, bold=True, family=ty.HEADING, center=True)
    ty.paragraph(doc, f"{ISSUER}　{number}".strip(), center=True)
    ty.paragraph(doc, f"（{asof.year}年{asof.month}月{asof.day}日）", center=True)
    if demo:
        ty.paragraph(doc, "【演示数据，仅供系统试用，不得对外发布】", ty.SI, bold=True, center=True)

    found, rectified, overdue = int(ledgers.found.sum()), int(ledgers.rectified.sum()), int(ledgers.overdue.sum())
    rate = rectified / found if found else None
    ty.paragraph(doc, "一、总体进展", bold=True, family=ty.HEADING)
    ty.paragraph(
        doc,
        f"截至{asof.year}年{asof.month}月{asof.day}日，{scope_label}开发区闲置资源要素大起底共发现问题{found}项，"
        f"已整改{rectified}项，整改完成率{fmt.rate(rate)}；超期未整改{overdue}项。分台账情况如下：",
    )
    ty.table(
        doc,
        ("台账", "发现(项)", "已整改(项)", "完成率", "超期(项)"),
        [
            (
                row.name,
                str(row.found),
                str(row.rectified),
                fmt.rate(None if pd.isna(row.completion_rate) else row.completion_rate),
                str(row.overdue),
            )
            for row in ledgers.itertuples()
        ],
    )

    ty.paragraph(doc, "二、进展滞后地区", bold=True, family=ty.HEADING)
    rule_text = (
        f"通报标准：整改完成率低于全区{rules.rate_gap_points:g}个百分点及以上，"
        f"或超期未整改{rules.overdue_at_least}项及以上"
        + ("，或自查台账逾期仍未报送、动员部署任务逾期仍未完成。" if rules.survey_incomplete else "。")
    )
    ty.paragraph(doc, rule_text, ty.SI)
    if lagging.empty:
        ty.paragraph(doc, "按上述标准，本期各盟市均无通报事项。")
    for n, row in enumerate(lagging.itertuples(), start=1):
        ty.paragraph(
            doc,
            f"{n}.{row.league_name}：{league_figures(row)}。" + "；".join(row.reasons) + "。",
        )
    if relapses:
        ty.paragraph(doc, relapses)

    ty.paragraph(doc, "三、工作要求", bold=True, family=ty.HEADING)
    for n, text in enumerate(REQUIREMENTS, start=1):
        ty.paragraph(doc, f"（{'一二三四五'[n - 1]}）{text}")

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
