"""`python -m ledger users` and `import` as an operator runs them (a subprocess), on both stores: with LEDGER_DSN set
they work on that PostgreSQL database (accounts through auth/store's PostgreSQL adapter, parks checked there) and
never open the DuckDB file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from auth import store
from ledger.importing import imports_root
from tests import test_import
from tests.conftest import ROOT, copy_database, read_database
from tests.stores import query
from tests.test_import import BAOTOU, GOOD, with_cell, xlsx

demo_pg_template, demo_pg_dsn = test_import.demo_pg_template, test_import.demo_pg_dsn  # fixtures, for `engine`


@pytest.fixture
def db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_database(copy_database(demo_db, tmp_path / "database"), monkeypatch)


def ledger(*args: str, password: str = "") -> subprocess.CompletedProcess:
    """The command line in a process of its own, with this test's LEDGER_DB (and LEDGER_DSN on PostgreSQL)."""
    return subprocess.run([sys.executable, "-m", "ledger", *args], cwd=ROOT, env=dict(os.environ), input=password,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_the_users_command_manages_accounts_in_the_store_the_app_uses(db: Path, engine: str) -> None:
    before = db.read_bytes()
    added = ledger("users", "add", "p5-clerk", "--role", "park", "--park", "P005", "--password-stdin",
                   password="Park-clerk-0001\n")  # fmt: skip
    assert added.returncode == 0 and "账号 p5-clerk 已建立(园区管委会)" in added.stdout, added.stderr
    refused = ledger("users", "add", "bad", "--role", "park", "--park", "P999", "--password-stdin",
                     password="Park-clerk-0001\n")  # fmt: skip
    assert refused.returncode == 1 and "园区编号“P999”不存在" in refused.stderr and "Traceback" not in refused.stderr
    accounts = store.auth_path(db)
    clerk = store.authenticate(accounts, "p5-clerk", "Park-clerk-0001", True).user
    assert (clerk.role, clerk.league, clerk.park) == ("park", BAOTOU, "P005")
    assert ledger("users", "reset", "p5-clerk", "--password-stdin", password="Park-clerk-0002\n").returncode == 0
    assert store.authenticate(accounts, "p5-clerk", "Park-clerk-0002", True).user is not None
    assert ledger("users", "disable", "p5-clerk").returncode == 0
    listing = ledger("users", "list")
    assert listing.returncode == 0 and "p5-clerk\t园区管委会\tP005\t停用" in listing.stdout
    actions = [r["action"] for r in store.audit_rows(accounts, username="命令行")]
    assert {"account_add", "account_reset", "account_disable"} <= set(actions)
    assert db.read_bytes() == before  # the database file itself untouched (on PostgreSQL: never opened)


def test_the_import_command_checks_and_writes_the_store_the_app_uses(db: Path, engine: str, tmp_path: Path) -> None:
    bad, good = tmp_path / "bad.xlsx", tmp_path / "land.xlsx"
    bad.write_bytes(xlsx(with_cell(1, "area_mu", "约30")))
    good.write_bytes(xlsx(GOOD))
    refused = ledger("import", str(bad), "--ledger", "land", "--league", BAOTOU)
    assert refused.returncode == 1 and "第3行 “面积(亩)”: “约30” 不是数字" in refused.stderr
    preview = ledger("import", str(good), "--ledger", "land", "--league", BAOTOU, "--dry-run")
    assert preview.returncode == 0 and "新增 3 条" in preview.stdout and "未写入(预览)" in preview.stdout
    assert query(db, "select count(*) from import_batch") == [(0,)]
    done = ledger("import", str(good), "--ledger", "land", "--league", BAOTOU, "--by", "包头市工信局")
    assert done.returncode == 0 and "已导入, 批次 1," in done.stdout, done.stderr
    assert query(db, "select batch_id, rows, imported_by from import_batch") == [(1, 3, "包头市工信局")]
    assert [p.name.split("_")[0] for p in imports_root(db).iterdir()] == ["00001"]
    again = ledger("import", str(good), "--ledger", "land", "--league", BAOTOU)
    assert again.returncode == 0 and "不会重复导入" in again.stdout
    assert query(db, "select count(*) from import_batch") == [(1,)]


@pytest.mark.postgres
def test_an_unreachable_database_is_said_in_chinese(db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LEDGER_DSN", f"host={tmp_path} port=5999 dbname=nowhere user=nobody")
    for args in (("users", "list"), ("import", str(tmp_path / "land.xlsx"), "--ledger", "land", "--league", BAOTOU)):
        (tmp_path / "land.xlsx").write_bytes(xlsx(GOOD))
        failed = ledger(*args)
        assert failed.returncode == 2 and "无法连接 PostgreSQL" in failed.stderr and "Traceback" not in failed.stderr
