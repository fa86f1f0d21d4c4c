"""已印发通报 on both stores: an issued 要情通报 is archived with the figures it stated; a later import that changes the
ledgers of its date changes the replay, never the archive; the next issue compares with the archived figures; the
archived document downloads as issued, from the briefing page too."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
import streamlit as st
from docx import Document
from streamlit.testing.v1 import AppTest

import queries
from auth import issued, store
from ledger import spans
from queries.db import read_fresh, writing
from queries.scope import Scope
from reports import archive
from reports.bulletin_content import KIND, figures_on, issue_bulletin
from tests.conftest import DEMO_USERS, ROOT, capture_downloads, copy_database, demo_in_postgres, read_database

ADMIN = DEMO_USERS["demo-admin"]
FIRST, LATER = date(2023, 6, 8), date(2023, 9, 29)


@pytest.fixture
def db(tmp_path: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_database(copy_database(demo_db, tmp_path), monkeypatch)


@pytest.fixture
def demo_pg_dsn(pg_server, demo_db: Path, request: pytest.FixtureRequest) -> str:
    """A fresh PostgreSQL copy of the demo for each test (they issue and import)."""
    return demo_in_postgres(pg_server, demo_db, "demo_archive_" + request.node.name.replace("[", "_").rstrip("]"))


@pytest.fixture
def store_(engine: str, db: Path) -> Path:
    return store.auth_path(db)


def _late_import(asof: date, items: int = 3) -> list[str]:
    """What a later import does to the past: items open on asof reported rectified a week before it."""
    ids = [
        r[0]
        for r in read_fresh(
            lambda cur: cur.execute(
                "select item_id from item_fact where found_date <= $d and current_status in ('待整改', '整改中')"
                " and current_from <= $d order by item_id limit $n",
                {"d": asof - timedelta(days=30), "n": items},
            ).fetchall()
        )
    ]
    with writing() as cur:
        for item_id in ids:
            cur.execute(
                "insert into item_event (item_id, seq, event_date, status, note) select cast($id as varchar),"
                " max(seq) + 1, $day, '已整改', '补报' from item_event where item_id = $id",
                {"id": item_id, "day": asof - timedelta(days=7)},
            )
        spans.refresh(cur, ids)
    st.cache_data.clear()
    return ids


def test_archived_figures_stay_as_issued_after_a_later_import(store_: Path) -> None:
    issued_then = queries.ledger_kpis(Scope(None, None, FIRST))
    content = issue_bulletin(ADMIN, store_, 17, FIRST, date(2023, 2, 14), "内园建办〔2023〕17号")
    (document,) = read_fresh(archive.issued)
    assert (document.kind, document.number, document.doc_number, document.data_date) == (
        KIND, 17, "内园建办〔2023〕17号", FIRST,
    )  # fmt: skip
    assert issued.last_issue(issued.issues(store_)).number == 17  # registered too

    changed = _late_import(FIRST)
    replayed = queries.ledger_kpis(Scope(None, None, FIRST))
    assert int(replayed.rectified.sum()) == int(issued_then.rectified.sum()) + len(changed)  # the past changed

    frozen = read_fresh(lambda cur: archive.frozen(cur, document.document_id, "ledger_kpis")).set_index("ledger")
    then = issued_then.set_index("ledger")
    for column in ("found", "rectified", "open", "overdue"):
        assert dict(frozen[column]) == dict(then[column])
    assert figures_on(FIRST).issue == document
    assert int(figures_on(FIRST).ledgers.rectified.sum()) == int(issued_then.rectified.sum())

    # the next issue states its change since the figures issued, not since the replay
    later = queries.ledger_kpis(Scope(None, None, LATER))
    text = "\n".join(p.text for p in Document(io.BytesIO(issue_bulletin(ADMIN, store_, 18, LATER, FIRST))).paragraphs)
    added = int(later.rectified.sum()) - int(issued_then.rectified.sum())
    assert f"与2023年6月8日相比，新增整改{added}项" in text
    assert read_fresh(lambda cur: archive.document_file(cur, document.document_id)) == (
        "要情通报第十七期_20230608.docx", content,
    )  # fmt: skip


def test_the_briefing_page_compares_with_the_last_issue_and_lists_the_archive(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    issue_bulletin(ADMIN, store.auth_path(db), 17, FIRST, date(2023, 2, 14))
    _late_import(FIRST)
    st.cache_resource.clear()
    downloads = capture_downloads(monkeypatch)
    at = AppTest.from_file(str(ROOT / "pages/briefing.py"), default_timeout=90)
    at.query_params["asof"] = LATER.isoformat()
    at.run()
    assert not at.exception, at.exception
    assert at.date_input(key=f"briefing_previous_{LATER}").value == FIRST  # the last issue's date by default
    assert any("上期数字取自第十七期印发时冻结的数据" in c.value for c in at.caption)
    frozen = figures_on(FIRST).categories.set_index("name")
    shown = next(d.value for d in at.dataframe if "上期已整改" in d.value.columns).set_index("类别")
    assert [int(text[:-1]) for text in shown["上期已整改"]] == [int(frozen.at[n, "rectified"]) for n in shown.index]
    archived = downloads["briefing_archive_download"]()
    assert Document(io.BytesIO(archived)).paragraphs  # the archived original opens


@pytest.mark.postgres
def test_issued_documents_subscriptions_and_deliveries_copy_to_postgresql_and_back(
    db: Path, pg_server, tmp_path: Path
) -> None:
    from datetime import datetime

    from ledger.__main__ import main
    from ledger.schedule import runner
    from ledger.schedule.subscriptions import subscribe
    from tests.test_pg_copy import _fingerprints

    issue_bulletin(ADMIN, store.auth_path(db), 17, FIRST, date(2023, 2, 14))
    with writing() as cur:
        subscribe(cur, ADMIN, DEMO_USERS["demo-150200"], "notice", "weekly", 1, None, "a@example.org", datetime.now())
    assert runner.run_round(date(2026, 12, 7)) == 1
    st.cache_resource.clear()  # the file released for the copy command
    target = pg_server.create_database("archive_round_trip")
    assert main(["copy", "--to-postgres", target, "--from", str(db)]) == 0
    back = tmp_path / "back" / "ledger.duckdb"
    assert main(["copy", "--from-postgres", target, "--to", str(back)]) == 0
    before, after = _fingerprints(db), _fingerprints(back)
    mine = ("subscription", "delivery", "issued_document", "issued_figure", "land_development", "approval_step")
    assert all(int(before[t].split()[0]) > 0 for t in mine)
    assert {t: after[t] for t in mine} == {t: before[t] for t in mine}


def test_each_downloaded_supervision_notice_is_archived_with_the_next_number(db: Path) -> None:
    from charts.supervision import LagRules, lagging_leagues
    from reports.bulletin_content import NOTICE, issue_notice

    rules = LagRules()
    lagging = lagging_leagues(queries.supervision_summary(Scope(None, None, FIRST)), rules)
    first = issue_notice(ADMIN, lagging, rules, FIRST, "内园建办〔2023〕9号")
    issue_notice(ADMIN, lagging, rules, LATER)
    documents = read_fresh(lambda cur: archive.issued(cur, NOTICE))
    assert [(d.number, d.doc_number, d.data_date) for d in documents] == [
        (2, "", LATER),
        (1, "内园建办〔2023〕9号", FIRST),
    ]
    assert read_fresh(lambda cur: archive.document_file(cur, documents[1].document_id))[1] == first
    frozen = read_fresh(lambda cur: archive.frozen(cur, documents[1].document_id, "ledger_kpis"))
    assert int(frozen.overdue.sum()) == int(queries.ledger_kpis(Scope(None, None, FIRST)).overdue.sum())
