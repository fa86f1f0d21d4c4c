"""LEDGER_FILES: evidence files and archived imports in a directory of their own (the one several app servers share in
PostgreSQL mode), written there, served back from there and backed up from there, on both stores."""

import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ledger import workflow as wf
from ledger.evidence import check_evidence, evidence_file, evidence_root, store_file
from ledger.importing import apply_import, plan_import
from queries.db import writing
from tests import test_downloads, test_import
from tests.conftest import DEMO_USERS, ROOT, copy_database, read_database, session_token
from tests.stores import query
from tests.test_downloads import Button, _as
from tests.test_import import BAOTOU, GOOD, xlsx
from tests.test_workflow import PDF

demo_pg_template, demo_pg_dsn = test_import.demo_pg_template, test_import.demo_pg_dsn  # fixtures, for `engine`
buttons = test_downloads.buttons  # a fixture: every download button a page draws


@pytest.fixture
def db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_database(copy_database(demo_db, tmp_path / "database"), monkeypatch)


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """LEDGER_FILES pointing away from the database's folder."""
    folder = tmp_path / "shared"
    monkeypatch.setenv("LEDGER_FILES", str(folder))
    return folder


def test_evidence_and_import_archives_live_in_the_files_directory_and_are_served_from_it(
    db: Path, engine: str, shared: Path, buttons: dict[str, Button], tmp_path: Path
) -> None:
    [(item,)] = query(
        db,
        "select i.item_id from item i join park p using (park_id) where p.league_code = $c and i.ledger = 'land' "
        "and i.item_id not in (select item_id from item_event where status <> '待整改') order by i.item_id limit 1",
        {"c": BAOTOU},
    )
    evidence = check_evidence("验收报告.pdf", PDF)
    store_file(evidence_root(db), evidence, PDF)  # as the item page's upload does, before the event
    with writing() as cursor:
        seq = wf.item_state(cursor, item).seq
        wf.record_progress(cursor, DEMO_USERS["demo-150200"], item, seq, "整改中", "已下达通知书", files=[evidence])
    assert evidence_file(shared / "evidence", evidence.sha256).read_bytes() == PDF
    _as("demo-admin", "ledgers.py", {"item": item, "asof": date.today().isoformat()})
    [served] = [b for key, b in buttons.items() if key.startswith("workflow_file_")]
    assert (served.file_name, served.content()) == ("验收报告.pdf", PDF)

    upload = xlsx(GOOD)
    checked = plan_import(upload, "land.xlsx", "land", BAOTOU, db)  # replaces the worked demo item, confirmed
    batch = apply_import(checked, upload, db, "测试", drop_history=True)
    [archived] = (shared / "imports").iterdir()
    assert archived.name.startswith(f"{batch:05d}_") and archived.read_bytes() == upload
    assert sorted(p.name for p in db.parent.iterdir() if p.is_dir()) == []  # nothing beside the database file
    page = AppTest.from_file(str(ROOT / "pages" / "data_import.py"), default_timeout=60)
    page.session_state["auth_token"] = session_token("test-admin")  # demo accounts stop once a ledger is real
    page.run()
    assert f"原始文件保存在 {shared / 'imports'}。" in [c.value for c in page.caption]

    out = tmp_path / "backups"
    made = subprocess.run([sys.executable, "-m", "ledger", "backup", "--out", str(out)], cwd=ROOT,
                          env=dict(os.environ), capture_output=True, text=True, timeout=120)  # fmt: skip
    assert made.returncode == 0, made.stderr
    [archive] = out.iterdir()
    with zipfile.ZipFile(archive) as kept:
        assert kept.read(f"evidence/{evidence.sha256[:2]}/{evidence.sha256}") == PDF
