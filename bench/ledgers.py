"""台账 page benchmark: cold and warm render (list, and with an item open) and export of the largest ledger.

Run `python -m bench.ledgers [--scale 50] [--repeat 5]` at demo and national scale; prints milliseconds.
`python -m bench.ledgers --memory COPY.duckdb [--ledger land]`: the region's .xlsx export written whole and streamed in
frames, each in a fresh process, with its time and peak memory.
"""

import argparse
import logging
import os
import tempfile
from datetime import date
from pathlib import Path

from bench.__main__ import ROOT, scale_up, timed

logging.getLogger("streamlit").setLevel(logging.ERROR)
ASOF = date(2023, 6, 8)


def render_times(path: Path, repeat: int, **params: str) -> tuple[float, float]:
    """Cold (empty caches) and warm (median of reruns) AppTest render of pages/ledgers.py, in ms."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["LEDGER_DB"] = str(path)
    st.cache_data.clear()
    st.cache_resource.clear()
    from tests.conftest import session_token

    at = AppTest.from_file(str(ROOT / "pages" / "ledgers.py"), default_timeout=300)
    at.session_state["auth_token"] = session_token("demo-admin", path)  # signed in, or it times the sign-in page
    for key, value in {"asof": ASOF.isoformat(), **params}.items():
        at.query_params[key] = value
    cold, _ = timed(at.run)
    if not at.dataframe:
        raise RuntimeError("the ledger list did not render (not signed in?)")
    warm, _ = timed(at.run, repeat)
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return cold, warm


def export_times(path: Path, repeat: int) -> dict[str, float]:
    """Rows of the largest ledger (region-wide) and the time to write it as .xlsx and as CSV, in ms."""
    from charts import ledgers as view
    from queries import db
    from reports.workbooks import ExportMeta, ledger_csv, ledger_xlsx

    con = db.connect(path)
    params = {"league": None, "park": None, "asof": ASOF, "status": None, "overdue_only": None}
    params |= {"unit": None, "phase": None, "search": None}
    sizes = {ledger: len(db.execute(con, f"ledger_{ledger}", params)) for ledger in view.LEDGERS}
    largest = max(sizes, key=sizes.get)
    query_ms, rows = timed(lambda: db.execute(con, f"ledger_{largest}", params), repeat)
    con.close()
    table = view.ledger_table(rows, largest)
    meta = ExportMeta(view.export_title("全区", False, largest), "数据截至 2023-06-08", view.total_headers(largest))
    xlsx_ms, data = timed(lambda: ledger_xlsx(table, meta), repeat)
    csv_ms, _ = timed(lambda: ledger_csv(table), repeat)
    return {
        "ledger": largest,
        "rows": len(table),
        "columns": len(table.columns),
        "query_ms": query_ms,
        "xlsx_ms": xlsx_ms,
        "xlsx_kb": len(data) / 1024,
        "csv_ms": csv_ms,
    }


def _export_peak(path: str, ledger: str, streamed: bool, out) -> None:
    """In a child process: write the region's `ledger` as .xlsx whole (one table) or streamed (frames), and send
    back (ms, bytes of the file, peak resident memory of the child in MB)."""
    import resource
    import time

    from charts import ledgers as view
    from queries import db
    from reports.workbooks import ExportMeta, ledger_xlsx, ledger_xlsx_frames

    con = db.connect(Path(path))
    params = {"league": None, "park": None, "asof": ASOF, "status": None, "overdue_only": None}
    params |= {"unit": None, "phase": None, "search": None}
    meta = ExportMeta(view.export_title("全区", False, ledger), "数据截至 2023-06-08", view.total_headers(ledger))
    start = time.perf_counter()
    if streamed:
        data = ledger_xlsx_frames(
            (view.ledger_table(f, ledger) for f in db.stream(con, f"ledger_{ledger}", params)), meta
        )
    else:
        data = ledger_xlsx(view.ledger_table(db.execute(con, f"ledger_{ledger}", params), ledger), meta)
    ms = (time.perf_counter() - start) * 1000
    con.close()
    out.send((ms, len(data), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def export_memory(path: Path, ledger: str) -> dict[str, tuple[float, int, float]]:
    """The .xlsx export of the region's ledger whole and streamed, each in a fresh process: (ms, bytes, peak MB)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    result = {}
    for name, streamed in (("whole", False), ("streamed", True)):
        mine, theirs = context.Pipe()
        child = context.Process(target=_export_peak, args=(str(path), ledger, streamed, theirs))
        child.start()
        result[name] = mine.recv()
        child.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--memory", type=Path, help="only: export memory, whole vs streamed, on this database (a copy)")
    parser.add_argument("--ledger", default="land")
    args = parser.parse_args()
    if args.memory:
        for name, (ms, size, peak) in export_memory(args.memory, args.ledger).items():
            print(f"export {args.ledger} {name:<8}: {ms:7.0f} ms, {size / 1e6:5.1f} MB file, peak {peak:6.0f} MB")
        return

    from streamlit.testing.v1 import AppTest

    from ledger.demo import build_demo

    AppTest.from_file(str(ROOT / "pages" / "ledgers.py"), default_timeout=120).run()  # imports: "cold" = cold caches
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.duckdb"
        build_demo(demo)
        national = Path(tmp) / "national.duckdb"
        items = scale_up(demo, national, args.scale)
        for label, path in [("demo", demo), (f"national x{args.scale} ({items} items)", national)]:
            print(f"== {label}")
            for view_name, params in [
                ("list (land)", {}),
                ("largest list (stalled)", {"ledger": "stalled"}),
                ("item LD0001 open", {"item": "LD0001"}),
            ]:
                cold, warm = render_times(path, args.repeat, **params)
                print(f"render {view_name:<24} cold {cold:7.0f} ms   warm {warm:6.0f} ms")
            e = export_times(path, args.repeat)
            print(
                f"export {e['ledger']} ({e['rows']} rows x {e['columns']} columns): query {e['query_ms']:.0f} ms, "
                f"xlsx {e['xlsx_ms']:.0f} ms ({e['xlsx_kb']:.0f} KB), csv {e['csv_ms']:.0f} ms"
            )


if __name__ == "__main__":
    main()
