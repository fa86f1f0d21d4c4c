"""数据导入 of habits government workbooks have (issue 31): grouped headers with a units note, several ledgers in
one workbook, columns the league leaves out, month-only dates; and what a first real import drops (issue 24)."""

import io
import os
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest

from auth import store
from ledger.evidence import evidence_file, evidence_root
from ledger.fields import SPECS
from ledger.importing import ImportFileError, apply_import, plan_import, preview_frame, readings_frame
from tests.conftest import copy_database, read_database
from tests.test_import import GOOD, xlsx
from tests.test_import_real import OFFICE_HEADER, grouped_office_xlsx, office_rows, with_cells

BAOTOU = "150200"


@pytest.fixture
def db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_database(copy_database(demo_db, tmp_path), monkeypatch)


def plan(data: bytes, ledger: str, league: str = BAOTOU, name: str = "包头市台账.xlsx"):
    return plan_import(data, name, ledger, league, Path(os.environ["LEDGER_DB"]))


def query(path: Path, sql: str, params: dict | None = None) -> list[tuple]:
    con = duckdb.connect(str(path))  # as the app in this process opened it (AppTest leaves it open)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def saved(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# a stopped-enterprise ledger with a grouped header -----------------------------------------------
STALLED_GROUPS = ["序号", "基本情况", None, None, None, "停产停建情况", None, None, None, None, "整改情况", None, None,
                  None]  # fmt: skip
STALLED_NAMES = ["序号", "企业编号", "所属园区", "企业名称", "排查日期", "类型", "是否僵尸企业", "时间", "占地面积",
                 "原因", "责任单位", "整改措施", "整改时限", "整改状态"]  # fmt: skip


def stalled_rows() -> list[list]:
    return [
        [1, "BT-TZ-001", "稀土高新区", "包头某某化工有限公司", "2022.8.15", "停产企业", "是", "2020.3.1", 2,
         "资金短缺", "包头市工信局", "兼并重组", "2023.6.30", "整改中"],
        [2, "BT-TZ-002", "九原工业园区", "包头某某钢构有限公司", "2022.8.16", "停产企业", "否", "2021年5月", "0.5",
         "市场变化", "九原区工信局", None, "2023.6.30", "未整改"],
        [3, "BT-TZ-003", "包头装备制造产业园区", "某某装备项目", "2022.8.17", "停建项目", "否", "2019-11", 10,
         "手续不全", "包头市发改委", "督促复工", None, "待整改"],
    ]  # fmt: skip


def stalled_book(rows: list[list], three_rows: bool = False, note: str = "单位：公顷") -> openpyxl.Workbook:
    """Title merged over the table, 填报单位 and a units note, then the group row over the column names (merged
    across its columns; 序号 merged down); with three_rows a second group row (占用资源 over 占地面积)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "停产企业"
    width = len(STALLED_NAMES)
    sheet.append(["包头市开发区停产企业和停建项目台账"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append(["填报单位（盖章）：包头市工业和信息化局", None, None, None, None, None, None, None, None, None, note])
    header_rows = [STALLED_GROUPS]
    if three_rows:
        middle = ["序号", "企业信息", None, None, "排查日期", "类型", "是否僵尸企业", "时间", "占用资源", "原因",
                  "责任单位", "整改措施", "整改时限", "整改状态"]  # fmt: skip
        header_rows.append(middle)
    header_rows.append(STALLED_NAMES)
    top = sheet.max_row + 1
    for row in header_rows:
        sheet.append(row)
    bottom = sheet.max_row
    sheet.merge_cells(start_row=top, start_column=1, end_row=bottom, end_column=1)  # 序号 down the header
    for start, end in ((2, 5), (6, 10), (11, 14)):  # the group titles across their columns
        sheet.merge_cells(start_row=top, start_column=start, end_row=top, end_column=end)
    if three_rows:
        sheet.merge_cells(start_row=top + 1, start_column=2, end_row=top + 1, end_column=4)  # 企业信息
        for column in (5, 6, 7, 8, 10, 11, 12, 13, 14):  # names merged down the two lower rows
            sheet.merge_cells(start_row=top + 1, start_column=column, end_row=bottom, end_column=column)
    for row in rows:
        sheet.append(row)
    sheet.append(["合计", None, None, None, None, None, None, None, 12.5])
    return book


def test_a_two_row_grouped_header_with_a_units_note_imports_after_one_confirmation(db: Path) -> None:
    data = saved(stalled_book(stalled_rows()))
    checked = plan(data, "stalled")
    assert checked.errors == [] and checked.new == ["BT-TZ-001", "BT-TZ-002", "BT-TZ-003"]
    read = {header: (label, how) for _, header, label, how in checked.columns}
    assert read["停产停建情况 · 时间"][0] == "停产停建时间"
    assert read["停产停建情况 · 原因"][0] == "停产停建原因"
    assert read["基本情况 · 企业名称"][0] == "名称"
    assert read["停产停建情况 · 占地面积"] == ("占地面积(亩)", "按表头上方的“单位：公顷”：1 公顷 = 15 亩 换算")
    batch = apply_import(checked, data, db, "包头市工信局")
    stored = query(
        db,
        "select item_id, title, found_date, kind, zombie, stopped_since, land_mu, reason from item "
        "join stalled using (item_id) where batch_id = $b order by 1",
        {"b": batch},
    )
    assert [(*r[:6], float(r[6]), r[7]) for r in stored] == [
        ("BT-TZ-001", "包头某某化工有限公司", date(2022, 8, 15), "停产企业", True, date(2020, 3, 1), 30.0, "资金短缺"),
        ("BT-TZ-002", "包头某某钢构有限公司", date(2022, 8, 16), "停产企业", False, date(2021, 5, 1), 7.5, "市场变化"),
        ("BT-TZ-003", "某某装备项目", date(2022, 8, 17), "停建项目", False, date(2019, 11, 1), 150.0, "手续不全"),
    ]


def test_a_three_row_grouped_header_reads_the_same_rows(db: Path) -> None:
    two = plan(saved(stalled_book(stalled_rows())), "stalled")
    three = plan(saved(stalled_book(stalled_rows(), three_rows=True)), "stalled")
    assert three.errors == [] and three.rows == two.rows
    read = {header: label for _, header, label, _ in three.columns}
    assert read["停产停建情况 · 占用资源 · 占地面积"] == "占地面积(亩)"


def test_every_error_of_a_grouped_header_file_is_reported_in_the_first_upload(db: Path) -> None:
    rows = stalled_rows()
    rows[0][6] = "也许"  # 是否僵尸企业
    rows[2][8] = "约10"  # 占地面积
    rows[1][2] = "某某园区"
    checked = plan(saved(stalled_book(rows)), "stalled")
    assert {(e.row, e.column, e.kind) for e in checked.errors} == {
        (5, "僵尸企业", "yesno"),
        (7, "占地面积(亩)", "not_number"),
        (6, "园区", "park"),
    }  # Excel's row numbers: title, 填报单位, two header rows above the first row


def test_a_bare_area_under_a_hectare_note_converts_to_mu_and_a_unit_in_the_cell_still_wins(db: Path) -> None:
    rows = with_cells({(2, "已盘活面积（亩）"): "30亩"})  # written 30 under 单位：公顷 it is 450 亩, above the area
    assert [e.kind for e in plan(grouped_office_xlsx(office_rows(), note="单位：公顷"), "land").errors] == ["over_area"]
    data = grouped_office_xlsx(rows, note="单位：公顷")
    checked = plan(data, "land")
    assert checked.errors == []
    batch = apply_import(checked, data, db)
    stored = query(db, "select item_id, area_mu from land join item using (item_id) where batch_id = $b order by 1",
                   {"b": batch})  # fmt: skip
    # １２.５ and 1,200.5 and 45.25 and ８８ are 公顷 by the note; "30亩" and "0.8公顷" say their own unit
    assert [(i, float(a)) for i, a in stored] == [
        ("BT-TD-001", 187.5), ("BT-TD-002", 18007.5), ("BT-TD-003", 30.0), ("BT-TD-004", 12.0),
        ("BT-TD-005", 678.75), ("BT-TD-006", 1320.0),
    ]  # fmt: skip


def test_the_template_guide_names_month_only_dates_and_the_columns_a_file_may_leave_out() -> None:
    from ledger.templates import GUIDE_SHEET, template_xlsx

    book = openpyxl.load_workbook(io.BytesIO(template_xlsx("land", "包头市")))
    guide = {row[0]: row[2] for row in book[GUIDE_SHEET].iter_rows(min_row=2, values_only=True) if row[0]}
    assert "只写到月" in guide["闲置起始"] and "只写到月" not in guide["发现日期*"]
    assert "可不设此列" in guide["名称*"] and "填报日期" in guide["发现日期*"]


def test_a_units_note_of_yuan_converts_money_to_wan_yuan(db: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["包头市开发区沉淀资金台账"])
    sheet.append(["填报单位：包头市财政局", None, None, None, None, None, "单位：元"])
    sheet.append(["基本情况", None, None, None, None, "资金情况", None, "整改情况", None])
    sheet.append(["编号", "园区", "名称", "发现日期", "资金来源", "余额", "已上缴", "责任单位", "状态"])
    sheet.merge_cells("A3:E3")
    sheet.merge_cells("F3:G3")
    sheet.merge_cells("H3:I3")
    sheet.append(["BT-ZJ-001", "稀土高新区", "2019年专项资金结余", "2022.8.15", "工业发展专项资金", 3_000_000,
                  "1,000,000", "包头市财政局", "整改中"])  # fmt: skip
    data = saved(book)
    checked = plan(data, "idle_fund")
    assert checked.errors == []
    batch = apply_import(checked, data, db)
    [(balance, returned)] = query(
        db,
        "select balance_wan, returned_wan from idle_fund join item using (item_id) where batch_id = $b",
        {"b": batch},
    )
    assert (float(balance), float(returned)) == (300.0, 100.0)


def test_the_title_blocks_own_units_line_is_not_read_as_a_reporting_unit() -> None:
    from ledger.importing.headers import units_note

    note = units_note([["填报单位：包头市工业和信息化局"], [None, "单位：亩、万元"]])
    assert note == ("单位：亩、万元", ("亩", "万元"))
    assert units_note([["填报单位（盖章）：包头市工信局", "填报日期：2022年8月31日"]]) is None


# several ledgers in one workbook -------------------------------------------------------------------
def two_ledger_book() -> bytes:
    book = stalled_book(stalled_rows())
    land = book.create_sheet("闲置土地", 0)
    land.append(["包头市开发区闲置土地台账"])
    land.append(OFFICE_HEADER)
    for row in office_rows():
        land.append(row)
    return saved(book)


def test_a_workbook_with_a_land_sheet_and_a_stalled_sheet_imports_each_into_its_own_ledger(db: Path) -> None:
    data = two_ledger_book()
    as_land = plan(data, "land")
    assert as_land.errors == [] and [r["item_id"] for r in as_land.rows] == [f"BT-TD-00{n}" for n in range(1, 7)]
    assert as_land.other_sheets == [("停产企业", "stalled", 3)]  # named, not read as land rows
    land_batch = apply_import(as_land, data, db)
    as_stalled = plan(data, "stalled")  # the same file, offered for the other ledger
    assert as_stalled.already_imported is None and as_stalled.errors == []
    assert [r["item_id"] for r in as_stalled.rows] == ["BT-TZ-001", "BT-TZ-002", "BT-TZ-003"]
    assert as_stalled.other_sheets == [("闲置土地", "land", 6)]
    stalled_batch = apply_import(as_stalled, data, db)
    assert query(db, "select ledger, count(*) from item where batch_id in ($a, $b) group by 1 order by 1",
                 {"a": land_batch, "b": stalled_batch}) == [("land", 6), ("stalled", 3)]  # fmt: skip
    again = plan(data, "stalled")
    assert again.already_imported and not again.can_write


def test_the_command_line_names_the_other_ledgers_sheets_and_imports_them_under_that_ledger(
    db: Path, tmp_path: Path, capsys
) -> None:
    from ledger.__main__ import main

    file = tmp_path / "包头市台账.xlsx"
    file.write_bytes(two_ledger_book())
    assert main(["import", str(file), "--ledger", "land", "--league", BAOTOU]) == 0
    out = capsys.readouterr().out
    assert "工作表“停产企业”（3 行）是停产企业和停建项目台账" in out and "--ledger stalled" in out
    assert main(["import", str(file), "--ledger", "stalled", "--league", BAOTOU]) == 0
    assert query(db, "select count(*) from item where batch_id is not null") == [(9,)]


# columns the league leaves out --------------------------------------------------------------------
def without_title_and_found_date(idle: list | None = None) -> bytes:
    drop = ("地块名称", "发现\n日期")
    header = [h for h in OFFICE_HEADER if h not in drop]
    rows = [[v for h, v in zip(OFFICE_HEADER, r, strict=True) if h not in drop] for r in office_rows()]
    for n, value in enumerate(idle or []):
        rows[n][header.index(" 闲置起始时间 ")] = value
    rows[4][header.index("整改期限")] = "2022.12.31"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "闲置土地"
    sheet.append(["包头市开发区闲置土地台账"])
    sheet.merge_cells("A1:J1")
    sheet.append(["填报单位（盖章）：包头市工业和信息化局", None, None, None, None, "填报日期：2022年8月31日"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    return saved(book)


def test_a_ledger_without_title_and_found_date_derives_them_from_the_file_and_says_so(db: Path) -> None:
    data = without_title_and_found_date(idle=["2021年7月", "2021.7", "2021-07"])
    checked = plan(data, "land")
    assert checked.errors == [] and checked.can_write
    assert checked.derived == [
        ("闲置土地", "名称", "园区与编号（如“稀土高新区 BT-TD-001 地块”）", 6),
        ("闲置土地", "发现日期", "表头上方的“填报日期：2022年8月31日”", 6),
    ]
    frame = preview_frame(checked)
    assert "名称（推得）" in frame.columns and "发现日期（推得）" in frame.columns
    assert list(frame["名称（推得）"])[:2] == ["稀土高新区 BT-TD-001 地块", "内蒙古包头铝业产业园区 BT-TD-002 地块"]
    lines = {(i, c, w, r, h) for i, c, w, r, h in readings_frame(checked).itertuples(index=False)}
    for item_id, written in (("BT-TD-001", "2021年7月"), ("BT-TD-002", "2021.7"), ("BT-TD-003", "2021-07")):
        assert (item_id, "闲置起始", written, "2021-07-01", "只写到月，按当月1日读取") in lines
    batch = apply_import(checked, data, db)
    stored = query(
        db,
        "select item_id, title, found_date, idle_since from item join land using (item_id) where batch_id = $b "
        "order by 1",
        {"b": batch},
    )
    assert stored[:3] == [
        ("BT-TD-001", "稀土高新区 BT-TD-001 地块", date(2022, 8, 31), date(2021, 7, 1)),
        ("BT-TD-002", "内蒙古包头铝业产业园区 BT-TD-002 地块", date(2022, 8, 31), date(2021, 7, 1)),
        ("BT-TD-003", "九原工业园区 BT-TD-003 地块", date(2022, 8, 31), date(2021, 7, 1)),
    ]
    assert len(stored) == 6 and {r[2] for r in stored} == {date(2022, 8, 31)}


def test_what_cannot_be_derived_is_still_refused_with_every_row_error(db: Path) -> None:
    data = without_title_and_found_date(idle=["2021.13"])
    book = openpyxl.load_workbook(io.BytesIO(data))
    book.active["F2"] = None  # no 填报日期: 发现日期 cannot be derived
    book.active["C4"] = "某某园区"
    checked = plan(saved(book), "land")
    assert [(e.row, e.kind) for e in checked.errors if e.kind == "missing_column"] == [(3, "missing_column")]
    assert "缺少必填列：发现日期。" in checked.errors[0].message and "名称" not in checked.errors[0].message
    assert {(e.row, e.column, e.kind) for e in checked.errors[1:]} == {(4, "园区", "park"), (4, "闲置起始", "bad_date")}


@pytest.mark.parametrize(
    ("written", "error"),
    [("2021年7月", "只写到月"), ("2021.7", "只写到月"), (2021.1, "无法区分2021年1月与2021年10月")],
)
def test_a_month_only_date_where_a_day_is_needed_is_an_error(written, error) -> None:
    from ledger.importing.cells import CellError, read_cell

    with pytest.raises(CellError, match=error):
        read_cell(written, SPECS["land"].field("found_date" if isinstance(written, str) else "idle_since"))


def test_a_month_only_number_cell_reads_as_the_first_of_that_month() -> None:
    from ledger.importing.cells import read_cell

    assert read_cell(2021.7, SPECS["land"].field("idle_since"))[:2] == (date(2021, 7, 1), "只写到月，按当月1日读取")
    assert read_cell("2021/7", SPECS["stalled"].field("stopped_since"))[0] == date(2021, 7, 1)


def test_a_missing_column_quotes_the_header_cells_without_the_title_text_above_them(db: Path) -> None:
    header = [h for h in OFFICE_HEADER if h != "所属园区"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["包头市开发区闲置土地台账"])
    sheet.merge_cells("A1:P1")
    sheet.append(["填报单位（盖章）：包头市工业和信息化局"])
    sheet.append(header)
    sheet.append([v for h, v in zip(OFFICE_HEADER, office_rows()[0], strict=True) if h != "所属园区"])
    [missing] = [e for e in plan(saved(book), "land").errors if e.kind == "missing_column"]
    assert missing.message.startswith("缺少必填列：园区。找到的表头在第3行：序号 | 土地编号 | 地块名称 | 发现 日期")
    assert "填报" not in missing.message


# what a first real import drops ---------------------------------------------------------------------
def worked_demo_item(db: Path) -> tuple[str, list[str]]:
    """A 包头市 demo land item with a whole 整改销号 history: progress, two evidence files, approval."""
    con = duckdb.connect(str(db))
    try:
        item_id, seq = con.execute(
            "select i.item_id, max(e.seq) from item i join park using (park_id) join item_event e using (item_id) "
            "where ledger = 'land' and league_code = $c and batch_id is null group by 1 order by 1 limit 1",
            {"c": BAOTOU},
        ).fetchone()
        at = datetime(2025, 11, 3, 10, 0)
        for n, status in enumerate(("整改中", "已整改", "已销号"), start=1):
            con.execute(
                "insert into item_event (item_id, seq, event_date, status, note, actor, recorded_at) "
                "values ($i, $s, $d, $st, '记录', $a, $at)",
                {"i": item_id, "s": seq + n, "d": at.date(), "st": status, "a": "demo-150200", "at": at},
            )
        shas = []
        for n, name in enumerate(("现场照片.jpg", "验收报告.pdf")):
            content = b"%PDF-1.4 evidence " + bytes([n]) * 10
            sha = __import__("hashlib").sha256(content).hexdigest()
            target = evidence_file(evidence_root(db), sha)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            con.execute(
                "insert into evidence (item_id, event_seq, sha256, file_name, size_bytes, mime, uploaded_by,"
                " uploaded_at) values ($i, $s, $sha, $n, $size, 'application/pdf', 'demo-150200', $at)",
                {"i": item_id, "s": seq + 2, "sha": sha, "n": name, "size": len(content), "at": at},
            )
            shas.append(sha)
    finally:
        con.close()
    return item_id, shas


def test_a_first_real_import_names_the_demo_items_with_history_it_drops_and_asks_for_it(db: Path) -> None:
    item_id, shas = worked_demo_item(db)
    data = xlsx(GOOD)
    checked = plan(data, "land", name="land.xlsx")
    [dropped] = checked.dropped_history
    assert (dropped.item_id, dropped.events, dropped.evidence) == (item_id, 3, ("现场照片.jpg", "验收报告.pdf"))
    assert "3 条整改记录" in dropped.text() and "现场照片.jpg、验收报告.pdf" in dropped.text()
    with pytest.raises(ImportFileError, match="须确认"):
        apply_import(checked, data, db)
    assert query(db, "select count(*) from item where item_id = $i", {"i": item_id}) == [(1,)]  # nothing written
    batch = apply_import(checked, data, db, "test-admin", drop_history=True)
    assert query(db, "select count(*) from item where item_id = $i", {"i": item_id}) == [(0,)]
    # no evidence or event row points at an item that is gone; the files stay on disk for the record
    assert query(db, "select count(*) from evidence where item_id not in (select item_id from item)") == [(0,)]
    for table in ("item_event", "deadline_request", "status_span", "item_fact"):
        assert query(db, f"select count(*) from {table} where item_id not in (select item_id from item)") == [(0,)]
    assert all(evidence_file(evidence_root(db), sha).exists() for sha in shas)
    [record] = store.audit_rows(store.auth_path(db), action="import_dropped_history")
    assert item_id in record["detail"] and f"批次 {batch}" in record["detail"]
    assert all(sha[:12] in record["detail"] for sha in shas) and record["username"] == "test-admin"


def test_real_items_are_never_replaced_by_another_file_of_the_same_ledger(db: Path) -> None:
    first = xlsx(GOOD[:2])
    apply_import(plan(first, "land", name="a.xlsx"), first, db)
    second = xlsx(GOOD[2:])
    checked = plan(second, "land", name="b.xlsx")
    assert checked.replaced_demo == 0 and checked.dropped_history == []
    apply_import(checked, second, db)
    assert query(db, "select item_id from item join park using (park_id) where ledger = 'land' and league_code = $c "
                     "order by 1", {"c": BAOTOU}) == [("BT-LD-001",), ("BT-LD-002",), ("BT-LD-003",)]  # fmt: skip


# the import page --------------------------------------------------------------------------------
def page(token: str, files: list[tuple[str, bytes]] = ()):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "pages/data_import.py"), default_timeout=60)
    at.session_state["auth_token"] = token
    at.query_params["league"] = BAOTOU
    at.run()
    if files:
        at.file_uploader(key="data_import_files").set_value([(n, d, "application/octet-stream") for n, d in files])
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def clerk_token(db: Path) -> str:
    """A real (not demo) 包头市 clerk: demo accounts stop once real data is imported."""
    from auth.roles import User

    accounts = store.auth_path(db)
    store.add_user(accounts, "bt-clerk", "baotou-clerk-2022", "league", BAOTOU, None, "包头市工信局")
    return store.session_for(accounts, User("bt-clerk", "league", BAOTOU, None, "包头市工信局"), "test")


def test_the_import_page_shows_the_servers_disk_and_archive_folder_only_to_an_admin(db: Path) -> None:
    from tests.conftest import session_token

    data = xlsx(GOOD)
    apply_import(plan(data, "land", name="land.xlsx"), data, db)  # a history, whose caption named the folder
    for token, admin in ((session_token("test-admin", db), True), (clerk_token(db), False)):
        at = page(token)
        captions = " ".join(c.value for c in at.caption)
        assert ("数据盘可用" in captions) is admin
        assert (str(db.parent / "imports") in captions) is admin
        assert any("导入记录" in s.value for s in at.subheader)


def test_the_page_asks_for_a_tick_before_dropping_a_demo_items_history(db: Path) -> None:
    from tests.conftest import session_token

    item_id, _ = worked_demo_item(db)
    data = xlsx(GOOD)
    key = f"{__import__('hashlib').sha256(data).hexdigest()[:12]}_land"
    at = page(session_token("test-admin", db), [("land.xlsx", data)])
    [dropped] = [d for d in at.dataframe if "整改记录" in d.value.columns]
    assert list(dropped.value["编号"]) == [item_id]
    assert list(dropped.value["佐证材料"]) == ["现场照片.jpg、验收报告.pdf"]
    assert "共 3 条整改记录、2 份佐证材料）" in " ".join(e.value for e in at.error)
    assert at.button(key=f"data_import_confirm_{key}").disabled
    at.checkbox(key=f"data_import_drop_{key}").check().run()
    assert not at.button(key=f"data_import_confirm_{key}").disabled
    at.button(key=f"data_import_confirm_{key}").click().run()
    assert not at.exception and any("批次 1" in s.value for s in at.success)
    assert query(db, "select count(*) from item where item_id = $i", {"i": item_id}) == [(0,)]


def test_the_page_offers_the_other_ledgers_sheets_with_their_own_preview_and_confirmation(db: Path) -> None:
    from tests.conftest import session_token

    data = two_ledger_book()
    key = f"{__import__('hashlib').sha256(data).hexdigest()[:12]}_land"
    at = page(session_token("test-admin", db), [("包头市台账.xlsx", data)])
    assert any("工作表“停产企业”（3 行）是停产企业和停建项目台账" in i.value for i in at.info)
    at.toggle(key=f"data_import_other_{key}_stalled").set_value(True).run()
    at.button(key=f"data_import_confirm_{key}_stalled").click().run()
    assert not at.exception and any(
        "已导入停产企业和停建项目台账" in s.value and "3 条新增" in s.value for s in at.success
    )
    assert query(db, "select ledger, rows from import_batch") == [("stalled", 3)]


# the ledger's caption and Excel stamp after a real import ---------------------------------------------
@pytest.mark.parametrize(
    ("league", "says"),
    [
        (BAOTOU, "真实台账：包头市（导入批次 1，{today}）"),
        (None, "真实台账：包头市（导入批次 1，{today}）；其余 11 个盟市为演示数据，非真实台账"),
    ],
)
def test_the_ledger_caption_and_excel_stamp_say_which_part_is_real(db: Path, league, says) -> None:
    import queries
    from charts import ledgers as view
    from charts.theme import Stamp
    from queries import paging
    from queries.scope import Scope
    from reports.workbooks import export_meta, ledger_xlsx_frames
    from tests.conftest import session_token

    data = xlsx(GOOD)
    apply_import(plan(data, "land", name="land.xlsx"), data, db)
    says = says.format(today=date.today())
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "pages/ledgers.py"), default_timeout=60)
    at.session_state["auth_token"] = session_token("test-admin", db)
    if league:
        at.query_params["league"] = league
    at.query_params["ledger"] = "land"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    caption = next(m.value for m in at.markdown if "数据截至" in m.value)
    assert says in caption and (league is None or "演示数据" not in caption)
    scope = Scope(league, None, date(2025, 12, 30))
    meta = export_meta("台账", Stamp("包头市", scope.asof, True), "land", "", queries.ledger_origin(scope, "land"))
    tables = (view.ledger_table(frame, "land") for frame in paging.ledger_frames("land", scope))
    sheet = openpyxl.load_workbook(io.BytesIO(ledger_xlsx_frames(tables, meta))).active
    assert says in sheet["A2"].value and (league is None or "演示数据" not in sheet["A2"].value)


def test_a_ledger_still_all_demo_says_so_in_its_stamp(db: Path) -> None:
    import queries
    from charts.theme import Stamp
    from queries.scope import Scope
    from reports.workbooks import export_meta

    data = xlsx(GOOD)
    apply_import(plan(data, "land", name="land.xlsx"), data, db)
    scope = Scope(BAOTOU, None, date(2025, 12, 30))
    meta = export_meta(
        "台账", Stamp("包头市", scope.asof, True), "stalled", "", queries.ledger_origin(scope, "stalled")
    )
    assert meta.subtitle.endswith("演示数据，非真实台账") and "真实台账：" not in meta.subtitle


@pytest.mark.parametrize(
    "row",
    [
        ["填报单位：包头市工信局    填报日期：2022 年 8 月 31 日    联系人：张三"],
        ["填报单位（盖章）：包头市工信局", None, "填报日期：2022.8.31"],
        ["填报时间:２０２２年８月３１日"],
        ["填报日期：", None, datetime(2022, 8, 31)],
    ],
)
def test_the_report_date_of_a_title_block_is_read_as_people_write_it(row) -> None:
    from ledger.importing.headers import report_date

    assert report_date([["包头市开发区闲置土地台账"], row])[0] == date(2022, 8, 31)


def test_a_title_block_without_a_report_date_gives_none() -> None:
    from ledger.importing.headers import report_date

    assert report_date([["填报单位：包头市工信局", "填报日期：", None], ["单位：亩"]]) is None
