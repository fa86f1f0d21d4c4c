"""Hostile and careless uploads: each refused with its own Chinese message, the database unchanged, process alive."""

import hashlib
import io
import logging
import os
import re
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import openpyxl
import pytest
import xlsxwriter
from streamlit.testing.v1 import AppTest

from ledger import postgres, safe_read, writing
from ledger.importing import ImportFileError, apply_import, clean_stray_files, disk, plan_import
from ledger.limits import MAX_ENTRIES, MAX_FILE_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES, MB
from tests import test_import
from tests.conftest import ROOT
from tests.stores import execute, fingerprint, query
from tests.test_browser import CHART, CHROMIUM, SHOTS, open_page, running_app
from tests.test_import import BAOTOU, GOOD, HEADER, digest, with_cell, xlsx

# fixtures: a private copy of the demo database, and of the demo in PostgreSQL for `engine`; chromium: conftest.py
db, demo_pg_template, demo_pg_dsn = test_import.db, test_import.demo_pg_template, test_import.demo_pg_dsn

WUHAI = "150300"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plan(data: bytes, name: str = "land.xlsx", path: Path | None = None):
    return plan_import(data, name, "land", BAOTOU, path or Path(os.environ["LEDGER_DB"]))


def table_digest(path: Path) -> object:
    """A checksum of every table's contents, independent of how DuckDB lays out the file (with LEDGER_DSN set, of
    every PostgreSQL table's)."""
    if postgres.dsn():
        return fingerprint(path)
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [t for (t,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
        text = repr([(t, con.execute(f'select * from "{t}" order by all').fetchall()) for t in tables])
    finally:
        con.close()
    return hashlib.sha256(text.encode()).hexdigest()


# files, each built here ---------------------------------------------------------------------------
def workbook_bytes(fill) -> bytes:
    book = openpyxl.Workbook()
    fill(book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, replace: dict[str, bytes] | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """The same archive with some entries replaced or added."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info)))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def far_cell() -> bytes:
    """One cell at the sheet's last address: the reader would build a 1,048,576 × 16,384 grid (≈549 GB)."""
    return workbook_bytes(lambda ws: ws.__setitem__("XFD1048576", "x"))


def far_cell_disguised(replacement: bytes) -> bytes:
    """The far cell with its reference written another way, and no declared dimension to give it away."""
    data = far_cell()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    sheet = re.sub(rb"<dimension [^>]*/>", b"", sheet).replace(b'<c r="XFD1048576"', b"<c " + replacement)
    return rezip(data, {"xl/worksheets/sheet1.xml": sheet})


def wide_unpositioned_row() -> bytes:
    """50 cells that do not name their position: readers place each after the previous one."""
    data = xlsx(GOOD)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    sheet = re.sub(rb"<dimension [^>]*/>", b"", sheet).replace(
        b"</sheetData>", b"<row>" + b"<c><v>1</v></c>" * 50 + b"</row></sheetData>"
    )
    return rezip(data, {"xl/worksheets/sheet1.xml": sheet})


def far_row() -> bytes:
    return workbook_bytes(lambda ws: ws.__setitem__("A1048576", "x"))


def lying_dimension() -> bytes:
    """A small sheet that declares it spans the whole grid."""
    data = xlsx(GOOD)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    return rezip(
        data, {"xl/worksheets/sheet1.xml": re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', sheet)}
    )


def zip_bomb() -> bytes:
    """A sheet of 201 MB unpacked (about 1 MB packed): refused from the sizes declared in the zip directory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        template = zipfile.ZipFile(io.BytesIO(xlsx(GOOD)))
        for info in template.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, template.read(info))
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"<row><c><v>1</v></c></row>" * 40_000
            for _ in range(201 * MB // len(chunk) + 1):
                sheet.write(chunk)
    return out.getvalue()


def entry_bomb() -> bytes:
    return rezip(xlsx(GOOD), extra={f"xl/media/part{n}.xml": b"<a/>" for n in range(MAX_ENTRIES)})


def billion_laughs() -> bytes:
    entities = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    strings = (
        f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "ha">{entities}]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><t>&l9;</t></si></sst>"
    ).encode()
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)  # writes its strings to xl/sharedStrings.xml (openpyxl writes them inline)
    book.add_worksheet("台账").write_row(0, 0, HEADER)
    book.close()
    return rezip(out.getvalue(), {"xl/sharedStrings.xml": strings})


def truncated() -> bytes:
    data = xlsx(GOOD)
    return data[: len(data) // 2]


def too_many_rows() -> bytes:
    lines = [",".join(HEADER), *(f"BT-{n},包头稀土高新技术产业开发区" for n in range(MAX_ROWS + 1))]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def too_large() -> bytes:
    return xlsx(GOOD) + b"\0" * (MAX_FILE_BYTES + 1)


REFUSED = {
    "far cell XFD1048576": (far_cell, "land.xlsx", "工作表“Sheet”用到了第 16,384 列（XFD 列），超过本台账允许的 41 列"),
    "far cell in single quotes": (
        lambda: far_cell_disguised(b"r = 'XFD1048576'"),
        "land.xlsx",
        "用到了第 16,384 列（XFD 列）",
    ),
    "far cell as character references": (
        lambda: far_cell_disguised(b'r="&#88;FD1048576"'),
        "land.xlsx",
        "内部格式异常（单元格位置用了字符引用）",
    ),
    "wide row without positions": (wide_unpositioned_row, "land.xlsx", "用到了第 50 列（AX 列）"),
    "far row A1048576": (far_row, "land.xlsx", "共有 1,048,576 行，超过 100,000 行的上限"),
    "declared dimension": (lying_dimension, "land.xlsx", "用到了第 16,384 列（XFD 列）"),
    "zip bomb": (zip_bomb, "land.xlsx", f"解压后有 201 MB，超过 {MAX_UNPACKED_BYTES // MB} MB 的上限"),
    "entry-count bomb": (entry_bomb, "land.xlsx", f"个部件，超过 {MAX_ENTRIES} 个的上限"),
    "XML entities": (billion_laughs, "land.xlsx", "含有 XML 文档类型或实体声明"),
    "corrupt archive": (truncated, "land.xlsx", "无法读取文件“land.xlsx”：文件已损坏或不是Excel文件"),
    "too many rows": (too_many_rows, "land.csv", "共有 100,002 行，超过 100,000 行的上限"),
    "too large a file": (too_large, "land.xlsx", "超过单个文件 20 MB 的上限"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_hostile_file_is_refused_with_its_own_message_and_nothing_changes(db: Path, case: str) -> None:
    build, name, words = REFUSED[case]
    before = digest(db)
    with pytest.raises(ImportFileError) as refused:
        plan(build(), name)
    assert words in str(refused.value)
    assert "Traceback" not in str(refused.value)
    assert digest(db) == before
    assert plan(xlsx(GOOD)).new == ["BT-LD-001", "BT-LD-002", "BT-LD-003"]  # and reading still works


def test_the_far_cell_file_is_refused_by_the_command_line_without_a_traceback(db: Path, tmp_path: Path) -> None:
    file = tmp_path / "far.xlsx"
    file.write_bytes(far_cell())
    before = table_digest(db)
    command = [sys.executable, "-m", "ledger", "import", str(file), "--ledger", "land", "--league", BAOTOU]
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, "LEDGER_DB": str(db)}, capture_output=True, text=True)
    assert done.returncode == 2
    assert "用到了第 16,384 列（XFD 列）" in done.stderr and "Traceback" not in done.stderr
    assert table_digest(db) == before


# a reader bug kills only the worker ---------------------------------------------------------------
FAULTS = {
    "abort": "读取程序异常退出",
    "memory": "需要的内存超过 2,048 MB 的上限",
    "hang": "秒仍未完成，已停止",
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_reader_crash_in_the_worker_becomes_a_chinese_message(
    db: Path, fault: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = digest(db)
    monkeypatch.setenv("LEDGER_READER_FAULT", fault)
    monkeypatch.setattr(safe_read, "WORKER_TIMEOUT_SECONDS", 1)
    with pytest.raises(ImportFileError, match=FAULTS[fault]):
        plan(xlsx(GOOD))
    monkeypatch.delenv("LEDGER_READER_FAULT")
    assert digest(db) == before
    assert plan(xlsx(GOOD)).errors == []


def test_the_worker_answer_may_hold_only_plain_values() -> None:
    import pickle

    evil = pickle.dumps(("ok", os.system))
    with pytest.raises(pickle.UnpicklingError):
        safe_read._Unpickler(io.BytesIO(evil)).load()


# item ids belong to one league and one ledger -----------------------------------------------------
def demo_item(db: Path, ledger: str, league: str) -> str:
    return query(
        db,
        "select min(item_id) from item join park using (park_id) where ledger = $l and league_code = $c",
        {"l": ledger, "c": league},
    )[0][0]


@pytest.mark.parametrize(
    ("ledger", "league", "owner"),
    [
        ("land", WUHAI, "乌海市闲置土地台账（演示数据）"),
        ("stalled", BAOTOU, "包头市停产企业和停建项目台账（演示数据）"),
    ],
    ids=["another league", "another ledger"],
)
def test_an_id_of_another_league_or_ledger_is_a_row_error_never_a_move(
    db: Path, engine: str, ledger: str, league: str, owner: str
) -> None:
    taken = demo_item(db, ledger, league)
    before = table_digest(db)
    checked = plan(xlsx(with_cell(1, "item_id", taken)))
    assert [e.text() for e in checked.errors] == [f"工作表“台账” 第3行 “编号”: 编号“{taken}”已用于{owner}"]
    assert not checked.can_write
    with pytest.raises(ImportFileError, match="未写入"):
        apply_import(checked, b"", db)
    assert table_digest(db) == before


def test_an_id_taken_between_check_and_write_is_refused_under_the_lock(db: Path, engine: str) -> None:
    checked = plan(xlsx(GOOD))
    execute(  # meanwhile another import gives a 乌海市 item the id BT-LD-002
        db,
        "insert into item (item_id, ledger, park_id, title, found_date) select 'BT-LD-002', 'land', min(park_id), "
        "'另一盟市的条目', date '2022-08-20' from park where league_code = $c",
        {"c": WUHAI},
    )
    before = table_digest(db)
    with pytest.raises(ImportFileError, match="编号“BT-LD-002”刚被其他盟市或台账使用，未写入"):
        apply_import(checked, xlsx(GOOD), db)
    assert table_digest(db) == before
    assert not db.with_name(db.name + ".importing").exists()


# names -------------------------------------------------------------------------------------------
LONG = ("包头市稀土高新技术产业开发区闲置土地自查工作台账" * 4)[:90]
NAMES = {
    "long Chinese name": LONG + ".xlsx",
    "hostile path and control characters": "../../etc/\x1b[31mpass\u202ewd\x07.xlsx",
}


@pytest.mark.parametrize("case", NAMES)
def test_a_long_or_hostile_name_is_stored_sanitised_and_kept_as_uploaded(db: Path, engine: str, case: str) -> None:
    name = NAMES[case]
    assert len(LONG) == 90
    data = xlsx(GOOD)
    batch = apply_import(plan(data, name), data, db)
    stored = query(db, "select file_name from import_batch where batch_id = $b", {"b": batch})[0][0]
    assert stored == name
    (archived,) = (db.parent / "imports").iterdir()
    assert archived.read_bytes() == data and archived.suffix == ".xlsx"
    assert len(archived.name.encode()) <= 255 and not re.search(r"[\x00-\x1f\u202e/]", archived.name)
    beside = ["imports", "ledger.duckdb"] + (["ledger.duckdb.lock"] if engine == "duckdb" else [])  # PostgreSQL's
    assert sorted(p.name for p in db.parent.iterdir()) == beside  # imports leave the DuckDB file alone


def test_stored_names_keep_the_extension_and_drop_path_parts() -> None:
    assert safe_read.stored_name("../../etc/passwd.xlsx") == "passwd.xlsx"
    assert safe_read.stored_name("C:\\Users\\张三\\台账.csv") == "台账.csv"
    assert safe_read.stored_name("..") == "文件"
    long = safe_read.stored_name(LONG + ".xlsx")
    assert long.endswith(".xlsx") and len(long.encode()) <= 120 and LONG.startswith(long.removesuffix(".xlsx"))


# stray files and the disk --------------------------------------------------------------------------
def test_files_left_by_a_killed_import_are_removed_unless_an_import_runs(db: Path, engine: str) -> None:
    (db.parent / "imports").mkdir()
    stray = [db.with_name("ledger.duckdb.importing"), db.with_name("ledger.duckdb.importing.wal"),
             db.parent / "imports" / "00001_abcdef12_台账.xlsx.partial"]  # fmt: skip
    for path in stray:
        path.write_bytes(b"left over")
    held, release = threading.Event(), threading.Event()

    def running_import() -> None:  # in PostgreSQL mode on any app server: the lock is the database's
        with writing.writer_lock(db) if engine == "duckdb" else disk.importing_files():
            held.set()
            release.wait(10)

    thread = threading.Thread(target=running_import)
    thread.start()
    held.wait(10)
    assert clean_stray_files(db) == []  # an import holds the lock: its files are not stray
    release.set()
    thread.join()
    assert sorted(clean_stray_files(db)) == sorted(stray)
    assert not any(path.exists() for path in stray)


def test_below_the_free_space_floor_no_new_file_is_accepted(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = digest(db)
    monkeypatch.setattr(disk, "free_bytes", lambda folder: 900 * MB)
    with pytest.raises(ImportFileError, match=r"只剩 0\.9 GB 可用空间，低于 1 GB 的下限，暂停接收新文件"):
        plan(xlsx(GOOD))
    at = AppTest.from_file(str(ROOT / "pages/data_import.py"), default_timeout=60).run()
    assert any("低于 1 GB 的下限" in e.value for e in at.error)
    assert at.get("file_uploader")[0].proto.disabled
    assert digest(db) == before


def test_an_import_that_would_cross_the_floor_is_refused(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = xlsx(GOOD)
    checked = plan(data)
    before = digest(db)
    # an import writes in place: it needs room for its log and the archived file, about twice the file
    monkeypatch.setattr(disk, "free_bytes", lambda folder: 1024 * MB + len(data) // 2)
    with pytest.raises(ImportFileError, match="本次导入还需约"):
        apply_import(checked, data, db)
    assert digest(db) == before


@pytest.mark.user("test-admin")  # demo accounts stop working once a ledger is real
def test_the_import_page_shows_the_archive_size_and_free_space(db: Path) -> None:
    data = xlsx(GOOD)
    apply_import(plan(data), data, db)
    at = AppTest.from_file(str(ROOT / "pages/data_import.py"), default_timeout=60).run()
    assert not at.exception
    expected = f"已保存的原始文件（data/imports/）占用 {len(data) / MB:,.1f} MB"
    assert any(expected in c.value for c in at.caption)


# unexpected errors ------------------------------------------------------------------------------
def failing_app() -> None:
    import streamlit as st

    from ui.errors import guarded

    def page() -> None:
        st.write("before")
        raise RuntimeError("secret /srv/path detail")

    guarded(page)
    guarded(st.stop)  # control flow passes through: nothing below runs
    st.write("after stop")


@pytest.mark.parametrize("debug", [False, True], ids=["user", "developer"])
def test_an_unexpected_error_shows_a_reference_and_logs_the_details(
    debug: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_DEBUG", "1" if debug else "0")
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("ledger.app").addHandler(handler)
    try:
        at = AppTest.from_function(failing_app, default_timeout=30).run()
    finally:
        logging.getLogger("ledger.app").removeHandler(handler)
    (notice,) = [e.value for e in at.error]
    reference = re.fullmatch(r"系统出错，请稍后重试或联系管理员，错误编号 ([0-9a-f]{8})", notice).group(1)
    assert [m.value for m in at.markdown] == ["before"]
    assert "secret /srv/path detail" in records[0].getMessage() and reference in records[0].getMessage()
    assert len(at.exception) == (1 if debug else 0)


# in the browser ------------------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (apt-get install chromium)")
def test_after_the_far_cell_upload_the_same_session_still_answers(db: Path, browser) -> None:
    with running_app(db) as url:
        # 包头市工信局's demo account, signed in by session cookie as test_browser does
        page = open_page(browser, f"{url}/data_import?league={BAOTOU}", "[data-testid=stFileUploader]", "demo-150200")
        page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(
            files=[{"name": "far.xlsx", "mimeType": XLSX_TYPE, "buffer": far_cell()}]
        )
        page.get_by_text("XFD 列").wait_for(timeout=30_000)
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "upload_far_cell_refused.png"), full_page=True)
        refusal = page.locator("[data-testid=stAlertContentError]").inner_text()
        assert "超过本台账允许的 41 列" in refusal and "Traceback" not in page.inner_text("body")
        page.locator("[data-testid=stPageLink] a", has_text="总览").click()  # same session, no reload
        page.wait_for_selector(CHART, timeout=30_000)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(SHOTS / "upload_far_cell_then_overview.png"), full_page=True)
        assert urlparse(page.url).path in ("/", "/overview") and "league=150200" in page.url
        assert "演示数据" in page.inner_text("[data-testid=stMain]")
        assert page.locator("[data-testid=stException]").count() == 0
        page.close()
