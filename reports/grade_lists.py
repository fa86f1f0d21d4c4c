"""The 亩均评价 D and C lists in the layout a utility imports for 差别化电价/水价: one header row, a firm a row."""

import io
from datetime import date

import pandas as pd
import xlsxwriter

UTILITY_COLUMNS = ("企业（项目）名称", "统一社会信用代码", "电力用户户号", "评价等级", "评价年度")


def utility_rows(grades: pd.DataFrame) -> pd.DataFrame:
    """The D and C projects of a grading (project_grades rows), D first, in the utility's columns."""
    listed = grades[grades.grade.isin(["D", "C"])].sort_values(["grade", "name"], ascending=[False, True])
    values = [listed.name, listed.credit_code, listed.power_account, listed.grade, listed.year.astype(int)]
    return pd.DataFrame(dict(zip(UTILITY_COLUMNS, values, strict=True)))


def utility_xlsx(grades: pd.DataFrame, scope_label: str, asof: date, basis: str, demo: bool) -> bytes:
    """Sheet 名单: the header and the rows only (codes and accounts kept as text); sheet 说明: what it is."""
    rows = utility_rows(grades)
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        sheet = book.add_worksheet("名单")
        bold = book.add_format({"bold": True})
        for column, header in enumerate(UTILITY_COLUMNS):
            sheet.write_string(0, column, header, bold)
            sheet.set_column(column, column, 36 if column == 0 else 20)
        for row, values in enumerate(rows.itertuples(index=False), start=1):
            for column, value in enumerate(values):
                if column == 4:
                    sheet.write_number(row, column, int(value))
                else:
                    sheet.write_string(row, column, "" if pd.isna(value) else str(value))
        note = book.add_worksheet("说明")
        lines = [
            "亩均效益评价 C 类、D 类企业名单（供差别化电价、水价使用）",
            f"范围：{scope_label}　数据截至：{asof:%Y-%m-%d}　共 {len(rows)} 家",
            f"依据：{basis}",
        ]
        if demo:
            lines.append("演示数据，仅供系统试用，不得对外发布")
        for row, line in enumerate(lines):
            note.write_string(row, 0, line)
    return buffer.getvalue()
