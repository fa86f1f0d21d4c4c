"""The scenes of SCENARIOS.md walked in chromium, with a screenshot of each step in screenshots/."""

import shutil
from pathlib import Path

import pytest

from ledger.fields import SPECS
from tests.conftest import ROOT
from tests.test_browser import ARGS, CHROMIUM, open_page, running_app
from tests.test_import import GOOD, with_cell, xlsx

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (apt-get install chromium)"
    ),
]
SHOTS = ROOT / "screenshots"
LAND_KIND = [f.key for f in SPECS["land"].fields].index("land_kind")


@pytest.fixture
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def upload(page, path: Path) -> None:
    page.set_input_files("[data-testid=stFileUploaderDropzoneInput]", str(path))
    page.wait_for_selector(f"text={path.name} ·", timeout=30_000)
    page.wait_for_timeout(1500)


def test_a_league_reports_in_fixes_two_rows_and_its_figures_stop_being_demo(
    demo_db: Path, tmp_path: Path, browser
) -> None:
    """Scene 4: the 包头市 clerk uploads, reads the row errors, fixes them, uploads again and confirms."""
    db = tmp_path / "ledger.duckdb"
    shutil.copyfile(demo_db, db)
    bad = tmp_path / "包头市闲置土地台账.xlsx"
    rows = with_cell(1, "area_mu", "约30")
    rows[2][LAND_KIND] = "闲置"
    bad.write_bytes(xlsx(rows, above=[["包头市开发区闲置土地台账"]]))
    fixed = tmp_path / "包头市闲置土地台账（修改）.xlsx"
    fixed.write_bytes(xlsx(GOOD, above=[["包头市开发区闲置土地台账"]]))
    SHOTS.mkdir(exist_ok=True)
    with running_app(db) as url:
        page = open_page(browser, f"{url}/data_import?league=150200", "[data-testid=stFileUploader]")
        upload(page, bad)
        text = page.inner_text("[data-testid=stMain]")
        page.screenshot(path=str(SHOTS / "scene4_1_errors.png"), full_page=True)
        assert "发现 2 处错误，整份文件不会写入" in text
        assert "“约30” 不是数字" in text and "“闲置” 不是可选值" in text
        page.close()

        page = open_page(browser, f"{url}/data_import?league=150200", "[data-testid=stFileUploader]")
        upload(page, fixed)
        assert "导入后将替换包头市闲置土地台账中的" in page.inner_text("[data-testid=stMain]")
        page.get_by_role("button", name="确认导入").click()
        page.wait_for_selector("text=批次 1，3 条新增", timeout=30_000)
        assert "不会重复导入" in page.inner_text("[data-testid=stMain]")
        page.screenshot(path=str(SHOTS / "scene4_2_imported.png"), full_page=True)
        page.close()

        page = open_page(browser, f"{url}/?league=150200&asof=2025-12-25")
        banner = page.inner_text("[data-testid=stAlert]")
        page.screenshot(path=str(SHOTS / "scene4_3_overview.png"), full_page=True)
        assert "包头市土地台账已导入真实台账" in banner
        page.close()
