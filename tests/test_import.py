"""数据导入: messy real files, Chinese row-level messages, all-or-nothing writes, concurrent readers."""

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from auth import store
from auth.roles import User
from ledger import workflow as wf
from ledger.fields import SPECS
from ledger.importing import ImportFileError, apply_import, imports_root, plan_import
from ledger.migrate import upgrade_postgres
from ledger.postgres.copy import to_postgres
from ledger.templates import template_xlsx
from ledger.writing import transaction
from tests import pgserver
from tests.conftest import ROOT, copy_database, demo_in_postgres, read_database
from tests.stores import clone_database, execute, fingerprint, query

LAND = SPECS["land"]
HEADER = [f.label for f in LAND.fields]
BAOTOU = "150200"
WUHAI = "150300"
GOOD = [
    ["BT-LD-001", "包头稀土高新技术产业开发区", "A-01地块", date(2022, 8, 15), date(2022, 12, 31), "包头市自然资源局",
     "督促动工", "已整改", date(2022, 11, 3), None, "验收报告", "闲置土地", 12.5, "P005-A-01", None, None,
     "企业资金链断裂", "供应(出让/划拨)", 12.5, 109.9, 40.6],
    ["BT-LD-002", "包头铝业产业园区", "B-02地块", date(2022, 8, 16), date(2022, 12, 31), "包头市自然资源局",
     None, "整改中", date(2022, 9, 1), None, None, "批而未供", 1200.5, None, None, None, None, None, None, None, None],
    ["BT-LD-003", "包头装备制造产业园区", "C-03地块", date(2022, 8, 17), date(2023, 6, 30), "包头市自然资源局",
     None, "待整改", None, None, None, "低效用地", 30, None, None, None, None, None, None, None, None],
]  # fmt: skip


@pytest.fixture
def db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo database for each test, which the app also reads."""
    path = tmp_path / "ledger.duckdb"
    shutil.copyfile(demo_db, path)
    monkeypatch.setenv("LEDGER_DB", str(path))
    return path


@pytest.fixture(scope="module")
def demo_pg_template(pg_server: pgserver.PgServer, demo_db: Path) -> str:
    """The demo in PostgreSQL once for this module, copied for each test that runs there."""
    return demo_in_postgres(pg_server, demo_db, "template_import")


@pytest.fixture
def demo_pg_dsn(pg_server: pgserver.PgServer, demo_pg_template: str) -> str:
    """Each test's own copy of the demo in PostgreSQL (for `engine`): the tests import the same league's rows."""
    return clone_database(pg_server, demo_pg_template, "import_test")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def xlsx(rows: list[list], header: list | None = None, above: list[list] | None = None, sheet: str = "台账") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for line in above or []:
        ws.append(line)
    ws.append(HEADER if header is None else header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_cell(row: int, column: str, value) -> list[list]:
    rows = [list(r) for r in GOOD]
    rows[row][LAND.fields.index(next(f for f in LAND.fields if f.key == column))] = value
    return rows


def plan(data: bytes, name: str = "land.xlsx", ledger: str = "land", league: str = BAOTOU, path: Path | None = None):
    return plan_import(data, name, ledger, league, path or Path(os.environ["LEDGER_DB"]))


# messy but valid files import to the same rows ----------------------------------------------------
def messy_title_rows() -> bytes:
    return xlsx(GOOD, above=[["包头市开发区闲置土地台账"], ["填报单位：包头市工信局", None, "填报日期：2022年8月31日"]])


def messy_headers() -> bytes:
    header = [h.replace("(", "（").replace(")", "）") for h in HEADER]
    header[2] = " 名 称 "
    header[0] = "编号*"
    return xlsx(GOOD, header=header)


def messy_cells() -> bytes:
    rows = [list(r) for r in GOOD]
    rows[0][3], rows[1][3], rows[2][3] = "2022.8.15", "2022/8/16", "2022年8月17日"
    rows[0][4], rows[1][4], rows[2][4] = 44926, "2022-12-31", "2023.6.30"  # 44926 = 2022-12-31 as an Excel serial
    rows[0][12], rows[1][12], rows[2][12] = "12.5亩", "1,200.5", "３０"
    rows[0][8] = "2022年11月3日"
    rows[1][8] = "2022.9.1"
    return xlsx(
        [
            rows[0],
            [None] * 5,
            rows[1],
            [],
            rows[2],
            ["合计", None, None, None, None, None, None, None, None, None, None, None, "1243亩"],
        ]
    )


def merged_two_row_header() -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["包头市开发区闲置土地台账"])
    top = [f.header for f in LAND.fields]
    bottom = [f"({f.unit})" if f.unit else None for f in LAND.fields]
    ws.append(top)
    ws.append(bottom)
    for c, f in enumerate(LAND.fields, start=1):
        if not f.unit:
            ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    for row in GOOD:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def hectare_header() -> bytes:
    header = ["面积(公顷)" if h == "面积(亩)" else h for h in HEADER]
    rows = with_cell(0, "area_mu", 12.5 / 15)
    rows[1][12], rows[2][12] = 1200.5 / 15, 2.0
    return xlsx(rows, header=header)


def csv_bytes(encoding: str) -> bytes:
    lines = [",".join(HEADER)]
    for row in GOOD:
        lines.append(",".join("" if v is None else (v.isoformat() if isinstance(v, date) else str(v)) for v in row))
    return ("\n".join(lines) + "\n").encode(encoding)


VARIANTS = {
    "title rows": (messy_title_rows, "land.xlsx"),
    "header variations": (messy_headers, "land.xlsx"),
    "messy cells, blank rows, 合计": (messy_cells, "land.xlsx"),
    "merged two-row header": (merged_two_row_header, "land.xlsx"),
    "hectares in the header": (hectare_header, "land.xlsx"),
    "csv utf-8-sig": (lambda: csv_bytes("utf-8-sig"), "land.csv"),
    "csv gbk": (lambda: csv_bytes("gbk"), "land.csv"),
}


def comparable(rows: list[dict]) -> list[dict]:
    return [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()} for r in rows]


@pytest.mark.parametrize("variant", VARIANTS)
def test_messy_variant_reads_to_the_same_rows_as_the_clean_file(db: Path, variant: str) -> None:
    build, name = VARIANTS[variant]
    clean = plan(xlsx(GOOD))
    messy = plan(build(), name)
    assert messy.errors == [] and clean.errors == []
    assert comparable(messy.rows) == comparable(clean.rows)


def dump(path: Path, ids: list[str]) -> list[tuple]:
    con = duckdb.connect(str(path))
    try:
        return con.execute(
            "select i.* exclude (batch_id), l.*, e.seq, e.event_date, e.status from item i join land l using (item_id) "
            "join item_event e using (item_id) where item_id in (select unnest($ids)) order by all",
            {"ids": ids},
        ).fetchall()
    finally:
        con.close()


def test_clean_and_messy_files_import_to_identical_rows(demo_db: Path, tmp_path: Path) -> None:
    stored = []
    for n, data in enumerate((xlsx(GOOD), messy_cells())):
        path = tmp_path / f"copy{n}.duckdb"
        shutil.copyfile(demo_db, path)
        checked = plan(data, path=path)
        apply_import(checked, data, path)
        stored.append(dump(path, ["BT-LD-001", "BT-LD-002", "BT-LD-003"]))
    assert stored[0] == stored[1] and len(stored[0]) == 5  # 3 items, 5 events


# malformed files: a clear message, nothing written -----------------------------------------------
FILE_ERRORS = {
    "text file": (lambda: b"hello", "land.txt", "不支持的文件类型"),
    "corrupt xlsx": (lambda: b"PK\x03\x04 not really a zip", "land.xlsx", "无法读取文件"),
    "empty workbook": (lambda: xlsx([], header=[]), "land.xlsx", "未找到闲置土地台账的表头"),
    "only the template example": (lambda: template_xlsx("land"), "land.xlsx", "没有数据行"),
    "header of another ledger": (lambda: template_xlsx("idle_fund"), "land.xlsx", "未找到闲置土地台账的表头"),
}


@pytest.mark.parametrize("case", FILE_ERRORS)
def test_unreadable_file_gets_a_clear_message_and_changes_nothing(db: Path, case: str) -> None:
    build, name, words = FILE_ERRORS[case]
    before = digest(db)
    with pytest.raises(ImportFileError, match=words):
        plan(build(), name)
    assert digest(db) == before


def test_unknown_league_and_ledger_are_refused(db: Path, engine: str) -> None:
    with pytest.raises(ImportFileError, match="盟市代码“999999”不存在"):
        plan(xlsx(GOOD), league="999999")
    with pytest.raises(ImportFileError, match="未知的台账"):
        plan(xlsx(GOOD), ledger="roads")


ROW_ERRORS = {
    "area not a number": (lambda: with_cell(1, "area_mu", "约30"), 3, "面积(亩)", "“约30” 不是数字"),
    "negative area": (lambda: with_cell(0, "area_mu", -5), 2, "面积(亩)", "不能小于 0"),
    "area in the wrong unit": (lambda: with_cell(0, "area_mu", "30万元"), 2, "面积(亩)", "单位“万元”无法换算为亩"),
    "empty required title": (lambda: with_cell(2, "title", None), 4, "名称", "必填项为空"),
    "impossible date": (lambda: with_cell(0, "found_date", "2022-13-45"), 2, "发现日期", "不是有效日期"),
    "words for a date": (lambda: with_cell(0, "found_date", "八月中旬"), 2, "发现日期", "不是日期"),
    "date before 2000": (lambda: with_cell(0, "found_date", "1999-01-01"), 2, "发现日期", "不在合理的日期范围"),
    "found in the future": (lambda: with_cell(0, "found_date", "2034-01-01"), 2, "发现日期", "晚于今天"),
    "unknown status": (lambda: with_cell(0, "status", "完成"), 2, "状态", "“完成” 不是可选值"),
    "unknown land kind": (lambda: with_cell(1, "land_kind", "闲置"), 3, "地块类型", "“闲置” 不是可选值"),
    "unknown park": (lambda: with_cell(0, "park", "某某园区"), 2, "园区", "“某某园区”不在开发区名录中"),
    "park of another league": (lambda: with_cell(0, "park", "呼和浩特经济技术开发区"), 2, "园区", "不属于包头市"),
    "longitude off the map": (lambda: with_cell(0, "lon", 200), 2, "经度", "超出合理范围"),
    "bad disposal": (lambda: with_cell(0, "disposal", "拍卖"), 2, "处置方式", "不是可选值"),
}


@pytest.mark.parametrize("case", ROW_ERRORS)
def test_bad_row_is_named_by_row_and_column_and_nothing_is_written(db: Path, engine: str, case: str) -> None:
    build, row, column, words = ROW_ERRORS[case]
    before = fingerprint(db)
    checked = plan(xlsx(build()))
    matching = [e for e in checked.errors if words in e.message]
    assert len(matching) == 1, [e.text() for e in checked.errors]
    error = matching[0]
    assert (error.row, error.column) == (row, column)
    assert {e.row for e in checked.errors} == {row}  # only the broken row is rejected
    assert f"第{row}行 “{column}”" in error.text()
    assert not checked.can_write
    with pytest.raises(ImportFileError, match="未写入"):
        apply_import(checked, b"", db)
    assert fingerprint(db) == before


def test_row_numbers_count_the_title_rows_as_excel_shows_them(db: Path) -> None:
    data = xlsx(with_cell(2, "area_mu", "约30"), above=[["标题"], ["填报单位"]])
    assert plan(data).errors[0].row == 6


OTHER_LEDGER_ERRORS = {
    "returned above balance": (
        "idle_fund",
        {"balance_wan": 100, "returned_wan": "120万元"},
        "收回上缴金额大于沉淀余额",
    ),
    "fractional approval count": ("pending_approval", {"approval_count": 2.5}, "应为整数"),
    "yes or no": ("stalled", {"zombie": "也许"}, "应填“是”或“否”"),
    "unknown built project": ("indicator", {"project_id": "BP9999"}, "项目编号“BP9999”不存在"),
    "amount in 元 converted": (
        "idle_fund",
        {"balance_wan": "3000000元", "returned_wan": "400万元"},
        "收回上缴金额大于",
    ),
}


def ledger_row(ledger: str, **values) -> list:
    spec = SPECS[ledger]
    base = {f.key: f.example for f in spec.fields}
    base.update(item_id="BT-X-001", park="包头稀土高新技术产业开发区", project_id="BP0005")
    base.update(values)
    return [base[f.key] for f in spec.fields]


@pytest.mark.parametrize("case", OTHER_LEDGER_ERRORS)
def test_each_ledger_checks_its_own_rules(db: Path, case: str) -> None:
    ledger, values, words = OTHER_LEDGER_ERRORS[case]
    header = [f.label for f in SPECS[ledger].fields]
    checked = plan(xlsx([ledger_row(ledger, **values)], header=header), ledger=ledger)
    assert any(words in e.message for e in checked.errors), [e.text() for e in checked.errors]


def test_an_id_already_used_by_another_ledger_is_refused(db: Path, engine: str) -> None:
    header = [f.label for f in SPECS["stalled"].fields]
    data = xlsx([ledger_row("stalled", item_id="BT-LD-001")], header=header)
    apply_import(plan(data, ledger="stalled"), data, db)
    checked = plan(xlsx(GOOD))
    assert [e.message for e in checked.errors] == ["编号“BT-LD-001”已用于包头市停产企业和停建项目台账"]


# writing ---------------------------------------------------------------------------------------
def test_import_replaces_the_leagues_demo_items_of_that_ledger_and_records_the_batch(db: Path, engine: str) -> None:
    data = xlsx(GOOD)
    checked = plan(data)
    assert checked.new == ["BT-LD-001", "BT-LD-002", "BT-LD-003"] and checked.replaced_demo > 0
    versions = query(db, "select version from data_version") if engine == "postgres" else []
    batch = apply_import(checked, data, db, "测试")
    land = query(
        db,
        "select item_id, batch_id from item join park using (park_id) where league_code = $c and ledger = 'land' "
        "order by 1",
        {"c": BAOTOU},
    )
    record = query(db, "select ledger, league_code, file_name, rows, imported_by from import_batch")
    area = query(db, "select area_mu from land where item_id = 'BT-LD-002'")[0][0]
    status = query(db, "select status from rules.status_at(date '2022-12-31') where item_id = 'BT-LD-001'")
    assert land == [("BT-LD-001", batch), ("BT-LD-002", batch), ("BT-LD-003", batch)]
    assert record == [("land", BAOTOU, "land.xlsx", 3, "测试")]
    assert float(area) == 1200.5
    assert status == [("已整改",)]
    assert [p.name for p in imports_root(db).iterdir()] == [f"{batch:05d}_{checked.sha256[:8]}_land.xlsx"]
    if engine == "postgres":  # the import bumped the data version the app servers' caches are keyed on
        assert query(db, "select version from data_version") == [(versions[0][0] + 1,)]


def test_an_import_removes_the_recheck_tasks_and_photos_of_the_demo_items_it_replaces(db: Path, engine: str) -> None:
    """A demo item the import replaces takes its 回头看 task and photo with it (no row points at a missing item)."""
    demo_land = "select min(item_id) from item join park using (park_id) where league_code = $c and ledger = 'land'"
    item = query(db, demo_land + " and batch_id is null", {"c": BAOTOU})[0][0]
    draw = query(db, "select min(draw_id) from recheck_draw")[0][0]
    task = {"d": draw, "i": item, "c": BAOTOU}
    execute(db, "insert into recheck_task (draw_id, item_id, league_code, ledger, weight, inspector, due_date) "
                "values ($d, $i, $c, 'land', 1, 'demo-admin', date '2024-03-01')", task)  # fmt: skip
    execute(db, "insert into recheck_file values ($d, $i, 'ab', 'p.jpg', 3, 'image/jpeg', 'demo-admin', "
                "timestamp '2024-02-01 10:00:00')", {"d": draw, "i": item})  # fmt: skip
    data = xlsx(GOOD)
    apply_import(plan(data), data, db, "测试")
    for table in ("recheck_task", "recheck_file"):
        assert query(db, f"select count(*) from {table} where item_id = $i", {"i": item}) == [(0,)], table
        assert query(db, f"select count(*) from {table} where item_id not in (select item_id from item)") == [(0,)]


def test_reimporting_the_same_file_changes_nothing(db: Path, engine: str) -> None:
    data = xlsx(GOOD)
    apply_import(plan(data), data, db)
    before = fingerprint(db)
    again = plan(data)
    assert again.already_imported and "不会重复导入" in again.already_imported
    assert again.unchanged == ["BT-LD-001", "BT-LD-002", "BT-LD-003"] and not again.can_write
    with pytest.raises(ImportFileError):
        apply_import(again, data, db)
    assert fingerprint(db) == before


def test_a_changed_status_in_a_later_file_adds_an_event_and_keeps_the_history(db: Path, engine: str) -> None:
    first = xlsx(GOOD)
    apply_import(plan(first), first, db)
    later = with_cell(1, "status", "已整改")
    later[1][8] = date(2023, 1, 20)
    data = xlsx(later)
    checked = plan(data)
    assert (checked.updated, checked.unchanged) == (["BT-LD-002"], ["BT-LD-001", "BT-LD-003"])
    apply_import(checked, data, db)
    events = query(db, "select seq, event_date, status from item_event where item_id = 'BT-LD-002' order by seq")
    assert events == [(1, date(2022, 8, 16), "待整改"), (2, date(2022, 9, 1), "整改中"),
                      (3, date(2023, 1, 20), "已整改")]  # fmt: skip
    assert query(db, "select status, valid_from from status_span where item_id = 'BT-LD-002' and valid_to is null") == [
        ("已整改", date(2023, 1, 20))
    ]


def test_killed_import_leaves_the_database_exactly_as_before(db: Path, engine: str, tmp_path: Path) -> None:
    file = tmp_path / "land.xlsx"
    file.write_bytes(xlsx(GOOD))
    before = fingerprint(db)
    env = {**os.environ, "LEDGER_DB": str(db), "LEDGER_IMPORT_CRASH": "1"}  # LEDGER_DSN too, on PostgreSQL
    command = [sys.executable, "-m", "ledger", "import", str(file), "--ledger", "land", "--league", BAOTOU]
    killed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert killed.returncode == 17, killed.stderr
    assert fingerprint(db) == before and not imports_root(db).exists()
    imports_root(db).mkdir()
    stray = imports_root(db) / "00007_abcdef12_land.xlsx.partial"  # what a kill just before the commit leaves
    stray.write_bytes(b"half")
    env.pop("LEDGER_IMPORT_CRASH")
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "已导入" in done.stdout, done.stderr
    assert not (db.parent / "ledger.duckdb.importing").exists()
    batch = int(re.search(r"批次 (\d+)", done.stdout).group(1))  # PostgreSQL's sequence gave the killed one its id
    assert [p.name for p in imports_root(db).iterdir()] == [f"{batch:05d}_{digest(file)[:8]}_land.xlsx"]
    assert query(db, "select count(*) from item where batch_id = $b", {"b": batch}) == [(3,)]


def test_command_line_reports_row_errors_and_exits_non_zero(db: Path, engine: str, tmp_path: Path) -> None:
    file = tmp_path / "bad.xlsx"
    file.write_bytes(xlsx(with_cell(1, "area_mu", "约30")))
    env = {**os.environ, "LEDGER_DB": str(db)}
    command = [sys.executable, "-m", "ledger", "import", str(file), "--ledger", "land", "--league", BAOTOU]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "第3行 “面积(亩)”: “约30” 不是数字" in result.stderr


def worked_demo_item(db: Path) -> str:
    """The first 包头市 demo land item given a user's history on the store the test runs on: progress, an evidence
    record and a 延期申请 (as the workflow writes them)."""
    [(item_id, seq)] = query(
        db,
        "select i.item_id, max(e.seq) from item i join park using (park_id) join item_event e using (item_id) "
        "where ledger = 'land' and league_code = $c and batch_id is null group by 1 order by 1 limit 1",
        {"c": BAOTOU},
    )
    at = datetime(2025, 11, 3, 10, 0)
    execute(db, "insert into item_event (item_id, seq, event_date, status, note, actor, recorded_at) "
                "values ($i, $s, $d, '整改中', '记录', 'demo-150200', $at)",
            {"i": item_id, "s": seq + 1, "d": at.date(), "at": at})  # fmt: skip
    execute(db, "insert into evidence (item_id, event_seq, sha256, file_name, size_bytes, mime, uploaded_by,"
                " uploaded_at) values ($i, $s, $sha, '现场照片.pdf', 10, 'application/pdf', 'demo-150200', $at)",
            {"i": item_id, "s": seq + 1, "sha": "ab" * 32, "at": at})  # fmt: skip
    execute(db, "insert into deadline_request (request_id, item_id, requested_by, requested_at, new_deadline,"
                " reason) values (1, $i, 'demo-150200', $at, date '2026-06-30', '资金未到位')",
            {"i": item_id, "at": at})  # fmt: skip
    return item_id


LEAGUE_ROWS = {  # what an import writes, per table: the columns compared, limited to 包头市's items
    "item": "*",
    "land": "*",
    "item_event": "item_id, seq, event_date, status, note, actor",
    "status_span": "*",
    "item_fact": "*",
    "evidence": "item_id, sha256",
    "deadline_request": "item_id, request_id",
}


def stored_rows(db: Path) -> dict[str, list]:
    """Every row an import writes or removes, comparable across the engines (numbers rounded, rows sorted)."""

    def plain(value: object) -> object:
        return round(float(value), 6) if isinstance(value, float | Decimal) else value

    mine = "item_id in (select item_id from item join park using (park_id) where league_code = $c)"
    rows = {
        table: sorted((tuple(plain(v) for v in r) for r in query(db, f"select {columns} from {table} where {mine}",
                                                                 {"c": BAOTOU})), key=repr)
        for table, columns in LEAGUE_ROWS.items()
    }  # fmt: skip
    for table in ("item_event", "evidence", "deadline_request", "status_span", "item_fact"):
        rows[f"{table} of no item"] = query(db, f"select count(*) from {table} where item_id not in "
                                                "(select item_id from item)")  # fmt: skip
    rows["import_batch"] = query(db, "select batch_id, ledger, league_code, file_name, sha256, rows, imported_by "
                                     "from import_batch order by 1")  # fmt: skip
    audit = store.audit_rows(store.auth_path(db), action="import_dropped_history")
    rows["audit"] = [(r["username"], r["detail"], r["scope"]) for r in audit]
    return rows


def test_imports_write_the_same_rows_events_spans_and_audit_on_both_stores(
    demo_db: Path, tmp_path: Path, pg_server: pgserver.PgServer, demo_pg_template: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first import that replaces a demo item with a user's history (confirmed), then a later file that changes a
    status: the same rows, events, spans, facts, batches and audit records on the DuckDB file and in PostgreSQL."""
    stored, first, later = {}, xlsx(GOOD), with_cell(1, "status", "已整改")
    later[1][8] = date(2023, 1, 20)
    data = xlsx(later)  # each file made once: a workbook's bytes carry the time it was saved
    for engine in ("duckdb", "postgres"):
        db = read_database(copy_database(demo_db, tmp_path / engine), monkeypatch)
        if engine == "postgres":
            monkeypatch.setenv("LEDGER_DSN", clone_database(pg_server, demo_pg_template, "import_both"))
        worked = worked_demo_item(db)
        checked = plan(first)
        assert [(d.item_id, d.events, d.evidence, d.requests) for d in checked.dropped_history] == [
            (worked, 1, ("现场照片.pdf",), 1)
        ]
        with pytest.raises(ImportFileError, match="须确认后才能导入"):
            apply_import(checked, first, db)
        assert apply_import(checked, first, db, "测试", drop_history=True) == 1
        assert apply_import(plan(data), data, db, "测试") == 2
        stored[engine] = stored_rows(db)
    assert stored["postgres"] == stored["duckdb"]
    assert len(stored["duckdb"]["audit"]) == 1 and worked in stored["duckdb"]["audit"][0][1]
    assert ("BT-LD-002", 3, date(2023, 1, 20), "已整改", "导入批次 2", None) in stored["duckdb"]["item_event"]
    assert not any(worked in row for table in LEAGUE_ROWS for row in stored["duckdb"][table])


def imports_at_once(db: Path, first: tuple[bytes, str], second: tuple[bytes, str]) -> tuple[object, object]:
    """Two imports (file, league) as two app servers run them: the first's transaction stays open, its rows written,
    while the second starts; the first commits two seconds later. What each returned (a batch id) or raised."""
    plans = [plan(data, league=league) for data, league in (first, second)]
    held, release, results = threading.Event(), threading.Event(), [None, None]

    @contextmanager
    def held_open() -> Iterator:
        with transaction() as cursor:
            yield cursor
            held.set()  # the import's rows are written, its commit waits
            release.wait(30)

    def importing(n: int, writing=None) -> None:
        try:
            results[n] = apply_import(plans[n], (first, second)[n][0], db, f"第{n + 1}个", writing=writing)
        except Exception as error:  # what the second server's clerk would see, or a failure of the test
            results[n] = error
        held.set()

    threads = [threading.Thread(target=importing, args=(0, held_open)), threading.Thread(target=importing, args=(1,))]
    threads[0].start()
    assert held.wait(60)
    threads[1].start()
    threads[1].join(timeout=2)  # the second waits for the first (a lock) or is done (no lock shared)
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    return results[0], results[1]


@pytest.fixture
def postgres_copy(pg_server: pgserver.PgServer, demo_pg_template: str, monkeypatch: pytest.MonkeyPatch) -> str:
    target = clone_database(pg_server, demo_pg_template, "import_at_once")
    monkeypatch.setenv("LEDGER_DSN", target)
    return target


@pytest.mark.postgres
def test_two_imports_at_once_in_postgres_are_both_written_with_their_own_batch_ids(db: Path, postgres_copy) -> None:
    """Two leagues' files at the same moment: each takes its own batch id from the sequence (with the next after the
    largest, the second would take the first's id, wait for it and fail with the conflict), every row of both
    written."""
    first, second = imports_at_once(db, (xlsx(GOOD), BAOTOU), (xlsx(wuhai_rows()), WUHAI))
    assert (first, second) == (1, 2)
    for league, batch in ((BAOTOU, first), (WUHAI, second)):
        assert query(db, "select count(*) from item join park using (park_id) where batch_id = $b and league_code = $c",
                     {"b": batch, "c": league}) == [(3,)]  # fmt: skip
    assert query(db, "select count(*) from item_fact where item_id like '__-LD-00_'") == [(6,)]


@pytest.mark.postgres
def test_the_same_file_imported_twice_at_once_in_postgres_is_written_once(db: Path, postgres_copy) -> None:
    """The second import of the league's ledger waits for the first (one at a time per league and ledger, as the
    DuckDB file's one writer) and then finds the file imported."""
    data = xlsx(GOOD)
    first, second = imports_at_once(db, (data, BAOTOU), (data, BAOTOU))
    assert first == 1 and isinstance(second, ImportFileError) and "此文件已导入，不会重复导入" in str(second)
    assert query(db, "select count(*), count(distinct item_id) from item where batch_id is not null") == [(3, 3)]
    assert query(db, "select count(*) from import_batch") == [(1,)]


@pytest.mark.postgres
def test_an_id_another_league_imports_at_the_same_moment_is_refused_in_chinese(db: Path, postgres_copy) -> None:
    rows = wuhai_rows()
    rows[0][0] = "BT-LD-001"  # 乌海市's file uses an id 包头市's file, not yet committed, uses too
    first, second = imports_at_once(db, (xlsx(GOOD), BAOTOU), (xlsx(rows), WUHAI))
    assert first == 1 and isinstance(second, ImportFileError)
    assert str(second) == "编号“BT-LD-001”刚被其他盟市或台账使用，未写入。请重新上传此文件，查看逐行检查结果。"
    assert query(db, "select league_code from item join park using (park_id) where item_id = 'BT-LD-001'") == [
        (BAOTOU,)
    ]
    assert query(db, "select count(*) from import_batch") == [(1,)]


@pytest.mark.postgres
def test_a_database_copied_into_postgres_numbers_batches_and_requests_after_the_copied_ones(
    db: Path, pg_server: pgserver.PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, clerk = xlsx(GOOD), User("t-150200", "league", BAOTOU)
    apply_import(plan(data), data, db)
    con = duckdb.connect(str(db))
    with transaction(con, db) as cursor:  # an open item of the file (待整改)
        assert wf.request_extension(cursor, clerk, "BT-LD-003", date(2027, 6, 30), "资金未到位") == 1
    con.close()
    target = pg_server.create_database("import_copied")
    to_postgres(db, target)
    monkeypatch.setenv("LEDGER_DSN", target)
    upgrade_postgres(target)  # the rules, as after `python -m ledger copy`
    wuhai = xlsx(wuhai_rows())
    assert apply_import(plan(wuhai, league=WUHAI), wuhai, db) == 2
    with transaction() as cursor:
        clerk = User("t-150300", "league", WUHAI)
        assert wf.request_extension(cursor, clerk, "WH-LD-003", date(2027, 6, 30), "冬季停工") == 2


def wuhai_rows() -> list[list]:
    """GOOD as 乌海市's file: its own ids and parks."""
    park = query(Path(os.environ["LEDGER_DB"]), "select name from park where league_code = $c order by park_id limit 1",
                 {"c": WUHAI})[0][0]  # fmt: skip
    rows = [list(r) for r in GOOD]
    for n, row in enumerate(rows, start=1):
        row[0], row[1], row[13] = f"WH-LD-00{n}", park, None
    return rows


@pytest.mark.user("test-admin")  # a real admin, as after a deployment
def test_import_while_app_sessions_read_gives_them_no_error(db: Path, engine: str) -> None:
    """One thread renders the app again and again (AppTest compiles scripts and is not itself thread-safe),
    another runs the pages' queries through the shared connection, while imports swap the file."""
    import queries
    from queries.db import acting_as
    from queries.scope import Scope
    from tests.conftest import DEMO_USERS

    failures: list[str] = []
    stop = threading.Event()

    def app_session() -> None:
        while not stop.is_set():
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
            at.query_params["league"] = BAOTOU
            at.run()
            failures.extend(e.value for e in at.exception)

    def query_session() -> None:
        with acting_as(DEMO_USERS["demo-leader"]):  # a signed-in reader, as a session's download would be
            while not stop.is_set():
                try:
                    queries.ledger_kpis(Scope(BAOTOU, None, date(2023, 6, 8)))
                    queries.rectification_curve(Scope(None, None, date(2023, 6, 8)))
                except Exception as error:  # any error a reader would see
                    failures.append(repr(error))

    threads = [threading.Thread(target=app_session), threading.Thread(target=query_session)]
    for thread in threads:
        thread.start()
    try:
        for n in range(3):
            data = xlsx(with_cell(0, "title", f"A-01地块（第{n}次报送）"))
            apply_import(plan(data), data, db)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    assert failures == []
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["league"] = BAOTOU
    at.run()
    banner = " ".join(i.value for i in at.info)
    assert "包头市土地台账已导入真实台账" in banner and "本范围的台账为按公开发布数字校准的演示数据" not in banner


# template ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("ledger", sorted(SPECS))
def test_template_headers_and_drop_downs_come_from_the_field_definitions(ledger: str) -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(ledger, "包头市")))
    sheet = book.active
    spec = SPECS[ledger]
    assert [c.value for c in sheet[2]] == [f.label + ("*" if f.required else "") for f in spec.fields]
    assert "包头市" in sheet["A1"].value
    lists = {
        next(iter(v.sqref.ranges)).min_col: v.formula1
        for v in sheet.data_validations.dataValidation
        if v.type == "list"
    }
    for column, f in enumerate(spec.fields, start=1):
        if f.choices:
            assert lists[column] == '"' + ",".join(f.choices) + '"'


def test_a_filled_in_template_imports(db: Path) -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx("land", "包头市")))
    for row in GOOD:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    checked = plan(buffer.getvalue())
    assert checked.errors == [] and len(checked.new) == 3


def test_import_page_shows_row_errors_in_chinese(db: Path, engine: str) -> None:
    at = AppTest.from_file(str(ROOT / "pages/data_import.py"), default_timeout=60)
    at.query_params["league"] = BAOTOU
    at.run()
    assert not at.exception
    assert at.selectbox(key="data_import_league").value == BAOTOU
    assert any("尚无导入记录" in c.value for c in at.caption)
