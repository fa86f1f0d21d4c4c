"""Writing a checked plan as one import batch: one transaction (on the app's connection or one opened here,
under the one-writer lock; with LEDGER_DSN set one PostgreSQL transaction), the original file archived, and users'
work on replaced demo items kept in the audit log."""

import os
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
from psycopg import errors

from ledger import postgres, spans
from ledger.fields import SPECS, LedgerSpec
from ledger.importing.disk import (
    PARTIAL_SUFFIX,
    archive_file,
    archive_name,
    check_free_space,
    importing_files,
    imports_root,
    remove_stray,
)
from ledger.importing.plan import ITEM_COLUMNS, ImportPlan, detail_keys, dropped_history, in_ids
from ledger.safe_read import ImportFileError
from ledger.vocabulary import CLOSED, OPEN
from ledger.writing import PgCursor, is_postgres, open_for_writing, transaction, writer_lock

# The next batch id: PostgreSQL's sequence (two imports at once on two app servers never take the same one); the
# DuckDB file has one writer at a time (its writer lock), so the next after the largest is free there.
NEXT_BATCH = {
    "postgres": "select nextval('import_batch_id')",
    "duckdb": "select coalesce(max(batch_id), 0) + 1 from import_batch",
}
TAKEN = "编号“{id}”刚被其他盟市或台账使用，未写入。请重新上传此文件，查看逐行检查结果。"
WritingContext = Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]]


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
    app holds it. With LEDGER_DSN set it is one PostgreSQL transaction either way (ledger.writing.transaction:
    the data version bumped in it), and the archive file is renamed under FILES_LOCK held shared, so that no
    app server takes it for a killed import's while it is only .partial.

    Replaced demo items that users had worked on (plan.dropped_history) go only with drop_history, the clerk's
    explicit confirmation: their status records, evidence rows and 延期申请 are removed with them (no row is
    left pointing at a missing item), the evidence files stay in the evidence folder, and each such item with its
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
    folder = imports_root(path)
    with importing_files():
        with _transaction(path, writing) as cursor:
            batch_id = _write(cursor, spec, plan, imported_by)
            name = archive_name(batch_id, plan.sha256, plan.file_name)
            archive_file(folder, name, data, keep_partial=True)  # a kill before the commit leaves only a .partial
        os.replace(folder / (name + PARTIAL_SUFFIX), folder / name)
    _record_dropped(path, plan, batch_id, imported_by)
    return batch_id


@contextmanager
def _transaction(path: Path, writing: WritingContext | None) -> Iterator:
    """The import's one transaction: the caller's (the app's queries.db.writing), else one PostgreSQL transaction
    with LEDGER_DSN set, else the DuckDB file at path opened read-write here under its writer lock (a Chinese
    message while the app holds it), after removing what a killed import left."""
    if writing is not None:
        with writing() as cursor:
            yield cursor
        return
    if postgres.dsn() is not None:
        with transaction() as cursor:
            yield cursor
        return
    con = open_for_writing(path)
    try:
        with writer_lock(path):
            remove_stray(path)
        with transaction(con, path) as cursor:
            yield cursor
    finally:
        con.close()


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
    if is_postgres(con):  # one import of a league's ledger at a time across the app servers (DuckDB: one writer)
        con.execute("select pg_advisory_xact_lock(hashtext($key))", {"key": f"import {plan.ledger} {plan.league_code}"})
    done = con.execute(
        "select count(*) from import_batch where sha256 = $s and ledger = $l", {"s": plan.sha256, "l": plan.ledger}
    ).fetchone()[0]
    if done:
        raise ImportFileError("此文件已导入，不会重复导入")
    batch_id = con.execute(NEXT_BATCH["postgres" if is_postgres(con) else "duckdb"]).fetchone()[0]
    wanted = {*plan.new, *plan.updated}
    changed = [r for r in plan.rows if r["item_id"] in wanted]
    ids = [r["item_id"] for r in changed]
    taken = con.execute(  # checked again inside the transaction: another import may have taken an id since
        "select item_id from item join park using (park_id) "
        f"where {in_ids(con)} and (ledger <> $l or league_code <> $c) order by 1 limit 1",
        {"ids": ids, "l": spec.ledger, "c": plan.league_code},
    ).fetchone()
    if taken:
        raise ImportFileError(TAKEN.format(id=taken[0]))
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
            "select distinct on (item_id) item_id, seq, event_date, status from item_event "
            f"where {in_ids(con)} order by item_id, seq desc",
            {"ids": ids},
        ).fetchall()
    }


def _remove(con, spec: LedgerSpec, league_code: str, ids: list[str]) -> None:
    """Remove the league's demo items of this ledger with everything beside them, and the item and detail
    rows of the items being rewritten (their events, evidence and 延期 stay). Table names are fixed."""
    mine = "(select item_id from item join park using (park_id) where ledger = $l and league_code = $c {})"
    replaced = mine.format(f"and batch_id is null and {in_ids(con, negate=True)}")
    rewritten = mine.format(f"and {in_ids(con)}")  # only ever this league's and ledger's
    params = {"l": spec.ledger, "c": league_code, "ids": ids}
    for table in ("infra_survey", "stopped_enterprise"):
        con.execute(f"update {table} set item_id = null where item_id in {replaced}", params)
    for table in (spec.ledger, "item_event", "evidence", "deadline_request", "recheck_file", "recheck_task", "item"):
        con.execute(f"delete from {table} where item_id in {replaced}", params)
    for table in (spec.ledger, "item"):
        con.execute(f"delete from {table} where item_id in {rewritten}", params)


EVENT_COLUMNS = ["item_id", "seq", "event_date", "status", "note"]


def _insert(con, spec: LedgerSpec, rows: list[dict], last: dict[str, tuple], batch_id: int) -> None:
    """Insert the file's new and changed items, adding an event on a status change (a new item starts 待整改)."""
    today = date.today()
    items, details, events = [], [], []
    for r in rows:
        items.append(
            {"item_id": r["item_id"], "ledger": spec.ledger, "park_id": r["park_id"],
             **{c: r.get(c) for c in ITEM_COLUMNS}, "batch_id": batch_id}
        )  # fmt: skip
        details.append({"item_id": r["item_id"], **{k: r.get(k) for k in detail_keys(spec)}})
        if r["item_id"] in last:
            last_seq, last_date, last_status = last[r["item_id"]]
        else:
            last_seq, last_date, last_status = 1, r["found_date"], OPEN
            events.append((r["item_id"], 1, r["found_date"], OPEN, "导入"))
        if last_status != r["status"]:
            when = r.get("status_date") or (r.get("closed_date") if r["status"] == CLOSED else None) or today
            events.append((r["item_id"], last_seq + 1, max(when, last_date), r["status"], f"导入批次 {batch_id}"))
    if not rows:
        return
    insert = _copy_rows if is_postgres(con) else _insert_frame
    insert(con, "item", pd.DataFrame(items))
    insert(con, spec.ledger, pd.DataFrame(details))
    if events:
        insert(con, "item_event", pd.DataFrame(events, columns=EVENT_COLUMNS))


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """DuckDB: the whole frame in one statement (table names are fixed, columns the field definitions')."""
    columns = ", ".join(frame.columns)
    con.register("incoming", frame)
    con.execute(f"insert into {table} ({columns}) select {columns} from incoming")
    con.unregister("incoming")


def _copy_rows(con: PgCursor, table: str, frame: pd.DataFrame) -> None:
    """PostgreSQL: the rows through COPY in the caller's transaction (one round trip for 20,000 rows, where an
    insert per row would take one each); missing values (None or NaN) go in as NULL, as DuckDB reads a frame's.
    An item id another league's import committed meanwhile (its own lock: only the same league's imports wait for
    each other) is refused with the message of the check before the write."""
    columns = ", ".join(frame.columns)
    values = frame.astype(object).where(frame.notna(), None)
    try:
        with con.connection.cursor() as cursor, cursor.copy(f"copy {table} ({columns}) from stdin") as copy:
            for row in values.itertuples(index=False, name=None):
                copy.write_row(row)
    except errors.UniqueViolation as error:
        if error.diag.constraint_name != "item_pkey":
            raise
        taken = re.search(r"\(item_id\)=\((.*)\)", error.diag.message_detail or "")
        raise ImportFileError(TAKEN.format(id=taken.group(1) if taken else "")) from error
