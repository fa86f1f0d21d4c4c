"""The files beside the database: the archive of original uploads (imports/ in the files directory, data/imports/
by default), the free-space floor, and what a killed import leaves behind."""

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ledger import files_dir, postgres
from ledger.limits import GB, MIN_FREE_BYTES
from ledger.safe_read import ImportFileError, stored_name
from ledger.writing import writer_lock

log = logging.getLogger(__name__)

WORK_SUFFIX = ".importing"  # the private copy imports before schema 5 wrote to, next to the database file
PARTIAL_SUFFIX = ".partial"  # an archive file being written
# PostgreSQL mode: an advisory lock every app server sees, held shared by each import from before its transaction
# until its archive file has its final name, and taken exclusively to remove what killed imports left behind.
FILES_LOCK = 260_001


def imports_root(path: Path) -> Path:
    """The archive of original uploads: imports/ in the files directory of the database at path (ledger.files_dir)."""
    return files_dir(path) / "imports"


def free_bytes(folder: Path) -> int:
    """Free bytes on the volume of folder (of its nearest existing parent while it does not exist yet)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free


def disk_status(path: Path) -> tuple[int, int]:
    """Bytes kept in the archive folder (imports/) and bytes free on the volume of the files directory."""
    folder = imports_root(path)
    used = sum(f.stat().st_size for f in folder.iterdir() if f.is_file()) if folder.is_dir() else 0
    return used, free_bytes(files_dir(path))


def check_free_space(path: Path, needed: int = 0) -> None:
    """Refuse new files while the volume of the files directory would keep less than MIN_FREE_BYTES free."""
    free = free_bytes(files_dir(path))
    if free - needed < MIN_FREE_BYTES:
        raise ImportFileError(
            f"数据目录所在磁盘只剩 {free / GB:.1f} GB 可用空间，低于 {MIN_FREE_BYTES / GB:g} GB 的下限"
            + (f"（本次导入还需约 {needed / GB:.2f} GB）" if needed else "")
            + "，暂停接收新文件。请联系管理员清理磁盘或扩容后再导入。"
        )


def archive_name(batch_id: int, sha256: str, file_name: str) -> str:
    """The original file's name in data/imports/: batch, hash prefix and the sanitised, shortened upload name."""
    return f"{batch_id:05d}_{sha256[:8]}_{stored_name(file_name)}"


def clean_stray_files(path: Path) -> list[Path]:
    """Remove what a killed import left behind (its working copy and write-ahead log, a half-written archive
    file), unless an import is running right now (on any app server, in PostgreSQL mode). Returns what was
    removed."""
    target = postgres.dsn()
    if target is not None:
        with postgres.connect(target) as con:
            if not con.execute("select pg_try_advisory_lock(%s)", (FILES_LOCK,)).fetchone()[0]:
                return []  # an import holds the lock shared: its files are not stray
            return remove_stray(path)  # the lock goes with the connection
    if not path.parent.is_dir():
        return []
    try:
        with writer_lock(path, wait=False):
            return remove_stray(path)
    except BlockingIOError:
        return []  # an import holds the lock: its files are not stray


@contextmanager
def importing_files() -> Iterator[None]:
    """In PostgreSQL mode, FILES_LOCK held shared for the block (an import's transaction and the renaming of its
    archive file after the commit), on a connection of its own, so that no server removes the .partial meanwhile.
    The embedded store's imports hold its writer lock instead (ledger.writing.transaction)."""
    target = postgres.dsn()
    if target is None:
        yield
        return
    with postgres.connect(target) as con:
        con.execute("select pg_advisory_lock_shared(%s)", (FILES_LOCK,))
        yield


def remove_stray(path: Path) -> list[Path]:
    """Under the writer lock: the working copy, its write-ahead log (DuckDB would replay it), partial archives."""
    work = path.with_name(path.name + WORK_SUFFIX)
    stray = [work, work.with_name(work.name + ".wal"), *imports_root(path).glob(f"*{PARTIAL_SUFFIX}")]
    removed = [p for p in stray if p.exists()]
    for p in removed:
        p.unlink(missing_ok=True)
    if removed:
        log.warning("removed files left by an interrupted import: %s", ", ".join(map(str, removed)))
    return removed


def archive_file(folder: Path, name: str, data: bytes, keep_partial: bool = False) -> None:
    """Keep the original file; written under another name first, so a kill leaves no half file (with
    keep_partial the caller renames it once its transaction has committed)."""
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / (name + PARTIAL_SUFFIX)
    partial.write_bytes(data)
    if not keep_partial:
        os.replace(partial, folder / name)
