"""Excel templates for the leagues' ledgers, generated from ledger.fields like the importer's checks."""

import io
from datetime import date

import xlsxwriter

from ledger.fields import SPECS
from ledger.importer import EXAMPLE_MARK

DATA_ROWS = 5000  # rows that carry drop-down lists and formats


GUIDE_SHEET = "填写说明"


def _guide(book: xlsxwriter.Workbook, spec) -> None:
    """A second sheet: for each column, the other names the importer reads, and the wording it maps to each
    choice. One column per line, so the importer never takes this sheet for a ledger."""
    sheet = book.add_worksheet(GUIDE_SHEET)
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_row(0, 0, ("列", "也可写作", "可填的值（及可识别的写法）"), bold)
    for r, f in enumerate(spec.fields, start=1):
        sheet.write_string(r, 0, f.label + ("*" if f.required else ""), wrap)
        sheet.write_string(r, 1, "、".join(f.aliases), wrap)
        values = "、".join(f.choices)
        if f.synonyms:
            values += "。也可写：" + "；".join(f"{w}→{c}" for w, c in f.synonyms)
        elif f.kind == "date":
            values = "2022-08-15、2022.8.15、2022/8/15、2022年8月15日"
        elif f.unit:
            values = f"数字，单位{f.unit}；可写“12.5{f.unit}”"
        sheet.write_string(r, 2, values, wrap)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 2, 90)


def template_xlsx(ledger: str, league_name: str = "") -> bytes:
    """A title row, the header (units in brackets, * for required), one example row, drop-downs for choices."""
    spec = SPECS[ledger]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(spec.name[:31])
    title = book.add_format({"bold": True, "font_size": 14})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"})
    required = book.add_format(
        {"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    example = book.add_format({"font_color": "#808080", "italic": True})
    example_date = book.add_format({"font_color": "#808080", "italic": True, "num_format": "yyyy-mm-dd"})
    dates = book.add_format({"num_format": "yyyy-mm-dd"})

    note = f"（带*为必填；灰色为示例行，编号以“{EXAMPLE_MARK}”开头的行不会导入）"
    sheet.write(0, 0, f"{league_name}开发区{spec.name}{note}", title)
    for c, f in enumerate(spec.fields):
        sheet.write_string(1, c, f.label + ("*" if f.required else ""), required if f.required else header)
        sheet.set_column(c, c, max(10, len(f.label) * 2 + 2), dates if f.kind == "date" else None)
        value = f"{EXAMPLE_MARK}-{f.example}" if f.key == "item_id" else f.example
        if isinstance(value, date):
            sheet.write_datetime(2, c, value, example_date)
        elif isinstance(value, int | float):
            sheet.write_number(2, c, value, example)
        elif value:
            sheet.write_string(2, c, str(value), example)
        if f.choices:
            sheet.data_validation(
                2, c, DATA_ROWS, c,
                {"validate": "list", "source": list(f.choices), "error_title": f.header,
                 "error_message": "请从下拉列表中选择：" + "、".join(f.choices)},
            )  # fmt: skip
        elif f.kind in ("number", "integer") and f.minimum is not None:
            sheet.data_validation(
                2, c, DATA_ROWS, c,
                {"validate": "decimal" if f.kind == "number" else "integer", "criteria": ">=", "value": f.minimum,
                 "ignore_blank": True, "error_title": f.header, "error_message": f"{f.label} 不能小于 {f.minimum:g}"},
            )  # fmt: skip
    sheet.freeze_panes(2, 0)
    sheet.set_row(1, 32)
    _guide(book, spec)
    book.close()
    return buffer.getvalue()
