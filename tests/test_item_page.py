"""The item page as its users meet it: it shows the item's current state after every workflow step even when the
link pinned an older 数据截至 date, says when a past date is shown, agrees with itself (badge, banners, chart,
facts, files, history); a page made stale by someone else's change is told so; evidence files that do not decode
never break the page, can be withdrawn by the office, and are previewed inside the page only."""

import json
import os
from datetime import date
from pathlib import Path

import duckdb
import psycopg
import pytest
from streamlit.testing.v1 import AppTest

from auth import store
from ledger import rules
from ledger import workflow as wf
from ledger.evidence import evidence_file, evidence_root
from ledger.writing import transaction
from tests.conftest import DEMO_USERS, ROOT, copy_database, demo_in_postgres, read_database, session_token
from tests.test_workflow import PDF, docx_bytes, image_bytes

ITEM = "LD0249"  # a 包头市 idle-land item still open at the end of the demo data (2025-12-30)
LAST_DEMO_DAY = "2025-12-30"  # what links made from the demo pin as 数据截至: before today
TODAY = date.today()


@pytest.fixture
def db(tmp_path: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_database(copy_database(demo_db, tmp_path), monkeypatch)


@pytest.fixture
def demo_pg_dsn(pg_server, demo_db: Path, request: pytest.FixtureRequest) -> str:
    """A fresh PostgreSQL copy of the demo for each test: these tests all change the same item."""
    return demo_in_postgres(pg_server, demo_db, "demo_item_" + request.node.name)


def event_notes(db: Path, item: str) -> list[str]:
    """The notes of the item's events, read from the store the app used (PostgreSQL when LEDGER_DSN is set)."""
    query = "select note from item_event where item_id = $i"
    if dsn := os.environ.get("LEDGER_DSN"):
        with psycopg.connect(dsn) as con:
            return [r[0] for r in con.execute(query.replace("$i", "%(i)s"), {"i": item}).fetchall()]
    with duckdb.connect(str(db)) as con:
        return [r[0] for r in con.execute(query, {"i": item}).fetchall()]


def item_page(user: str, item: str = ITEM, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/ledgers.py"), default_timeout=60)
    at.session_state["auth_token"] = session_token(user)
    at.query_params["item"] = item
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def seen(at: AppTest) -> dict:
    """What the item panel says, part by part."""
    assert not at.exception, at.exception
    badge = next(m.value for m in at.markdown if "-badge[" in m.value)
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    facts = at.table[0].value
    files = [c.value for c in at.caption if "上传于" in c.value]
    return {
        "badge": badge.split("[", 1)[1].split("（", 1)[0],
        "badge_day": badge.split("截至 ", 1)[1][:10] if "截至 " in badge else None,
        "chart": chart["data"][-1]["name"] if chart["data"] else None,
        "chart_share": _last_bar_share(chart["data"]),
        "history": list(next(d.value for d in at.dataframe if "经办人" in d.value.columns)["状态"]),
        "rectified_banner": any(f"已于 {TODAY}" in s.value for s in [*at.success, *at.warning]),
        "returned": [e.value for e in at.error if "已退回，请补充整改" in e.value],
        "evidence_field": facts.loc["佐证材料", "内容"],
        "closed_field": facts.loc["销号日期", "内容"],
        "files": [f for f in files if "已撤回" not in f],
        "past": [i.value for i in at.info if "正在查看" in i.value],
        "messages": [m.value for m in [*at.success, *at.error]],
        "asof": at.query_params.get("asof"),
    }


def _last_bar_share(bars: list[dict]) -> float:
    """How much of the timeline the last bar (the status in force) takes: a sliver nobody sees is not shown."""
    import pandas as pd

    def start(bar: dict) -> pd.Timestamp:
        return pd.Timestamp(bar["base"][0])

    def end(bar: dict) -> pd.Timestamp:
        return start(bar) + pd.Timedelta(milliseconds=bar["x"][0])

    if not bars:
        return 0.0
    return (end(bars[-1]) - start(bars[-1])) / (max(end(b) for b in bars) - min(start(b) for b in bars))


def agrees(view: dict, status: str, files: int) -> None:
    """Badge, chart, history, banner, facts and file list all tell the same state: today's."""
    assert (view["badge"], view["chart"], view["history"][-1]) == (status, status, status)
    assert view["chart_share"] >= 0.05  # the current status is a bar one can see and read, not a one-day sliver
    assert view["badge_day"] == str(TODAY) and not view["past"]
    assert view["rectified_banner"] == (status in (wf.APPLIED, wf.CLOSED))
    assert len(view["files"]) == files
    assert view["evidence_field"] == (f"{files} 个文件（见下方）" if files else "—")
    assert view["closed_field"] == (str(TODAY) if status == wf.CLOSED else "—")


def record(at: AppTest, status: str, note: str, upload: tuple[str, bytes, str] | None = None) -> AppTest:
    at.radio[0].set_value(status)
    next(t for t in at.text_area if t.label == "情况说明（做了什么）").input(note)
    if upload:
        at.file_uploader[0].set_value(upload)
    return button(at, "提交").click().run()


def review(at: AppTest, approve: bool, reason: str = "") -> AppTest:
    if reason:
        next(t for t in at.text_area if t.label.startswith("审核意见")).input(reason)
    return button(at, "审核通过，予以销号" if approve else "退回整改").click().run()


def test_the_item_shows_each_step_of_the_loop_when_the_link_pinned_an_earlier_date(db: Path, engine: str) -> None:
    """On the page, as its users do it, on both stores (with LEDGER_DSN the page reads, writes, signs in and
    audits in PostgreSQL)."""
    league = item_page("demo-150200", asof=LAST_DEMO_DAY)
    before = seen(league)
    assert before["badge"] == "待整改" and before["badge_day"] == str(TODAY)  # as it is now, not as of the link
    assert any(f"条目显示今天（{TODAY}）的情况" in c.value for c in league.caption)

    league = record(league, wf.WORKING, "已下达督促动工通知书")
    step = seen(league)
    assert "已记录整改进展。" in step["messages"] and step["asof"] == str(TODAY)
    agrees(step, wf.WORKING, files=0)

    league = record(league, wf.APPLIED, "企业已开工", ("现场照片.png", image_bytes(), "image/png"))
    step = seen(league)
    assert "已提交销号申请，等待大起底办公室审核。" in step["messages"]
    agrees(step, wf.APPLIED, files=1)

    office = item_page("demo-admin", asof=LAST_DEMO_DAY)  # an old link: a look back, said so, with the way out
    back = seen(office)
    assert back["badge"] == "待整改" and back["chart"] == "待整改" and back["badge_day"] == LAST_DEMO_DAY
    assert back["past"] and "此后该条目有 2 次状态变化，当前为“已整改”" in back["past"][0]
    assert back["files"] == [] and back["evidence_field"] == "—"
    assert not [b for b in office.button if b.label.startswith("审核通过")]  # no acting on a past view
    office = button(office, "查看当前状态").click().run()
    agrees(seen(office), wf.APPLIED, files=1)

    office = review(office, approve=False, reason="照片不能反映开工，请补充施工许可证")
    step = seen(office)
    agrees(step, wf.WORKING, files=1)  # the banner no longer says 已于…整改
    assert step["returned"] == ["**已退回，请补充整改**：照片不能反映开工，请补充施工许可证"]

    league = item_page("demo-150200", asof=str(TODAY))
    assert seen(league)["returned"]
    league = record(league, wf.APPLIED, "补充施工许可证", ("施工许可证.docx", docx_bytes(), "application/octet-stream"))
    step = seen(league)
    agrees(step, wf.APPLIED, files=2)
    assert not step["returned"]

    office = item_page("demo-admin", asof=str(TODAY))
    office = review(office, approve=True)
    step = seen(office)
    assert "已销号。" in step["messages"]
    agrees(step, wf.CLOSED, files=2)
    assert step["history"][-5:] == [wf.WORKING, wf.APPLIED, wf.WORKING, wf.APPLIED, wf.CLOSED]


@pytest.mark.parametrize("first", [wf.WORKING, wf.APPLIED], ids=["form-still-offered", "form-gone-after-change"])
def test_a_page_made_stale_by_someone_else_is_told_who_changed_the_item_and_writes_nothing(
    db: Path, first, engine: str
) -> None:
    mine = item_page("demo-150200", asof=LAST_DEMO_DAY)  # both open the item
    theirs = item_page("demo-admin", asof=LAST_DEMO_DAY)
    upload = ("通知书.pdf", PDF, "application/pdf") if first == wf.APPLIED else None
    theirs = record(theirs, first, "办公室代为记录", upload)
    assert not seen(theirs)["messages"][0].startswith("该条目刚被")
    mine = record(mine, wf.WORKING, "我从旧页面提交的进展")
    stale = seen(mine)
    assert any(m.startswith("该条目刚被 demo-admin") and f"更新为“{first}”" in m for m in stale["messages"])
    assert "已记录整改进展。" not in stale["messages"]
    assert "办公室代为记录" in (notes := event_notes(db, ITEM)) and "我从旧页面提交的进展" not in notes
    [refused] = [r for r in store.audit_rows(store.auth_path(db), "progress", "demo-150200")]  # audited
    assert not refused["ok"] and "刚被 demo-admin" in refused["detail"]


# evidence ----------------------------------------------------------------------------------------
BROKEN_JPEG = b"\xff\xd8\xff\xe0" + b"JFIF\0" + b"\x13" * 4000  # a JPEG's first bytes, then nothing a viewer reads


def open_item_of(db: Path, park: str) -> str:
    con = rules.install(duckdb.connect(str(db)))
    [(item,)] = con.execute(
        "select item_id from rules.items_at(current_date)"
        " where park_id = $p and not is_rectified order by item_id limit 1",
        {"p": park},
    ).fetchall()
    con.close()
    return item


def attach_directly(db: Path, name: str, data: bytes, mime: str, item: str = ITEM) -> str:
    """A file stored the way an older version let it in: row and file written straight into place."""
    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    path = evidence_file(evidence_root(db), sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    con = duckdb.connect(str(db))
    seq = wf.item_state(con.cursor(), item).seq
    with transaction(con, db) as cur:
        seq = wf.record_progress(cur, DEMO_USERS["demo-150200"], item, seq, wf.WORKING, "上传现场照片")
        cur.execute(
            "insert into evidence (item_id, event_seq, sha256, file_name, size_bytes, mime, uploaded_by, uploaded_at)"
            " values ($i, $s, $sha, $n, $size, $m, 'demo-150200', now()::timestamp)",
            {"i": item, "s": seq, "sha": sha, "n": name, "size": len(data), "m": mime},
        )
    con.close()
    return sha


@pytest.mark.parametrize("user", ["demo-admin", "demo-150200", "demo-P005"])
def test_an_already_stored_broken_image_leaves_the_page_whole_with_a_download_instead(db: Path, user: str) -> None:
    item = open_item_of(db, "P005")  # an item every one of the three may see and work on
    attach_directly(db, "现场照片.jpg", BROKEN_JPEG, "image/jpeg", item)
    at = item_page(user, item, asof=str(TODAY))
    assert not at.exception
    assert any("该图片无法预览" in c.value for c in at.caption)
    assert [b for b in at.get("download_button") if b.proto.label == "下载"]
    assert not at.get("image")
    assert [b for b in at.button if b.label == "提交"]  # the forms are still there


def test_the_office_withdraws_a_wrong_file_which_stays_on_disk_recorded_and_audited(db: Path) -> None:
    sha = attach_directly(db, "现场照片.jpg", BROKEN_JPEG, "image/jpeg")
    at = item_page("demo-admin", asof=str(TODAY))
    reason = next(t for t in at.text_input if t.label == "撤回原因（必填）")
    at = button(at, "撤回该文件").click().run()
    assert "撤回佐证材料须写明原因" in seen(at)["messages"]
    reason = next(t for t in at.text_input if t.label == "撤回原因（必填）")
    reason.input("文件已损坏，无法打开")
    at = button(at, "撤回该文件").click().run()
    view = seen(at)
    assert "已撤回“现场照片.jpg”，文件留存备查，不再作为佐证材料。" in view["messages"]
    assert view["files"] == [] and view["evidence_field"] == "—"
    assert any("已撤回" in c.value and "文件已损坏，无法打开" in c.value for c in at.caption)
    con = duckdb.connect(str(db))
    row = con.execute(
        "select withdrawn_by, withdrawn_reason, withdrawn_at is not null from evidence where sha256 = $s", {"s": sha}
    ).fetchone()
    assert row == ("demo-admin", "文件已损坏，无法打开", True)
    assert wf.item_state(con.cursor(), ITEM).evidence == 0
    con.close()
    assert evidence_file(evidence_root(db), sha).read_bytes() == BROKEN_JPEG
    audited = store.audit_rows(store.auth_path(db), "evidence_withdraw")  # newest first
    assert [bool(r["ok"]) for r in audited] == [True, False] and "文件已损坏" in audited[0]["detail"]


@pytest.mark.user("demo-150200")
def test_only_the_office_is_offered_the_withdrawal(db: Path) -> None:
    attach_directly(db, "现场照片.jpg", BROKEN_JPEG, "image/jpeg")
    at = item_page("demo-150200", asof=str(TODAY))
    assert not at.exception and not [b for b in at.button if b.label == "撤回该文件"]


def test_an_image_preview_is_sent_inside_the_page_not_as_a_media_url(db: Path) -> None:
    """A media URL (/media/…) answers anyone who has it, signed in or not; a data: URI exists only in the page
    sent, after the scope check, to a signed-in user allowed to see the item."""
    photo = image_bytes("JPEG", (1600, 1200))
    attach_directly(db, "现场照片.jpg", photo, "image/jpeg")
    at = item_page("demo-150200", asof=str(TODAY))
    assert not at.exception
    [image] = at.get("image")
    url = image.proto.imgs[0].url
    assert url.startswith("data:image/jpeg;base64,")
    assert len(url) < len(photo) and len(url) < 200_000  # a preview, not the file
    outsider = item_page("demo-150600", asof=str(TODAY))  # another league: neither the item nor its files
    assert not outsider.get("image") and not [c for c in outsider.caption if "上传于" in c.value]


def test_a_refused_upload_quotes_its_file_name_as_text(db: Path) -> None:
    from tests.test_injection import rendered_formatting

    at = item_page("demo-150200", asof=str(TODAY))
    at = record(at, wf.APPLIED, "附照片", ("![x](beacon.png) **红字** [link](x).jpg", BROKEN_JPEG, "image/jpeg"))
    [refusal] = [e.value for e in at.error if "不是能打开的JPG 图片" in e.value]
    assert "红字" in refusal and not rendered_formatting(refusal)
    assert [
        r[0] for r in duckdb.connect(str(db)).execute("select note from item_event where note = '附照片'").fetchall()
    ] == []


def test_an_extension_asked_and_approved_on_the_page_moves_the_deadline_the_item_shows(db: Path, engine: str) -> None:
    from datetime import timedelta

    later = TODAY + timedelta(days=90)
    league = item_page("demo-150200", asof=LAST_DEMO_DAY)
    next(d for d in league.date_input if d.label == "申请的新整改时限").set_value(later)
    next(t for t in league.text_area if t.label == "延期原因").input("冬季停工，次年开春复工")
    league = button(league, "提交延期申请").click().run()
    assert "延期申请已提交，等待大起底办公室审批。" in seen(league)["messages"]
    assert any("已有延期申请等待审批" in c.value for c in league.caption)
    office = item_page("demo-admin", asof=LAST_DEMO_DAY)
    assert any("冬季停工，次年开春复工" in m.value for m in office.markdown)
    office = button(office, "批准延期").click().run()
    assert "已批准延期，超期按新的时限计算。" in seen(office)["messages"]
    facts = office.table[0].value
    assert facts.loc["整改时限", "内容"] == f"{later}（经批准延期，原时限 2022-12-31）"
    assert any(f"距整改时限（{later}）还有 90 天" in i.value for i in office.info)
