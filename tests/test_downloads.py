"""Every download button on every page makes its file through the page's own code path, at the region's scope
(demo-admin) and a league's (demo-150200), deferred ones included, and the file opens with its own library; a
download that fails is logged, audited and tells the user so in Chinese."""

import csv
import io
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest
import streamlit as st
from docx import Document
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from auth import store
from ledger import workflow as wf
from ledger.evidence import check_evidence, evidence_root, store_file
from ledger.writing import transaction
from queries.db import db_path
from reports.images import export_problem
from tests.conftest import DEMO_USERS, ROOT, copy_database, read_database, session_token
from tests.test_browser import CHROMIUM, SHOTS, free_port
from ui.url_state import BRIEFING_VIEWS, PROGRESS_VIEWS, RANKING_VIEWS, url_of

JUN = "2023-06-08"
needs_export = pytest.mark.skipif(export_problem() is not None, reason=f"服务器端导出不可用：{export_problem()}")
FORMATS = ("png", "svg", "pdf")


@pytest.fixture(scope="module")
def own_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This module's copy of the demo: a downloaded 督导通报 or 要情通报 is archived (issued_document) in the database
    it was made from, and the shared demo must stay as built for the modules that run after this one."""
    return copy_database(demo_db, tmp_path_factory.mktemp("downloads"))


@pytest.fixture(autouse=True)
def use_own_db(own_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_database(own_db, monkeypatch)


@dataclass
class Button:
    label: str
    data: bytes | Callable[[], bytes]
    file_name: str
    disabled: bool

    def content(self) -> bytes:
        """The file as the user gets it: a deferred button's bytes are made now, as on the click."""
        return self.data() if callable(self.data) else self.data


@pytest.fixture
def buttons(monkeypatch: pytest.MonkeyPatch) -> dict[str, Button]:
    """Every st.download_button a page draws in this test, by key, with the data it was given."""
    seen: dict[str, Button] = {}
    original = st.download_button

    def record(label, data, file_name=None, mime=None, **options):
        seen[options.get("key") or label] = Button(label, data, file_name or "", bool(options.get("disabled")))
        return original(label, data, file_name=file_name, mime=mime, **options)

    monkeypatch.setattr(st, "download_button", record)
    return seen


def opened(name: str, data: bytes) -> str:
    """Opens the file with its own library; returns its text (for what a test wants to find in it)."""
    assert data, f"{name} is empty"
    kind = name.rsplit(".", 1)[-1]
    if kind == "pptx":
        deck = Presentation(io.BytesIO(data))
        assert len(deck.slides) >= 2
        pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13]
        for picture in pictures:  # every chart on a slide is a real, non-blank image
            image = Image.open(io.BytesIO(picture.image.blob))
            assert image.getextrema() != ((255, 255), (255, 255), (255, 255))
        texts = [s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame]
        return "\n".join(texts)
    if kind == "docx":
        return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    if kind == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        cells = [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v]
        assert cells, f"{name} has no cells"
        return "\n".join(cells)
    if kind == "csv":
        assert data.startswith(b"\xef\xbb\xbf"), "a CSV for Excel users starts with the UTF-8 BOM"
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert len(rows) >= 2
        return "\n".join(",".join(r) for r in rows)
    if kind == "png":
        image = Image.open(io.BytesIO(data))
        image.verify()
        assert image.size == (3840, 2160)
        return ""
    if kind == "pdf":
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) == 1
        return reader.pages[0].extract_text()
    if kind == "svg":
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")
        return "".join(root.itertext())
    raise AssertionError(f"no library opens {name}")


SCOPES = {"region": "demo-admin", "league": "demo-150200"}
# page, its link's parameters, and the buttons it must draw there (export menus: PNG, SVG and PDF each)
CASES = [
    ("overview.py", {}, ["overview_compare"]),
    ("progress.py", {"view": url_of(PROGRESS_VIEWS, "阶段进度")}, ["progress_curve"]),
    ("progress.py", {"view": url_of(PROGRESS_VIEWS, "盟市对比")}, ["progress_bars"]),
    ("progress.py", {"view": url_of(PROGRESS_VIEWS, "超期清单")}, ["progress_overdue_export"]),
    ("progress.py", {"view": url_of(PROGRESS_VIEWS, "督导通报")}, ["progress_notice"]),  # region only
    ("rankings.py", {"view": url_of(RANKING_VIEWS, "园区排名")}, ["rankings_chart"]),
    ("rankings.py", {"park": "P005", "view": url_of(RANKING_VIEWS, "项目排名")}, ["rankings_projects_chart"]),
    ("rankings.py", {"view": url_of(RANKING_VIEWS, "项目评价")}, ["rankings_grades_export"]),
    (
        "rankings.py",
        {"view": url_of(RANKING_VIEWS, "评价公示")},
        ["rankings_publication_docx", "rankings_publication_xlsx"],
    ),
    ("park.py", {"park": "P005"}, ["park_curve", "park_years_chart", "park_map", "park_export"]),
    ("ledgers.py", {}, ["ledgers_xlsx", "ledgers_csv"]),
    ("todo.py", {}, ["todo_docx", "todo_xlsx"]),
    ("briefing.py", {"view": url_of(BRIEFING_VIEWS, "要情通报")}, ["briefing_bulletin"]),  # region only
    ("briefing.py", {"view": url_of(BRIEFING_VIEWS, "汇报材料")}, ["briefing_deck", "briefing_preview"]),
    ("meeting.py", {}, ["meeting_deck"]),
    ("data_import.py", {}, ["data_import_template"]),
    ("accounts.py", {}, ["accounts_log_export"]),  # admins only
]
REGION_ONLY = {"progress_notice", "briefing_bulletin", "accounts_log_export"}
MENUS = {"overview_compare", "progress_curve", "progress_bars", "rankings_chart", "rankings_projects_chart"}
MENUS |= {"park_curve", "park_years_chart", "park_map", "briefing_preview"}


def expected_keys(names: list[str]) -> set[str]:
    return {f"{n}_{fmt}" for n in names if n in MENUS for fmt in FORMATS} | {n for n in names if n not in MENUS}


def case_id(case) -> str:
    page, params, _ = case
    return page.removesuffix(".py") + "".join(f"-{v}" for k, v in params.items() if k != "asof")


@needs_export
@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_every_download_button_makes_a_file_its_library_opens(scope: str, case, buttons: dict[str, Button]) -> None:
    page, params, names = case
    if scope == "league" and set(names) <= REGION_ONLY:
        pytest.skip("这一按钮只对能看全区的用户显示（见 test_a_league_user_never_sees_the_region_only_downloads）")
    at = _as(SCOPES[scope], page, params)
    wanted = expected_keys(names)
    assert wanted <= set(buttons), f"{page} {params}: missing {wanted - set(buttons)}"
    for key in sorted(wanted):
        button = buttons[key]
        assert not button.disabled, key
        text = opened(button.file_name, button.content())
        if scope == "league" and button.file_name.rsplit(".", 1)[-1] in {"pptx", "docx", "xlsx"}:
            assert "鄂尔多斯" not in text, f"{key}: another league's name in 包头's file"
    assert not at.exception


def _as(username: str, page: str, params: dict) -> AppTest:
    """The page as username sees it (the conftest signs every AppTest in as demo-admin unless told otherwise)."""
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=120)
    at.session_state["auth_token"] = session_token(username)
    for key, value in {"asof": JUN, **params}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("case", [c for c in CASES if set(c[2]) <= REGION_ONLY], ids=case_id)
def test_a_league_user_never_sees_the_region_only_downloads(case, buttons: dict[str, Button]) -> None:
    page, params, names = case
    _as("demo-150200", page, params)
    assert not set(buttons) & expected_keys(names)


@pytest.fixture
def evidence_db(tmp_path: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, bytes]:
    """A copy of the demo with one 包头 land item that has a Word file as 佐证材料."""
    db = read_database(copy_database(demo_db, tmp_path), monkeypatch)
    out = io.BytesIO()
    document = Document()
    document.add_paragraph("整改完成情况说明")
    document.save(out)
    data = out.getvalue()
    con = duckdb.connect(str(db))
    item = con.execute(
        "select i.item_id from item i join park p using (park_id) where p.league_code = '150200' "
        "and i.ledger = 'land' and i.item_id not in (select item_id from item_event where status <> '待整改') "
        "order by i.item_id limit 1"
    ).fetchone()[0]
    user = DEMO_USERS["demo-150200"]
    with transaction(con, db) as cur:
        seq = wf.item_state(cur, item).seq
    evidence = check_evidence("整改说明.docx", data)
    store_file(evidence_root(db), evidence, data)  # as the page's upload does, before the event
    with transaction(con, db) as cur:
        wf.record_progress(cur, user, item, seq, "整改中", "已下达督促动工通知书", files=[evidence])
    con.close()
    return db, item, data


@pytest.mark.parametrize("scope", SCOPES)
def test_an_items_evidence_file_downloads_as_it_was_uploaded(
    scope: str, evidence_db: tuple[Path, str, bytes], buttons: dict[str, Button]
) -> None:
    _, item, data = evidence_db
    _as(SCOPES[scope], "ledgers.py", {"item": item, "asof": date.today().isoformat()})
    files = [b for key, b in buttons.items() if key.startswith("workflow_file_")]
    assert [b.file_name for b in files] == ["整改说明.docx"]
    assert files[0].content() == data
    assert "整改完成情况说明" in opened(files[0].file_name, files[0].content())


def test_a_deferred_download_that_fails_is_logged_audited_and_raised(
    buttons: dict[str, Button], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamlit answers a failed deferred download with its own English words under the button; the page's CSS
    (test below) puts a Chinese sentence in their place. The failure itself must reach the log and the audit."""
    at = _as("demo-admin", "ledgers.py", {})
    button = buttons["ledgers_xlsx"]

    def broken() -> bytes:
        raise ValueError("The truth value of an array with more than one element is ambiguous")

    monkeypatch.setattr(button, "data", _failing(button.data, broken))
    with pytest.raises(ValueError):
        button.content()
    last = store.audit_rows(store.auth_path(db_path()), action="export", limit=1)[0]
    assert not last["ok"] and "台账 Excel" in last["detail"] and "ValueError" in last["detail"]
    assert not at.exception


def _failing(audited: Callable[[], bytes], broken: Callable[[], bytes]) -> Callable[[], bytes]:
    """The page's audited wrapper, with the builder it wraps replaced by one that raises."""
    cells = audited.__closure__ or ()
    names = audited.__code__.co_freevars
    build = dict(zip(names, cells, strict=True))["build"]
    build.cell_contents = broken
    return audited


def test_a_failed_download_says_so_in_chinese_in_place_of_streamlits_words() -> None:
    from ui.chrome import CHINESE_CSS

    bundle = (Path(st.__file__).parent / "static" / "static" / "js").glob("DownloadButton.*.js")
    assert any("stDownloadButtonError" in p.read_text(encoding="utf-8") for p in bundle)  # the element exists
    assert '[data-testid="stDownloadButtonError"]' in CHINESE_CSS
    assert "文件生成失败" in CHINESE_CSS


FAILING_APP = """
import streamlit as st
from ui.chrome import CHINESE_CSS

st.html(f"<style>{CHINESE_CSS}</style>")


def broken() -> bytes:
    raise ValueError("The truth value of an array with more than one element is ambiguous")


st.download_button("会议材料", broken, file_name="会议材料.pptx", on_click="ignore", key="broken")
"""


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_in_chromium_a_failed_download_says_so_in_chinese(tmp_path: Path, browser) -> None:
    """The words the user reads under a button whose file could not be made: Chinese, not Streamlit's English."""
    import subprocess
    import sys
    import time
    import urllib.request

    script = tmp_path / "failing.py"
    script.write_text(FAILING_APP, encoding="utf-8")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.25)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.click("[data-testid=stDownloadButton] button", timeout=60_000)
        error = page.wait_for_selector("[data-testid=stDownloadButtonError]", timeout=30_000)
        shown = page.evaluate(
            "e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content, "
            "parseFloat(getComputedStyle(e, '::after').fontSize)]",
            error,
        )
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "download_failed.png"))
        page.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert shown[0] == "0px"  # Streamlit's "Failed to generate file for download" takes no room
    assert "文件生成失败" in shown[1] and shown[2] >= 12
