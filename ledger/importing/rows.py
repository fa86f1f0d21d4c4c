"""The data rows under a header: totals, footers, section titles and the template's example row skipped, each
cell read, and the columns a file leaves out filled from where the header found them."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ledger.fields import LedgerSpec
from ledger.importing.cells import CellError, display_value, is_blank, norm, read_cell, read_choice, typed_value
from ledger.importing.headers import Header
from ledger.importing.problems import RowError

TOTAL_WORDS = ("合计", "总计", "小计")
EXAMPLE_MARK = "示例"


@dataclass
class Line:
    sheet: str
    line: int  # as Excel shows it
    row: dict
    errors: list[RowError]
    warnings: list[RowError]
    notes: list[tuple[str, str, str, str]]  # column, as written, as read, how
    mapped: list[tuple[str, str, str]]


SECTION = re.compile(r"^([一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\))")
FOOTER_WORDS = ("填报人", "填表人", "审核人", "负责人", "联系人", "联系电话", "填报单位", "备注", "说明", "注:", "注：")


def read_rows(spec: LedgerSpec, sheet: str, cells: list[list[object]], header: Header) -> Iterator[Line]:
    labels = {f.key: f.label for f in spec.fields}
    width = max(header.columns) + 1
    disposal = next((f for f in spec.fields if f.key == "disposal"), None)
    disposal_column = next((c for c, (f, _) in header.columns.items() if f.key == "disposal"), None)
    for r in range(header.row + 1, len(cells)):
        values = [cells[r][c] if c < len(cells[r]) else None for c in range(width)]
        filled = [v for v in values if not is_blank(v)]
        filled = [norm(v) for v in filled[:4]] + filled[4:]  # the words of 合计, 填报人, 一、 are in the first cells
        if all(is_blank(values[c]) for c in header.columns):
            continue  # blank, or only a pre-printed 序号
        if any(text.startswith(TOTAL_WORDS) for text in filled[:4]):
            continue  # a 合计 row, never data
        if filled[0].startswith(FOOTER_WORDS) and len(filled) <= 3:
            continue  # 填报人、审核人、联系电话 or a note under the table
        if len(filled) == 1 and SECTION.match(filled[0]):
            continue  # 一、稀土高新区 or （二）批而未供土地: a section title over the rows below it
        line = Line(sheet, r + 1, {}, [], [], [], [])
        for c, (f, unit) in header.columns.items():
            value = values[c]
            line.row[f.key] = None
            if is_blank(value):
                if f.required:
                    line.errors.append(RowError(sheet, r + 1, f.label, "必填项为空", kind="required"))
                continue
            try:
                line.row[f.key], how, mapped = read_cell(value, f, unit)
            except CellError as error:
                line.errors.append(
                    RowError(sheet, r + 1, f.label, str(error), error.kind, typed_value(value), error.hint)
                )
                continue
            if how:
                line.notes.append((f.label, typed_value(value), display_value(line.row[f.key]), how))
            if mapped:
                line.mapped.append((f.label, typed_value(value), line.row[f.key]))
        if str(line.row.get("item_id") or "").startswith(EXAMPLE_MARK):
            continue  # the template's example row
        derived = dict(header.derived)
        if "found_date" in derived:
            line.row["found_date"] = header.found_date  # the report's date: when its items were found
        if "title" in derived:  # a parcel is named by its park and number: 稀土高新区 BT-001 地块
            park, number = line.row.get("park"), line.row.get("parcel_code") or line.row.get("item_id")
            line.row["title"] = f"{park} {number} 地块" if park and number else None
        blank = disposal_column is None or is_blank(values[disposal_column])
        if disposal and disposal.find_in_text and blank and line.row.get("measure"):
            try:  # the measure's free wording names the disposal method: read it, for the clerk to confirm
                method, _ = read_choice(line.row["measure"], disposal)
            except CellError:
                method = None
            if method:
                line.row["disposal"] = method
                line.notes.append((labels["disposal"], line.row["measure"], method, f"据{labels['measure']}"))
                line.mapped.append((f"{labels['disposal']}（据{labels['measure']}）", line.row["measure"], method))
        yield line
