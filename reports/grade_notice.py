"""A frozen 亩均评价 version as documents: the 公示 notice (.docx, 公文 typography) and its list (.xlsx)."""

import io

import pandas as pd
import xlsxwriter
from docx import Document
from docx.shared import RGBColor

from reports import typography as ty
from reports.bulletin import chinese_date

ISSUER = "自治区工业园区建设工作领导小组办公室"
LIST_COLUMNS = {"name": "企业（项目）名称", "park_name": "所在园区", "credit_code": "统一社会信用代码", "track": "赛道",
                "final_score": "综合得分", "grade": "评价等级", "adjustment": "说明"}  # fmt: skip
TITLES = {"公示稿": "公示", "终稿": "公告", "更正稿": "更正公告"}


def notice_docx(version: pd.Series, rows: pd.DataFrame, scope_label: str, demo: bool) -> bytes:
    """The notice of one version: title, what was graded and by which rules, the 公示 dates and how to object (a
    公示稿), that it is final (a 终稿) or what was corrected and why (a 更正稿, every correction since the 终稿), the
    counts per grade, then the C and D projects."""
    doc = Document()
    ty.page_setup(doc)
    year = int(version.year)
    title = f"关于{year}年度工业项目亩均效益评价结果的" + TITLES[version.kind]
    ty.paragraph(doc, title, ty.ER, True, ty.TITLE, center=True, line=36, after=12)
    if demo:
        ty.paragraph(
            doc, "【演示数据，仅供系统试用，不得对外发布】", ty.SI, True, center=True, color=RGBColor(0xC0, 0, 0)
        )
    counts = rows.grade.value_counts()
    tally = "，".join(f"{g}类{int(counts.get(g, 0))}个" for g in "ABCD")
    ty.paragraph(doc, f"根据《开发区工业项目亩均效益评价办法》，对{scope_label}{year}年前投产的{len(rows)}个工业项目"
                 f"进行了亩均效益评价（{version.basis}），评价结果为：{tally}。")  # fmt: skip
    if version.kind == "公示稿":
        ty.paragraph(doc, f"现予以公示，公示期为{chinese_date(version.starts)}至{chinese_date(version.ends)}"
                     "（5个工作日）。公示期间，对评价等级有异议的，可由所在盟市或园区通过系统提出，"
                     "写明理由并上传佐证材料，逾期不予受理。")  # fmt: skip
    elif version.kind == "更正稿":
        fixed = rows[rows.adjustment.fillna("").str.startswith("终稿后更正")]
        ty.paragraph(doc, f"经复核，于{chinese_date(version.starts)}对已确认的评价结果作如下更正："
                     + "；".join(f"{r.name}（{r.park_name}）{r.adjustment}" for r in fixed.itertuples())
                     + "。更正后的结果取代此前版本，C类、D类企业名单据此送电力、水务部门执行差别化电价、水价。"
                     )  # fmt: skip
    else:
        ty.paragraph(doc, f"上述结果已于{chinese_date(version.starts)}公示期满、异议复核完毕后确认为终稿，"
                     "C类、D类企业名单送电力、水务部门执行差别化电价、水价。")  # fmt: skip
    ty.paragraph(doc, "附：C类、D类项目名单", bold=True, family=ty.HEADING)
    listed = rows[rows.grade.isin(["C", "D"])].sort_values(["grade", "name"], ascending=[False, True])
    ty.table(doc, ("企业（项目）名称", "所在园区", "统一社会信用代码", "等级"),
             [(r.name, r.park_name, r.credit_code or "", r.grade) for r in listed.itertuples()])  # fmt: skip
    ty.paragraph(doc, f"{ISSUER}　{chinese_date(version.made_at.date())}", right=True)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def version_xlsx(version: pd.Series, rows: pd.DataFrame, scope_label: str, demo: bool) -> bytes:
    """Every project of the version as it was frozen: a title line, then one header and a project a row."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        sheet = book.add_worksheet(str(version.kind))
        bold = book.add_format({"bold": True})
        note = "（演示数据）" if demo else ""
        sheet.write_string(0, 0, f"{int(version.year)}年度亩均效益评价{version.kind}（第{int(version.version_id)}版）"
                                 f"　范围：{scope_label}{note}", bold)  # fmt: skip
        for column, header in enumerate(LIST_COLUMNS.values()):
            sheet.write_string(1, column, header, bold)
            sheet.set_column(column, column, 30 if column < 2 else 16)
        for row, values in enumerate(rows[list(LIST_COLUMNS)].itertuples(index=False), start=2):
            for column, value in enumerate(values):
                if isinstance(value, float) and not pd.isna(value):
                    sheet.write_number(row, column, round(value, 1))
                else:
                    sheet.write_string(row, column, "" if pd.isna(value) else str(value))
    return buffer.getvalue()
