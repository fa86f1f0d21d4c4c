"""整改销号 on the write path: every transition allowed and refused, evidence checks, deadlines extended,
concurrent writers, a killed writer, and the as-of replay of what the workflow wrote."""

import io
import os
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from auth import store
from auth.roles import User
from ledger import postgres, rules, spans
from ledger import workflow as wf
from ledger.evidence import EvidenceError, check_evidence, evidence_root, store_file
from ledger.fields import SPECS
from ledger.importing.disk import imports_root
from ledger.writing import PgCursor, WriteConflict, transaction
from tests.conftest import DEMO_USERS, ROOT, copy_database, read_database, session_token

ADMIN, LEADER = DEMO_USERS["demo-admin"], DEMO_USERS["demo-leader"]
BAOTOU, ORDOS, PARK = DEMO_USERS["demo-150200"], DEMO_USERS["demo-150600"], DEMO_USERS["demo-P005"]
NOW = datetime(2026, 3, 2, 10, 0)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_HEADER_ONLY = b"\x89PNG\r\n\x1a\n" + b"\0" * 64  # the signature of a PNG and nothing a viewer can open


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 60, 40)).save(out, format=kind)
    return out.getvalue()


PNG = image_bytes()


def docx_bytes() -> bytes:
    from docx import Document

    out = io.BytesIO()
    document = Document()
    document.add_paragraph("整改完成情况说明")
    document.save(out)
    return out.getvalue()


@pytest.fixture
def db(tmp_path: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_database(copy_database(demo_db, tmp_path), monkeypatch)


@pytest.fixture
def con(db: Path):
    connection = rules.install(duckdb.connect(str(db)))
    yield connection
    connection.close()


@pytest.fixture
def either(engine: str, con):
    """The database a test's writes go to, on each engine: the DuckDB copy (con), or the PostgreSQL demo copy that
    LEDGER_DSN names (ledger.writing.transaction writes there), read back with the same `$name` SQL."""
    if engine == "duckdb":
        yield con
        return
    with postgres.connect(postgres.dsn()) as connection:
        yield PgCursor(connection)


def open_items(con, league: str, park: str | None = None, ledger: str | None = None, n: int = 1) -> list[str]:
    """Items of a league (or park) whose latest status is 待整改 or 整改中, overdue ones first (on either engine)."""
    rows = con.execute(
        """
        select i.item_id from item i join park p using (park_id)
        left join (select item_id, max(seq) as seq from item_event group by item_id) m using (item_id)
        left join item_event s on s.item_id = m.item_id and s.seq = m.seq
        where p.league_code = $league and (cast($park as varchar) is null or i.park_id = $park)
          and (cast($ledger as varchar) is null or i.ledger = $ledger)
          and coalesce(s.status, '待整改') in ('待整改', '整改中')
        order by i.deadline, i.item_id limit $n
        """,
        {"league": league, "park": park, "ledger": ledger, "n": n},
    ).fetchall()
    assert len(rows) == n, f"the demo has fewer than {n} open {ledger} items in {league}"
    return [r[0] for r in rows]


def act(con, db: Path, action, *args, **kwargs):
    with transaction(con, db) as cur:
        return action(cur, *args, **kwargs)


def state(con, item: str) -> wf.ItemState:
    return wf.item_state(con.cursor() if isinstance(con, duckdb.DuckDBPyConnection) else con, item)


def evidence(name: str = "现场照片.pdf", data: bytes = PDF):
    return check_evidence(name, data)


def test_the_whole_loop_progress_apply_return_apply_again_approve(either, db: Path) -> None:
    item = open_items(either, "150200", ledger="land")[0]
    seq = state(either, item).seq
    seq = act(either, db, wf.record_progress, BAOTOU, item, seq, "整改中", "已下达督促动工通知书", now=NOW)
    with pytest.raises(wf.WorkflowError, match="须至少上传一份佐证材料"):
        act(either, db, wf.record_progress, BAOTOU, item, seq, "已整改", "已开工建设", now=NOW)
    seq = act(either, db, wf.record_progress, BAOTOU, item, seq, "已整改", "已开工建设",
              measure="督促动工开发/延长动工期限", area_mu=1.0, files=[evidence()], now=NOW)  # fmt: skip
    assert state(either, item).status == "已整改" and state(either, item).evidence == 1
    with pytest.raises(wf.WorkflowError, match="只有大起底办公室能审核销号"):
        act(either, db, wf.review, BAOTOU, item, seq, True)
    with pytest.raises(wf.WorkflowError, match="不能再记录进展"):
        act(either, db, wf.record_progress, BAOTOU, item, seq, "整改中", "再补一句")
    with pytest.raises(wf.WorkflowError, match="退回须写明原因"):
        act(either, db, wf.review, ADMIN, item, seq, False, "  ")
    seq = act(either, db, wf.review, ADMIN, item, seq, False, "照片不能反映开工，请补充施工许可证", now=NOW)
    returned = state(either, item)
    assert returned.status == "整改中" and returned.returned_reason == "照片不能反映开工，请补充施工许可证"
    seq = act(either, db, wf.record_progress, BAOTOU, item, seq, "已整改", "补充施工许可证",
              files=[evidence("施工许可证.docx", docx_bytes())], now=NOW + timedelta(hours=1))  # fmt: skip
    assert state(either, item).returned_reason is None and state(either, item).evidence == 2
    act(either, db, wf.review, ADMIN, item, seq, True, now=NOW + timedelta(hours=2))
    done = state(either, item)
    assert done.status == "已销号" and wf.actions(BAOTOU, done) == set()
    history = either.execute(
        "select status, actor, recorded_at, reason from item_event "
        "where item_id = $i and actor is not null order by seq",
        {"i": item},
    ).fetchall()
    assert [(s, a) for s, a, _, _ in history] == [
        ("整改中", "demo-150200"), ("已整改", "demo-150200"), ("整改中", "demo-admin"),
        ("已整改", "demo-150200"), ("已销号", "demo-admin"),
    ]  # fmt: skip
    assert either.execute("select closed_date from item where item_id = $i", {"i": item}).fetchone()[0] == NOW.date()


@pytest.mark.parametrize(
    ("user", "words"),
    [(ORDOS, "不在本账号的范围内"), (LEADER, "本账号不能记录整改进展")],
    ids=["another-league", "leader"],
)
def test_a_user_outside_the_item_or_without_the_role_is_refused(either, db: Path, user, words: str) -> None:
    item = open_items(either, "150200")[0]
    before = either.execute("select count(*) from item_event").fetchone()[0]
    with pytest.raises(wf.WorkflowError, match=words):
        act(either, db, wf.record_progress, user, item, state(either, item).seq, "整改中", "越权尝试")
    assert either.execute("select count(*) from item_event").fetchone()[0] == before


def test_a_park_user_works_on_its_own_park_only(con, db: Path) -> None:
    mine = open_items(con, "150200", "P005")[0]
    other = next(i for i in open_items(con, "150200", n=5) if state(con, i).park_id != "P005")
    with pytest.raises(wf.WorkflowError, match="不在本账号的范围内"):
        act(con, db, wf.record_progress, PARK, other, state(con, other).seq, "整改中", "x")
    act(con, db, wf.record_progress, PARK, mine, state(con, mine).seq, "整改中", "园区已约谈企业")
    assert state(con, mine).status == "整改中"


def test_a_second_user_working_from_an_old_view_is_told_and_nothing_is_overwritten(either, db: Path) -> None:
    item = open_items(either, "150200")[0]
    seen = state(either, item).seq  # both open the item
    act(either, db, wf.record_progress, BAOTOU, item, seen, "整改中", "第一位经办人的记录")
    with pytest.raises(wf.StaleItem, match=r"刚被 demo-150200 .*更新为“整改中”"):
        act(either, db, wf.record_progress, ADMIN, item, seen, "整改中", "第二位的记录")
    notes = [r[0] for r in either.execute("select note from item_event where item_id = $i", {"i": item}).fetchall()]
    assert "第一位经办人的记录" in notes and "第二位的记录" not in notes


def test_two_transactions_writing_the_same_event_at_once_end_in_one_write_and_a_conflict(con, db: Path) -> None:
    item = open_items(con, "150200")[0]
    seq = state(con, item).seq
    first, second = con.cursor(), con.cursor()
    first.execute("begin transaction")
    second.execute("begin transaction")
    wf.record_progress(first, BAOTOU, item, seq, "整改中", "甲")
    with pytest.raises(duckdb.TransactionException):  # both saw seq; the database refuses the second, at its
        wf.record_progress(second, ADMIN, item, seq, "整改中", "乙")  # status span's rewrite or at its commit
        second.execute("commit")
    second.execute("rollback")
    first.execute("commit")
    assert [r[0] for r in con.execute("select note from item_event where item_id = $i and seq = $s",
                                      {"i": item, "s": seq + 1}).fetchall()] == ["甲"]  # fmt: skip


def test_the_transaction_helper_turns_a_commit_conflict_into_a_chinese_message(con, db: Path) -> None:
    item = open_items(con, "150200")[0]
    seq = state(con, item).seq
    other = con.cursor()
    other.execute("begin transaction")
    wf.record_progress(other, ADMIN, item, seq, "整改中", "乙")
    with pytest.raises(WriteConflict, match="另一位用户同时修改了同一内容"), transaction(con) as cur:
        wf.record_progress(cur, BAOTOU, item, seq, "整改中", "甲")
        other.execute("commit")


def test_twenty_threads_recording_different_items_lose_no_update(either, db: Path) -> None:
    items = open_items(either, "150700", n=20)  # the league the other tests leave alone (the PostgreSQL copy is shared)
    users = [User("t-150700", "league", "150700")] * 20
    before = {i: state(either, i).seq for i in items}
    errors: list[str] = []

    def work(item: str, user) -> None:
        try:
            act(either, db, wf.record_progress, user, item, before[item], "整改中", f"{item} 的进展")
        except Exception as error:  # any failure is a lost update
            errors.append(repr(error))

    threads = [threading.Thread(target=work, args=pair) for pair in zip(items, users, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {i: state(either, i).seq for i in items} == {i: s + 1 for i, s in before.items()}
    assert all(state(either, i).status == "整改中" for i in items)


def test_two_sessions_changing_the_same_item_one_commits_the_other_is_told_in_chinese(either, db: Path) -> None:
    """The second writer waits for the first (PostgreSQL's row lock, DuckDB's writer lock) and then sees its change,
    or is refused at the write: either way a Chinese message, one event and no traceback."""
    item = open_items(either, "150200")[0]
    seen = state(either, item).seq
    first_wrote, refusals = threading.Event(), []

    def first() -> None:
        with transaction(either, db) as cur:
            wf.record_progress(cur, BAOTOU, item, seen, "整改中", "甲")
            first_wrote.set()
            time.sleep(0.5)  # the second writer starts meanwhile

    def second() -> None:
        first_wrote.wait()
        try:
            act(either, db, wf.record_progress, ADMIN, item, seen, "整改中", "乙")
        except (WriteConflict, wf.StaleItem) as error:
            refusals.append(str(error))

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(refusals) == 1 and "请刷新后再提交" in refusals[0]
    notes = either.execute("select note from item_event where item_id = $i and seq > $s", {"i": item, "s": seen})
    assert notes.fetchall() == [("甲",)]


@pytest.mark.postgres
def test_an_event_written_twice_on_postgres_is_refused_by_its_key_with_the_conflict_message(
    demo_pg_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that read the item before another committed (no row lock taken) still cannot write its event:
    item_event's key (item_id, seq) refuses it, and the caller gets the Chinese message; nothing of it is kept."""
    monkeypatch.setenv("LEDGER_DSN", demo_pg_dsn)
    with postgres.connect(demo_pg_dsn) as connection:
        either = PgCursor(connection)
        item = open_items(either, "150200")[0]
        seen = state(either, item)
        act(either, None, wf.record_progress, BAOTOU, item, seen.seq, "整改中", "甲")
        version = postgres.data_version(connection)
        with pytest.raises(WriteConflict, match="另一位用户同时修改了同一内容"), transaction() as cur:
            wf._event(cur, seen, "整改中", ADMIN, NOW, "乙")  # the old state: the same seq again
        rows = either.execute("select note from item_event where item_id = $i and seq > $s", {"i": item, "s": seen.seq})
        assert rows.fetchall() == [("甲",)] and postgres.data_version(connection) == version


def test_after_workflow_writes_the_derived_tables_equal_a_rebuild_from_the_log(either, db: Path) -> None:
    item, other = open_items(either, "150700", n=2)
    worker = User("t-150700", "league", "150700")
    seq = act(either, db, wf.record_progress, worker, item, state(either, item).seq, "已整改", "完成",
              files=[evidence()], now=NOW)  # fmt: skip
    seq = act(either, db, wf.review, ADMIN, item, seq, False, "请补充", now=NOW + timedelta(days=1))
    seq = act(either, db, wf.record_progress, worker, item, seq, "已整改", "补充", now=NOW - timedelta(days=2))
    act(either, db, wf.review, ADMIN, item, seq, True, now=NOW + timedelta(days=2))
    act(either, db, wf.record_progress, worker, other, state(either, other).seq, "整改中", "进展", now=NOW)
    order = "order by item_id, valid_from, seq, status, valid_to"
    kept = either.execute(f"select item_id, seq, status, valid_from, valid_to from status_span {order}").fetchall()
    rebuilt = either.execute(f"select * from ({spans.spans_sql()}) rebuilt {order}").fetchall()
    assert kept == rebuilt
    facts = either.execute("select * from item_fact order by item_id").fetchall()
    assert facts == either.execute("select * from rules.item_facts_of(null) order by item_id").fetchall()


def test_an_extension_moves_the_deadline_that_overdue_counts_use_and_history_keeps_the_original(either, db) -> None:
    item = open_items(either, "150200")[0]
    original = either.execute("select deadline from item where item_id = $i", {"i": item}).fetchone()[0]
    later = date(2027, 6, 30)
    with pytest.raises(wf.WorkflowError, match="写明原因"):
        act(either, db, wf.request_extension, BAOTOU, item, later, "")
    request = act(either, db, wf.request_extension, BAOTOU, item, later, "企业资金到位需时间", now=NOW)
    with pytest.raises(wf.WorkflowError, match="已有待审批的延期申请"):
        act(either, db, wf.request_extension, BAOTOU, item, later, "再申请一次", now=NOW)
    with pytest.raises(wf.WorkflowError, match="只有大起底办公室能审批延期"):
        act(either, db, wf.decide_extension, BAOTOU, request, True)
    assert state(either, item).deadline == original  # not in force before the decision
    act(either, db, wf.decide_extension, ADMIN, request, True, now=NOW)
    with pytest.raises(wf.WorkflowError, match="已于此前处理"):
        act(either, db, wf.decide_extension, ADMIN, request, False, "重复")
    assert state(either, item).deadline == later

    def overdue(day: date) -> tuple:
        return either.execute(
            "select is_overdue, deadline, original_deadline, extensions from rules.items_at($d) where item_id = $i",
            {"d": day, "i": item},
        ).fetchone()

    assert overdue(NOW.date() - timedelta(days=1)) == (True, original, original, 0)  # before the approval
    assert overdue(NOW.date()) == (False, later, original, 1)
    assert overdue(date(2027, 7, 1))[0] is True


@pytest.mark.postgres
def test_two_extension_requests_on_two_items_at_once_in_postgres_are_both_written(
    demo_pg_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first request's transaction is still open when the second commits: each id comes from the sequence (with
    the next after the largest, the second would take the first's id, wait for it and fail with the conflict)."""
    monkeypatch.setenv("LEDGER_DSN", demo_pg_dsn)
    with postgres.connect(demo_pg_dsn) as connection:
        items = open_items(PgCursor(connection), "152500", n=2)  # a league the other tests leave alone
        before = connection.execute("select coalesce(max(request_id), 0) from deadline_request").fetchone()[0]
    clerk, later = User("t-152500", "league", "152500"), date(2027, 6, 30)
    held, release, first, errors = threading.Event(), threading.Event(), [], []

    def first_request() -> None:
        try:
            with transaction() as cur:
                first.append(wf.request_extension(cur, clerk, items[0], later, "资金未到位", now=NOW))
                held.set()
                release.wait(30)
        except Exception as error:  # any failure fails the test
            errors.append(repr(error))
            held.set()

    thread = threading.Thread(target=first_request)
    thread.start()
    try:
        assert held.wait(30)
        with transaction() as cur:
            second = wf.request_extension(cur, clerk, items[1], later, "冬季停工", now=NOW)
    finally:
        release.set()
        thread.join(timeout=60)
    assert errors == [] and first[0] != second and min(first[0], second) > before
    with postgres.connect(demo_pg_dsn) as connection:
        written = connection.execute(
            "select request_id, item_id from deadline_request where request_id > %s order by 1", (before,)
        ).fetchall()
    assert written == sorted([(first[0], items[0]), (second, items[1])])


def test_a_refused_extension_needs_a_reason_and_changes_no_deadline(con, db: Path) -> None:
    item = open_items(con, "150200")[0]
    request = act(con, db, wf.request_extension, BAOTOU, item, date(2027, 1, 31), "冬季停工", now=NOW)
    with pytest.raises(wf.WorkflowError, match="不予批准须写明原因"):
        act(con, db, wf.decide_extension, ADMIN, request, False, "")
    act(con, db, wf.decide_extension, ADMIN, request, False, "理由不充分", now=NOW)
    assert con.execute("select count(*) from rules.deadline_at($d)", {"d": date(2030, 1, 1)}).fetchone()[0] == 0


def test_the_status_at_a_past_date_is_the_one_in_force_then(con, db: Path) -> None:
    item = open_items(con, "150200")[0]
    before = con.execute(
        "select status from rules.items_at($d) where item_id = $i", {"d": NOW.date(), "i": item}
    ).fetchone()
    act(con, db, wf.record_progress, BAOTOU, item, state(con, item).seq, "整改中", "进展", now=NOW + timedelta(days=3))
    assert con.execute("select status from rules.items_at($d) where item_id = $i",
                       {"d": NOW.date(), "i": item}).fetchone() == before  # fmt: skip
    assert con.execute("select status from rules.items_at($d) where item_id = $i",
                       {"d": NOW.date() + timedelta(days=3), "i": item}).fetchone()[0] == "整改中"  # fmt: skip


@pytest.mark.parametrize(
    ("area", "words"), [(-1, "不能为负数"), (10**6, "超过该条目的面积")], ids=["negative", "above-parcel"]
)
def test_a_revitalised_area_must_fit_the_parcel(con, db: Path, area: float, words: str) -> None:
    item = open_items(con, "150200")[0]
    with pytest.raises(wf.WorkflowError, match=words):
        act(con, db, wf.record_progress, BAOTOU, item, state(con, item).seq, "整改中", "x", area_mu=area)


def test_a_note_is_required_and_bounded(con, db: Path) -> None:
    item = open_items(con, "150200")[0]
    with pytest.raises(wf.WorkflowError, match="请写明本次做了什么"):
        act(con, db, wf.record_progress, BAOTOU, item, state(con, item).seq, "整改中", " ")
    with pytest.raises(wf.WorkflowError, match="不能超过 1000 个字"):
        act(con, db, wf.record_progress, BAOTOU, item, state(con, item).seq, "整改中", "字" * 1001)
    with pytest.raises(wf.WorkflowError, match="销号由大起底办公室审核"):
        act(con, db, wf.record_progress, BAOTOU, item, state(con, item).seq, "已销号", "自行销号")


def test_measures_offered_are_the_standard_disposal_methods_of_the_ledger() -> None:
    land = wf.measures_for("land", "批而未供")
    assert "供应(出让/划拨)" in land and "撤销批文/核减" in land and land[-1] == wf.OTHER_MEASURE
    assert any("收回上缴" in m for m in wf.measures_for("idle_fund"))


# evidence ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("照片.pdf", PNG_HEADER_ONLY, "内容不是PDF"),
        ("说明.docx", b"PK\x03\x04" + b"\0" * 40, "内容不是Word 文档"),
        ("程序.exe", b"MZ" + b"\0" * 40, "类型不能作为佐证材料"),
        ("空.pdf", b"", "空文件"),
        ("大.pdf", b"%PDF-" + b"\0" * (20 * 1024 * 1024), "超过每个文件 20 MB 的上限"),
    ],
    ids=["png-named-pdf", "broken-docx", "exe", "empty", "too-large"],
)
def test_evidence_is_checked_by_content_with_a_chinese_refusal(name: str, data: bytes, words: str) -> None:
    with pytest.raises(EvidenceError, match=words):
        check_evidence(name, data)


def test_accepted_evidence_is_stored_once_by_its_hash_with_a_clean_name(tmp_path: Path) -> None:
    for name, data in [("a.pdf", PDF), ("b.png", PNG), ("c.docx", docx_bytes())]:
        assert check_evidence(name, data).size == len(data)
    hostile = check_evidence("../../etc/\x07现场照片.pdf", PDF)
    assert hostile.file_name == "现场照片.pdf"
    root = evidence_root(tmp_path / "ledger.duckdb")
    first = store_file(root, hostile, PDF)
    again = store_file(root, check_evidence("另一个名字.pdf", PDF), PDF)
    assert first == again and first.read_bytes() == PDF and first.name == hostile.sha256
    assert len(list(root.rglob("*"))) == 2  # one folder, one file


def huge_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A PNG whose header claims width × height pixels (a decompression bomb is refused before decoding)."""
    import struct
    import zlib

    data = bytearray(PNG)
    ihdr = 8 + 4  # after the signature and the chunk's length
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(data[ihdr : ihdr + 17])))
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("现场照片.jpg", b"\xff\xd8\xff\xe0" + b"JFIF\0" + b"\x13" * 4000, "不是能打开的JPG 图片"),
        ("现场照片.jpg", image_bytes("JPEG", (400, 300))[:900], "不是能打开的JPG 图片"),
        ("现场照片.png", PNG_HEADER_ONLY, "不是能打开的PNG 图片"),
        ("现场照片.png", image_bytes()[:-30], "不是能打开的PNG 图片"),
        ("巨幅.png", huge_png(), "超过 60 百万像素的上限"),
    ],
    ids=["jpeg-header-then-junk", "truncated-jpeg", "png-signature-only", "truncated-png", "pixel-bomb"],
)
def test_an_image_is_decoded_at_upload_and_refused_in_chinese_when_it_does_not_open(
    name: str, data: bytes, words: str
) -> None:
    with pytest.raises(EvidenceError, match=words):
        check_evidence(name, data)


def test_real_photos_pass_and_their_preview_is_small() -> None:
    from ledger.evidence import preview_jpeg

    for name, kind in (("a.jpg", "JPEG"), ("b.png", "PNG")):
        data = image_bytes(kind, (2400, 1800))
        assert check_evidence(name, data).size == len(data)
        from PIL import Image

        preview = Image.open(io.BytesIO(preview_jpeg(data)))
        assert preview.format == "JPEG" and max(preview.size) == 720


def test_a_withdrawn_file_is_kept_and_recorded_but_no_longer_counts_for_closing(either, db: Path, engine) -> None:
    import queries
    from queries.db import acting_as
    from queries.scope import Scope

    item = open_items(either, "150200", n=3)[-1]  # not the first, which other tests take
    photo, letter = evidence("现场照片.png", PNG), evidence("通知书.pdf")
    seq = act(either, db, wf.record_progress, BAOTOU, item, state(either, item).seq, "已整改", "完成", files=[photo])
    with pytest.raises(wf.WorkflowError, match="只有大起底办公室能撤回佐证材料"):
        act(either, db, wf.withdraw_evidence, BAOTOU, item, photo.sha256, "传错了")
    with pytest.raises(wf.WorkflowError, match="撤回佐证材料须写明原因"):
        act(either, db, wf.withdraw_evidence, ADMIN, item, photo.sha256, " ")
    assert act(either, db, wf.withdraw_evidence, ADMIN, item, photo.sha256, "与本条目无关", now=NOW) == "现场照片.png"
    with pytest.raises(wf.WorkflowError, match="已于 2026-03-02 10:00 撤回，未重复处理"):
        act(either, db, wf.withdraw_evidence, ADMIN, item, photo.sha256, "再撤一次")
    assert either.execute(
        "select withdrawn_by, withdrawn_at, withdrawn_reason from evidence where item_id = $i", {"i": item}
    ).fetchall() == [("demo-admin", NOW, "与本条目无关")]
    assert (state(either, item).evidence, state(either, item).withdrawn, state(either, item).seq) == (0, 1, seq)
    if engine == "duckdb":  # reads through queries/ on PostgreSQL come with its port (queries/db.py)
        with acting_as(ADMIN):
            waiting = queries.review_queue(Scope(None, None, date.today())).set_index("item_id")
        assert waiting.loc[item, "evidence_files"] == 0  # the office sees the application has nothing left
    with pytest.raises(wf.WorkflowError, match="佐证材料已全部撤回，不能销号"):
        act(either, db, wf.review, ADMIN, item, seq, True)
    seq = act(either, db, wf.review, ADMIN, item, seq, False, "请补充与本条目相符的材料")
    with pytest.raises(wf.WorkflowError, match="须至少上传一份佐证材料"):
        act(either, db, wf.record_progress, BAOTOU, item, seq, "已整改", "再次申请")
    with pytest.raises(wf.WorkflowError, match="与此前被撤回的佐证材料是同一个文件"):
        act(either, db, wf.record_progress, BAOTOU, item, seq, "已整改", "再次申请", files=[photo])
    seq = act(either, db, wf.record_progress, BAOTOU, item, seq, "已整改", "再次申请", files=[letter])
    act(either, db, wf.review, ADMIN, item, seq, True)
    assert state(either, item).status == "已销号"
    kept = either.execute("select file_name, withdrawn_reason from evidence where item_id = $i", {"i": item})
    assert sorted(kept.fetchall()) == [("现场照片.png", "与本条目无关"), ("通知书.pdf", None)]
    if engine == "duckdb":
        with acting_as(ADMIN):
            listed = queries.item_evidence(item)
        assert sorted(listed.file_name) == sorted(["通知书.pdf", "现场照片.png"])  # both listed; one withdrawn
        assert listed.set_index("file_name").withdrawn_reason.to_dict()["现场照片.png"] == "与本条目无关"


def test_a_schema_6_database_gains_the_withdrawal_columns_in_place(db: Path) -> None:
    from ledger import SCHEMA_VERSION, stored_schema_version
    from ledger.migrate import upgrade

    con = duckdb.connect(str(db))
    con.execute("drop index evidence_item")  # what a schema-6 file holds: the table without the three columns
    for column in ("withdrawn_by", "withdrawn_at", "withdrawn_reason"):
        con.execute(f"alter table evidence drop column {column}")
    con.execute("create index evidence_item on evidence (item_id)")
    con.execute("update meta set value = '6' where key = 'schema_version'")
    items = con.execute("select count(*) from item").fetchone()
    con.close()
    assert upgrade(db) and stored_schema_version(db) == SCHEMA_VERSION == "8"
    con = duckdb.connect(str(db))
    assert con.execute("select count(*) from item").fetchone() == items
    assert con.execute("select count(withdrawn_at) from evidence").fetchone() == (0,)
    con.close()


# a killed writer ---------------------------------------------------------------------------------
KILLED = """
import os, signal, sys
import duckdb
from ledger import workflow as wf
from ledger.evidence import check_evidence
from ledger.writing import transaction
from tests.conftest import DEMO_USERS
path, first, second = sys.argv[1:4]
admin, league = DEMO_USERS["demo-admin"], DEMO_USERS["demo-150200"]
con = duckdb.connect(path)
with transaction(con) as cur:  # committed: an application with its evidence
    seq = wf.record_progress(cur, league, first, wf.item_state(cur, first).seq, "已整改", "已提交",
                             files=[check_evidence("a.pdf", b"%PDF-1.4 x")])
cur = con.cursor()
cur.execute("begin transaction")  # killed before its commit: a review and a progress note
wf.review(cur, admin, first, seq, True)
wf.record_progress(cur, league, second, wf.item_state(cur, second).seq, "整改中", "未提交")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_writer_killed_mid_transaction_keeps_every_committed_change_and_no_half_one(db: Path) -> None:
    con = duckdb.connect(str(db))
    first, second = open_items(con, "150200", n=2)
    seqs = {i: state(con, i).seq for i in (first, second)}
    con.close()
    result = subprocess.run([sys.executable, "-c", KILLED, str(db), first, second], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True)  # fmt: skip
    assert result.returncode == -9, result.stderr.decode()
    con = duckdb.connect(str(db))
    kept = state(con, first)
    assert (kept.seq, kept.status, kept.evidence) == (seqs[first] + 1, "已整改", 1)  # the review never happened
    assert state(con, second).seq == seqs[second]
    assert con.execute("select count(*) from item_event where note = '未提交'").fetchone()[0] == 0
    assert con.execute("select closed_date from item where item_id = $i", {"i": first}).fetchone()[0] is None
    con.close()


def test_no_row_points_at_an_item_that_does_not_exist(con) -> None:
    """The tables beside item carry no foreign key (see schema.sql); the writers keep them whole."""
    for table in ("item_event", "evidence", "deadline_request", "land", "stalled", "infrastructure", "idle_fund",
                  "pending_approval", "indicator"):  # fmt: skip
        orphans = con.execute(f"select count(*) from {table} where item_id not in (select item_id from item)")
        assert orphans.fetchone()[0] == 0, table


# backup and restore ------------------------------------------------------------------------------
HOLDER = """
import sys, time
import duckdb
con = duckdb.connect(sys.argv[1])  # the app: holds the database read-write while the backup runs
print("ready", flush=True)
time.sleep(30)
"""


def test_a_backup_taken_while_the_app_holds_the_database_restores_every_item_event_and_file(db: Path, tmp_path) -> None:
    from ledger.backup import BackupError, backup, restore

    con = duckdb.connect(str(db))
    item = open_items(con, "150200", ledger="land")[0]
    file = evidence("现场照片.pdf")
    store_file(evidence_root(db), file, PDF)
    upload = imports_root(db) / "batch-0007-ab12-包头市土地台账.xlsx"  # an archived original upload
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(b"PK original")
    (imports_root(db) / "batch-0008-cd34-x.xlsx.partial").write_bytes(b"half")  # an import still writing: left out
    act(con, db, wf.record_progress, BAOTOU, item, state(con, item).seq, "已整改", "完成", files=[file], now=NOW)
    counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("item", "item_event", "evidence")}
    con.close()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"ready"
        archive = backup(db, tmp_path / "backups", now=NOW)
    finally:
        holder.kill()
        holder.wait()
    assert archive.name == "ledger-backup-20260302-100000.zip"
    fresh = tmp_path / "fresh" / "ledger.duckdb"
    done = restore(archive, fresh)
    assert done == {"evidence": 1, "imports": 1}
    assert (imports_root(fresh) / upload.name).read_bytes() == b"PK original"
    assert not (imports_root(fresh) / "batch-0008-cd34-x.xlsx.partial").exists()
    restored = duckdb.connect(str(fresh))
    assert {t: restored.execute(f"select count(*) from {t}").fetchone()[0] for t in counts} == counts
    sha = restored.execute("select sha256 from evidence where item_id = $i", {"i": item}).fetchone()[0]
    restored.close()
    assert (evidence_root(fresh) / sha[:2] / sha).read_bytes() == PDF
    assert store.list_users(store.auth_path(fresh))  # the accounts came back too
    with pytest.raises(BackupError, match="已存在。确认要用备份覆盖时加 --force"):
        restore(archive, fresh)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    with pytest.raises(BackupError, match="文件不存在或已损坏"):
        restore(broken, tmp_path / "other" / "ledger.duckdb")


def test_the_command_line_says_in_chinese_when_the_app_holds_the_database(db: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"ready"
        result = subprocess.run(
            [sys.executable, "-m", "ledger", "restore", "x.zip", "--force"], cwd=ROOT, capture_output=True,
            env={**os.environ, "LEDGER_DB": str(db)},
        )  # fmt: skip
        demo = subprocess.run([sys.executable, "-m", "ledger", "demo"], cwd=ROOT, capture_output=True,
                              env={**os.environ, "LEDGER_DB": str(db)})  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1 and "无法读取备份文件" in result.stderr.decode()
    assert demo.returncode != 0 and "正被另一个程序占用" in demo.stderr.decode()
    assert "Traceback" not in demo.stderr.decode()


# the import keeps to the same rules --------------------------------------------------------------
def test_an_import_may_not_set_an_item_closed_only_review_does(db: Path) -> None:
    from tests.test_import import plan, with_cell, xlsx

    checked = plan(xlsx(with_cell(0, "status", "已销号")))
    assert [e.message for e in checked.errors] == [
        "导入不能把条目设为“已销号”：销号须由大起底办公室在看板上审核佐证材料"
    ]


def test_an_import_may_not_move_a_status_backwards_and_keeps_the_workflow_history(db: Path) -> None:
    from ledger.importing import apply_import
    from tests.test_import import GOOD, plan, with_cell, xlsx

    data = xlsx(GOOD)
    apply_import(plan(data), data, db)
    con = duckdb.connect(str(db))
    act(con, db, wf.record_progress, BAOTOU, "BT-LD-002", state(con, "BT-LD-002").seq, "已整改", "完成",
        files=[evidence()], now=NOW)  # fmt: skip
    con.close()
    back = plan(xlsx(with_cell(1, "title", "B-02地块（二次报送）")))  # the file still says 整改中
    assert [e.message for e in back.errors] == ["状态不能从“已整改”退回“整改中”：退回须由大起底办公室在看板上写明原因"]
    forward = with_cell(1, "title", "B-02地块（二次报送）")
    forward[1][[f.key for f in SPECS["land"].fields].index("status")] = "已整改"
    data = xlsx(forward)
    apply_import(plan(data), data, db)
    con = duckdb.connect(str(db))
    rows = con.execute("select status, actor from item_event where item_id = 'BT-LD-002' order by seq").fetchall()
    title = con.execute("select title from item where item_id = 'BT-LD-002'").fetchone()[0]
    files = con.execute("select count(*) from evidence where item_id = 'BT-LD-002'").fetchone()[0]
    con.close()
    assert title == "B-02地块（二次报送）" and files == 1
    assert ("已整改", "demo-150200") in rows  # the workflow's step survives the re-import


# the pages ---------------------------------------------------------------------------------------
def test_review_and_todo_pages_list_what_waits_and_the_order_lists_the_units_due_items(db: Path, con) -> None:
    from streamlit.testing.v1 import AppTest

    from queries.scope import Scope
    from reports.orders import due_items, order_docx

    item = open_items(con, "150200", ledger="land")[0]
    seq = act(con, db, wf.record_progress, BAOTOU, item, state(con, item).seq, "已整改", "完成", files=[evidence()])
    act(con, db, wf.review, ADMIN, item, seq, False, "材料不全")
    other = open_items(con, "150200", n=2)[1]
    act(con, db, wf.request_extension, BAOTOU, other, date(2027, 12, 31), "冬季停工")
    con.close()

    review = AppTest.from_file(str(ROOT / "pages/review.py"), default_timeout=60).run()
    assert not review.exception and [m.value for m in review.metric] == ["0 项", "1 项"]
    todo = AppTest.from_file(str(ROOT / "pages/todo.py"), default_timeout=60)
    todo.session_state["auth_token"] = session_token("demo-150200")
    todo.run()
    assert not todo.exception
    assert any(f"{item}" in e.value and "材料不全" in e.value for e in todo.error)
    table = todo.dataframe[0].value
    assert table["标记"].iloc[0] in ("退回", "超期") and "退回" in set(table["标记"])
    import queries
    from queries.db import acting_as

    with acting_as(BAOTOU):
        listed = queries.todo_items(Scope(None, None, date.today()))
    assert set(listed.league_name) == {"包头市"}
    due = due_items(listed)
    unit = due.responsible_unit.iloc[0]
    from docx import Document

    mine = due[due.responsible_unit == unit]
    document = Document(io.BytesIO(order_docx(unit, mine, date.today(), "包头市", True)))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert set(mine.item_id) <= cells and any(f"{unit}：" == p.text for p in document.paragraphs)


def test_my_todo_counts_units_and_first_rows_asked_of_the_database_equal_the_whole_list(db: Path, con) -> None:
    import queries
    from queries.db import acting_as
    from queries.scope import Scope
    from queries.todo import todo_counts, todo_head
    from reports.orders import due_items

    *items, other = open_items(con, "150200", n=3)
    for item in items:  # two returned items, one waiting for review
        seq = act(con, db, wf.record_progress, BAOTOU, item, state(con, item).seq, "已整改", "完成", files=[evidence()])
        act(con, db, wf.review, ADMIN, item, seq, False, "材料不全")
    act(con, db, wf.record_progress, BAOTOU, other, state(con, other).seq, "已整改", "完成", files=[evidence()])
    today = date.today()
    open_count = con.execute(
        """select count(*) from item i join park p using (park_id)
           where p.league_code = '150200' and i.found_date <= $d
             and coalesce((select e.status from item_event e where e.item_id = i.item_id
                           order by e.seq desc limit 1), '待整改') <> '已销号'""",
        {"d": today},
    ).fetchone()[0]
    con.close()

    scope = Scope(None, None, today)
    with acting_as(BAOTOU):
        listed = queries.todo_items(scope)
        counts, units = todo_counts(scope)
        head, returned = todo_head(scope, 7), todo_head(scope, 3, returned_first=True)
        first = next(iter(units))
        one = queries.todo_items(scope, first)
    assert counts == {
        "items": open_count,
        "overdue": int(listed.is_overdue.sum()),
        "returned": 2,
        "waiting": int((listed.status == "已整改").sum()),
    }
    assert len(listed) == open_count and set(listed.loc[listed.is_returned, "item_id"]) == set(items)
    assert list(head.item_id) == list(listed.item_id[:7])
    assert set(returned.item_id[:2]) == set(items) and not returned.is_returned.iloc[2]
    due = due_items(listed)
    assert set(listed.loc[listed.is_due, "item_id"]) == set(due.item_id)
    assert list(units) == sorted(due.responsible_unit.dropna().unique())
    for unit, (late, soon) in units.items():
        named = due[due.responsible_unit == unit]
        assert (late, soon) == (int(named.is_overdue.sum()), int((~named.is_overdue).sum()))
    assert list(one.item_id) == list(listed.loc[listed.responsible_unit == first, "item_id"])


def test_my_todo_list_sends_the_most_urgent_rows_and_counts_all_of_them() -> None:
    from streamlit.testing.v1 import AppTest

    import queries
    from queries.db import acting_as
    from queries.scope import Scope

    with acting_as(DEMO_USERS["demo-150200"]):
        listed = queries.todo_items(Scope(None, None, date.today()))
    assert len(listed) > 5
    source = (ROOT / "pages/todo.py").read_text(encoding="utf-8").replace("SHOWN = 500", "SHOWN = 5", 1)
    todo = AppTest.from_string(source, default_timeout=60)
    todo.session_state["auth_token"] = session_token("demo-150200")
    todo.run()
    assert not todo.exception
    table = todo.dataframe[0].value
    assert len(table) == 5
    assert list(table["条目"].str.extract(r"item=([^&]+)")[0]) == list(listed.item_id[:5])
    assert todo.metric[0].value == f"{len(listed)} 项"
    assert any(f"共 {len(listed):,} 项，下表列出最紧迫的 5 项" in c.value for c in todo.caption)
