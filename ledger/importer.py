"""Import a league's ledger from Excel or CSV: read messy files, validate every row, then write atomically.

Files are read in a limited worker process (ledger/safe_read.py), never in this one. Item ids belong to
one league and one ledger: an id used elsewhere is a row error. Writing is one transaction: in the app on
a cursor of the server's own connection (queries.db.writing), elsewhere on a connection opened here, under
the one-writer lock either way; readers see the import once it is committed, and a killed import leaves
nothing of itself but a .partial archive file, which clean_stray_files removes (with the working copies of
imports made before schema 5, which wrote a copy of the file).
"""

import functools
import hashlib
import logging
import os
import re
import shutil
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

from ledger import spans
from ledger.fields import DISPOSALS_BY_LAND_KIND, SPECS, STATUSES, Field, LedgerSpec
from ledger.limits import COLUMN_MARGIN, GB, MIN_FREE_BYTES
from ledger.park_names import Park, ParkMatcher
from ledger.safe_read import ImportFileError, display_name, read_sheets, stored_name
from ledger.writing import open_for_writing, transaction, writer_lock

WritingContext = Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]]

log = logging.getLogger("ledger.importer")

TOTAL_WORDS = ("合计", "总计", "小计")
EXAMPLE_MARK = "示例"
UNIT_FACTORS = {  # factor into the stored unit
    "亩": {"亩": 1, "万亩": 10000, "公顷": 15, "平方米": 1 / 666.6667, "m2": 1 / 666.6667},
    "万元": {"万元": 1, "万": 1, "元": 0.0001, "亿元": 10000, "亿": 10000},
    "吨标煤": {"吨标煤": 1, "吨": 1, "万吨标煤": 10000},
    "吨": {"吨": 1, "万吨": 10000},
    "项": {"项": 1, "个": 1},
}
EXCEL_EPOCH = date(1899, 12, 30)
STATUS_ORDER = {status: n for n, status in enumerate(STATUSES)}
MAX_HEADER_SCAN = 15


@dataclass(frozen=True)
class RowError:
    """One problem of one row (an error, or a warning the clerk confirms); kind groups problems of one sort."""

    sheet: str
    row: int  # as Excel shows it (1-based)
    column: str | None
    message: str
    kind: str = "invalid"
    value: str = ""  # the cell as written
    hint: str = ""  # said once for the group: the allowed values, the date forms

    def text(self) -> str:
        where = f"第{self.row}行" + (f" “{self.column}”" if self.column else "")
        return f"工作表“{self.sheet}” {where}: {self.message}"


@dataclass(frozen=True)
class DroppedItem:
    """A demo item the import replaces that users had worked on: its 整改销号 records go with it."""

    item_id: str
    title: str
    status: str
    events: int  # status records entered by users (progress, application, review)
    evidence: tuple[str, ...]  # file names
    sha256: tuple[str, ...]  # of those files (kept in data/evidence/)
    requests: int  # 延期申请

    def text(self) -> str:
        parts = [f"{self.events} 条整改记录（当前状态：{self.status}）"]
        if self.evidence:
            parts.append(f"佐证材料 {len(self.evidence)} 份：{'、'.join(self.evidence)}")
        if self.requests:
            parts.append(f"延期申请 {self.requests} 条")
        return f"{self.item_id}“{self.title}”：" + "，".join(parts)


@dataclass
class ImportPlan:
    ledger: str
    league_code: str
    file_name: str
    sha256: str
    rows: list[dict] = field(default_factory=list)  # normalised, valid rows
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # confirmed by the clerk with the import
    readings: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=dict)  # item_id -> column,
    # as written, as read, how: the cells that were not plain (full-width digits, units, serial dates, synonyms)
    mappings: list[tuple[str, str, str, int]] = field(default_factory=list)  # column, as written, read as, rows
    columns: list[tuple[str, str, str, str]] = field(default_factory=list)  # sheet, header, field, conversion
    ignored: list[str] = field(default_factory=list)  # headers not imported
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced_demo: int = 0
    dropped_history: list["DroppedItem"] = field(default_factory=list)  # replaced demo items with workflow records
    already_imported: str | None = None  # when the same file was imported before
    other_sheets: list[tuple[str, str, int]] = field(default_factory=list)  # (sheet, its ledger, rows): not read
    derived: list[tuple[str, str, str, int]] = field(default_factory=list)  # (sheet, column, from what, rows)

    @property
    def can_write(self) -> bool:
        return not self.errors and not self.already_imported and bool(self.new or self.updated)


# reading ---------------------------------------------------------------------------------------
def norm(text: object) -> str:
    """Full-width to half-width, no spaces: how headers and codes are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))) if text is not None else ""


UNITS = {unit for factors in UNIT_FACTORS.values() for unit in factors}
BRACKETS = re.compile(r"[(\[【〔]([^()\[\]【】〔〕]*)[)\]】〕]")
MARKS = "*※★☆"  # required marks people put beside a header


def _header_key(cell: object) -> tuple[str, str]:
    """Header text -> (name without unit, unit): '面积（公顷）*' -> ('面积', '公顷'); '日期(必填)' -> ('日期', '')."""
    text = norm(cell).strip(MARKS + ":：")
    unit = ""
    for inside in BRACKETS.findall(text):
        inside = re.sub(r"^单位[:：]?", "", inside)
        if inside in UNITS and not unit:
            unit = inside
    name = BRACKETS.sub("", text).strip(MARKS + ":：")
    if not unit and "/" in name and name.rsplit("/", 1)[1] in UNITS:  # 面积/亩
        name, unit = name.rsplit("/", 1)
    return name, unit


@functools.cache
def _header_names(spec: LedgerSpec) -> dict[str, tuple[Field, int]]:
    """Every name a header may use for a field of the ledger, normalised: 2 for the template's, 1 for an alias."""
    names = {norm(alias): (f, 1) for f in spec.fields for alias in f.aliases}
    names.update({norm(name): (f, 2) for f in spec.fields for name in (f.header, f.label)})
    return names


def _match(spec: LedgerSpec, cell: object) -> tuple[Field, str, int] | None:
    """The field a header names, its unit, and 2 for the template's own name or 1 for an alias."""
    name, unit = _header_key(cell)
    if not name:
        return None
    names = _header_names(spec)
    if name in names:
        f, score = names[name]
        return f, unit, score
    if not unit:  # a unit written straight after the name: 面积亩, 沉淀余额万元
        for f in spec.fields:
            for written in UNIT_FACTORS.get(f.unit, {}) if f.unit else ():
                bare = name.removesuffix(written)
                if bare != name and names.get(bare, (None,))[0] == f:
                    return f, written, 1
    return None


MAX_HEADER_DEPTH = 3  # a header over one row, or group titles over it on one or two rows more
GROUP_WORDS = ("基本情况", "基本信息", "情况", "信息")  # 停产停建情况 · 时间 -> 停产停建时间


def _text(cell: object) -> str:
    return re.sub(r"\s+", " ", str(cell)).strip() if not _blank(cell) else ""


def _stacks(rows: list[list[object]], top: int, bottom: int) -> list[tuple[str, ...]]:
    """Each column's header texts from the top row of the block down, without repeats: a group title merged
    across its columns (only its first cell holds the text) is carried right over the columns that have a
    name below it; a name merged down the block (the reader repeats it) counts once."""
    block = [[_text(cell) for cell in rows[r]] for r in range(top, bottom + 1)]
    width = max(len(row) for row in block)
    block = [row + [""] * (width - len(row)) for row in block]
    for upper in range(len(block) - 1):
        carry = ""
        for c in range(width):
            below = [block[r][c] for r in range(upper + 1, len(block)) if block[r][c]]
            if block[upper][c]:
                carry = block[upper][c] if below and norm(below[0]) != norm(block[upper][c]) else ""
            elif carry and below:
                block[upper][c] = carry
            else:
                carry = ""
    stacks = []
    for c in range(width):
        stack: list[str] = []
        for row in block:
            if row[c] and (not stack or norm(stack[-1]) != norm(row[c])):
                stack.append(row[c])
        stacks.append(tuple(stack))
    return stacks


def _group_row(cells: list[object]) -> bool:
    """A row that may hold group titles: several cells, none of them a 填报单位：… or 单位：… line."""
    texts = [norm(cell) for cell in cells if not _blank(cell)]
    return len(texts) >= 2 and not any(":" in text for text in texts)


def _group_word(text: str) -> str:
    word = norm(text)
    for suffix in GROUP_WORDS:
        if word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _candidates(stack: tuple[str, ...]) -> list[str]:
    """The names a column's header texts may spell, most qualified first: the groups joined to the name
    (停产停建情况 · 时间 -> 停产停建时间), then the name alone; a unit under a name is that name's unit."""
    if not stack:
        return []
    *groups, name = stack
    if _is_unit(name) and groups:
        name = f"{groups.pop()}({norm(name).strip('()')})"
    out = []
    for first in range(len(groups)):
        for word in ("".join(_group_word(g) for g in groups[first:]), "".join(norm(g) for g in groups[first:])):
            if word and word + norm(name) not in out:
                out.append(word + norm(name))
    return [*out, name]


def _is_unit(cell: object) -> bool:
    return norm(cell).strip("()") in UNITS


UNITS_NOTE = re.compile(r"单位[:：]")


def units_note(rows: list[list[object]]) -> tuple[str, tuple[str, ...]] | None:
    """The units note of a title block (单位：亩、万元; 金额单位：元) as written and its units; a 填报单位 line
    names an office, not units, and is not one."""
    for row in rows:
        for cell in row:
            if _blank(cell) or not isinstance(cell, str):
                continue
            text = unicodedata.normalize("NFKC", cell)
            units: list[str] = []
            for found in UNITS_NOTE.finditer(text):
                for token in re.split(r"[、,，/;；\s]+", text[found.end() :].strip()):
                    token = token.strip("()（）")
                    if token not in UNITS:
                        break
                    units.append(token)
            if units:
                return _text(cell), tuple(dict.fromkeys(units))
    return None


REPORT_WORDS = re.compile(r"(?:填报|报送)(?:日期|时间)")
REPORT_DATE = re.compile(r"(?:填报|报送)(?:日期|时间)\s*[:：]?\s*([0-9０-９][0-9０-９\s年月日./\-－]*)")
DERIVED = "（推得）"  # the preview's mark on a column the file did not have


def report_date(rows: list[list[object]]) -> tuple[date, str] | None:
    """The 填报日期 of a title block (when the ledger's items were found) and the words it was read from; the
    date may follow in the same cell or in the next filled one (a date cell)."""
    for row in rows:
        for c, cell in enumerate(row):
            if _blank(cell) or not isinstance(cell, str) or not REPORT_WORDS.search(cell):
                continue
            found = REPORT_DATE.search(cell.strip())
            written = found.group(1) if found else next((v for v in row[c + 1 :] if not _blank(v)), None)
            if written is None:
                continue
            try:
                when = _date(written.strip().rstrip(".") if isinstance(written, str) else written)[0]
            except CellError:
                continue
            shown = found.group(0).strip() if found else f"{_text(cell)}{_display(when)}"
            return when, shown
    return None


@dataclass(frozen=True)
class Header:
    row: int  # 0-based index of the (last) header row
    columns: dict[int, tuple[Field, str]]  # column -> (field, unit written in the header or the units note)
    cells: tuple[str, ...]  # the header as the file writes it (group · name for a grouped header)
    missing: tuple[str, ...]  # labels of required fields no column names and the file does not give
    top: int = -1  # 0-based index of the first header row (the title block is above it)
    note: str = ""  # the title block's units note, as written
    noted: frozenset[int] = frozenset()  # columns whose unit comes from the note
    derived: tuple[tuple[str, str], ...] = ()  # (field key, where from) of required fields the file gives otherwise
    found_date: date | None = None  # the 填报日期 of the title block, when 发现日期 is derived from it

    def reading(self) -> list[tuple[str, str, str]]:
        """(header in the file, field, how its numbers are converted) for each recognised column."""
        out = []
        for c, (f, unit) in sorted(self.columns.items()):
            factor = UNIT_FACTORS.get(f.unit, {}).get(unit, 1) if f.unit and unit else 1
            how = f"按 1 {unit} = {factor:g} {f.unit} 换算" if factor != 1 else ""
            if how and c in self.noted:
                how = f"按表头上方的“{self.note}”：1 {unit} = {factor:g} {f.unit} 换算"
            out.append((self.cells[c], f.label, how))
        return out

    def ignored(self) -> list[str]:
        return [text for c, text in enumerate(self.cells) if text and c not in self.columns]


MIN_HEADER_MATCHES = 2


def _derivable(spec: LedgerSpec, keys: set[str], above: list[list[object]]) -> dict[str, tuple[str, object]]:
    """Required fields a file without their column still gives: 名称 of a land parcel from its park and number,
    发现日期 from the 填报日期 of the title block (when the items were found)."""
    out: dict[str, tuple[str, object]] = {}
    if spec.ledger == "land" and "title" not in keys and "park" in keys and "item_id" in keys:
        out["title"] = ("园区与编号", None)
    if "found_date" not in keys and (reported := report_date(above)):
        out["found_date"] = (f"表头上方的“{reported[1]}”", reported[0])
    return out


def find_header(spec: LedgerSpec, rows: list[list[object]]) -> Header | None:
    """The header block (one row, or group titles over it on up to three rows) that names the most fields
    (complete ones first, then the lower block, then with its group rows), and which column holds which field;
    None when no block names at least two. A template name wins over an alias for the same field."""
    best, best_key = None, None
    required = [f for f in spec.fields if f.required]
    for r in range(min(MAX_HEADER_SCAN, len(rows))):
        for depth in range(1, min(MAX_HEADER_DEPTH, r + 1) + 1):
            top = r - depth + 1
            if not all(_group_row(rows[upper]) for upper in range(top, r)):
                continue  # a title, 填报单位：… or 单位：… over the table is no group row
            stacks = _stacks(rows, top, r)
            hits = sorted(
                (
                    (score, c, f, unit)
                    for c, stack in enumerate(stacks)
                    if (hit := _match_stack(spec, stack))
                    for f, unit, score in [hit]
                ),
                key=lambda h: (-h[0], h[1]),
            )
            columns, taken = {}, set()
            for _, c, f, unit in hits:
                if f.key not in taken:
                    columns[c], taken = (f, unit), taken | {f.key}
            if len(columns) < MIN_HEADER_MATCHES:
                continue
            derivable = _derivable(spec, taken, rows[:top])
            missing = tuple(f.label for f in required if f.key not in taken and f.key not in derivable)
            key = (not missing, len(columns), r, depth)  # a group row over the names is part of the header
            if best_key is None or key > best_key:
                cells = tuple(" · ".join(stack) for stack in stacks)
                header = Header(r, dict(sorted(columns.items())), cells, missing, top)
                found = derivable.get("found_date")
                best = _with_note(
                    replace(
                        header,
                        derived=tuple((k, where) for k, (where, _) in derivable.items()),
                        found_date=found[1] if found else None,
                    ),
                    rows[:top],
                )
                best_key = key
    return best


def _with_note(header: Header, above: list[list[object]]) -> Header:
    """The title block's units note applied to the columns whose header gives no unit of their own."""
    note = units_note(above)
    if note is None:
        return header
    columns, noted = dict(header.columns), set()
    for c, (f, unit) in header.columns.items():
        if f.unit and not unit:
            meant = next((u for u in note[1] if u in UNIT_FACTORS.get(f.unit, {f.unit: 1})), None)
            if meant:
                columns[c] = (f, meant)
                noted.add(c)
    return replace(header, columns=columns, note=note[0], noted=frozenset(noted))


@functools.lru_cache(maxsize=50_000)  # headers of uploaded files: bounded, a server runs for months
def _match_stack(spec: LedgerSpec, stack: tuple[str, ...]) -> tuple[Field, str, int] | None:
    """The field a column's header texts name: the most qualified spelling that names one."""
    for text in _candidates(stack):
        if hit := _match(spec, text):
            return hit
    return None


# cells -----------------------------------------------------------------------------------------
class CellError(ValueError):
    """A cell that cannot be read; kind groups like errors, hint is said once per group (the allowed values)."""

    def __init__(self, message: str, kind: str = "invalid", hint: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.hint = hint


FULL_WIDTH = re.compile(r"[\uff01-\uff5e\u3000]")


def _number(value: object, f: Field, header_unit: str) -> tuple[float, str]:
    """The number in the field's unit, and how it was read when the cell was not a plain number."""
    if isinstance(value, bool):
        raise CellError(f"“{value}” 不是数字", "not_number")
    notes = []
    if isinstance(value, int | float):
        number = float(value)
        unit = header_unit
    else:
        raw = str(value)
        text = norm(value)
        if FULL_WIDTH.search(raw):
            notes.append("全角数字" if re.search(r"[０-９]", raw) else "全角符号")
        if re.search(r"\d,\d{3}", text):
            notes.append("千分位")
        text = text.replace(",", "")
        match = re.fullmatch(r"([-+]?\d+(?:\.\d+)?)\(?([^\d.()][^()]*)?\)?", text)
        if not match:
            raise CellError(f"“{value}” 不是数字", "not_number")
        number, written = float(match.group(1)), match.group(2) or ""
        unit = written or header_unit
        if written:
            notes.append(f"带单位“{written}”")
    if f.unit:
        factors = UNIT_FACTORS.get(f.unit, {f.unit: 1})
        unit = unit or f.unit
        if unit not in factors:
            raise CellError(f"“{value}” 的单位“{unit}”无法换算为{f.unit}", "unit", f"可写的单位：{'、'.join(factors)}")
        if factors[unit] != 1:
            notes.append(f"{unit}换算为{f.unit}")
        number *= factors[unit]
    elif unit:
        raise CellError(f"“{value}” 不是数字", "not_number")
    if f.minimum is not None and number < f.minimum:
        raise CellError(f"“{value}” 不能小于 {f.minimum:g}", "too_small")
    if f.maximum is not None and number > f.maximum:
        raise CellError(f"“{value}” 超出合理范围（不大于 {f.maximum:g}）", "too_large")
    return round(number, 4), "、".join(notes)


DATE_FORMS = "可写作 2022-08-15、2022.8.15、2022/8/15 或 2022年8月15日"


MONTH_ONLY = "只写到月，按当月1日读取"


def _date(value: object, f: Field | None = None) -> tuple[date, str]:
    """A date as written; a month alone (2021年7月, 2021.7, 2021-07) is the first of that month where the field
    needs no day (f.month_ok), an error elsewhere."""
    if isinstance(value, datetime):
        return value.date(), ""
    if isinstance(value, date):
        return value, ""
    how = ""  # every written form is year, month, day: the date column of the preview shows how it was read
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel serial day number (a date cell WPS or a CSV left as a number)
            return EXCEL_EPOCH + timedelta(days=int(value)), "Excel 日期序号"
        text, how = (str(int(value)) if float(value).is_integer() else str(value)), "8 位数字"
        if re.fullmatch(r"\d{4}\.1", text):  # 2021.10 typed into a number cell is 2021.1
            year = text[:4]
            raise CellError(
                f"“{value}” 是数字格式，无法区分{year}年1月与{year}年10月：请写作“{year}年1月”或“{year}年10月”",
                "month_ambiguous",
            )
    else:
        text = norm(value)
    match = re.fullmatch(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?(?:\d{1,2}:\d{2}(?::\d{2})?)?", text)
    match = match or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    month = None if match else re.fullmatch(r"(\d{4})[-./年](\d{1,2})月?", text)
    if month:
        if f is None or not f.month_ok:
            label = f"“{f.label}”" if f is not None else "此列"
            raise CellError(f"“{value}” 只写到月，{label}须写到日", "no_day", DATE_FORMS)
        match, how = month, MONTH_ONLY
    if not match:
        raise CellError(f"“{value}” 不是日期", "not_date", DATE_FORMS)
    year, month_number, day = (*map(int, match.groups()), 1)[:3]
    try:
        return date(year, month_number, day), how
    except ValueError as error:
        reason = f"{year}年{month_number}月没有{day}日" if 1 <= month_number <= 12 else f"没有{month_number}月"
        raise CellError(f"“{value}” 不是有效日期：{reason}", "bad_date") from error


@functools.cache
def _wordings(f: Field) -> tuple[dict[str, str], dict[str, str]]:
    """A choice field's choices and synonyms, normalised once: {normalised: choice}."""
    return {norm(c): c for c in f.choices}, {norm(w): c for w, c in f.synonyms}


def _choice(value: object, f: Field) -> tuple[str, str]:
    """The standard choice, and how it was read from free wording ('' when written as the choice)."""
    text = norm(value)
    choices, synonyms = _wordings(f)
    if text in choices:
        return choices[text], ""
    plain = re.sub(r"[，。、,.;；]", "", text)
    if plain in synonyms:
        return synonyms[plain], "同义词"
    if f.find_in_text:
        found = [written for written in synonyms if written in plain]
        found = [w for w in found if not any(w != other and w in other for other in found)]  # 有偿收回, not 收回
        meant = sorted({synonyms[w] for w in found})
        if len(meant) == 1:
            return meant[0], f"据文字中的“{max(found, key=len)}”"
        if meant:
            raise CellError(
                f"“{value}” 同时像多种{f.header}（{'；'.join(meant)}），请只写一种", "choice_ambiguous", _allowed(f)
            )
    raise CellError(f"“{value}” 不是可选值", "choice", _allowed(f))


def _allowed(f: Field) -> str:
    return f"应为：{'、'.join(f.choices)}"


def read_cell(value: object, f: Field, header_unit: str = "") -> tuple[object, str, bool]:
    """A cell's value in the stored type and unit, how it was read ('' when plain) and whether free wording was
    mapped to a choice; CellError with a clerk-readable message otherwise."""
    if f.kind == "number":
        return (*_number(value, f, header_unit), False)
    if f.kind == "integer":
        number, how = _number(value, f, header_unit)
        if not float(number).is_integer():
            raise CellError(f"“{value}” 应为整数", "not_integer")
        return int(number), how, False
    if f.kind == "date":
        parsed, how = _date(value, f)
        if not date(2000, 1, 1) <= parsed <= date(2035, 12, 31):
            raise CellError(f"“{value}” 不在合理的日期范围（2000年至2035年）", "date_range")
        return parsed, how, False
    if f.kind == "yesno":
        text = norm(value).upper()
        if text in ("是", "Y", "YES", "TRUE", "1", "√"):
            return True, "" if text == "是" else f"“{value}”读作“是”", False
        if text in ("否", "N", "NO", "FALSE", "0", "×"):
            return False, "" if text == "否" else f"“{value}”读作“否”", False
        raise CellError(f"“{value}” 应填“是”或“否”", "yesno")
    if f.kind == "choice":
        choice, how = _choice(value, f)
        return choice, how, bool(how)
    if f.key in ("item_id", "project_id"):
        return unicodedata.normalize("NFKC", str(value)).strip(), "", False
    return str(value).strip(), "", False


def parse_cell(value: object, f: Field, header_unit: str = "") -> object:
    """A cell's value in the stored type and unit; CellError with a clerk-readable message otherwise."""
    return read_cell(value, f, header_unit)[0]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: object) -> str:
    """A cell as the clerk typed it, for the preview."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# validation ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reference:
    """What rows are checked against: the league's parks, existing items, built projects."""

    league_name: str
    parks: ParkMatcher
    league_names: dict[str, str]
    items: dict[str, tuple[str, str, bool]]  # item_id -> (ledger, league_code, imported)
    projects: dict[str, str]  # project_id -> park_id
    statuses: dict[str, str] = field(default_factory=dict)  # item_id -> its latest status


def load_reference(con: duckdb.DuckDBPyConnection, league_code: str) -> Reference:
    leagues = {
        code: (name, short)
        for code, name, short in con.execute("select league_code, name, short_name from league").fetchall()
    }
    if league_code not in leagues:
        raise ImportFileError(f"盟市代码“{league_code}”不存在")
    parks = [
        Park(*row) for row in con.execute("select park_id, name, league_code from park order by park_id").fetchall()
    ]
    items = {
        i: (ledger, code, batch is not None)
        for i, ledger, code, batch in con.execute(
            "select item_id, ledger, league_code, batch_id from item join park using (park_id)"
        ).fetchall()
    }
    projects = dict(con.execute("select project_id, park_id from built_project").fetchall())
    statuses = dict(con.execute("select item_id, arg_max(status, seq) from item_event group by item_id").fetchall())
    names = {code: name for code, (name, _) in leagues.items()}
    return Reference(leagues[league_code][0], ParkMatcher(parks, leagues), names, items, projects, statuses)


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


@dataclass
class _Line:
    sheet: str
    line: int  # as Excel shows it
    row: dict
    errors: list[RowError]
    warnings: list[RowError]
    notes: list[tuple[str, str, str, str]]  # column, as written, as read, how
    mapped: list[tuple[str, str, str]]


SECTION = re.compile(r"^([一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\))")
FOOTER_WORDS = ("填报人", "填表人", "审核人", "负责人", "联系人", "联系电话", "填报单位", "备注", "说明", "注:", "注：")


def sheet_ledger(cells: list[list[object]]) -> tuple[str, Header] | None:
    """The ledger a sheet is written for: of the ledgers whose whole header it has, the one with the most of
    its own columns (the columns every ledger shares do not tell them apart), then the most columns."""
    best, best_key = None, None
    for other in SPECS.values():
        header = find_header(other, cells)
        if header is None or header.missing:
            continue
        own = sum(1 for f, _ in header.columns.values() if f.table == "detail")
        key = (own, len(header.columns))
        if best_key is None or key > best_key:
            best, best_key = (other.ledger, header), key
    return best


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
            rows = sum(1 for _ in _read_rows(other, sheet, cells, belongs[1]))
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
        read = list(_read_rows(spec, sheet, cells, header))
        lines.extend(read)
        for key, where in header.derived:
            label = spec.field(key).label
            given = [line.row[key] for line in read if line.row.get(key) is not None]
            if key == "title" and given:
                where = f"{where}（如“{given[0]}”）"
            out.derived.append((sheet, label, where, len(given)))
    for line in lines:
        _check_row(spec, league_code, line, ref)
    _repeated_ids(spec, lines)
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
            texts = [re.sub(r"\s+", " ", str(c)).strip() for c in row if not _blank(c)]
            if len(texts) >= 2 and (best is None or len(texts) > len(best[2])):
                best = (sheet, r + 1, texts)
    if best is None:
        return ""
    shown = " | ".join(best[2][:25])
    return f"工作表“{best[0]}”第{best[1]}行是：{shown[:300]}。"


def _read_rows(spec: LedgerSpec, sheet: str, cells: list[list[object]], header: Header) -> Iterator[_Line]:
    labels = {f.key: f.label for f in spec.fields}
    width = max(header.columns) + 1
    disposal = next((f for f in spec.fields if f.key == "disposal"), None)
    disposal_column = next((c for c, (f, _) in header.columns.items() if f.key == "disposal"), None)
    for r in range(header.row + 1, len(cells)):
        values = [cells[r][c] if c < len(cells[r]) else None for c in range(width)]
        filled = [v for v in values if not _blank(v)]
        filled = [norm(v) for v in filled[:4]] + filled[4:]  # the words of 合计, 填报人, 一、 are in the first cells
        if all(_blank(values[c]) for c in header.columns):
            continue  # blank, or only a pre-printed 序号
        if any(text.startswith(TOTAL_WORDS) for text in filled[:4]):
            continue  # a 合计 row, never data
        if filled[0].startswith(FOOTER_WORDS) and len(filled) <= 3:
            continue  # 填报人、审核人、联系电话 or a note under the table
        if len(filled) == 1 and SECTION.match(filled[0]):
            continue  # 一、稀土高新区 or （二）批而未供土地: a section title over the rows below it
        line = _Line(sheet, r + 1, {}, [], [], [], [])
        for c, (f, unit) in header.columns.items():
            value = values[c]
            line.row[f.key] = None
            if _blank(value):
                if f.required:
                    line.errors.append(RowError(sheet, r + 1, f.label, "必填项为空", kind="required"))
                continue
            try:
                line.row[f.key], how, mapped = read_cell(value, f, unit)
            except CellError as error:
                line.errors.append(RowError(sheet, r + 1, f.label, str(error), error.kind, _shown(value), error.hint))
                continue
            if how:
                line.notes.append((f.label, _shown(value), _display(line.row[f.key]), how))
            if mapped:
                line.mapped.append((f.label, _shown(value), line.row[f.key]))
        if str(line.row.get("item_id") or "").startswith(EXAMPLE_MARK):
            continue  # the template's example row
        derived = dict(header.derived)
        if "found_date" in derived:
            line.row["found_date"] = header.found_date  # the report's date: when its items were found
        if "title" in derived:  # a parcel is named by its park and number: 稀土高新区 BT-001 地块
            park, number = line.row.get("park"), line.row.get("parcel_code") or line.row.get("item_id")
            line.row["title"] = f"{park} {number} 地块" if park and number else None
        blank = disposal_column is None or _blank(values[disposal_column])
        if disposal and disposal.find_in_text and blank and line.row.get("measure"):
            try:  # the measure's free wording names the disposal method: read it, for the clerk to confirm
                method, _ = _choice(line.row["measure"], disposal)
            except CellError:
                method = None
            if method:
                line.row["disposal"] = method
                line.notes.append((labels["disposal"], line.row["measure"], method, f"据{labels['measure']}"))
                line.mapped.append((f"{labels['disposal']}（据{labels['measure']}）", line.row["measure"], method))
        yield line


def _display(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _check_row(spec: LedgerSpec, league_code: str, line: _Line, ref: Reference) -> None:
    """The rules across a row's cells; cells already refused or columns missing are skipped, not re-reported."""
    row = line.row

    def error(key: str | None, message: str, kind: str, value: object = "", hint: str = "") -> None:
        column = label.get(key) if key else None
        line.errors.append(RowError(line.sheet, line.line, column, message, kind, _shown(value), hint))

    def warn(key: str, message: str, kind: str) -> None:
        line.warnings.append(RowError(line.sheet, line.line, label[key], message, kind))

    label = {f.key: f.label for f in spec.fields}
    park = None
    if row.get("park"):
        written = row["park"]
        match = ref.parks.match(written, league_code)
        if match.park:
            park = match.park
            row["park_id"], row["park"] = park.park_id, park.name  # shown in the preview as the catalogue names it
            if norm(written) not in (norm(park.name), norm(park.park_id)):  # 内蒙古…, a short name: for confirmation
                line.notes.append((label["park"], written, park.name, "按开发区名录匹配"))
                line.mapped.append((label["park"], written, park.name))
        elif match.other_league:
            where = ref.league_names[match.other_league]
            also = "" if norm(written) == norm(match.candidates[0]) else f"（即{match.candidates[0]}）"
            error("park", f"园区“{written}”{also}属于{where}，不属于{ref.league_name}", "park_league", written)
        elif match.ambiguous:
            names = "、".join(match.candidates)
            error("park", f"园区“{written}”可指{ref.league_name}的多个园区：{names}。请写园区全称", "park", written)
        else:
            names = "、".join(match.candidates)
            message = f"园区“{written}”不在开发区名录中（{ref.league_name}的园区中最接近的是：{names}）"
            error("park", message, "park", written)
    item_id = row.get("item_id")
    existing = ref.items.get(item_id) if item_id else None
    if existing and (existing[0], existing[1]) != (spec.ledger, league_code):  # demo or imported: ids never move
        other = SPECS[existing[0]].name + ("" if existing[2] else "（演示数据）")
        error("item_id", f"编号“{item_id}”已用于{ref.league_names[existing[1]]}{other}", "id_taken", item_id)
    status, before = row.get("status"), ref.statuses.get(item_id)
    own = existing is not None and existing[:2] == (spec.ledger, league_code)
    if status == "已销号" and before != "已销号":
        error("status", "导入不能把条目设为“已销号”：销号须由大起底办公室在看板上审核佐证材料", "closing", status)
    elif own and status and before and STATUS_ORDER[status] < STATUS_ORDER[before]:
        error("status", f"状态不能从“{before}”退回“{status}”：退回须由大起底办公室在看板上写明原因", "backwards")
    found = row.get("found_date")
    if found and found > date.today():
        error("found_date", f"发现日期 {found} 晚于今天", "future", found)
    if found:
        for key, name in (("deadline", "整改时限"), ("closed_date", "销号日期"), ("status_date", "状态日期")):
            if row.get(key) and row[key] < found:
                warn(key, f"{name} {row[key]} 早于发现日期 {found}，请核对", "date_order")
        if row.get("idle_since") and row["idle_since"] > found:
            warn("idle_since", f"闲置起始 {row['idle_since']} 晚于发现日期 {found}，请核对", "date_order")
    if (
        spec.ledger == "idle_fund"
        and row.get("balance_wan") is not None
        and (row.get("returned_wan") or 0) > row["balance_wan"]
    ):
        error("returned_wan", "收回上缴金额大于沉淀余额", "over_balance")
    if spec.ledger == "land" and row.get("area_mu") is not None and (row.get("revitalised_mu") or 0) > row["area_mu"]:
        area, revitalised = float(row["area_mu"]), float(row["revitalised_mu"])
        error("revitalised_mu", f"盘活面积 {revitalised:,.2f} 亩大于地块面积 {area:,.2f} 亩", "over_area")
    methods = DISPOSALS_BY_LAND_KIND.get(row.get("land_kind") or "")
    if spec.ledger == "land" and methods and row.get("disposal") and row["disposal"] not in methods:
        usual = "”或“".join(methods)
        warn(
            "disposal",
            f"{row['land_kind']}通常的处置方式是“{usual}”，此行为“{row['disposal']}”，请核对",
            "disposal_kind",
        )
    if spec.ledger == "indicator" and row.get("project_id"):
        project_park = ref.projects.get(row["project_id"])
        if project_park is None:
            error("project_id", f"项目编号“{row['project_id']}”不存在", "project", row["project_id"])
        elif park and project_park != park.park_id:
            error("project_id", f"项目“{row['project_id']}”不在园区“{row['park']}”", "project", row["project_id"])


def _repeated_ids(spec: LedgerSpec, lines: list[_Line]) -> None:
    """An id written on several rows of the file: each of those rows is refused, naming all of them."""
    label = next(f.label for f in spec.fields if f.key == "item_id")
    where: dict[str, list[_Line]] = {}
    for line in lines:
        if line.row.get("item_id"):
            where.setdefault(line.row["item_id"], []).append(line)
    sheets = {line.sheet for line in lines}
    for item_id, same in where.items():
        if len(same) < 2:
            continue
        rows = "、".join(f"{'工作表“' + s.sheet + '”' if len(sheets) > 1 else ''}第{s.line}行" for s in same)
        for line in same:
            line.errors.append(
                RowError(line.sheet, line.line, label, f"编号“{item_id}”重复：{rows}", "duplicate_id", item_id)
            )


# problems as the clerk reads them ------------------------------------------------------------
KIND_TITLES = {
    "missing_column": "缺少必填列",
    "required": "必填项为空",
    "choice": "的值不在可选值中",
    "choice_ambiguous": "的写法同时像几个可选值",
    "not_number": "不是数字",
    "unit": "的单位无法换算",
    "too_small": "小于下限",
    "too_large": "超出合理范围",
    "not_integer": "不是整数",
    "not_date": "不是日期",
    "bad_date": "的日期不存在",
    "no_day": "的日期只写到月",
    "month_ambiguous": "的月份无法确定",
    "date_range": "的日期不在合理范围",
    "yesno": "应填“是”或“否”",
    "park": "的园区无法确定",
    "park_league": "的园区属于其他盟市",
    "id_taken": "的编号已被其他盟市或台账使用",
    "duplicate_id": "的编号在文件中重复",
    "closing": "不能导入为“已销号”",
    "backwards": "的状态不能退回",
    "future": "的日期晚于今天",
    "date_order": "的日期先后需要核对",
    "disposal_kind": "的处置方式与地块类型不常见",
}
MAX_ROWS_NAMED = 30
NAMES_ITS_ROWS = {"duplicate_id", "missing_column"}  # the message itself says where


@dataclass(frozen=True)
class ProblemGroup:
    """Problems of one kind in one column: a title, each distinct message with its rows, the hint once."""

    title: str  # “处置方式”：7 行的值不在可选值中
    items: tuple[str, ...]  # “拍卖” 不是可选值（3 行：第5、8、9行）
    hint: str
    rows: int


def _where(problems: list[RowError], several_sheets: bool) -> str:
    named = problems[:MAX_ROWS_NAMED]
    text = "第" + "、".join(f"{'工作表“' + p.sheet + '”第' if several_sheets else ''}{p.row}" for p in named) + "行"
    if several_sheets:
        text = "、".join(f"工作表“{p.sheet}”第{p.row}行" for p in named)
    return text + (f"等 {len(problems)} 行" if len(problems) > MAX_ROWS_NAMED else "")


def group_problems(problems: list[RowError]) -> list[ProblemGroup]:
    """Group a file's problems by column and kind, in the order they first appear."""
    several = len({p.sheet for p in problems}) > 1
    groups: dict[tuple, list[RowError]] = {}
    for p in problems:
        groups.setdefault((p.column, p.kind), []).append(p)
    out = []
    for (column, kind), same in groups.items():
        rows = len({(p.sheet, p.row) for p in same})
        phrase = KIND_TITLES.get(kind, "有误")
        if kind == "missing_column":
            title = f"表头{phrase}"
        else:
            title = (f"“{column}”：" if column else "") + f"{rows} 行{phrase}"
        by_message: dict[str, list[RowError]] = {}
        for p in same:
            by_message.setdefault(p.message, []).append(p)
        items = tuple(
            message
            if kind in NAMES_ITS_ROWS
            else f"{message}（{_where(at, several)}）"
            if len(at) == 1
            else f"{message}（{len(at)} 行：{_where(at, several)}）"
            for message, at in by_message.items()
        )
        hint = next((p.hint for p in same if p.hint), "")
        out.append(ProblemGroup(title, items, hint, rows))
    return out


# planning and writing --------------------------------------------------------------------------
ITEM_COLUMNS = ("title", "found_date", "deadline", "responsible_unit", "measure", "closed_date", "evidence")


def _detail_keys(spec: LedgerSpec) -> list[str]:
    return [f.key for f in spec.fields if f.table == "detail"]


def plan_import(data: bytes, file_name: str, ledger: str, league_code: str, path: Path) -> ImportPlan:
    """Read and check a file against the database at path; nothing is written."""
    if ledger not in SPECS:
        raise ImportFileError(f"未知的台账“{ledger}”，可选：{'、'.join(SPECS)}")
    spec = SPECS[ledger]
    plan = ImportPlan(ledger, league_code, file_name, hashlib.sha256(data).hexdigest())  # the name as uploaded
    check_free_space(path)
    sheets = read_sheets(data, file_name, len(spec.fields) + COLUMN_MARGIN)
    con = duckdb.connect(str(path))
    try:
        ref = load_reference(con, league_code)
        done = con.execute(  # per ledger: a workbook with sheets of two ledgers is imported once under each
            "select batch_id, imported_at from import_batch where sha256 = $sha and ledger = $ledger",
            {"sha": plan.sha256, "ledger": ledger},
        ).fetchone()
        if done:
            plan.already_imported = f"此文件已于 {done[1]:%Y-%m-%d %H:%M} 导入（批次 {done[0]}），不会重复导入"
        checked = validate(spec, league_code, sheets, ref)
        plan.rows, plan.errors, plan.warnings, plan.readings = (
            checked.rows,
            checked.errors,
            checked.warnings,
            checked.readings,
        )
        plan.mappings = [(*key, n) for key, n in sorted(checked.mappings.items())]
        plan.other_sheets, plan.derived = checked.other_sheets, checked.derived
        for sheet, header in checked.headers:
            plan.columns.extend((sheet, *reading) for reading in header.reading())
            plan.ignored.extend(header.ignored())
        if not plan.rows and not plan.errors:
            raise ImportFileError(f"“{display_name(file_name)}”中没有数据行")
        current = _current_rows(con, spec, [r["item_id"] for r in plan.rows])
        plan.replaced_demo = con.execute(
            "select count(*) from item join park using (park_id) "
            "where batch_id is null and ledger = $ledger and league_code = $league",
            {"ledger": ledger, "league": league_code},
        ).fetchone()[0]
        plan.dropped_history = dropped_history(con, ledger, league_code, [r["item_id"] for r in plan.rows])
    finally:
        con.close()
    for row in plan.rows:
        before = current.get(row["item_id"])
        if before is None:
            plan.new.append(row["item_id"])
        elif _comparable(spec, row) == before:
            plan.unchanged.append(row["item_id"])
        else:
            plan.updated.append(row["item_id"])
    return plan


def dropped_history(con, ledger: str, league_code: str, ids: list[str]) -> list[DroppedItem]:
    """The league's demo items of this ledger an import of ids would replace that carry records users made:
    status changes with an actor, evidence files, 延期申请 (the demo's own events have no actor)."""
    rows = con.execute(
        """
        with replaced as (
            select i.item_id, i.title from item i join park p using (park_id)
            where i.batch_id is null and i.ledger = $l and p.league_code = $c
              and i.item_id not in (select unnest($ids))
        ),
        worked as (
            select item_id, count(*) filter (where actor is not null) as events, arg_max(status, seq) as status
            from item_event where item_id in (select item_id from replaced) group by item_id
        ),
        files as (
            select item_id, list(file_name order by file_name, sha256) as names,
                list(sha256 order by file_name, sha256) as shas
            from evidence where item_id in (select item_id from replaced) group by item_id
        ),
        requests as (
            select item_id, count(*) as n from deadline_request
            where item_id in (select item_id from replaced) group by item_id
        )
        select r.item_id, r.title, coalesce(w.status, '待整改'), coalesce(w.events, 0),
            coalesce(f.names, []), coalesce(f.shas, []), coalesce(q.n, 0)
        from replaced r left join worked w using (item_id) left join files f using (item_id)
        left join requests q using (item_id)
        where coalesce(w.events, 0) > 0 or f.names is not null or q.n is not null
        order by r.item_id
        """,
        {"l": ledger, "c": league_code, "ids": ids},
    ).fetchall()
    return [DroppedItem(i, t, s, int(e), tuple(n), tuple(h), int(q)) for i, t, s, e, n, h, q in rows]


def preview_frame(plan: ImportPlan, limit: int = 500) -> pd.DataFrame:
    """The rows to be written as they were read (parks by their catalogue name, choices standard)."""
    spec, new, changed = SPECS[plan.ledger], set(plan.new), {*plan.new, *plan.updated}
    rows = [r for r in plan.rows if r["item_id"] in changed][:limit]
    labels = [f.label for f in spec.fields]
    frame = pd.DataFrame(
        [[_display(r.get(f.key)) if r.get(f.key) is not None else "" for f in spec.fields] for r in rows],
        columns=labels,
    )
    frame.insert(0, "变化", ["新增" if r["item_id"] in new else "更新" for r in rows])
    derived = {label for _, label, _, _ in plan.derived}
    return frame.rename(columns={label: label + DERIVED for label in derived})


def readings_frame(plan: ImportPlan, limit: int = 2000) -> pd.DataFrame:
    """One line per messy cell of the rows to be written: how it was written and how it was read."""
    changed = {*plan.new, *plan.updated}
    lines = [
        (item_id, *reading) for item_id, readings in plan.readings.items() if item_id in changed for reading in readings
    ]
    return pd.DataFrame(lines[:limit], columns=["编号", "列", "文件中的写法", "读作", "说明"])


def _comparable(spec: LedgerSpec, row: dict) -> tuple:
    keys = ["park_id", *ITEM_COLUMNS, *_detail_keys(spec), "status"]
    return tuple(_plain(row.get(k)) for k in keys)


def _plain(value: object) -> object:
    if isinstance(value, Decimal | float):
        return round(float(value), 4)
    if isinstance(value, pd.Timestamp):
        return value.date()
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def _current_rows(con, spec: LedgerSpec, ids: list[str]) -> dict[str, tuple]:
    """Imported items already in the database, in the same comparable form as file rows."""
    if not ids:
        return {}
    detail = ", ".join(f"d.{k}" for k in _detail_keys(spec))
    frame = con.execute(
        f"select i.item_id, i.park_id, {', '.join('i.' + c for c in ITEM_COLUMNS)}, {detail}, s.status "
        f"from item i join {spec.ledger} d using (item_id) "
        "left join (select item_id, arg_max(status, seq) as status from item_event group by item_id) s "
        "using (item_id) where i.batch_id is not null and i.item_id in (select unnest($ids))",
        {"ids": ids},
    ).fetchall()
    return {r[0]: tuple(_plain(v) for v in r[1:]) for r in frame}


WORK_SUFFIX = ".importing"  # the private copy imports before schema 5 wrote to, next to the database file
PARTIAL_SUFFIX = ".partial"  # an archive file being written


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def disk_status(path: Path) -> tuple[int, int]:
    """Bytes kept in the archive folder (data/imports/) and bytes free on the data volume."""
    folder = path.parent / "imports"
    used = sum(f.stat().st_size for f in folder.iterdir() if f.is_file()) if folder.is_dir() else 0
    return used, free_bytes(path.parent)


def check_free_space(path: Path, needed: int = 0) -> None:
    """Refuse new files while the data volume would keep less than MIN_FREE_BYTES free."""
    free = free_bytes(path.parent)
    if free - needed < MIN_FREE_BYTES:
        raise ImportFileError(
            f"数据目录所在磁盘只剩 {free / GB:.1f} GB 可用空间，低于 {MIN_FREE_BYTES / GB:g} GB 的下限"
            + (f"（本次导入还需约 {needed / GB:.2f} GB）" if needed else "")
            + "，暂停接收新文件。请联系管理员清理磁盘或扩容后再导入。"
        )


def archive_name(batch_id: int, sha256: str, file_name: str) -> str:
    """The original file's name in data/imports/: batch, hash prefix and the sanitised, shortened upload name."""
    return f"{batch_id:05d}_{sha256[:8]}_{stored_name(file_name)}"


def clean_stray_files(path: Path) -> list[Path]:
    """Remove what a killed import left behind (its working copy and write-ahead log, a half-written archive
    file), unless an import is running right now. Returns what was removed."""
    if not path.parent.is_dir():
        return []
    try:
        with writer_lock(path, wait=False):
            return _remove_stray(path)
    except BlockingIOError:
        return []  # an import holds the lock: its files are not stray


def _remove_stray(path: Path) -> list[Path]:
    """Under the writer lock: the working copy, its write-ahead log (DuckDB would replay it), partial archives."""
    work = path.with_name(path.name + WORK_SUFFIX)
    stray = [work, work.with_name(work.name + ".wal"), *(path.parent / "imports").glob(f"*{PARTIAL_SUFFIX}")]
    removed = [p for p in stray if p.exists()]
    for p in removed:
        p.unlink(missing_ok=True)
    if removed:
        log.warning("removed files left by an interrupted import: %s", ", ".join(map(str, removed)))
    return removed


def apply_import(
    plan: ImportPlan,
    data: bytes,
    path: Path,
    imported_by: str = "",
    writing: WritingContext | None = None,
    drop_history: bool = False,
) -> int:
    """Write a checked plan in one transaction: all rows of the file or none. Returns the new batch id.

    In the app, `writing` is queries.db.writing: the transaction runs on a cursor of the server's own
    connection (under its writer lock), and readers see the import once it is committed. Elsewhere (the
    command line, tests) the database is opened read-write here, which fails with a Chinese message while the
    app holds it.

    Replaced demo items that users had worked on (plan.dropped_history) go only with drop_history, the clerk's
    explicit confirmation: their status records, evidence rows and 延期申请 are removed with them (no row is
    left pointing at a missing item), the evidence files stay in data/evidence/, and each such item with its
    files (name and SHA-256) is written to the audit log (import_dropped_history)."""
    if plan.errors:
        raise ImportFileError(f"文件有 {len(plan.errors)} 处错误，未写入。请修改后重新上传。")
    if plan.already_imported:
        raise ImportFileError(plan.already_imported)
    if plan.dropped_history and not drop_history:
        raise ImportFileError(
            f"导入将替换 {len(plan.dropped_history)} 条已有整改销号记录的演示条目（"
            + "；".join(d.item_id for d in plan.dropped_history[:10])
            + ("等" if len(plan.dropped_history) > 10 else "")
            + "），其记录与佐证材料登记将一并移除：须确认后才能导入。"
        )
    spec = SPECS[plan.ledger]
    check_free_space(path, needed=2 * len(data))
    folder = path.parent / "imports"
    con = open_for_writing(path) if writing is None else None
    try:
        if con is not None:
            with writer_lock(path):
                _remove_stray(path)
        with writing() if con is None else transaction(con, path) as cursor:
            batch_id = _write(cursor, spec, plan, imported_by)
            name = archive_name(batch_id, plan.sha256, plan.file_name)
            _archive(folder, name, data, keep_partial=True)  # a kill before the commit leaves only a .partial
        os.replace(folder / (name + PARTIAL_SUFFIX), folder / name)
    finally:
        if con is not None:
            con.close()
    _record_dropped(path, plan, batch_id, imported_by)
    return batch_id


def _record_dropped(path: Path, plan: ImportPlan, batch_id: int, imported_by: str) -> None:
    """The audit log keeps what a confirmed import removed of users' work: each item, its records and each
    evidence file by name and SHA-256 (the file itself stays in data/evidence/)."""
    if not plan.dropped_history:
        return
    from auth import store

    who = imported_by or os.environ.get("USER", "") or "命令行"
    name = SPECS[plan.ledger].name
    for item in plan.dropped_history:
        files = [f"{n}（SHA-256 {h[:12]}…）" for n, h in zip(item.evidence, item.sha256, strict=True)]
        head = f"批次 {batch_id} 替换{name}演示条目 {item.text().split('：', 1)[0]}：{item.events} 条整改记录"
        chunks = [files[n : n + 4] for n in range(0, len(files), 4)] or [[]]
        for n, chunk in enumerate(chunks):
            detail = (
                head
                + ("（续）" if n else "")
                + ("；佐证材料文件仍保存在 data/evidence/：" + "、".join(chunk) if chunk else "")
            )
            store.record(store.auth_path(path), who, "import_dropped_history", detail, plan.league_code)


def _write(con: duckdb.DuckDBPyConnection, spec: LedgerSpec, plan: ImportPlan, imported_by: str) -> int:
    """The import inside the caller's transaction (the tables beside item carry no foreign keys, so removing
    the replaced items and inserting the file's rows is one transaction; see schema.sql)."""
    done = con.execute(
        "select count(*) from import_batch where sha256 = $s and ledger = $l", {"s": plan.sha256, "l": plan.ledger}
    ).fetchone()[0]
    if done:
        raise ImportFileError("此文件已导入，不会重复导入")
    batch_id = con.execute("select coalesce(max(batch_id), 0) + 1 from import_batch").fetchone()[0]
    wanted = {*plan.new, *plan.updated}
    changed = [r for r in plan.rows if r["item_id"] in wanted]
    ids = [r["item_id"] for r in changed]
    taken = con.execute(  # checked again inside the transaction: another import may have taken an id since
        "select item_id from item join park using (park_id) "
        "where item_id in (select unnest($ids)) and (ledger <> $l or league_code <> $c) order by 1 limit 1",
        {"ids": ids, "l": spec.ledger, "c": plan.league_code},
    ).fetchone()
    if taken:
        raise ImportFileError(f"编号“{taken[0]}”刚被其他盟市或台账使用，未写入。请重新上传此文件，查看逐行检查结果。")
    confirmed = {d.item_id for d in plan.dropped_history}
    worked = {d.item_id for d in dropped_history(con, spec.ledger, plan.league_code, [r["item_id"] for r in plan.rows])}
    if worked - confirmed:  # someone recorded progress on a demo item since the preview
        raise ImportFileError(
            f"预览之后又有演示条目记录了整改进展（{'、'.join(sorted(worked - confirmed)[:5])}），未写入。"
            "请重新上传此文件，核对将被替换的条目后再确认。"
        )
    last = _last_events(con, ids)
    con.execute(
        "insert into import_batch values ($b, $ledger, $league, $file, $sha, $at, $rows, $by)",
        {"b": batch_id, "ledger": plan.ledger, "league": plan.league_code, "file": plan.file_name,
         "sha": plan.sha256, "at": datetime.now().replace(microsecond=0), "rows": len(plan.rows),
         "by": imported_by or os.environ.get("USER", "")},
    )  # fmt: skip
    _remove(con, spec, plan.league_code, ids)
    _crash_point()
    _insert(con, spec, changed, last, batch_id)
    spans.refresh(con, ids, prune=True)  # status spans in step with the events, in this transaction
    return batch_id


def _archive(folder: Path, name: str, data: bytes, keep_partial: bool = False) -> None:
    """Keep the original file; written under another name first, so a kill leaves no half file (with
    keep_partial the caller renames it once its transaction has committed)."""
    folder.mkdir(exist_ok=True)
    partial = folder / (name + PARTIAL_SUFFIX)
    partial.write_bytes(data)
    if not keep_partial:
        os.replace(partial, folder / name)


def _crash_point() -> None:
    """Tests kill the process here, mid-transaction, to prove nothing of the import is committed."""
    if os.environ.get("LEDGER_IMPORT_CRASH") == "1":
        os._exit(17)


def _last_events(con, ids: list[str]) -> dict[str, tuple]:
    """(seq, event_date, status) of the latest event of each item about to be rewritten: its history stays as
    it is (with who recorded each step), and a changed status is appended after it."""
    return {
        row[0]: row[1:]
        for row in con.execute(
            "select item_id, seq, event_date, status from item_event where item_id in (select unnest($ids)) "
            "qualify row_number() over (partition by item_id order by seq desc) = 1",
            {"ids": ids},
        ).fetchall()
    }


def _remove(con, spec: LedgerSpec, league_code: str, ids: list[str]) -> None:
    """Remove the league's demo items of this ledger with everything beside them, and the item and detail
    rows of the items being rewritten (their events, evidence and 延期 stay). Table names are fixed."""
    mine = "(select item_id from item join park using (park_id) where ledger = $l and league_code = $c {})"
    replaced = mine.format("and batch_id is null and item_id not in (select unnest($ids))")
    rewritten = mine.format("and item_id in (select unnest($ids))")  # only ever this league's and ledger's
    params = {"l": spec.ledger, "c": league_code, "ids": ids}
    for table in ("infra_survey", "stopped_enterprise"):
        con.execute(f"update {table} set item_id = null where item_id in {replaced}", params)
    for table in (spec.ledger, "item_event", "evidence", "deadline_request", "item"):
        con.execute(f"delete from {table} where item_id in {replaced}", params)
    for table in (spec.ledger, "item"):
        con.execute(f"delete from {table} where item_id in {rewritten}", params)


def _insert(con, spec: LedgerSpec, rows: list[dict], last: dict[str, tuple], batch_id: int) -> None:
    """Insert the file's new and changed items, adding an event on a status change (a new item starts 待整改)."""
    today = date.today()
    items, details, events = [], [], []
    for r in rows:
        items.append(
            {"item_id": r["item_id"], "ledger": spec.ledger, "park_id": r["park_id"],
             **{c: r.get(c) for c in ITEM_COLUMNS}, "batch_id": batch_id}
        )  # fmt: skip
        details.append({"item_id": r["item_id"], **{k: r.get(k) for k in _detail_keys(spec)}})
        if r["item_id"] in last:
            last_seq, last_date, last_status = last[r["item_id"]]
        else:
            last_seq, last_date, last_status = 1, r["found_date"], "待整改"
            events.append((r["item_id"], 1, r["found_date"], "待整改", "导入"))
        if last_status != r["status"]:
            when = r.get("status_date") or (r.get("closed_date") if r["status"] == "已销号" else None) or today
            events.append((r["item_id"], last_seq + 1, max(when, last_date), r["status"], f"导入批次 {batch_id}"))
    if not rows:
        return
    for table, frame in (("item", pd.DataFrame(items)), (spec.ledger, pd.DataFrame(details))):
        columns = ", ".join(frame.columns)
        con.register("incoming", frame)
        con.execute(f"insert into {table} ({columns}) select {columns} from incoming")
        con.unregister("incoming")
    if not events:
        return
    frame = pd.DataFrame(events, columns=["item_id", "seq", "event_date", "status", "note"])
    con.register("incoming", frame)
    con.execute(
        "insert into item_event (item_id, seq, event_date, status, note) select item_id, seq, event_date, status, note"
        " from incoming"
    )
    con.unregister("incoming")
