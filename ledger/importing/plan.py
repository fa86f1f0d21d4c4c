"""Planning an import: read and check a file against the database, and say what writing it would do (new,
updated and unchanged items, demo items replaced, users' records that would go with them); nothing is written."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

from ledger import postgres
from ledger.fields import SPECS, LedgerSpec
from ledger.importing.checks import load_reference
from ledger.importing.disk import check_free_space
from ledger.importing.problems import RowError
from ledger.importing.validation import validate
from ledger.limits import COLUMN_MARGIN
from ledger.safe_read import ImportFileError, display_name, read_sheets
from ledger.vocabulary import OPEN
from ledger.writing import PgCursor, is_postgres

ITEM_COLUMNS = ("title", "found_date", "deadline", "responsible_unit", "measure", "closed_date", "evidence")


# An item id in (or not in) the list $ids, as each engine does it fast: DuckDB hash-joins the unnested list;
# PostgreSQL compares with the array (a semi join with the unnested array went quadratic: 4.4 s for 20,000 ids).
IN_IDS = {"duckdb": "in (select unnest($ids))", "postgres": "= any($ids::varchar[])"}
NOT_IN_IDS = {"duckdb": "not in (select unnest($ids))", "postgres": "<> all($ids::varchar[])"}


def in_ids(con, column: str = "item_id", negate: bool = False) -> str:
    """`column` in the list $ids (not in it, with negate), in the SQL of con's engine."""
    return f"{column} {(NOT_IN_IDS if negate else IN_IDS)['postgres' if is_postgres(con) else 'duckdb']}"


def detail_keys(spec: LedgerSpec) -> list[str]:
    return [f.key for f in spec.fields if f.table == "detail"]


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


def plan_import(data: bytes, file_name: str, ledger: str, league_code: str, path: Path) -> ImportPlan:
    """Read and check a file against the database at path; nothing is written."""
    if ledger not in SPECS:
        raise ImportFileError(f"未知的台账“{ledger}”，可选：{'、'.join(SPECS)}")
    spec = SPECS[ledger]
    plan = ImportPlan(ledger, league_code, file_name, hashlib.sha256(data).hexdigest())  # the name as uploaded
    check_free_space(path)
    sheets = read_sheets(data, file_name, len(spec.fields) + COLUMN_MARGIN)
    with reading_database(path) as con:
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
    for row in plan.rows:
        before = current.get(row["item_id"])
        if before is None:
            plan.new.append(row["item_id"])
        elif _comparable(spec, row) == before:
            plan.unchanged.append(row["item_id"])
        else:
            plan.updated.append(row["item_id"])
    return plan


@contextmanager
def reading_database(path: Path) -> Iterator:
    """The database a plan is checked against, read in one snapshot: with LEDGER_DSN set a PostgreSQL connection of
    its own taking the same `$name` SQL (ledger.writing.PgCursor), else the DuckDB file at path (in the app, the
    server's own database instance)."""
    target = postgres.dsn()
    if target is not None:
        with postgres.connect(target) as con, con.transaction():
            con.execute("set transaction isolation level repeatable read, read only")
            yield PgCursor(con)
        return
    con = duckdb.connect(str(path))
    try:
        yield con
    finally:
        con.close()


def dropped_history(con, ledger: str, league_code: str, ids: list[str]) -> list[DroppedItem]:
    """The league's demo items of this ledger an import of ids would replace that carry records users made:
    status changes with an actor, evidence files, 延期申请 (the demo's own events have no actor)."""
    rows = con.execute(
        f"""
        with replaced as (
            select i.item_id, i.title from item i join park p using (park_id)
            where i.batch_id is null and i.ledger = $l and p.league_code = $c
              and {in_ids(con, "i.item_id", negate=True)}
        ),
        worked as (
            select item_id, count(*) filter (where actor is not null) as events
            from item_event where item_id in (select item_id from replaced) group by item_id
        ),
        files as (
            select item_id, array_agg(file_name order by file_name, sha256) as names,
                array_agg(sha256 order by file_name, sha256) as shas
            from evidence where item_id in (select item_id from replaced) group by item_id
        ),
        requests as (
            select item_id, count(*) as n from deadline_request
            where item_id in (select item_id from replaced) group by item_id
        )
        select r.item_id, r.title, coalesce(s.status, $open), coalesce(w.events, 0), f.names, f.shas,
            coalesce(q.n, 0)
        from replaced r left join worked w using (item_id) left join files f using (item_id)
        left join requests q using (item_id)
        left join status_span s on s.item_id = r.item_id and s.valid_to is null
        where coalesce(w.events, 0) > 0 or f.names is not null or q.n is not null
        order by r.item_id
        """,
        {"l": ledger, "c": league_code, "ids": ids, "open": OPEN},
    ).fetchall()
    return [DroppedItem(i, t, s, int(e), tuple(n or ()), tuple(h or ()), int(q)) for i, t, s, e, n, h, q in rows]


def _comparable(spec: LedgerSpec, row: dict) -> tuple:
    keys = ["park_id", *ITEM_COLUMNS, *detail_keys(spec), "status"]
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
    detail = ", ".join(f"d.{k}" for k in detail_keys(spec))
    frame = con.execute(
        f"select i.item_id, i.park_id, {', '.join('i.' + c for c in ITEM_COLUMNS)}, {detail}, s.status "
        f"from item i join {spec.ledger} d using (item_id) "
        "left join status_span s on s.item_id = i.item_id and s.valid_to is null "
        f"where i.batch_id is not null and {in_ids(con, 'i.item_id')}",
        {"ids": ids},
    ).fetchall()
    return {r[0]: tuple(_plain(v) for v in r[1:]) for r in frame}
