"""Read an untrusted upload in a worker process that a bad file can only hurt itself.

The parent (the app or the CLI) checks the file's size, then runs `python -m ledger.safe_read` with the file
on stdin. The worker first limits its own memory, CPU time and file writes (resource.setrlimit), checks the
archive without inflating it (entry count, unpacked size declared in the zip directory), scans its XML in a
stream (no DTDs or entities; declared sheet dimensions and the cell references actually used, against the
row and column limits), and only then lets the reader build the sheets. It answers with a pickle of plain
cell values that the parent loads with an allow-list. A worker that crashes, runs out of memory or time
becomes a Chinese ImportFileError in the parent; the server process never runs the reader itself.
"""

import csv
import datetime
import io
import json
import logging
import os
import pickle
import re
import resource
import signal
import subprocess
import sys
import threading
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path

from ledger.limits import (
    COLUMN_MARGIN,
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_STORED_NAME_BYTES,
    MAX_UNPACKED_BYTES,
    MAX_WORKERS,
    MB,
    WORKER_CPU_SECONDS,
    WORKER_MEMORY_BYTES,
    WORKER_TIMEOUT_SECONDS,
)

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
SUFFIXES = (*EXCEL_SUFFIXES, ".csv")
ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("ledger.safe_read")
RESAVE = "在 Excel 或 WPS 中把数据复制到下载的模板里另存后重新上传"


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong type, too large, no header, empty); the text is for the user."""


Sheets = list[tuple[str, list[list[object]]]]


# names of untrusted files ------------------------------------------------------------------------
def _clean(name: str) -> str:
    """The last path part, without control, format (e.g. right-to-left override) or unassigned characters."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", str(name)))[-1]
    return "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")


def display_name(name: str, limit: int = 60) -> str:
    """How a file name appears in messages: cleaned, long names shortened in the middle."""
    base = _clean(name) or "未命名文件"
    return base if len(base) <= limit else f"{base[: limit - 16]}…{base[-15:]}"


def stored_name(name: str, max_bytes: int = MAX_STORED_NAME_BYTES) -> str:
    """A safe file name for the archive: no path parts, control or reserved characters, at most max_bytes
    of UTF-8, extension kept."""
    base = re.sub(r'[<>:"|?*]', "_", _clean(name)).strip(" .")
    stem, dot, ext = base.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,8}", ext):
        stem, ext = base, ""
    suffix = f".{ext.lower()}" if ext else ""
    stem = stem.encode()[: max_bytes - len(suffix)].decode("utf-8", "ignore").strip(" .")
    return (stem or "文件") + suffix


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


# the parent: size check, one worker per file, its answer ---------------------------------------------
_slots = threading.BoundedSemaphore(MAX_WORKERS)


def read_sheets(data: bytes, file_name: str, max_columns: int) -> Sheets:
    """Every sheet of the file as rows of cell values, read in a limited worker; ImportFileError otherwise."""
    name = display_name(file_name)
    suffix = Path(_clean(file_name)).suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFileError(f"不支持的文件类型“{suffix or name}”：请上传 .xlsx、.xls 或 .csv 文件")
    check_size(len(data), file_name)
    request = json.dumps({"name": name, "suffix": suffix, "max_columns": max_columns}).encode() + b"\n"
    with _slots:
        try:
            done = subprocess.run(
                [sys.executable, "-m", "ledger.safe_read"],
                input=request + data,
                capture_output=True,
                timeout=WORKER_TIMEOUT_SECONDS,
                cwd=ROOT,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            log.warning("reading worker killed after %s s: %s", WORKER_TIMEOUT_SECONDS, name)
            raise ImportFileError(_too_slow(name)) from error
        except OSError as error:
            log.exception("reading worker could not start")
            raise ImportFileError("服务器暂时无法读取文件（读取程序未能启动），请稍后重试或联系管理员。") from error
    if done.returncode == 0:
        try:
            status, value = _Unpickler(io.BytesIO(done.stdout)).load()
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError):
            status, value = "broken", None  # treated as a crash below
        if status == "ok":
            return value
        if status == "error":
            raise ImportFileError(value)
    stderr = done.stderr.decode("utf-8", "replace")
    log.warning("reading worker for %s ended with %s: %s", name, done.returncode, stderr[-2000:])
    if "memory allocation" in stderr or "MemoryError" in stderr:
        raise ImportFileError(_too_big_in_memory(name))
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise ImportFileError(_too_slow(name))
    raise ImportFileError(
        f"读取文件“{name}”时读取程序异常退出，文件可能已损坏或格式特殊。请{RESAVE}；仍不行请联系管理员。"
    )


def check_size(size: int, file_name: str) -> None:
    """Refuse a file above MAX_FILE_BYTES (the CLI asks before reading the file into memory)."""
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            f"文件“{display_name(file_name)}”有 {size / MB:.1f} MB，超过单个文件 {MAX_FILE_BYTES // MB} MB 的上限。"
            "请删除与台账无关的工作表和图片后另存，或按园区拆成几个文件分别上传。"
        )


def _too_slow(name: str) -> str:
    return f"读取文件“{name}”超过 {WORKER_CPU_SECONDS} 秒仍未完成，已停止。请删除无关内容或按园区拆分后分别上传。"


def _too_big_in_memory(name: str) -> str:
    return (
        f"读取文件“{name}”需要的内存超过 {WORKER_MEMORY_BYTES // MB:,} MB 的上限，已停止。"
        f"请删除无关内容或按园区拆分后分别上传；或{RESAVE}。"
    )


class _Unpickler(pickle.Unpickler):
    """The worker's answer holds only lists, strings, numbers and dates: refuse anything else."""

    ALLOWED = frozenset({"date", "datetime", "time", "timedelta"})

    def find_class(self, module: str, name: str) -> object:
        if module == "datetime" and name in self.ALLOWED:
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a reading worker's answer")


# the worker -------------------------------------------------------------------------------------
def _limit_self() -> None:
    """Before touching the file: bound memory, CPU time, and forbid writing files and core dumps."""
    resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (WORKER_CPU_SECONDS, WORKER_CPU_SECONDS + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _simulated_fault() -> None:
    """Tests make the worker die the ways a reader bug would (LEDGER_READER_FAULT=abort|memory|hang)."""
    fault = os.environ.get("LEDGER_READER_FAULT")
    if fault == "abort":
        os.abort()
    if fault == "memory":
        bytearray(WORKER_MEMORY_BYTES)  # more than the address space left: fails at once, touches nothing
    if fault == "hang":
        while True:
            pass


def worker_main() -> int:
    _limit_self()
    raw = sys.stdin.buffer.read()
    header, _, data = raw.partition(b"\n")
    request = json.loads(header)
    del raw
    try:
        _simulated_fault()
        answer = ("ok", parse(data, request["name"], request["suffix"], request["max_columns"]))
    except ImportFileError as error:
        answer = ("error", str(error))
    except MemoryError:
        answer = ("error", _too_big_in_memory(request["name"]))
    except BaseException as error:  # the reader raises several types (and pyo3 panics) for broken files
        answer = ("error", f"无法读取文件“{request['name']}”：文件已损坏或不是Excel文件（{type(error).__name__}）")
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


def parse(data: bytes, name: str, suffix: str, max_columns: int) -> Sheets:
    """Check, then read, inside the worker."""
    if suffix == ".csv":
        return _read_csv(data, name, max_columns)
    if data[:4] == b"PK\x03\x04":
        check_archive(data, name, max_columns)
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    opened = [book.get_sheet_by_name(sheet) for sheet in book.sheet_names]
    sheets = [(sheet.name, sheet.to_python(skip_empty_area=False)) for sheet in opened]
    _check_read(sheets, name, max_columns)  # .xls files, and anything the archive check could not see
    for sheet, (_, rows) in zip(opened, sheets, strict=True):
        _fill_merged(rows, _merged(sheet))
    return sheets


def _merged(sheet: object) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The sheet's merged ranges ((top, left), (bottom, right)), 0-based; none where the format has none."""
    try:
        return list(getattr(sheet, "merged_cell_ranges", None) or [])
    except Exception:  # a format calamine reads without merge information
        return []


def _fill_merged(rows: list[list[object]], ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Cells merged over several rows (one 园区 for the parcels below it) give each row the merged value; a
    merge within one row (a title) stays as it is."""
    budget = 2 * sum(len(row) for row in rows)  # overlapping ranges cannot make this slow
    for (top, left), (bottom, right) in ranges:
        if bottom <= top or top >= len(rows) or left >= len(rows[top]):
            continue
        budget -= (bottom - top + 1) * (right - left + 1)
        if budget < 0:
            return
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            for c in range(left, min(right, len(rows[r]) - 1) + 1):
                rows[r][c] = value


def _read_csv(data: bytes, name: str, max_columns: int) -> Sheets:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(f"无法识别“{name}”的文字编码，请另存为 UTF-8 或 GBK 编码的 CSV")
    rows: list[list[object]] = []
    try:
        reader = csv.reader(io.StringIO(text))
        for row in reader:
            if len(rows) == MAX_ROWS:
                raise ImportFileError(_too_many_rows(name, MAX_ROWS + 1 + sum(1 for _ in reader)))
            rows.append(list(row))
    except csv.Error as error:
        raise ImportFileError(f"CSV 文件“{name}”格式有误（第 {reader.line_num} 行：{error}）。请{RESAVE}。") from error
    _check_read([("CSV", rows)], name, max_columns)
    return [("CSV", rows)]


def _too_many_rows(name: str, rows: int) -> str:
    return (
        f"文件“{name}”共有 {rows:,} 行，超过 {MAX_ROWS:,} 行的上限（各工作表合计，含标题行和表头）。"
        "请按园区或批次拆成几个文件分别上传。"
    )


def _too_wide(name: str, sheet: str, column: int, max_columns: int) -> str:
    return (
        f"文件“{name}”的工作表“{sheet}”用到了第 {column:,} 列（{_column_letters(column)} 列），"
        f"超过本台账允许的 {max_columns} 列（模板的列数另加 {COLUMN_MARGIN} 列余量）。"
        f"请删除多余的列（包括空列），或{RESAVE}。"
    )


def _check_read(sheets: Sheets, name: str, max_columns: int) -> None:
    total = sum(len(rows) for _, rows in sheets)
    if total > MAX_ROWS:
        raise ImportFileError(_too_many_rows(name, total))
    for sheet, rows in sheets:
        widest = max((len(row) for row in rows), default=0)
        if widest > max_columns:
            raise ImportFileError(_too_wide(name, sheet, widest, max_columns))


# the archive check, without inflating anything but the XML it scans in a stream ------------------
SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData[\s/>]")
DIMENSION = re.compile(rb"""<(?:\w+:)?dimension\s[^>]*?\bref\s*=\s*["'](?:[A-Za-z]+\d+:)?([A-Za-z]{1,3})(\d+)["']""")
PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"([^>]*)>')  # as Excel, WPS and the usual libraries write cells
ANY_CELL = re.compile(rb"<c[\s/>]")
PREFIXED = re.compile(rb"<\w+:(?:c|row|dimension|sheetData)[\s/>]")
ROW_OR_CELL = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s/>])([^>]*)>")
REF = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{1,3})?(\d+)["']""")
DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
CHUNK = 1 * MB
MAX_TAG = 1 * MB


def check_archive(data: bytes, name: str, max_columns: int) -> None:
    """Refuse an .xlsx before the reader sees it: too many entries, too large unpacked, DTDs or entities,
    a sheet whose declared dimension or used cells reach beyond the row and column limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise ImportFileError(f"无法读取文件“{name}”：文件已损坏或不是Excel文件（{type(error).__name__}）") from error
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise ImportFileError(
            f"文件“{name}”内部有 {len(entries):,} 个部件，超过 {MAX_ENTRIES} 个的上限，不像是正常的台账文件。"
            f"请{RESAVE}。"
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            f"文件“{name}”解压后有 {unpacked / MB:,.0f} MB，超过 {MAX_UNPACKED_BYTES // MB} MB 的上限"
            f"（正常的台账解压后只有几 MB），可能是异常或恶意文件。请{RESAVE}。"
        )
    sizes = {}  # entry -> (rows, columns) of a worksheet
    for entry in entries:
        if entry.filename.lower().endswith((".xml", ".rels", ".vml")):
            try:
                sizes[entry.filename] = _scan(archive, entry, name)
            except ImportFileError:
                raise
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as error:
                raise ImportFileError(
                    f"无法读取文件“{name}”：文件已损坏或不是Excel文件（{type(error).__name__}）"
                ) from error
    sheets = {entry: size for entry, size in sizes.items() if size}
    names = _sheet_names(archive)
    for entry, (_, columns) in sheets.items():
        if columns > max_columns:
            raise ImportFileError(_too_wide(name, names.get(entry, entry), columns, max_columns))
    rows = sum(size[0] for size in sheets.values())
    if rows > MAX_ROWS:
        raise ImportFileError(_too_many_rows(name, rows))


def _xml_chunks(stream: io.BufferedIOBase, name: str) -> Iterator[bytes]:
    """An XML entry in pieces that end between tags; refuses DTDs and entity declarations on the way."""
    carry, first = b"", True
    while chunk := stream.read(CHUNK):
        if first and chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise ImportFileError(f"文件“{name}”的内部格式异常（UTF-16 编码的 XML）。请{RESAVE}。")
        first = False
        text = carry + chunk
        cut = text.rfind(b"<")
        if cut != -1 and text.find(b">", cut) == -1:  # an unfinished tag: keep it for the next piece
            text, carry = text[:cut], text[cut:]
            if len(carry) > MAX_TAG:
                raise ImportFileError(f"文件“{name}”的内部格式异常（过长的标记）。请{RESAVE}。")
        else:
            carry = b""
        if DECLARATION.search(text):
            raise ImportFileError(
                f"文件“{name}”含有 XML 文档类型或实体声明（DTD/ENTITY），正常的 Excel 文件没有，"
                f"可能是恶意文件，已拒绝。请{RESAVE}。"
            )
        yield text


def _scan(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str, exact: bool = False) -> tuple[int, int] | None:
    """Stream one XML entry (zipfile never returns more than the declared size): for a worksheet, the rows and
    columns it needs, from its dimension and the cells that hold something. Where every cell names its
    position (as Excel, WPS and the usual libraries write them) whole pieces are matched at once; otherwise
    the entry is read again tag by tag (exact), placing unnamed cells after the previous one as readers do."""
    rows = columns = row = column = 0
    sheet = False
    with archive.open(entry) as stream:
        for text in _xml_chunks(stream, name):
            sheet = sheet or (b"sheetData" in text and SHEET_DATA.search(text) is not None)
            for declared in DIMENSION.finditer(text) if b"dimension" in text else ():
                rows, columns = max(rows, int(declared.group(2))), max(columns, _column_number(declared.group(1)))
            if not exact:
                cells = PLAIN_CELL.findall(text)
                if PREFIXED.search(text) or len(cells) != len(ANY_CELL.findall(text)):  # written another way
                    return _scan(archive, entry, name, exact=True)
                filled = [(c, r) for c, r, rest in cells if not rest.endswith(b"/")]  # not a style-only cell
                if filled:
                    rows = max(rows, *(int(digits) for _, digits in filled))
                    columns = max(columns, *(_column_number(letters) for letters in {c for c, _ in filled}))
                continue
            for match in ROW_OR_CELL.finditer(text):
                kind, attributes = match.group(1), match.group(2)
                if b"&" in attributes:  # a position written as character references would hide from this scan
                    raise ImportFileError(f"文件“{name}”的内部格式异常（单元格位置用了字符引用）。请{RESAVE}。")
                ref = REF.search(attributes)
                if kind == b"row":
                    row, column = (int(ref.group(2)) if ref else row + 1), 0
                    continue
                if ref and ref.group(1):
                    row, column = int(ref.group(2)), _column_number(ref.group(1))
                else:
                    column += 1
                if not attributes.rstrip().endswith(b"/"):
                    rows, columns = max(rows, row), max(columns, column)
    return (rows, columns) if sheet else None


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet entry -> the sheet's name as Excel shows it (best effort, for messages)."""
    try:
        book = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}

    def attribute(tag: bytes, key: bytes) -> str | None:
        found = re.search(rb"\b" + key + rb'="([^"]*)"', tag)
        return found.group(1).decode("utf-8", "replace") if found else None

    targets = {}
    for rel in re.finditer(rb"<(?:\w+:)?Relationship\b([^>]*)>", rels):
        rel_id, target = attribute(rel.group(1), b"Id"), attribute(rel.group(1), b"Target")
        if rel_id and target:
            targets[rel_id] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    names = {}
    for sheet in re.finditer(rb"<(?:\w+:)?sheet\b([^>]*)>", book):
        sheet_name, rel_id = attribute(sheet.group(1), b"name"), attribute(sheet.group(1), rb"(?:\w+:)?id")
        if sheet_name and rel_id in targets:
            names[targets[rel_id]] = sheet_name
    return names


if __name__ == "__main__":
    sys.exit(worker_main())
