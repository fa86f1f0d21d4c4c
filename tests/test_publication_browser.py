"""One 公示 round walked in chromium: a 公示稿 open today, the park's user objects to a grade with a PDF, the office
accepts it with the corrected grade; the office cannot approve before 公示 ends. Screenshots in screenshots/."""

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from auth import store
from auth.roles import User
from ledger import publication as pub
from ledger import rules
from queries.db import execute
from tests.conftest import copy_database
from tests.test_browser import CHROMIUM, SHOTS, running_app, signed_in_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OFFICE = User("demo-admin", "admin")


def open_publication(db: Path) -> tuple[int, str, str]:
    """A 公示稿 of the demo's 2023 grades open from today; its number, and the P005 project the form offers first."""
    con = rules.install(duckdb.connect(str(db)))
    try:
        grades = execute(con, "project_grades", {"league": None, "park": None, "asof": date(2023, 12, 31),
                                                 "year": 2023, "track": None, "veto": None, "protect_years": None,
                                                 "quotas": None})  # fmt: skip
        con.execute("delete from grade_version_row; delete from grade_objection; delete from grade_version")
        today = date.today()
        version = pub.publish(
            con, OFFICE, 2023, "浏览器测试", grades, today, now=datetime.combine(today, datetime.min.time())
        )
        order = ["track", "final_score", "project_id"]  # as the version's rows and the form list them
        mine = grades[grades.park_id == "P005"].sort_values(order, ascending=[True, False, True]).iloc[0]
    finally:
        con.close()
    return version, mine["name"], mine.grade


def objections(db: Path) -> list[tuple]:
    with duckdb.connect(str(db)) as con:
        return con.execute("select filed_by, decision, corrected_grade, evidence_name from grade_objection").fetchall()


def test_a_publication_round_in_chromium(demo_db: Path, tmp_path: Path, browser) -> None:
    db = copy_database(demo_db, tmp_path)
    version, project, grade = open_publication(db)
    corrected = "A" if grade != "A" else "B"
    pdf = tmp_path / "产值证明.pdf"
    pdf.write_bytes(PDF)
    SHOTS.mkdir(exist_ok=True)
    with running_app(db) as url:
        page = signed_in_page(browser, url, "demo-P005", viewport={"width": 1440, "height": 2400})
        page.goto(f"{url}/rankings?park=P005&view=publication")
        page.wait_for_selector(f"text=本表为第 {version} 版", timeout=60_000)
        page.get_by_text("对评价等级提出异议").click()
        form = page.locator("[data-testid=stForm]").filter(has_text="异议理由")
        form.get_by_label("异议理由").fill("2023 年第四季度产值漏报，附统计部门证明，请求复核。")
        form.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(pdf))
        page.wait_for_timeout(1500)
        form.get_by_role("button", name="提交异议").click()
        page.wait_for_selector("text=异议已提交，等待复核。", timeout=30_000)
        page.screenshot(path=str(SHOTS / "publication_1_park_objects.png"), full_page=True)
        assert page.get_by_text("待复核").count() >= 1  # the objection listed under the version

        office = signed_in_page(browser, url, "demo-admin", viewport={"width": 1440, "height": 2400})
        office.goto(f"{url}/rankings?view=publication")
        office.wait_for_selector("text=异议与复核", timeout=60_000)
        office.get_by_text("复核异议（1 件待复核）").click()
        form = office.locator("[data-testid=stForm]").filter(has_text="复核意见")
        form.get_by_text("采纳", exact=True).click()
        form.get_by_label("更正为（采纳时）").click()
        office.get_by_role("option", name=corrected, exact=True).click()
        form.get_by_label("复核意见").fill("经核实统计部门证明，更正产值后等级调整。")
        form.get_by_role("button", name="提交复核").click()
        office.wait_for_selector("text=已复核：采纳。", timeout=30_000)
        office.screenshot(path=str(SHOTS / "publication_2_office_accepts.png"), full_page=True)
        office.get_by_role("button", name="确认终稿").click()
        office.wait_for_selector("text=期满后才能确认终稿", timeout=30_000)
        office.screenshot(path=str(SHOTS / "publication_3_too_early.png"), full_page=True)
    assert objections(db) == [("demo-P005", "采纳", corrected, "产值证明.pdf")]  # the server has stopped
    assert project  # the park's project the form offered first
    assert store.audit_rows(store.auth_path(db), action="grade_objection")[0]["ok"] == 1
