"""Chromium opens every page on the national database (2,754 parks, about a million items): no page view sends more
than 1 MB over the websocket, and none shows an error. Timings are reported (bench/results/national_browser.json),
never asserted. Set NATIONAL_DB to an existing national database to skip building one (its copy is used)."""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_database
from tests.test_browser import CHART, CHROMIUM, CONTENT, running_app
from tests.test_pages import PAGES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (apt-get install chromium)"
    ),
]
MAX_BYTES = 1_000_000  # per page view, every websocket frame the browser receives
RESULTS = ROOT / "bench" / "results" / "national_browser.json"
TIMINGS: dict[str, dict] = {}


@pytest.fixture(scope="session")
def national_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    national = pytest.importorskip("bench.national", reason="bench/national.py (the national builder) is missing")
    folder = tmp_path_factory.mktemp("national")
    given = os.environ.get("NATIONAL_DB")
    if given:
        return copy_database(Path(given), folder)
    path = folder / "ledger.duckdb"
    national.build(path, source=demo_db)
    return path


@pytest.fixture(scope="module")
def national_server(national_db: Path) -> Iterator[str]:
    with running_app(national_db) as url:
        yield url
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(TIMINGS, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nnational page views: {json.dumps(TIMINGS, ensure_ascii=False)}")


@pytest.mark.parametrize("script", PAGES)
def test_every_page_on_the_national_database_sends_at_most_1_mb_per_view(national_server: str, browser, script: str):
    from bench.pages_bytes import view

    name = Path(script).stem
    seen = view(browser, national_server, name, CONTENT.get(name, CHART), timeout_ms=180_000)
    TIMINGS[name] = seen
    print(f"{name}: {seen['bytes']:,} bytes, first content after {seen['first_content_s']} s")
    assert seen["first_content_s"] is not None, f"{name} drew nothing within 180 s"
    assert seen["errors"] == 0
    assert seen["bytes"] <= MAX_BYTES, f"{name} sent {seen['bytes']:,} bytes"
