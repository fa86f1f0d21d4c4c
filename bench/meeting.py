"""Benchmark of 会议模式 (not a test): server render time per slide, cold and warm, and in chromium the time to the
first drawn slide and to each turn. `python -m bench.meeting`; results in bench/results/meeting.json."""

import json
import logging
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

logging.getLogger("streamlit").setLevel(logging.ERROR)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SCOPES = {"全区": None, "包头市": "150200"}
ASOF = date(2023, 6, 8)


def server_times(repeat: int = 5) -> dict[str, dict[str, float]]:
    """Per slide: building it from the queries and laying it out for the screen, with empty caches (cold) and with
    the query cache warm (what each turn costs once a slide has been shown), in milliseconds."""
    import streamlit as st

    from charts import meeting as mt
    from queries.scope import Scope
    from reports.meeting_deck import MEETING

    def render(key: str, scope: Scope) -> None:
        slide = MEETING[key](scope)
        if slide.figure is not None:
            mt.screen_figure(slide.figure, "dark", mt.chart_height(slide)).to_json()
        mt.header_html(slide, 1, len(MEETING), [])

    out: dict[str, dict[str, float]] = {}
    for label, league in SCOPES.items():
        scope = Scope(league, None, ASOF)
        for key in MEETING:
            cold = []
            for _ in range(repeat):
                st.cache_data.clear()
                start = time.perf_counter()
                render(key, scope)
                cold.append((time.perf_counter() - start) * 1000)
            warm = []
            for _ in range(repeat):
                start = time.perf_counter()
                render(key, scope)
                warm.append((time.perf_counter() - start) * 1000)
            out[f"{label} {key}"] = {"cold_ms": statistics.median(cold), "warm_ms": statistics.median(warm)}
    return out


def browser_times(db: Path) -> dict[str, float | list[float]]:
    """A fresh server: the first visitor's time to the first drawn slide (cold), a second visitor's (warm), and the
    second visitor's turns (key → → the next slide complete and its chart drawn), in seconds."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import ARGS, CHROMIUM, running_app, signed_in_page

    result: dict[str, float | list[float]] = {}
    with running_app(db) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for visit in ("cold", "warm"):
            page = signed_in_page(browser, url, viewport={"width": 1920, "height": 1080})
            start = time.perf_counter()
            page.goto(f"{url}/meeting?asof={ASOF}&interval=600")
            page.wait_for_selector(".mt-foot[data-slide='1'] ", timeout=60_000)
            page.wait_for_selector(".mt-cards", timeout=60_000)
            result[f"first_slide_{visit}_s"] = time.perf_counter() - start
            if visit == "warm":
                turns = []
                for n in range(2, 8):
                    start = time.perf_counter()
                    page.keyboard.press("ArrowRight")
                    page.wait_for_selector(f".mt-foot[data-slide='{n}']", timeout=60_000)
                    page.wait_for_selector(".js-plotly-plot .main-svg, .mt-table", timeout=60_000)
                    turns.append(time.perf_counter() - start)
                result["turns_s"] = turns
            page.close()
        browser.close()
    return result


def main() -> None:
    db = Path(os.environ.get("LEDGER_DB", ROOT / "data" / "ledger.duckdb"))
    if not db.exists():
        from ledger.demo import build_demo

        db = Path(tempfile.mkdtemp()) / "ledger.duckdb"
        build_demo(db)
    os.environ["LEDGER_DB"] = str(db)
    results = {"server": server_times(), "browser": browser_times(db) if "--no-browser" not in sys.argv else {}}
    for name, t in results["server"].items():
        print(f"{name:<16} cold {t['cold_ms']:7.1f} ms   warm {t['warm_ms']:7.1f} ms")
    for name, t in results["browser"].items():
        print(f"{name:<16} {t if isinstance(t, list) else round(t, 2)}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "meeting.json").write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
