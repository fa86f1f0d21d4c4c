"""Import a league's ledger from Excel or CSV: read messy files, validate every row, then write atomically.

Files are read in a limited worker process (ledger/safe_read.py), never in this one. Item ids belong to
one league and one ledger: an id used elsewhere is a row error. Writing is one transaction: in the app on
a cursor of the server's own connection (queries.db.writing), elsewhere on a connection opened here, under
the one-writer lock either way; readers see the import once it is committed, and a killed import leaves
nothing of itself but a .partial archive file, which clean_stray_files removes (with the working copies of
imports made before schema 5, which wrote a copy of the file).
"""

import hashlib
import logging
import os
import re
import shutil
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

from ledger import spans
from ledger.fields import SPECS, STATUSES, Field, LedgerSpec
from ledger.limits import COLUMN_MARGIN, GB, MIN_FREE_BYTES
from ledger.safe_read import ImportFileError, display_name, read_sheets, stored_name
from ledger.writing import open_for_writing, transaction, writer_lock

WritingContext = Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]]

log = logging.getLogger("ledger.importer")

TOTAL_WORDS = ("合计", "总计", "小计")
EXAMPLE_MARK = "示例"
UNIT_FACTORS = {  # factor into the stored unit
    "亩": {"亩": 1, "公顷": 15, "平方米": 1 / 666.6667, "㎡": 1 / 666.6667},
    "万元": {"万元": 1, "元": 0.0001, "亿元": 10000},
    "吨标煤": {"吨标煤": 1, "吨": 1, "万吨标煤": 10000},
    "吨": {"吨": 1, "万吨": 10000},
    "项": {"项": 1, "个": 1},
}
EXCEL_EPOCH = date(1899, 12, 30)
STATUS_ORDER = {status: n for n, status in enumerate(STATUSES)}
MAX_HEADER_SCAN = 15


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int  # as Excel shows it (1-based)
    column: str | None
    message: str

    def text(self) -> str:
        where = f"第{self.row}行" + (f" “{self.column}”" if self.column else "")
        return f"工作表“{self.sheet}” {where}: {self.message}"


@dataclass
class ImportPlan:
    ledger: str
    league_code: str
    file_name: str
    sha256: str
    rows: list[dict] = field(default_factory=list)  # normalised, valid rows
    errors: list[RowError] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced_demo: int = 0
    already_imported: str | None = None  # when the same file was imported before

    @property
    def can_write(self) -> bool:
        return not self.errors and not self.already_imported and bool(self.new or self.updated)


# reading ---------------------------------------------------------------------------------------
def norm(text: object) -> str:
    """Full-width to half-width, no spaces: how headers and codes are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))) if text is not None else ""


def _header_key(cell: object) -> tuple[str, str]:
    """Header text -> (name without unit, unit): '面积（公顷）*' -> ('面积', '公顷')."""
    text = norm(cell).replace("*", "")
    unit = ""
    match = re.search(r"[(\[]((?:单位[:：])?)([^()\[\]]*)[)\]]", text)
    if match:
        unit = match.group(2)
    name = re.sub(r"[(\[][^()\[\]]*[)\]]", "", text)
    return name, unit


def _match(spec: LedgerSpec, cell: object) -> tuple[Field, str] | None:
    name, unit = _header_key(cell)
    if not name:
        return None
    for f in spec.fields:
        if name in {norm(f.header), *map(norm, f.aliases), norm(f.label)}:
            return f, unit
    return None


def _header_rows(rows: list[list[object]]) -> Iterator[tuple[int, list[object]]]:
    """Candidate headers: each of the first rows, and each pair of rows (merged group over sub-header)."""
    for r in range(min(MAX_HEADER_SCAN, len(rows))):
        yield r, rows[r]
        if r > 0:
            upper, lower, combined, group = rows[r - 1], rows[r], [], ""
            for c in range(max(len(upper), len(lower))):
                top = upper[c] if c < len(upper) else ""
                bottom = lower[c] if c < len(lower) else ""
                group = norm(top) or group if norm(top) or not norm(bottom) else group
                if norm(bottom) and norm(top):
                    combined.append(f"{norm(top)}{norm(bottom)}")
                elif norm(bottom):
                    combined.append(f"{group}({norm(bottom)})" if group and _is_unit(bottom) else bottom)
                else:
                    combined.append(top)
            yield r, combined


def _is_unit(cell: object) -> bool:
    text = norm(cell).strip("()")
    return any(text in units for units in UNIT_FACTORS.values())


def find_header(spec: LedgerSpec, rows: list[list[object]]) -> tuple[int, dict[int, tuple[Field, str]]] | None:
    """The header row and which column holds which field; None when no row names the required fields."""
    best = None
    required = {f.key for f in spec.fields if f.required}
    for r, cells in _header_rows(rows):
        columns = {}
        for c, cell in enumerate(cells):
            hit = _match(spec, cell)
            if hit and hit[0].key not in {f.key for f, _ in columns.values()}:
                columns[c] = hit
        found = {f.key for f, _ in columns.values()}
        if required <= found and (best is None or len(columns) >= len(best[1])):  # ties: the later (two-row) header
            best = (r, columns)
    return best


# cells -----------------------------------------------------------------------------------------
class CellError(ValueError):
    pass


def _number(value: object, f: Field, header_unit: str) -> float:
    if isinstance(value, bool):
        raise CellError(f"“{value}” 不是数字")
    if isinstance(value, int | float):
        number = float(value)
        unit = header_unit
    else:
        text = norm(value).replace(",", "").replace("，", "")
        match = re.fullmatch(r"([-+]?\d+(?:\.\d+)?)([^\d.]*)", text)
        if not match:
            raise CellError(f"“{value}” 不是数字")
        number, unit = float(match.group(1)), match.group(2) or header_unit
    if f.unit:
        factors = UNIT_FACTORS.get(f.unit, {f.unit: 1})
        unit = unit or f.unit
        if unit not in factors:
            raise CellError(f"“{value}” 的单位“{unit}”无法换算为{f.unit}")
        number *= factors[unit]
    elif unit and unit not in ("",):
        raise CellError(f"“{value}” 不是数字")
    if f.minimum is not None and number < f.minimum:
        raise CellError(f"“{value}” 不能小于 {f.minimum:g}")
    if f.maximum is not None and number > f.maximum:
        raise CellError(f"“{value}” 超出合理范围（不大于 {f.maximum:g}）")
    return round(number, 4)


def _date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel serial day number
            return EXCEL_EPOCH + timedelta(days=int(value))
        text = str(int(value)) if float(value).is_integer() else str(value)
    else:
        text = norm(value)
    match = re.fullmatch(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    if not match:
        raise CellError(f"“{value}” 不是日期（可写作 2022-08-15、2022.8.15、2022/8/15 或 2022年8月15日）")
    try:
        return date(*map(int, match.groups()))
    except ValueError as error:
        raise CellError(f"“{value}” 不是有效日期") from error


def parse_cell(value: object, f: Field, header_unit: str = "") -> object:
    """A cell's value in the stored type and unit; CellError with a clerk-readable message otherwise."""
    if f.kind == "number":
        return _number(value, f, header_unit)
    if f.kind == "integer":
        number = _number(value, f, header_unit)
        if not float(number).is_integer():
            raise CellError(f"“{value}” 应为整数")
        return int(number)
    if f.kind == "date":
        parsed = _date(value)
        if not date(2000, 1, 1) <= parsed <= date(2035, 12, 31):
            raise CellError(f"“{value}” 不在合理的日期范围（2000年至2035年）")
        return parsed
    if f.kind == "yesno":
        text = norm(value).upper()
        if text in ("是", "Y", "YES", "TRUE", "1", "√"):
            return True
        if text in ("否", "N", "NO", "FALSE", "0", "×"):
            return False
        raise CellError(f"“{value}” 应填“是”或“否”")
    if f.kind == "choice":
        text = norm(value)
        for choice in f.choices:
            if text == norm(choice):
                return choice
        raise CellError(f"“{value}” 不是可选值，应为：{'、'.join(f.choices)}")
    return (
        unicodedata.normalize("NFKC", str(value)).strip() if f.key in ("item_id", "project_id") else str(value).strip()
    )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# validation ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reference:
    """What rows are checked against: the league's parks, existing items, built projects."""

    league_name: str
    parks: dict[str, tuple[str, str]]  # normalised park name or id -> (park_id, league_code)
    league_names: dict[str, str]
    items: dict[str, tuple[str, str, bool]]  # item_id -> (ledger, league_code, imported)
    projects: dict[str, str]  # project_id -> park_id
    statuses: dict[str, str] = field(default_factory=dict)  # item_id -> its latest status


def load_reference(con: duckdb.DuckDBPyConnection, league_code: str) -> Reference:
    leagues = dict(con.execute("select league_code, name from league").fetchall())
    if league_code not in leagues:
        raise ImportFileError(f"盟市代码“{league_code}”不存在")
    parks = {}
    for park_id, name, code in con.execute("select park_id, name, league_code from park").fetchall():
        parks[norm(name)] = parks[norm(park_id)] = (park_id, code)
    items = {
        i: (ledger, code, batch is not None)
        for i, ledger, code, batch in con.execute(
            "select item_id, ledger, league_code, batch_id from item join park using (park_id)"
        ).fetchall()
    }
    projects = dict(con.execute("select project_id, park_id from built_project").fetchall())
    statuses = dict(con.execute("select item_id, arg_max(status, seq) from item_event group by item_id").fetchall())
    return Reference(leagues[league_code], parks, leagues, items, projects, statuses)


def validate(spec: LedgerSpec, league_code: str, sheets, ref: Reference) -> tuple[list[dict], list[RowError]]:
    rows, errors, seen = [], [], {}
    header_found = False
    for sheet, cells in sheets:
        header = find_header(spec, cells)
        if header is None:
            continue
        header_found = True
        start, columns = header
        for r in range(start + 1, len(cells)):
            line = cells[r]
            values = [line[c] if c < len(line) else None for c in range(max(columns) + 1)]
            if all(_blank(v) for v in values):
                continue
            if any(norm(v).startswith(TOTAL_WORDS) for v in values[:4] if not _blank(v)):
                continue  # a 合计 row, never data
            row, row_errors = {}, []
            for c, (f, unit) in columns.items():
                value = values[c]
                if _blank(value):
                    if f.required:
                        row_errors.append(RowError(sheet, r + 1, f.label, "必填项为空"))
                    row[f.key] = None
                    continue
                try:
                    row[f.key] = parse_cell(value, f, unit)
                except CellError as error:
                    row_errors.append(RowError(sheet, r + 1, f.label, str(error)))
            if str(row.get("item_id") or "").startswith(EXAMPLE_MARK):
                continue  # the template's example row
            if not row_errors:
                row_errors = _check_row(spec, league_code, row, ref, sheet, r + 1, seen)
            errors.extend(row_errors)
            if not row_errors:
                rows.append(row)
    if not header_found:
        missing = "、".join(f.label for f in spec.fields if f.required)
        raise ImportFileError(f"未找到{spec.name}的表头：表头应包含 {missing} 等列。请使用下载的模板。")
    return rows, errors


def _check_row(spec, league_code, row, ref: Reference, sheet, line, seen) -> list[RowError]:
    def error(column: str | None, message: str) -> RowError:
        return RowError(sheet, line, column, message)

    out = []
    label = {f.key: f.label for f in spec.fields}
    park = ref.parks.get(norm(row["park"]))
    if park is None:
        out.append(error(label["park"], f"园区“{row['park']}”不在开发区名录中"))
    elif park[1] != league_code:
        out.append(error(label["park"], f"园区“{row['park']}”属于{ref.league_names[park[1]]}，不属于{ref.league_name}"))
    else:
        row["park_id"] = park[0]
    item_id = row["item_id"]
    if item_id in seen:
        out.append(error(label["item_id"], f"编号“{item_id}”与第{seen[item_id]}行重复"))
    seen.setdefault(item_id, line)
    existing = ref.items.get(item_id)
    if existing and (existing[0], existing[1]) != (spec.ledger, league_code):  # demo or imported: ids never move
        other = SPECS[existing[0]].name + ("" if existing[2] else "（演示数据）")
        out.append(error(label["item_id"], f"编号“{item_id}”已用于{ref.league_names[existing[1]]}{other}"))
    status, before = row.get("status"), ref.statuses.get(item_id)
    own = existing is not None and existing[:2] == (spec.ledger, league_code)
    if status == "已销号" and before != "已销号":
        out.append(error(label["status"], "导入不能把条目设为“已销号”：销号须由大起底办公室在看板上审核佐证材料"))
    elif own and status and before and STATUS_ORDER[status] < STATUS_ORDER[before]:
        out.append(error(label["status"], f"状态不能从“{before}”退回“{status}”：退回须由大起底办公室在看板上写明原因"))
    found = row["found_date"]
    if found > date.today():
        out.append(error(label["found_date"], f"发现日期 {found} 晚于今天"))
    if row.get("closed_date") and row["closed_date"] < found:
        out.append(error(label["closed_date"], f"销号日期 {row['closed_date']} 早于发现日期 {found}"))
    if row.get("deadline") and row["deadline"] < found:
        out.append(error(label["deadline"], f"整改时限 {row['deadline']} 早于发现日期 {found}"))
    if row.get("status_date") and row["status_date"] < found:
        out.append(error(label["status_date"], f"状态日期 {row['status_date']} 早于发现日期 {found}"))
    if spec.ledger == "idle_fund" and (row.get("returned_wan") or 0) > row["balance_wan"]:
        out.append(error(label["returned_wan"], "收回上缴金额大于沉淀余额"))
    if spec.ledger == "land" and row.get("area_mu") is not None and (row.get("revitalised_mu") or 0) > row["area_mu"]:
        area, revitalised = float(row["area_mu"]), float(row["revitalised_mu"])
        out.append(error(label["revitalised_mu"], f"盘活面积 {revitalised:,.2f} 亩大于地块面积 {area:,.2f} 亩"))
    if spec.ledger == "indicator":
        project_park = ref.projects.get(row["project_id"])
        if project_park is None:
            out.append(error(label["project_id"], f"项目编号“{row['project_id']}”不存在"))
        elif park and project_park != park[0]:
            out.append(error(label["project_id"], f"项目“{row['project_id']}”不在园区“{row['park']}”"))
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
        done = con.execute(
            "select batch_id, imported_at from import_batch where sha256 = $sha", {"sha": plan.sha256}
        ).fetchone()
        if done:
            plan.already_imported = f"此文件已于 {done[1]:%Y-%m-%d %H:%M} 导入（批次 {done[0]}），不会重复导入"
        plan.rows, plan.errors = validate(spec, league_code, sheets, ref)
        if not plan.rows and not plan.errors:
            raise ImportFileError(f"“{display_name(file_name)}”中没有数据行")
        current = _current_rows(con, spec, [r["item_id"] for r in plan.rows])
        plan.replaced_demo = con.execute(
            "select count(*) from item join park using (park_id) "
            "where batch_id is null and ledger = $ledger and league_code = $league",
            {"ledger": ledger, "league": league_code},
        ).fetchone()[0]
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
    plan: ImportPlan, data: bytes, path: Path, imported_by: str = "", writing: WritingContext | None = None
) -> int:
    """Write a checked plan in one transaction: all rows of the file or none. Returns the new batch id.

    In the app, `writing` is queries.db.writing: the transaction runs on a cursor of the server's own
    connection (under its writer lock), and readers see the import once it is committed. Elsewhere (the
    command line, tests) the database is opened read-write here, which fails with a Chinese message while the
    app holds it."""
    if plan.errors:
        raise ImportFileError(f"文件有 {len(plan.errors)} 处错误，未写入。请修改后重新上传。")
    if plan.already_imported:
        raise ImportFileError(plan.already_imported)
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
    return batch_id


def _write(con: duckdb.DuckDBPyConnection, spec: LedgerSpec, plan: ImportPlan, imported_by: str) -> int:
    """The import inside the caller's transaction (the tables beside item carry no foreign keys, so removing
    the replaced items and inserting the file's rows is one transaction; see schema.sql)."""
    if con.execute("select count(*) from import_batch where sha256 = $s", {"s": plan.sha256}).fetchone()[0]:
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
