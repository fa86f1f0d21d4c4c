"""Benchmark (not a test): per page view in chromium, the bytes the server sends over the websocket and the time from
navigation to the page's first drawn content (chart, table or map), on a fresh server (cold) and again (warm).

`python -m bench.pages_bytes [--db PATH] [--label national] [--pages ledgers,idle_map]`; without --db it measures
the demo database and a national one built by bench.national. Results go to bench/results/pages_bytes.json."""

import argparse
import json
import logging
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

logging.getLogger("streamlit").setLevel(logging.ERROR)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
ASOF = "2023-06-08"
QUIET_MS = 2000  # a page view is over when nothing arrives for this long after its content is drawn


def page_names() -> list[str]:
    from tests.test_pages import PAGES

    return [Path(script).stem for script in PAGES]


def view(browser, url: str, name: str, content: str, timeout_ms: int = 120_000) -> dict[str, float | None]:
    """One page view by a signed-in admin: websocket bytes received (all frames of the view), the largest frame,
    and seconds from navigation to the first drawn content."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from tests.test_browser import signed_in_page

    page = signed_in_page(browser, url)
    frames: list[int] = []
    last = [time.perf_counter()]

    def on_frame(payload: bytes | str) -> None:
        frames.append(len(payload))
        last[0] = time.perf_counter()

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    start = time.perf_counter()
    page.goto(f"{url}/{name}?asof={ASOF}")
    try:
        page.wait_for_selector(content, timeout=timeout_ms, state="attached")
        drawn: float | None = round(time.perf_counter() - start, 3)
    except PlaywrightTimeout:  # recorded as not drawn, with the bytes received until then
        drawn = None
    while (time.perf_counter() - last[0]) * 1000 < QUIET_MS:
        page.wait_for_timeout(250)
    errors = page.locator("[data-testid=stException]").count()
    page.close()
    return {
        "bytes": sum(frames),
        "largest_frame": max(frames, default=0),
        "first_content_s": drawn,
        "errors": errors,
    }


def measure(db: Path, names: Iterable[str]) -> dict[str, dict[str, dict[str, float]]]:
    """Every page on a private copy of db: cold (first view after the server started) and warm (the view again)."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import copy_database
    from tests.test_browser import ARGS, CHART, CHROMIUM, CONTENT, running_app

    out: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        copy = copy_database(db, Path(tmp))
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        with running_app(copy) as url:
            for name in names:
                content = CONTENT.get(name, CHART)
                out[name] = {visit: view(browser, url, name, content) for visit in ("cold", "warm")}
                print(name, json.dumps(out[name], ensure_ascii=False), flush=True)
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="a ledger database (default: demo and national)")
    parser.add_argument("--label", default="", help="the name of this run in the results file")
    parser.add_argument("--pages", default="", help="comma-separated page names (default: every page)")
    args = parser.parse_args()
    names = [n for n in args.pages.split(",") if n] or page_names()
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / "pages_bytes.json"
    results = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    if args.db:
        runs = {args.label or args.db.stem: args.db}
    else:
        from auth import store
        from bench.national import build
        from ledger.demo import build_demo

        folder = Path(tempfile.mkdtemp(prefix="pages_bytes_"))
        demo, national = folder / "demo.duckdb", folder / "national.duckdb"
        build_demo(demo)
        store.seed_demo_accounts(store.auth_path(demo))
        build(national, source=demo)
        store.seed_demo_accounts(store.auth_path(national))
        runs = {"demo": demo, "national": national}
    for label, db in runs.items():
        results[label] = measure(db, names)
        target.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"written {target}")


if __name__ == "__main__":
    main()
