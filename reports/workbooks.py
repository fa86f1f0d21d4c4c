"""Excel workbooks and CSV: .xlsx in ledger layout (title, 数据截至, headers with units, 合计), the ledger, 超期清单 and
park item workbooks the pages offer, and CSV that Excel opens."""

import io
import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import xlsxwriter

from charts.ledgers import origin_note, total_headers
from charts.theme import Stamp

# Text starting with these is a formula (or DDE) to Excel and other spreadsheets: CSV/Excel injection.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FONT = "微软雅黑"


@dataclass(frozen=True)
class ExportMeta:
    title: str  # 包头市开发区闲置土地台账
    subtitle: str  # 数据截至 2023-06-08　范围：包头市　筛选：…
    sum_headers: tuple[str, ...] = ()  # columns whose 合计 makes sense (areas, money, counts)
    sheet: str = "台账"


def _width(value: object) -> int:
    """Display width in Excel character units: a CJK character is about two."""
    text = f"{value:%Y-%m-%d}" if isinstance(value, date) else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def ledger_xlsx(table: pd.DataFrame, meta: ExportMeta) -> bytes:
    """The table as a ledger workbook: title row, subtitle row, frozen header, 序号, widths, a 合计 row.

    Every text cell goes through write_string, so a title like =HYPERLINK(...) stays text, never a formula.
    """
    return ledger_xlsx_frames([table], meta)


def ledger_xlsx_frames(tables: Iterable[pd.DataFrame], meta: ExportMeta) -> bytes:
    """ledger_xlsx of the rows of all `tables` (frames of one table, same columns) in turn: xlsxwriter's
    constant_memory mode writes each row to disk as it goes, so only one frame is held at a time."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
    cell = {**base, "border": 1}
    fmt = {
        "title": book.add_format({**base, "bold": True, "font_size": 16, "align": "center"}),
        "subtitle": book.add_format({**base, "font_color": "#555555"}),
        "header": book.add_format({**cell, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#DDEBF7"}),
        "text": book.add_format(cell),
        "int": book.add_format({**cell, "num_format": "0"}),
        "number": book.add_format({**cell, "num_format": "#,##0.00"}),
        "date": book.add_format({**cell, "num_format": "yyyy-mm-dd", "align": "center"}),
        "total_text": book.add_format({**cell, "bold": True, "align": "center", "bg_color": "#F2F2F2"}),
        "total": book.add_format({**cell, "bold": True, "num_format": "#,##0.00", "bg_color": "#F2F2F2"}),
        "total_int": book.add_format({**cell, "bold": True, "num_format": "0", "bg_color": "#F2F2F2"}),
    }
    sheet = book.add_worksheet(meta.sheet)
    first = 3
    row = first
    headers: list[str] = []
    widths: list[int] = []
    totals: dict[str, float] = {}
    integer: list[bool] = []
    for table in tables:
        if not headers:  # the header rows, from the first frame's columns (rows are written in order)
            headers = ["序号", *table.columns]
            last_col = len(headers) - 1
            sheet.set_row(0, 30)
            sheet.merge_range(0, 0, 0, last_col, meta.title, fmt["title"])
            sheet.merge_range(1, 0, 1, last_col, meta.subtitle, fmt["subtitle"])
            sheet.set_row(2, 32)
            for col, header in enumerate(headers):
                sheet.write_string(2, col, header, fmt["header"])
            widths = [max(4, _width(h)) for h in headers]
            totals = {h: 0.0 for h in table.columns if h in meta.sum_headers}
            integer = [pd.api.types.is_integer_dtype(table[c].dtype) for c in table.columns]
        for header in totals:
            totals[header] += float(pd.to_numeric(table[header], errors="coerce").sum())
        columns = [table[c].tolist() for c in table.columns]
        for r in range(len(table)):
            sheet.write_number(row, 0, row - first + 1, fmt["int"])
            for c, values in enumerate(columns, start=1):
                value = values[r]
                if _missing(value):
                    sheet.write_blank(row, c, None, fmt["text"])
                elif isinstance(value, bool):
                    sheet.write_string(row, c, "是" if value else "否", fmt["text"])
                elif isinstance(value, datetime | date):
                    sheet.write_datetime(row, c, value, fmt["date"])
                    widths[c] = max(widths[c], 10)
                elif isinstance(value, numbers.Real):
                    kind = "int" if integer[c - 1] or isinstance(value, numbers.Integral) else "number"
                    sheet.write_number(row, c, value, fmt[kind])
                    widths[c] = max(widths[c], len(f"{value:,.2f}"))
                else:
                    text = str(value)
                    sheet.write_string(row, c, text, fmt["text"])
                    widths[c] = max(widths[c], _width(text))
            row += 1

    last_col = len(headers) - 1
    total_row = row
    sheet.write_string(total_row, 0, "合计", fmt["total_text"])
    for c, header in enumerate(headers[1:], start=1):
        if header in totals:
            total = totals[header]
            sheet.write_number(total_row, c, total, fmt["total_int" if integer[c - 1] else "total"])
            widths[c] = max(widths[c], len(f"{total:,.2f}"))
        elif c == 1:
            sheet.write_string(total_row, c, f"{total_row - first} 项", fmt["total_text"])
        else:
            sheet.write_blank(total_row, c, None, fmt["total_text"])

    for c, w in enumerate(widths):
        sheet.set_column(c, c, min(w + 2, 48))
    sheet.freeze_panes(first, 0)
    sheet.autofilter(2, 0, max(2, total_row - 1), last_col)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(2)
    book.close()
    return out.getvalue()


def _text_safe(value: object) -> object:
    """A text cell that Excel would read as a formula gets a leading apostrophe (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def ledger_csv(table: pd.DataFrame) -> bytes:
    """CSV in utf-8-sig (Excel shows mojibake without the BOM), with formula-like text defused."""
    return ledger_csv_frames([table])


def ledger_csv_frames(tables: Iterable[pd.DataFrame]) -> bytes:
    """ledger_csv of the rows of all `tables` in turn, one frame at a time."""
    out = io.BytesIO()
    out.write("\ufeff".encode())
    header = True
    for table in tables:
        safe = table.copy()
        for column in safe.columns:
            if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column].dtype):
                safe[column] = safe[column].map(_text_safe)
        out.write(safe.to_csv(index=False, header=header).encode("utf-8"))
        header = False
    return out.getvalue()


# The workbooks the pages offer ---------------------------------------------------------------------
def export_meta(title: str, stamp: Stamp, ledger: str, filters: str, origin: pd.DataFrame | None = None) -> ExportMeta:
    """The export's title and its second row: 数据截至, scope, filters and what is real (per league when the
    ledger's origin is given, else the scope's demo flag)."""
    parts = [f"数据截至 {stamp.asof:%Y-%m-%d}", f"范围：{stamp.scope_label}"]
    if filters:
        parts.append(f"筛选：{filters}")
    if origin is not None and not origin.empty:
        parts.append(origin_note(origin))
    elif stamp.demo:
        parts.append("演示数据，非真实台账")
    return ExportMeta(title=title, subtitle="　".join(parts), sum_headers=total_headers(ledger))


def overdue_xlsx(table: pd.DataFrame, scope_label: str, asof: date, demo: bool, ledger: str | None) -> bytes:
    """The 超期清单 as a ledger workbook (title, 数据截至, frozen header, 序号, autofilter, A4 landscape)."""
    picked = f"　台账：{ledger}" if ledger else ""
    note = "（演示数据）" if demo else ""
    meta = ExportMeta(
        title=f"{scope_label}超期未整改事项清单",
        subtitle=f"数据截至 {asof:%Y-%m-%d}　范围：{scope_label}{picked}　共 {len(table)} 项"
        f"（整改时限按经批准延期后的时限）{note}",
        sheet="超期清单",
    )
    return ledger_xlsx(table, meta)


def items_xlsx(table: pd.DataFrame, park_name: str, asof: date, demo: bool) -> bytes:
    """The item list in ledger layout; text that looks like a formula stays text (ledger_xlsx)."""
    note = "（演示数据）" if demo else ""
    meta = ExportMeta(
        title=f"{park_name}台账条目",
        subtitle=f"数据截至 {asof:%Y-%m-%d}　范围：{park_name}　共 {len(table)} 项{note}",
        sum_headers=("面积(亩)", "金额(万元)"),
        sheet="园区台账条目",
    )
    return ledger_xlsx(table, meta)
