"""台账 page benchmark: cold and warm render (list, and with an item open) and export of the largest ledger.

Run `python -m bench.ledgers [--scale 50] [--repeat 5]` at demo and national scale; prints milliseconds.
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
    at = AppTest.from_file(str(ROOT / "pages" / "ledgers.py"), default_timeout=300)
    for key, value in {"asof": ASOF.isoformat(), **params}.items():
        at.query_params[key] = value
    cold, _ = timed(at.run)
    warm, _ = timed(at.run, repeat)
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return cold, warm


def export_times(path: Path, repeat: int) -> dict[str, float]:
    """Rows of the largest ledger (region-wide) and the time to write it as .xlsx and as CSV, in ms."""
    from charts import ledgers as view
    from charts.excel import ExportMeta, ledger_csv, ledger_xlsx
    from queries import db

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

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
