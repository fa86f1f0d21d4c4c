"""Benchmarks (not tests): demo build time, query times at demo and national scale, page render times.

Run `make bench` (or `python -m bench --scale 50`). Results print as a table and go to
bench/results/latest.json. "National scale" multiplies every ledger item (with its events and
details) by --scale, roughly the ledgers of all of China's ~2,500 development zones.
"""

import argparse
import json
import logging
import os
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

logging.getLogger("streamlit").setLevel(logging.ERROR)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DETAILS = ["land", "stalled", "infrastructure", "idle_fund", "pending_approval", "indicator"]
PARAMS = {"league": None, "park": None, "asof": date(2023, 6, 8)}
IMPORT_ROWS = 20_000


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    """Median wall time in milliseconds over repeat calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def scale_up(source: Path, target: Path, factor: int) -> int:
    """Copy the database and multiply the ledgers by factor (new ids, same parks)."""
    shutil.copy(source, target)
    con = duckdb.connect(str(target))
    copies = f"range(1, {factor}) as r(k)"
    for table in ["item", "item_event", *DETAILS]:
        con.execute(
            f"insert into {table} select t.* replace (t.item_id || '-' || k as item_id) from {table} t, {copies}"
        )
    items = con.execute("select count(*) from item").fetchone()[0]
    con.execute("checkpoint")
    con.close()
    return items


def query_times(path: Path, repeat: int) -> dict[str, float]:
    from queries import db

    con = db.connect(path)
    params = PARAMS | dict.fromkeys(db.OPTIONAL)
    out = {name: timed(lambda n=name: db.execute(con, n, params), repeat)[0] for name in sorted(db.sql_files())}
    con.close()
    return out


def page_times(path: Path, repeat: int) -> dict[str, dict[str, float]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["LEDGER_DB"] = str(path)
    out = {}
    scripts = ["app.py", *sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("[!_]*.py"))]
    AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()  # imports, so "cold" means cold caches
    for script in scripts:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / script), default_timeout=120)
        at.query_params["asof"] = "2023-06-08"
        cold, _ = timed(at.run)
        warm, _ = timed(at.run, repeat)
        if at.exception:
            raise RuntimeError(f"{script}: {at.exception[0].value}")
        out[script] = {"cold_ms": cold, "warm_ms": warm}
    return out


def import_times(source: Path, rows: int) -> dict[str, float]:
    """Check and write a land ledger of `rows` rows for one league (a copy of the database)."""
    from bench.uploads import land_xlsx
    from ledger.importer import apply_import, plan_import

    path = source.with_name("import.duckdb")
    shutil.copyfile(source, path)
    data = land_xlsx(rows)
    check_ms, plan = timed(lambda: plan_import(data, "bench.xlsx", "land", "150200", path))
    write_ms, _ = timed(lambda: apply_import(plan, data, path))
    return {"rows": len(plan.rows), "errors": len(plan.errors), "check_ms": check_ms, "write_ms": write_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=50, help="national-scale multiplier of the ledgers")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from ledger.demo import build_demo

    report: dict = {"date": date.today().isoformat(), "cpu_count": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.duckdb"
        report["demo_build_ms"], counts = timed(lambda: build_demo(demo))
        report["demo_items"] = counts["item"]
        national = Path(tmp) / "national.duckdb"
        report["national_items"] = scale_up(demo, national, args.scale)
        report["queries_demo_ms"] = query_times(demo, args.repeat)
        report["queries_national_ms"] = query_times(national, args.repeat)
        report["pages_demo"] = page_times(demo, args.repeat)
        report["pages_national"] = page_times(national, args.repeat)
        report["import_20k"] = import_times(demo, IMPORT_ROWS)

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(
        f"demo build: {report['demo_build_ms']:.0f} ms ({report['demo_items']} items); "
        f"national scale: {report['national_items']} items"
    )
    print(f"{'query':<22}{'demo ms':>10}{'national ms':>14}")
    for name, ms in report["queries_demo_ms"].items():
        print(f"{name:<22}{ms:>10.1f}{report['queries_national_ms'][name]:>14.1f}")
    print(f"{'page':<22}{'cold ms':>10}{'warm ms':>10}{'nat. cold':>11}{'nat. warm':>11}")
    for script, t in report["pages_demo"].items():
        n = report["pages_national"][script]
        print(f"{script:<22}{t['cold_ms']:>10.0f}{t['warm_ms']:>10.0f}{n['cold_ms']:>11.0f}{n['warm_ms']:>11.0f}")
    imp = report["import_20k"]
    print(
        f"import of {imp['rows']} land rows ({imp['errors']} errors): "
        f"check {imp['check_ms']:.0f} ms, write {imp['write_ms']:.0f} ms"
    )


if __name__ == "__main__":
    main()
