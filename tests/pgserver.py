"""A throwaway PostgreSQL 15 for tests: a cluster in a temporary folder on a private unix socket (no TCP), started in
about a second, a fresh database per test module, removed at the end of the session."""

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("LEDGER_PG_BIN", "/usr/lib/postgresql/15/bin"))
PORT = 5432  # names the socket file only: the socket lives in the server's own folder, so servers never collide
MISSING = (
    "未找到 PostgreSQL 15 的 initdb/pg_ctl（{bin}）：PostgreSQL 模式的测试需要它们。请以 root 运行 `make system-deps`"
    "（安装 Debian 的 postgresql 包）。/ PostgreSQL 15 binaries not found in {bin}: the postgres-marked tests need "
    "them; run `make system-deps` as root (installs Debian's postgresql package)."
)


class PostgresUnavailable(RuntimeError):
    """The server cannot start here (binaries missing, or initdb/pg_ctl failed), with a bilingual message."""


@dataclass
class PgServer:
    folder: Path  # holds the cluster (data/), its log and its socket

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host={self.folder} port={PORT} user=postgres dbname={dbname}"

    def create_database(self, name: str) -> str:
        """A new empty database (CREATE DATABASE copies template1: a few milliseconds); its DSN."""
        import psycopg

        name = re.sub(r"\W", "_", name.lower())[:60]
        with psycopg.connect(self.dsn(), autocommit=True) as con:
            con.execute(f'drop database if exists "{name}" with (force)')
            con.execute(f'create database "{name}"')
        return self.dsn(name)

    def restart(self) -> None:
        """Stop the server (telling its clients it shuts down, as an administrator's restart does) and start it
        again with the same options: every open connection is gone afterwards."""
        log = str(self.folder / "server.log")  # pg_ctl's output otherwise stays open in the server (a hung caller)
        _run_as_owner(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-l", log, "-w", "restart"]
        )

    def stop(self) -> None:
        try:
            _run_as_owner([str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start() -> PgServer:
    """initdb and pg_ctl start in a new folder under /tmp (owned by postgres when run as root: PostgreSQL refuses
    to run as root, and pytest's own temp folders are closed to other users)."""
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        raise PostgresUnavailable(MISSING.format(bin=PG_BIN))
    folder = Path(tempfile.mkdtemp(prefix="ledger-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    options = f"-k {folder} -p {PORT} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
    try:
        _run_as_owner([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                       "--locale=C.UTF-8", "--no-sync"])  # fmt: skip
        _run_as_owner([str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "server.log"),
                       "-w", "start"])  # fmt: skip
    except PostgresUnavailable:
        log = folder / "server.log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise PostgresUnavailable(f"PostgreSQL 测试服务器未能启动 / the test server did not start\n{detail}") from None
    return PgServer(folder)


def _run_as_owner(command: list[str]) -> None:
    """A PostgreSQL tool as the cluster's owner: the postgres user when we are root, else ourselves."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, cwd="/")
    if done.returncode != 0:
        raise PostgresUnavailable(f"{' '.join(command)}: {done.stderr.strip() or done.stdout.strip()}")
