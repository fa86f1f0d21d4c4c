"""Checking a whole workbook against one ledger in one pass: which sheets carry its header, every row read and
checked, and sheets written for another ledger named for the clerk instead of read."""

import re
from collections import Counter
from dataclasses import dataclass, field

from ledger.fields import SPECS, LedgerSpec
from ledger.importing.cells import is_blank
from ledger.importing.checks import Reference, check_row, repeated_ids
from ledger.importing.headers import MAX_HEADER_SCAN, Header, find_header, sheet_ledger
from ledger.importing.problems import RowError
from ledger.importing.rows import read_rows
from ledger.safe_read import ImportFileError


@dataclass
class Checked:
    """What validate found: the good rows, every problem, and how the file was read."""

    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # the clerk confirms these with the import
    readings: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=dict)  # item_id -> messy cells
    mappings: Counter = field(default_factory=Counter)  # (column, as written, read as) -> rows
    headers: list[tuple[str, Header]] = field(default_factory=list)  # (sheet, header found)
    other_sheets: list[tuple[str, str, int]] = field(default_factory=list)  # (sheet, its ledger, rows)
    derived: list[tuple[str, str, str, int]] = field(default_factory=list)  # (sheet, column, from what, rows)


def validate(spec: LedgerSpec, league_code: str, sheets, ref: Reference) -> Checked:
    """Check every row of every sheet that has the ledger's header, in one pass: missing columns, each cell,
    each row's rules, then ids repeated within the file. Sheets written for another ledger are named (with
    their rows) for the clerk to import under that ledger, not read as rows of this one."""
    out, lines = Checked(), []
    found = []
    for sheet, cells in sheets:
        header = find_header(spec, cells)
        belongs = sheet_ledger(cells)
        if belongs and belongs[0] != spec.ledger:
            other = SPECS[belongs[0]]
            rows = sum(1 for _ in read_rows(other, sheet, cells, belongs[1]))
            out.other_sheets.append((sheet, other.ledger, rows))
            continue
        found.append((sheet, cells, header))
    complete = [entry for entry in found if entry[2] and not entry[2].missing]
    partial = [entry for entry in found if entry[2]]
    if not partial:
        if out.other_sheets:
            other = SPECS[out.other_sheets[0][1]]
            raise ImportFileError(
                f"未找到{spec.name}的表头：这份文件的表头是{other.name}的。"
                f"请在“台账”中改选{other.name}，或上传{spec.name}。"
            )
        missing = "、".join(f.label for f in spec.fields if f.required)
        raise ImportFileError(
            f"未找到{spec.name}的表头：前 {MAX_HEADER_SCAN} 行中没有一行写有 {missing} 等列名。"
            + _widest_row(sheets)
            + "请使用下载的模板，或把表头改为模板中的列名（模板的“填写说明”页列出每列还可写作什么）。"
        )
    # sheets with the whole header; failing that, the sheet that comes closest, whose missing columns are named
    used = complete or [max(partial, key=lambda entry: len(entry[2].columns))]
    for sheet, cells, header in used:
        out.headers.append((sheet, header))
        if header.missing:
            shown = " | ".join(text or "（空）" for text in header.cells).strip(" |")
            out.errors.append(
                RowError(
                    sheet, header.row + 1, None,
                    f"缺少必填列：{'、'.join(header.missing)}。找到的表头在第{header.row + 1}行：{shown}",
                    kind="missing_column", hint="请在表头中加上这些列（列名见模板），或改正写法后重新上传",
                )
            )  # fmt: skip
        read = list(read_rows(spec, sheet, cells, header))
        lines.extend(read)
        for key, where in header.derived:
            label = spec.field(key).label
            given = [line.row[key] for line in read if line.row.get(key) is not None]
            if key == "title" and given:
                where = f"{where}（如“{given[0]}”）"
            out.derived.append((sheet, label, where, len(given)))
    for line in lines:
        check_row(spec, league_code, line, ref)
    repeated_ids(spec, lines)
    for line in lines:
        out.errors.extend(line.errors)
        out.warnings.extend(line.warnings)
        if not line.errors and not any(header.missing for _, header in out.headers):  # nothing is written then
            out.rows.append(line.row)
            if line.notes:
                out.readings[line.row["item_id"]] = line.notes
            out.mappings.update(line.mapped)
    return out


def _widest_row(sheets) -> str:
    """The row most likely meant as the header (the fullest of the first rows), quoted for the clerk."""
    best = None
    for sheet, cells in sheets:
        for r, row in enumerate(cells[:MAX_HEADER_SCAN]):
            texts = [re.sub(r"\s+", " ", str(c)).strip() for c in row if not is_blank(c)]
            if len(texts) >= 2 and (best is None or len(texts) > len(best[2])):
                best = (sheet, r + 1, texts)
    if best is None:
        return ""
    shown = " | ".join(best[2][:25])
    return f"工作表“{best[0]}”第{best[1]}行是：{shown[:300]}。"
