"""Benchmarks (not tests): every page and every query at demo, ×10 and national scale, server memory, DuckDB vs pandas.

Run `make bench` (or `python -m bench [--repeat 3] [--skip-national]`). The bench builds its own databases in a
temporary folder: the demo, ×10 (every park copied 10 times, bench/national.py) and the national database
(81 × 34 = 2,754 parks, ~1.1M items, ~4.2M events). It reports, as tables:
- each query's time (median of --repeat runs, after one run that loads the columns) at each scale;
- each page's server render through app.py, signed in as demo-admin (AppTest): cold (empty Streamlit caches, a
  new connection) and warm (the same session rerun, median), at each scale;
- the bench process's resident memory (RSS) after it has opened every page at national scale, as a server's;
- the overview aggregate (category_kpis) in DuckDB against the same computation in pandas, both on the national
  database in this run (the results are checked equal): pandas on the same derived tables, and pandas from the
  ledgers and the event log as a pandas program without them would (tables loaded beforehand, not timed);
- the demo build, the national build and the check and write of a 20,000-row import.
Results go to bench/results/latest.json.
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

import pandas as pd

from ledger.vocabulary import RECTIFIED

logging.getLogger("streamlit").setLevel(logging.ERROR)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
ASOF = date(2023, 6, 8)
PARAMS = {"league": None, "park": None, "asof": ASOF}
IMPORT_ROWS = 20_000
# Queries a page only runs for one park or one item get it (region-wide, park_items would list every item).
QUERY_PARAMS = {
    "park_items": {"league": "150200", "park": "P005"},
    "park_profile": {"league": "150200", "park": "P005"},
    "item_detail": {"item": "LD0001"},
    "item_history": {"item": "LD0001"},
    "item_evidence": {"item": "LD0001"},
}
# Pages of an admin (who sees them all) through app.py; a park page needs a park, an item view an item.
PAGES = {
    "overview": ("pages/overview.py", {}),
    "todo": ("pages/todo.py", {}),
    "review": ("pages/review.py", {}),
    "progress": ("pages/progress.py", {}),
    "rankings": ("pages/rankings.py", {}),
    "idle_map": ("pages/idle_map.py", {}),
    "ledgers": ("pages/ledgers.py", {}),
    "park": ("pages/park.py", {"park": "P005"}),
    "briefing": ("pages/briefing.py", {}),
    "meeting": ("pages/meeting.py", {}),
    "data_import": ("pages/data_import.py", {}),
    "accounts": ("pages/accounts.py", {}),
    "inbox": ("pages/inbox.py", {}),
    "supervision": ("pages/supervision.py", {}),
    "clocks": ("pages/clocks.py", {}),
    "recheck": ("pages/recheck.py", {}),
    "subscriptions": ("pages/subscriptions.py", {}),
}


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    """Median wall time in milliseconds over repeat calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def scale_up(source: Path, target: Path, factor: int) -> int:
    """The ledgers of source multiplied by factor in the same parks (bench/national.py); the item count."""
    from bench.national import build

    return build(target, factor_parks=1, factor_items=factor, source=source)["item"]


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def query_times(path: Path, repeat: int) -> dict[str, float]:
    from queries import db

    con = db.connect(path)
    params = PARAMS | dict.fromkeys(db.OPTIONAL)
    out = {}
    for name in sorted(db.sql_files()):
        given = params | QUERY_PARAMS.get(name, {})
        db.execute(con, name, given)  # the first run reads the columns from disk
        out[name] = timed(lambda n=name, g=given: db.execute(con, n, g), repeat)[0]
    con.close()
    return out


def page_times(path: Path, repeat: int) -> dict[str, dict[str, float]]:
    """Cold and warm render of every page through app.py, signed in as demo-admin."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from auth import store
    from auth.roles import User

    os.environ["LEDGER_DB"] = str(path)
    accounts = store.auth_path(path)
    store.seed_demo_accounts(accounts)
    admin = next(User(n, r, lc, p, d) for n, r, lc, p, d in store.DEMO_ACCOUNTS if n == "demo-admin")
    token = store.session_for(accounts, admin, "bench")
    out = {}
    for name, (script, params) in PAGES.items():
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.session_state["auth_token"] = token
        at.switch_page(script)
        for key, value in {"asof": ASOF.isoformat(), **params}.items():
            at.query_params[key] = value
        cold, _ = timed(at.run)
        warm, _ = timed(at.run, repeat)
        if at.exception:
            raise RuntimeError(f"{script}: {at.exception[0].value}")
        out[name] = {"cold_ms": cold, "warm_ms": warm}
    return out


def overview_duckdb_vs_pandas(path: Path, repeat: int) -> dict[str, float]:
    """category_kpis in DuckDB, and the same aggregate in pandas from the same tables held in memory."""
    from queries import db

    con = db.connect(path)
    params = PARAMS | dict.fromkeys(db.OPTIONAL)
    db.execute(con, "category_kpis", params)
    duck_ms, duck = timed(lambda: db.execute(con, "category_kpis", params), repeat)
    tables = {t: con.execute(f"select * from {t}").df() for t in LOG_TABLES}
    con.close()
    spans = tables["status_span"]
    at = _status_from_spans(spans, ASOF)
    derived_ms, frame = timed(lambda: _pandas_category_kpis(tables["item_fact"], at(), tables, ASOF), repeat)
    _same(frame, duck)
    log_ms, frame = timed(lambda: _pandas_category_kpis(_facts_from_ledgers(tables), _status_from_log(tables, ASOF),
                                                        tables, ASOF), repeat)  # fmt: skip
    _same(frame, duck)
    out = {"duckdb_ms": duck_ms, "pandas_derived_ms": derived_ms, "pandas_log_ms": log_ms}
    return out | {"ratio_derived": derived_ms / duck_ms, "ratio_log": log_ms / duck_ms, "items": len(tables["item"])}


LOG_TABLES = ["item", "park", "land", "stalled", "infrastructure", "idle_fund", "pending_approval", "indicator",
              "built_project", "item_event", "deadline_request", "category_def", "item_fact",
              "status_span"]  # fmt: skip


def _same(frame: pd.DataFrame, duck: pd.DataFrame) -> None:
    cols = ["found", "rectified", "open", "overdue"]
    same = frame[cols].astype("int64").equals(duck[cols].astype("int64")) and all(
        (frame[c] - duck[c]).abs().max() < 1e-4 for c in ["found_area_mu", "rectified_amount_wan", "returned_wan"]
    )
    if not same:
        raise RuntimeError("pandas and DuckDB disagree on the overview aggregate")


def _status_from_spans(spans: pd.DataFrame, asof: date):
    def at() -> pd.DataFrame:
        day = pd.Timestamp(asof)
        valid_from, valid_to = pd.to_datetime(spans["valid_from"]), pd.to_datetime(spans["valid_to"])
        return spans[(valid_from <= day) & (valid_to.isna() | (valid_to > day))][["item_id", "status"]]

    return at


def _status_from_log(t: dict, asof: date) -> pd.DataFrame:
    """Each item's status on asof replayed from item_event (its latest event by seq dated on or before)."""
    events = t["item_event"]
    events = events[pd.to_datetime(events["event_date"]) <= pd.Timestamp(asof)]
    return events.sort_values(["item_id", "seq"]).groupby("item_id").tail(1)[["item_id", "status"]]


def _facts_from_ledgers(t: dict) -> pd.DataFrame:
    """rules.item_facts_of in pandas: each item with its league, category, area and amount from the ledger tables."""
    x = t["item"].merge(t["park"][["park_id", "league_code"]], on="park_id")
    x = x.merge(t["land"][["item_id", "land_kind", "area_mu"]], on="item_id", how="left")
    x = x.merge(t["stalled"][["item_id", "kind", "zombie", "land_mu"]], on="item_id", how="left")
    x = x.merge(t["infrastructure"][["item_id", "build_status", "investment_wan"]], on="item_id", how="left")
    x = x.merge(t["idle_fund"][["item_id", "balance_wan", "returned_wan"]], on="item_id", how="left")
    x = x.merge(t["pending_approval"][["item_id", "approval_count"]], on="item_id", how="left")
    x = x.merge(t["indicator"][["item_id", "project_id"]], on="item_id", how="left")
    bp = t["built_project"][["project_id", "land_mu"]].rename(columns={"land_mu": "bp_mu"})
    x = x.merge(bp, on="project_id", how="left")
    land = x["land_kind"].map({"闲置土地": "land_idle", "批而未供": "land_unsupplied"}).fillna("land_inefficient")
    stalled = (x["kind"] == "停建项目").map({True: "stalled_project", False: None})
    stalled = stalled.fillna(x["zombie"].map({True: "stalled_zombie"})).fillna("stalled_long")
    infra = x["build_status"].map({"长期未建成": "infra_half_finished", "建成未投运": "infra_not_operating"})
    infra = infra.fillna("infra_procedures")
    x["category"] = x["ledger"].where(~x["ledger"].isin(["land", "stalled", "infrastructure"]))
    x.loc[x["ledger"] == "land", "category"] = land
    x.loc[x["ledger"] == "stalled", "category"] = stalled
    x.loc[x["ledger"] == "infrastructure", "category"] = infra
    x["area_mu"] = x["area_mu"].astype("float64").fillna(x["land_mu"].astype("float64")).fillna(
        x["bp_mu"].astype("float64"))  # fmt: skip
    x["amount_wan"] = x["balance_wan"].astype("float64").fillna(x["investment_wan"].astype("float64"))
    return x


def _pandas_category_kpis(facts, now, t: dict, asof: date) -> pd.DataFrame:
    """The overview's category figures (queries/overview/category_kpis.sql) computed in pandas from item facts
    and each item's status on asof."""
    day = pd.Timestamp(asof)
    requests, categories = t["deadline_request"], t["category_def"]
    approved = requests[(requests["decision"] == "批准") & (pd.to_datetime(requests["decided_date"]) <= day)]
    latest = approved.sort_values("decided_at").groupby("item_id").tail(1)[["item_id", "new_deadline"]]
    x = facts[pd.to_datetime(facts["found_date"]) <= day].drop(columns=["status"], errors="ignore")
    x = x.merge(now, on="item_id", how="left")
    x = x.merge(latest, on="item_id", how="left")
    deadline = pd.to_datetime(x["new_deadline"]).fillna(pd.to_datetime(x["deadline"]))
    x["status"] = x["status"].fillna("待整改")
    x["is_rectified"] = x["status"].isin(RECTIFIED)
    x["is_overdue"] = ~x["is_rectified"] & (deadline < day).fillna(False)
    for column in ["area_mu", "amount_wan", "returned_wan", "approval_count"]:
        x[column] = pd.to_numeric(x[column]).astype("float64")
    r = x["is_rectified"]
    x["r_area"] = x["area_mu"].where(r)
    x["r_amount"] = x["amount_wan"].where(r)
    x["r_returned"] = x["returned_wan"].where(r)
    x["r_approvals"] = x["approval_count"].where(r)
    g = x.groupby("category").agg(
        found=("item_id", "size"), rectified=("is_rectified", "sum"), overdue=("is_overdue", "sum"),
        found_area_mu=("area_mu", "sum"), rectified_area_mu=("r_area", "sum"),
        found_amount_wan=("amount_wan", "sum"), rectified_amount_wan=("r_amount", "sum"),
        returned_wan=("r_returned", "sum"), found_approvals=("approval_count", "sum"),
        rectified_approvals=("r_approvals", "sum"),
    )  # fmt: skip
    out = categories.sort_values("sort").merge(g, left_on="category", right_index=True, how="left").fillna(0)
    out["open"] = out["found"] - out["rectified"]
    return out.reset_index(drop=True)


def import_times(source: Path, rows: int) -> dict[str, float]:
    """Check and write a land ledger of `rows` rows for one league (a copy of the database)."""
    from bench.uploads import land_xlsx
    from ledger.importing import apply_import, plan_import

    path = source.with_name("import.duckdb")
    shutil.copyfile(source, path)
    data = land_xlsx(rows)
    check_ms, plan = timed(lambda: plan_import(data, "bench.xlsx", "land", "150200", path))
    write_ms, _ = timed(lambda: apply_import(plan, data, path))
    return {"rows": len(plan.rows), "errors": len(plan.errors), "check_ms": check_ms, "write_ms": write_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-national", action="store_true", help="demo and ×10 only")
    args = parser.parse_args()

    from streamlit.testing.v1 import AppTest

    from bench.national import build
    from ledger.demo import build_demo

    report: dict = {"date": date.today().isoformat(), "cpu_count": os.cpu_count(), "scales": {}}
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo" / "ledger.duckdb"
        demo.parent.mkdir()
        report["demo_build_ms"], _ = timed(lambda: build_demo(demo))
        paths = {"demo": demo}
        for label, parks, items in [("x10", 10, 1), ("national", 34, 34)]:
            if label == "national" and args.skip_national:
                continue
            path = Path(tmp) / label / "ledger.duckdb"
            built = build(path, factor_parks=parks, factor_items=items, source=demo)
            report[f"{label}_build_s"] = built["seconds"]
            paths[label] = path
        os.environ["LEDGER_DB"] = str(demo)
        AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()  # imports, so "cold" means cold caches
        for label, path in paths.items():
            scale = {"items": _count(path, "item"), "events": _count(path, "item_event"), "parks": _count(path, "park")}
            scale["queries_ms"] = query_times(path, args.repeat)
            scale["pages"] = page_times(path, args.repeat)
            scale["rss_mb_after_pages"] = rss_mb()
            scale["db_mb"] = path.stat().st_size / 2**20
            report["scales"][label] = scale
            print(f"{label}: {scale['items']:,} items, {scale['events']:,} events", flush=True)
        if "national" in paths:
            report["overview_duckdb_vs_pandas"] = overview_duckdb_vs_pandas(paths["national"], args.repeat)
        report["import_20k"] = import_times(demo, IMPORT_ROWS)

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(render(report))


def _count(path: Path, table: str) -> int:
    import duckdb

    con = duckdb.connect(str(path))  # as the app opens it (one process cannot mix read-only and read-write)
    try:
        return con.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        con.close()


def render(report: dict) -> str:
    """The report as Markdown tables (the closing note takes them as they are)."""
    scales = list(report["scales"])
    lines = [f"demo build {report['demo_build_ms']:.0f} ms; " + "; ".join(
        f"{s} build {report[f'{s}_build_s']:.1f} s" for s in scales if f"{s}_build_s" in report
    )]  # fmt: skip
    lines.append("")
    lines.append("| scale | items | events | parks | database | RSS after every page |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    for s, r in report["scales"].items():
        lines.append(f"| {s} | {r['items']:,} | {r['events']:,} | {r['parks']:,} | {r['db_mb']:.0f} MB | "
                     f"{r['rss_mb_after_pages']:.0f} MB |")  # fmt: skip
    lines.append("")
    lines.append("| page (cold / warm ms) | " + " | ".join(scales) + " |")
    lines.append("| --- |" + " ---: |" * len(scales))
    for page in PAGES:
        cells = [f"{report['scales'][s]['pages'][page]['cold_ms']:.0f} / "
                 f"{report['scales'][s]['pages'][page]['warm_ms']:.0f}" for s in scales]  # fmt: skip
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("| query (ms) | " + " | ".join(scales) + " |")
    lines.append("| --- |" + " ---: |" * len(scales))
    for name in report["scales"][scales[0]]["queries_ms"]:
        cells = [f"{report['scales'][s]['queries_ms'][name]:.0f}" for s in scales]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if "overview_duckdb_vs_pandas" in report:
        o = report["overview_duckdb_vs_pandas"]
        lines.append("")
        lines.append(f"overview aggregate (category_kpis) on {o['items']:,} items, same result each way: DuckDB "
                     f"{o['duckdb_ms']:.0f} ms; pandas on the same derived tables (item_fact, status_span) "
                     f"{o['pandas_derived_ms']:.0f} ms ({o['ratio_derived']:.1f}×); pandas from the ledgers and the "
                     f"event log {o['pandas_log_ms']:.0f} ms ({o['ratio_log']:.1f}×)")  # fmt: skip
    imp = report["import_20k"]
    lines.append(f"import of {imp['rows']} land rows ({imp['errors']} errors): check {imp['check_ms']:.0f} ms, "
                 f"write {imp['write_ms']:.0f} ms")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    main()
