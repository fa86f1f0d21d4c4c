"""Backups: a dated archive of the database, the accounts file and the files beside the records (evidence/: the
佐证材料; imports/: every original upload an import archived), consistent while the app runs (taken under the writer
lock, so no transaction is half-written), and its restore into a folder. In PostgreSQL mode (LEDGER_DSN) the database
goes through pg_dump/pg_restore instead, the files the same way."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from contextlib import closing
from datetime import datetime
from pathlib import Path

from auth.store import auth_path
from ledger import files_dir
from ledger.importing.disk import PARTIAL_SUFFIX
from ledger.writing import DatabaseBusy, open_for_writing, writer_lock

MANIFEST = "manifest.json"
# PostgreSQL mode (LEDGER_DSN): the database through PostgreSQL's own tools, the evidence files beside it.
PG_BIN = Path("/usr/lib/postgresql/15/bin")  # Debian's PostgreSQL 15; else the tools on PATH
PG_DUMP_MEMBER = "ledger.pgdump"  # pg_dump's custom format (-Fc) inside the archive
# The folders of the files directory (ledger.files_dir) that hold records' files, each under its own name in the
# archive: the evidence files and the archived original uploads (ledger/importing/disk.py).
FILE_FOLDERS = ("evidence", "imports")


class BackupError(ValueError):
    """A backup or restore refused, with a Chinese message."""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sqlite_copy(path: Path) -> bytes:
    """A consistent copy of an SQLite file even while the app writes it (SQLite's own backup API)."""
    if not path.exists():
        return b""
    target = path.with_name(path.name + ".backup-copy")
    target.unlink(missing_ok=True)
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    data = target.read_bytes()
    target.unlink()
    return data


def backup(db: Path, folder: Path, now: datetime | None = None) -> Path:
    """Write ledger-backup-YYYYmmdd-HHMMSS.zip into folder; returns its path."""
    if not db.exists():
        raise BackupError(f"数据库文件不存在：{db}")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"ledger-backup-{stamp}.zip"
    partial = target.with_name(target.name + ".partial")
    files: dict[str, str] = {}
    with writer_lock(db), zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        members = [(db.name, db), (db.name + ".wal", db.with_name(db.name + ".wal"))]
        for name, path in members:
            if path.exists():
                data = path.read_bytes()
                archive.writestr(name, data)
                files[name] = _sha(data)
        accounts = _sqlite_copy(auth_path(db))
        if accounts:
            archive.writestr(auth_path(db).name, accounts)
            files[auth_path(db).name] = _sha(accounts)
        _add_files(archive, files_dir(db), files)
        manifest = {"made_at": stamp, "database": db.name, "files": files}
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    os.replace(partial, target)
    return target


def restore(archive_path: Path, db: Path, force: bool = False) -> dict[str, int]:
    """Bring an archive back as db (and its accounts and evidence beside it); refuses to overwrite unless force,
    and refuses while a program holds the database. Returns what it restored."""
    with _open_archive(archive_path) as archive:
        manifest = _checked_manifest(archive)
        if manifest["database"] == PG_DUMP_MEMBER:
            raise BackupError("这是 PostgreSQL 模式的备份，请设置 LEDGER_DSN 指向要恢复到的数据库后再恢复")
        if db.exists():
            if not force:
                raise BackupError(f"{db} 已存在。确认要用备份覆盖时加 --force（建议先另做一次备份）")
            try:
                open_for_writing(db).close()
            except DatabaseBusy as error:
                raise BackupError(str(error)) from error
        db.parent.mkdir(parents=True, exist_ok=True)
        db.with_name(db.name + ".wal").unlink(missing_ok=True)
        restored = _restore_files(archive, manifest, files_dir(db))
        for name in manifest["files"]:
            if name == manifest["database"]:
                target = db
            elif name == manifest["database"] + ".wal":
                target = db.with_name(db.name + ".wal")
            elif name == auth_path(Path(manifest["database"])).name:
                target = auth_path(db)
            else:
                continue
            _write_atomically(target, archive.read(name))
    return restored


def _add_files(archive: zipfile.ZipFile, root: Path, files: dict[str, str]) -> None:
    """Every file of FILE_FOLDERS under the files directory root into the archive as evidence/… and imports/…, its
    checksum into files (a file still being written, *.part or *.partial, is left out)."""
    for folder in FILE_FOLDERS:
        base = root / folder
        for path in sorted(base.rglob("*")) if base.exists() else []:
            if path.is_file() and not path.name.endswith((".part", PARTIAL_SUFFIX)):
                name = f"{folder}/{path.relative_to(base).as_posix()}"
                data = path.read_bytes()
                archive.writestr(name, data)
                files[name] = _sha(data)


def _open_archive(archive_path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(archive_path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"无法读取备份文件“{archive_path}”：文件不存在或已损坏") from error


def _checked_manifest(archive: zipfile.ZipFile) -> dict:
    """The archive's manifest, once every file it lists has a safe path and its checksum (nothing restored
    otherwise)."""
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError) as error:
        raise BackupError("这不是本看板的备份文件（缺少 manifest.json）") from error
    for name, digest in manifest["files"].items():
        if name.startswith("/") or ".." in name.split("/"):
            raise BackupError(f"备份文件中有不安全的路径“{name}”，未恢复任何内容")
        if _sha(archive.read(name)) != digest:
            raise BackupError(f"备份文件已损坏：{name} 的校验值不符，未恢复任何内容")
    return manifest


def _restore_files(archive: zipfile.ZipFile, manifest: dict, root: Path) -> dict[str, int]:
    """The archive's files of FILE_FOLDERS written under the files directory root; how many of each folder."""
    restored = dict.fromkeys(FILE_FOLDERS, 0)
    for name in manifest["files"]:
        folder = name.split("/", 1)[0]
        if folder in restored and "/" in name:
            _write_atomically(root / name, archive.read(name))
            restored[folder] += 1
    return restored


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    partial.write_bytes(data)
    os.replace(partial, target)


def pg_tool(name: str) -> str:
    """The path of pg_dump or pg_restore: Debian's PostgreSQL 15 folder first (its version matches the server's),
    else PATH; BackupError saying how to install it when neither has it."""
    if (PG_BIN / name).exists():
        return str(PG_BIN / name)
    if found := shutil.which(name):
        return found
    raise BackupError(f"找不到 PostgreSQL 的 {name}（{PG_BIN} 与 PATH 中都没有）。请安装 Debian 的 postgresql 包"
                      "（`make system-deps`），或把 PostgreSQL 15 的 bin 目录加入 PATH。")  # fmt: skip


def _run_tool(command: list[str], what: str) -> None:
    """Run a PostgreSQL tool; BackupError with its own first lines when it fails."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        reason = "\n".join((done.stderr or done.stdout).strip().splitlines()[:5])
        raise BackupError(f"{what}失败（{Path(command[0]).name} 退出码 {done.returncode}）：{reason}")


def backup_postgres(dsn: str, files_root: Path, folder: Path, now: datetime | None = None) -> Path:
    """Write ledger-backup-YYYYmmdd-HHMMSS.zip into folder: pg_dump's custom-format dump of the database (one
    consistent snapshot while the app servers write) and the evidence and import files of the files directory
    files_root (write-once, so any taken after the snapshot began are only extra); returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"ledger-backup-{stamp}.zip"
    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="ledger-backup-") as scratch:
        dump = Path(scratch) / PG_DUMP_MEMBER
        _run_tool([pg_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(dump), "--dbname", dsn], "备份 PostgreSQL 数据库")
        files: dict[str, str] = {}
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(dump, PG_DUMP_MEMBER, compress_type=zipfile.ZIP_STORED)  # -Fc is compressed already
            files[PG_DUMP_MEMBER] = _sha(dump.read_bytes())
            _add_files(archive, files_root, files)
            manifest = {"made_at": stamp, "database": PG_DUMP_MEMBER, "files": files}
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    os.replace(partial, target)
    return target


def restore_postgres(archive_path: Path, dsn: str, files_root: Path, force: bool = False) -> dict[str, int]:
    """Bring a PostgreSQL-mode archive back into the database at dsn (pg_restore --clean, one transaction) and its
    evidence and import files into the files directory files_root; refuses a database that holds ledgers unless force.
    Returns how many files of each folder it restored."""
    from ledger.postgres import connect

    with _open_archive(archive_path) as archive:
        manifest = _checked_manifest(archive)
        if manifest["database"] != PG_DUMP_MEMBER:
            raise BackupError("这是嵌入式数据库（DuckDB 文件）的备份，不能恢复到 PostgreSQL；请去掉 LEDGER_DSN 后恢复")
        with connect(dsn) as con:
            holds = con.execute("select to_regclass('public.item') is not null").fetchone()[0]
            if holds and con.execute("select exists (select 1 from item)").fetchone()[0] and not force:
                raise BackupError("PostgreSQL 数据库中已有台账。确认要用备份覆盖时加 --force（建议先另做一次备份）")
        with tempfile.TemporaryDirectory(prefix="ledger-restore-") as scratch:
            dump = Path(scratch) / PG_DUMP_MEMBER
            dump.write_bytes(archive.read(PG_DUMP_MEMBER))
            _run_tool([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                       "--dbname", dsn, str(dump)], "恢复 PostgreSQL 数据库")  # fmt: skip
        return _restore_files(archive, manifest, files_root)
