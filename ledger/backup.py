"""Backups: a dated archive of the database, the accounts file and the evidence files, consistent while the app
runs (taken under the writer lock, so no transaction is half-written), and its restore into a folder."""

import hashlib
import json
import os
import sqlite3
import zipfile
from contextlib import closing
from datetime import datetime
from pathlib import Path

from auth.store import auth_path
from ledger.evidence import evidence_root
from ledger.writing import DatabaseBusy, open_for_writing, writer_lock

MANIFEST = "manifest.json"


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
        root = evidence_root(db)
        for path in sorted(root.rglob("*")) if root.exists() else []:
            if path.is_file() and not path.name.endswith(".part"):
                name = f"evidence/{path.relative_to(root).as_posix()}"
                data = path.read_bytes()
                archive.writestr(name, data)
                files[name] = _sha(data)
        manifest = {"made_at": stamp, "database": db.name, "files": files}
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    os.replace(partial, target)
    return target


def restore(archive_path: Path, db: Path, force: bool = False) -> dict[str, int]:
    """Bring an archive back as db (and its accounts and evidence beside it); refuses to overwrite unless force,
    and refuses while a program holds the database. Returns what it restored."""
    try:
        archive = zipfile.ZipFile(archive_path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"无法读取备份文件“{archive_path}”：文件不存在或已损坏") from error
    with archive:
        try:
            manifest = json.loads(archive.read(MANIFEST))
        except (KeyError, ValueError) as error:
            raise BackupError("这不是本看板的备份文件（缺少 manifest.json）") from error
        for name, digest in manifest["files"].items():
            if name.startswith("/") or ".." in name.split("/"):
                raise BackupError(f"备份文件中有不安全的路径“{name}”，未恢复任何内容")
            if _sha(archive.read(name)) != digest:
                raise BackupError(f"备份文件已损坏：{name} 的校验值不符，未恢复任何内容")
        if db.exists():
            if not force:
                raise BackupError(f"{db} 已存在。确认要用备份覆盖时加 --force（建议先另做一次备份）")
            try:
                open_for_writing(db).close()
            except DatabaseBusy as error:
                raise BackupError(str(error)) from error
        db.parent.mkdir(parents=True, exist_ok=True)
        db.with_name(db.name + ".wal").unlink(missing_ok=True)
        restored = {"evidence": 0}
        for name in manifest["files"]:
            if name.startswith("evidence/"):
                target = evidence_root(db) / name.removeprefix("evidence/")
                restored["evidence"] += 1
            elif name == manifest["database"]:
                target = db
            elif name == manifest["database"] + ".wal":
                target = db.with_name(db.name + ".wal")
            elif name == auth_path(Path(manifest["database"])).name:
                target = auth_path(db)
            else:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".restoring")
            partial.write_bytes(archive.read(name))
            os.replace(partial, target)
    return restored
