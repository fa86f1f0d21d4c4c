"""Benchmark (not a test): the national database on the DuckDB file and on PostgreSQL, side by side on one machine.

Run `python -m bench.postgres [--national 库.duckdb] [--dsn "host=… dbname=…"] [--repeat 3]`. Without --national the
national database is built in a temporary folder (bench/national.py); without --dsn a throwaway PostgreSQL 15 is
started (tests/pgserver.py, with the settings in SERVER) and the national database copied into it (`python -m
ledger copy`'s code, timed); a --dsn database with no tables is filled the same way, one with them is used as it is.
It reports, as tables:
- each page's server render through app.py as demo-admin (AppTest), cold (empty Streamlit caches, new connections)
  and warm (the same session rerun, median), on each engine;
- each query's time (first run, then the median of --repeat runs), on each engine;
- one status update and one review (each a whole transaction with its derived rows), median and p90 of --writes;
- 20 threads each recording progress on items of their own at once: writes per second, time per write, conflicts,
  and whether every write is there (each item's event sequence advanced by exactly its writes).
The writes change the PostgreSQL database (items of league 150700) and a copy of the DuckDB file. Results go to
bench/results/postgres.json.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path

import psycopg

from auth.roles import User
from bench.__main__ import PARAMS, QUERY_PARAMS, RESULTS, ROOT, page_times, query_times, timed
from ledger import workflow as wf
from ledger.writing import WriteConflict, transaction

# A throwaway server set up as a dedicated database machine would be (the defaults are for a laptop's 128 MB).
SERVER = {"shared_buffers": "2GB", "work_mem": "64MB", "effective_cache_size": "8GB", "random_page_cost": "1.1",
          "maintenance_work_mem": "512MB"}  # fmt: skip
LEAGUE, WORKER, ADMIN = "150700", User("bench-league", "league", "150700"), User("bench-admin", "admin")
THREADS, WRITES_PER_THREAD = 20, 5
TIMEOUT_MS, SLOW_MS = 20_000, 2_000  # a query stopped after TIMEOUT_MS; one slower than SLOW_MS run once


def open_items(run, n: int) -> list[str]:
    """n items of LEAGUE whose latest status is 待整改 or 整改中, in an order that mixes the six ledgers as the league
    has them (their ids are ledger-prefixed; a write's cost depends on its ledger) (one SQL text for both engines)."""
    rows = run(
        "select i.item_id from item i join park p using (park_id) "
        "left join (select item_id, max(seq) as seq from item_event group by item_id) m using (item_id) "
        "left join item_event e on e.item_id = m.item_id and e.seq = m.seq "
        f"where p.league_code = '{LEAGUE}' and coalesce(e.status, '待整改') in ('待整改', '整改中') "
        f"order by md5(i.item_id) limit {int(n)}"
    )
    return [r[0] for r in rows]


def postgres_query_times(target: str, repeat: int) -> dict[str, float | None]:
    """Each query through queries.db's PostgreSQL reads (text, bound parameters, frames as DuckDB's): one run, then
    the median of `repeat` unless that one took over SLOW_MS; None when it ran past TIMEOUT_MS (stopped there).
    Queries whose whole region is a million rows (project_rankings, the ledgers) time the transfer of those rows;
    the pages ask for one page of them."""
    from queries import db

    reads = db.PostgresReads(f"{target} options='-c statement_timeout={TIMEOUT_MS}'")
    params = PARAMS | dict.fromkeys(db.OPTIONAL)
    out: dict[str, float | None] = {}
    for name in sorted(db.sql_files()):
        given = params | QUERY_PARAMS.get(name, {})
        db.duckdb_dtypes(name, None, given)  # asked of an empty DuckDB database once per process, not timed
        try:
            out[name], _ = timed(lambda n=name, g=given: reads.query(n, g))
        except psycopg.errors.QueryCanceled:
            out[name] = None
            continue
        if out[name] < SLOW_MS:
            out[name] = timed(lambda n=name, g=given: reads.query(n, g), repeat)[0]
        print(f"  {name}: {out[name]:.0f} ms", file=sys.stderr, flush=True)
    reads.close()
    return out


def write_times(transact, run, n: int) -> dict[str, float]:
    """n status updates (with an evidence record) and n reviews, each one transaction, on open items of LEAGUE."""
    from ledger.evidence import check_evidence

    evidence = check_evidence("bench.pdf", b"%PDF-1.4\n%%EOF\n")
    update, review = [], []
    for item in open_items(run, n):
        start = time.perf_counter()
        with transact() as cur:
            seq = wf.record_progress(cur, WORKER, item, wf.item_state(cur, item).seq, "已整改", "基准测试",
                                     files=[evidence], now=datetime.now())  # fmt: skip
        update.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        with transact() as cur:
            wf.review(cur, ADMIN, item, seq, True)
        review.append((time.perf_counter() - start) * 1000)
    return {"writes": len(update), "update_ms": statistics.median(update), "update_p90_ms": _p90(update),
            "review_ms": statistics.median(review), "review_p90_ms": _p90(review)}  # fmt: skip


def _p90(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.9) - 1)]


def concurrent_writes(transact, run) -> dict:
    """THREADS threads, each recording WRITES_PER_THREAD progress notes on an item of its own, all at once."""
    items = open_items(run, THREADS)
    before = dict(run(f"select item_id, max(seq) from item_event where item_id in ({_quoted(items)}) group by 1"))
    times: list[float] = []
    conflicts, errors = [], []
    start_line = threading.Barrier(len(items))

    def worker(item: str) -> None:
        start_line.wait()
        for k in range(WRITES_PER_THREAD):
            start = time.perf_counter()
            try:
                with transact() as cur:
                    wf.record_progress(cur, WORKER, item, wf.item_state(cur, item).seq, "整改中", f"并发 {k}")
            except WriteConflict as error:
                conflicts.append(str(error))
            except Exception as error:  # counted, not raised: the report says what failed
                errors.append(repr(error))
            times.append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=worker, args=(item,)) for item in items]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    after = dict(run(f"select item_id, max(seq) from item_event where item_id in ({_quoted(items)}) group by 1"))
    lost = [i for i in items if after.get(i, 0) - before.get(i, 0) != WRITES_PER_THREAD]
    return {"threads": len(items), "writes": len(times), "seconds": seconds, "writes_per_s": len(times) / seconds,
            "write_ms": statistics.median(times), "write_p90_ms": _p90(times), "conflicts": len(conflicts),
            "errors": errors[:5], "items_with_lost_updates": lost}  # fmt: skip


def _quoted(items: list[str]) -> str:
    return ", ".join("'" + i.replace("'", "''") + "'" for i in items)


def prepared_postgres(national: Path, target: str | None) -> tuple[str, dict, object | None]:
    """The DSN of a PostgreSQL database holding the national database, what preparing it took, and the throwaway
    server to stop (None when --dsn named the database)."""
    from ledger import migrate
    from ledger.postgres import connect
    from ledger.postgres.copy import to_postgres

    server, report = None, {}
    if target is None:
        from tests import pgserver

        server = pgserver.start()
        with psycopg.connect(server.dsn(), autocommit=True) as con:
            for key, value in SERVER.items():
                con.execute(f"alter system set {key} = '{value}'")
        server.restart()
        target = server.create_database("national")
        report["server"] = SERVER
    with connect(target) as con:
        empty = con.execute("select to_regclass('public.meta')").fetchone()[0] is None
    if empty:
        report["copy_s"], _ = timed(lambda: to_postgres(national, target))
        report["copy_s"] /= 1000
    migrate.upgrade_postgres(target)  # the rules
    with connect(target) as con:
        report["analyze_s"] = timed(lambda: con.execute("vacuum analyze"))[0] / 1000
    return target, report, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--national", type=Path, default=None, help="全国规模数据库文件（默认新生成）")
    parser.add_argument("--dsn", default=None, help="PostgreSQL 连接串（默认启动一台临时服务器）")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--writes", type=int, default=30, help="单次写入计时的次数")
    parser.add_argument("--only", default="", help="只测这些部分（逗号分隔，如 postgres_pages,postgres_writes）")
    args = parser.parse_args()

    from streamlit.testing.v1 import AppTest

    from bench.national import build

    report: dict = {"date": date.today().isoformat(), "cpu_count": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="bench-pg-") as tmp:
        national = args.national
        if national is None:
            national = Path(tmp) / "national.duckdb"
            report["national_build_s"] = build(national)["seconds"]
        target, report["postgres"], server = prepared_postgres(national, args.dsn)
        try:
            os.environ.pop("LEDGER_DSN", None)
            os.environ["LEDGER_DB"] = str(national)
            AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()  # imports: "cold" means cold caches
            sections = [
                ("duckdb_pages", lambda: page_times(national, args.repeat)),
                ("postgres_pages", lambda: _on_postgres(target, lambda: page_times(national, args.repeat))),
                ("postgres_writes", lambda: _on_postgres(target, lambda: _postgres_writes(target, args.writes))),
                ("duckdb_writes", lambda: _duckdb_writes(national, Path(tmp), args.writes)),
                ("duckdb_queries", lambda: query_times(national, args.repeat)),
                ("postgres_queries", lambda: postgres_query_times(target, args.repeat)),
            ]
            for key, measure in sections:
                if args.only and key not in args.only.split(","):
                    continue
                print(f"{key} …", file=sys.stderr, flush=True)
                report[key] = measure()
                _save(report)
        finally:
            if server is not None:
                server.stop()
    print(render(report))


def _on_postgres(target: str, measure):
    os.environ["LEDGER_DSN"] = target
    try:
        return measure()
    finally:
        os.environ.pop("LEDGER_DSN")


def _postgres_writes(target: str, n: int) -> dict:
    from ledger.postgres import connect

    with connect(target) as con:
        run = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        return {"single": write_times(transaction, run, n), "concurrent": concurrent_writes(transaction, run)}


def _duckdb_writes(national: Path, folder: Path, n: int) -> dict:
    """On a copy of the file: the bench leaves the national database as it found it."""
    import duckdb

    copy = folder / "writes.duckdb"
    shutil.copyfile(national, copy)
    duck = duckdb.connect(str(copy))
    try:
        return {"single": write_times(lambda: transaction(duck, copy), lambda sql: duck.execute(sql).fetchall(), n)}
    finally:
        duck.close()
        copy.unlink()


def _save(report: dict) -> None:
    """After each section: a long run stopped midway keeps what it measured."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "postgres.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


def render(report: dict) -> str:
    """The report as Markdown tables (the sections measured)."""
    lines = []
    if "postgres_pages" in report:
        lines += [
            "| page (ms) | DuckDB cold | DuckDB warm | PostgreSQL cold | PostgreSQL warm |",
            "| --- |" + " ---: |" * 4,
        ]
        for page, p in report["postgres_pages"].items():
            d = report.get("duckdb_pages", {}).get(page, {"cold_ms": float("nan"), "warm_ms": float("nan")})
            lines.append(
                f"| {page} | {d['cold_ms']:.0f} | {d['warm_ms']:.0f} | {p['cold_ms']:.0f} | {p['warm_ms']:.0f} |"
            )
    if "postgres_queries" in report:
        lines += ["", "| query (ms) | DuckDB | PostgreSQL |", "| --- | ---: | ---: |"]
        for name, p in report["postgres_queries"].items():
            duck = report.get("duckdb_queries", {}).get(name, float("nan"))
            lines.append(f"| {name} | {duck:.0f} | {f'> {TIMEOUT_MS}' if p is None else f'{p:.0f}'} |")
    if "postgres_writes" in report:
        lines += [
            "",
            "| one transaction (ms) | DuckDB median / p90 | PostgreSQL median / p90 |",
            "| --- | ---: | ---: |",
        ]
        p = report["postgres_writes"]["single"]
        d = report.get("duckdb_writes", {}).get("single", dict.fromkeys(p, float("nan")))
        for what in ("update", "review"):
            lines.append(f"| {what} | {d[what + '_ms']:.1f} / {d[what + '_p90_ms']:.1f} | "
                         f"{p[what + '_ms']:.1f} / {p[what + '_p90_ms']:.1f} |")  # fmt: skip
        c = report["postgres_writes"]["concurrent"]
        lines += ["", f"PostgreSQL, {c['threads']} threads × {WRITES_PER_THREAD} writes on items of their own: "
                  f"{c['writes_per_s']:.0f} writes/s, {c['write_ms']:.1f} ms per write (p90 {c['write_p90_ms']:.1f}), "
                  f"{c['conflicts']} conflicts, {len(c['errors'])} errors, "
                  f"{len(c['items_with_lost_updates'])} items with lost updates"]  # fmt: skip
    prep = report["postgres"]
    if "copy_s" in prep:
        lines.append(f"copy of the national database into PostgreSQL {prep['copy_s']:.0f} s (verified), "
                     f"vacuum analyze {prep['analyze_s']:.0f} s")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    main()
