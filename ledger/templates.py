"""Excel templates for the leagues' ledgers, generated from ledger.fields like the importer's checks."""

import io
from datetime import date

import xlsxwriter

from ledger.fields import SPECS
from ledger.importing.rows import EXAMPLE_MARK

DATA_ROWS = 5000  # rows that carry drop-down lists and formats


GUIDE_SHEET = "填写说明"
DERIVABLE = {  # required columns a file may leave out, and what stands in for them (importing.headers._derivable)
    "land": {"title": "可不设此列：按园区与宗地编号（或编号）命名，如“稀土高新区 BT-001 地块”"},
    "*": {"found_date": "可不设此列：表头上方写明“填报日期：2022年8月31日”时，以填报日期为发现日期"},
}


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
            if f.month_ok:
                values += "；可只写到月（2021年7月、2021.7、2021-07），读作当月1日"
        elif f.unit:
            values = f"数字，单位{f.unit}；可写“12.5{f.unit}”"
        if f.key in DERIVABLE.get(spec.ledger, {}) | DERIVABLE["*"]:
            values = (values + "。" if values else "") + (DERIVABLE.get(spec.ledger, {}) | DERIVABLE["*"])[f.key]
        sheet.write_string(r, 2, values, wrap)
    notes = (
        "表头可以是两三行的分组表头（如“基本情况”“整改情况”横跨其下各列），按“分组 + 列名”识别。",
        "面积、金额等的单位可写在表头里（面积(公顷)），也可在表头上方写一行单位说明（单位：公顷、万元），"
        "表头没写单位的列按说明换算。",
        "一个文件可含几本台账的工作表：导入时每个工作表按表头归入各自的台账。",
    )
    for n, text in enumerate(notes, start=len(spec.fields) + 2):
        sheet.write_string(n, 0, text)
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
