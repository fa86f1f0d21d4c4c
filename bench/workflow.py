"""Benchmark (not a test): one 整改销号 status update and one review, each a whole transaction, at demo scale and
at national scale (the ledgers multiplied, ~1M items). The cost must not grow with the database.

Run `python -m bench.workflow [--scale 1150] [--repeat 30]`; prints a table, writes bench/results/workflow.json."""

import argparse
import json
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

import duckdb

from auth.roles import User
from bench.__main__ import RESULTS, scale_up
from ledger import workflow as wf
from ledger.demo import build_demo
from ledger.evidence import check_evidence
from ledger.writing import transaction

LEAGUE = User("bench-league", "league", "150700")
ADMIN = User("bench-admin", "admin")
PDF = b"%PDF-1.4\n%%EOF\n"


def open_items(con: duckdb.DuckDBPyConnection, n: int) -> list[str]:
    return [r[0] for r in con.execute(
        "select i.item_id from item i join park p using (park_id) "
        "left join (select item_id, arg_max(status, seq) s from item_event group by 1) e using (item_id) "
        "where p.league_code = '150700' and coalesce(e.s, '待整改') in ('待整改', '整改中') limit $n", {"n": n}
    ).fetchall()]  # fmt: skip


def measure(path: Path, repeat: int) -> dict[str, float]:
    con = duckdb.connect(str(path))
    items = open_items(con, repeat)
    evidence = check_evidence("bench.pdf", PDF)
    update, review = [], []
    for item in items:
        start = time.perf_counter()
        with transaction(con, path) as cur:
            seq = wf.record_progress(cur, LEAGUE, item, wf.item_state(cur, item).seq, "已整改", "基准测试",
                                     files=[evidence], now=datetime.now())  # fmt: skip
        update.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        with transaction(con, path) as cur:
            wf.review(cur, ADMIN, item, seq, True)
        review.append((time.perf_counter() - start) * 1000)
    items_total = con.execute("select count(*) from item").fetchone()[0]
    events = con.execute("select count(*) from item_event").fetchone()[0]
    con.close()
    return {"items": items_total, "events": events, "updates": len(update),
            "update_ms": statistics.median(update), "review_ms": statistics.median(review),
            "update_p90_ms": sorted(update)[int(len(update) * 0.9) - 1] if update else 0}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=1150, help="national scale: ledgers × this (~1M items)")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.duckdb"
        build_demo(demo)
        national = Path(tmp) / "national.duckdb"
        scale_up(demo, national, args.scale)
        results["demo"] = measure(demo, min(args.repeat, 20))
        results["national"] = measure(national, args.repeat)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "workflow.json").write_text(json.dumps(results, indent=1))
    print(f"{'':10}{'items':>10}{'events':>10}{'update ms':>12}{'review ms':>12}")
    for name, r in results.items():
        print(f"{name:10}{r['items']:>10,}{r['events']:>10,}{r['update_ms']:>12.1f}{r['review_ms']:>12.1f}")


if __name__ == "__main__":
    main()
