"""Benchmark (not a test): time and peak memory of reading hostile and large uploads, and the worker's overhead.

`python -m bench.uploads` runs each case in a fresh process (so peak RSS is that case's alone) and prints
a table; results go to bench/results/uploads.json. Peak RSS of the parent is its own ru_maxrss; of the
reading worker, GNU time's (/usr/bin/time) on the same worker command. Cases: the far-cell sheet, a 1.2 GB
zip bomb, a 3-row and a 20,000-row land ledger, and the largest file the limits accept (100,000 rows).
"""

import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def land_xlsx(rows: int) -> bytes:
    """A land ledger of `rows` rows of the template's example values (also bench/__main__.py's import case)."""
    import xlsxwriter

    from ledger.fields import SPECS

    fields = SPECS["land"].fields
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [f.label for f in fields])
    for n in range(1, rows + 1):
        values = {f.key: f.example for f in fields} | {"item_id": f"BT-LD-{n:06d}", "title": f"{n}号地块"}
        sheet.write_row(n, 0, [v.isoformat() if hasattr(v, "isoformat") else v for v in values.values()])
    book.close()
    return buffer.getvalue()


def far_cell() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["XFD1048576"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bomb(unpacked: int = 1_200_000_000) -> bytes:
    """Like the issue's: a few MB packed, 1.2 GB of sheet XML unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(far_cell())) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info.filename, source.read(info))
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            chunk = (b'<row><c t="inlineStr"><is><t>' + b"a" * 40 + b"</t></is></c></row>") * 20_000
            for _ in range(unpacked // len(chunk) + 1):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


CASES = {
    "far_cell": far_cell,
    "zip_bomb_1.2GB": zip_bomb,
    "land_3_rows": lambda: land_xlsx(3),
    "land_20k_rows": lambda: land_xlsx(20_000),
    "land_100k_rows": lambda: land_xlsx(99_999),
}


def one(path: Path, mode: str) -> dict:
    """Read one file the way the import does (mode 'worker') or, for comparison, in this process."""
    from ledger.fields import SPECS
    from ledger.importing import ImportFileError
    from ledger.limits import COLUMN_MARGIN
    from ledger.safe_read import parse, read_sheets

    data, columns = path.read_bytes(), len(SPECS["land"].fields) + COLUMN_MARGIN
    start = time.perf_counter()
    try:
        if mode == "worker":
            sheets = read_sheets(data, "bench.xlsx", columns)
        else:
            sheets = parse(data, "bench.xlsx", ".xlsx", columns)
        outcome = f"read {sum(len(rows) for _, rows in sheets):,} rows"
    except ImportFileError as error:
        outcome = f"refused: {str(error)[:60]}"
    return {
        "mode": mode,
        "bytes": len(data),
        "wall_s": round(time.perf_counter() - start, 3),
        "parent_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "worker_peak_rss_mb": worker_peak_mb(data, columns) if mode == "worker" else 0,
        "outcome": outcome,
    }


def worker_peak_mb(data: bytes, columns: int) -> int:
    """The worker's own peak RSS: the same command read_sheets runs, under GNU time (a child's ru_maxrss
    would count the parent's pages shared until exec)."""
    request = json.dumps({"name": "bench.xlsx", "suffix": ".xlsx", "max_columns": columns}).encode() + b"\n"
    command = ["/usr/bin/time", "-f", "peak %M", sys.executable, "-m", "ledger.safe_read"]
    done = subprocess.run(command, input=request + data, capture_output=True, cwd=ROOT, check=False)
    return round(int(done.stderr.decode().rsplit("peak ", 1)[1]) / 1024)


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one(Path(sys.argv[2]), sys.argv[3]), ensure_ascii=False))
        return
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, build in CASES.items():
            path = Path(tmp) / f"{name}.xlsx"
            path.write_bytes(build())
            modes = ["worker"] + (["in_process"] if name.startswith("land") else [])
            for mode in modes:
                command = [sys.executable, "-m", "bench.uploads", "--one", str(path), mode]
                done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
                results[f"{name} ({mode})"] = json.loads(done.stdout)
    for name, result in results.items():
        print(f"{name:32} {result['wall_s']:7.2f} s  parent {result['parent_peak_rss_mb']:5} MB  "
              f"worker {result['worker_peak_rss_mb']:5} MB  {result['outcome']}")  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "uploads.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
