"""Sign-in and access limits: each role sees and exports only its own part, anonymous visitors only the sign-in
page; lockout, idle expiry, password hashing, the audit log, the account command line and OIDC claim mapping."""

import io
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from google.protobuf.text_format import MessageToString
from streamlit.testing.v1 import AppTest

import queries
from auth import store
from auth.oidc import user_from_claims
from auth.roles import Action, Allowed
from ledger.__main__ import main as cli
from queries.db import acting_as
from queries.scope import Scope
from reports.workbooks import ExportMeta, ledger_csv, ledger_xlsx
from tests.conftest import DEMO_USERS, ROOT, capture_downloads, copy_database, read_database, session_token

ASOF = "2023-06-08"
BAOTOU, ORDOS, CHIFENG = "150200", "150600", "150400"
PAGES = ["overview", "progress", "rankings", "idle_map", "ledgers", "park", "briefing", "todo", "meeting", "recheck"]


def demo_facts(db: Path) -> tuple[dict[str, str], dict[str, tuple[str, str]], dict[str, str]]:
    """League names by code, (park name, league) by park id, and one item id per league, from the database."""
    con = duckdb.connect(str(db))
    leagues = dict(con.execute("select league_code, name from league").fetchall())
    parks = {pid: (name, lc) for pid, name, lc in con.execute("select park_id, name, league_code from park").fetchall()}
    items = dict(
        con.execute(
            "select league_code, min(item_id) from item join park using (park_id) group by league_code"
        ).fetchall()
    )
    con.close()
    return leagues, parks, items


def page_text(at: AppTest) -> str:
    """Everything a page sent to the browser: every element's text and chart spec, and every table's cells."""
    parts = [MessageToString(node.proto, as_utf8=True) for node in at._tree if getattr(node, "proto", None)]
    parts += [frame.value.to_string() for frame in at.dataframe]
    return "\n".join(parts)


def forbidden_names(db: Path, allowed: Allowed) -> list[str]:
    """Names that must never reach a user limited to `allowed`: other leagues and the parks outside it."""
    leagues, parks, _ = demo_facts(db)
    names = [name for code, name in leagues.items() if code != allowed.league]
    names += [
        name
        for pid, (name, league) in parks.items()
        if league != allowed.league or (allowed.park is not None and pid != allowed.park)
    ]
    return names


def open_page(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def hostile_urls(db: Path, user: str) -> list[dict[str, str]]:
    """URLs naming another league, its park, a park of another league under the user's league, another item."""
    _, parks, items = demo_facts(db)
    chifeng_park = next(pid for pid, (_, lc) in parks.items() if lc == CHIFENG)
    baotou_other = next(pid for pid, (_, lc) in parks.items() if lc == BAOTOU and pid != "P005")
    return [
        {"asof": ASOF},
        {"league": CHIFENG, "asof": ASOF},
        {"park": chifeng_park},
        {"league": CHIFENG, "park": chifeng_park},
        {"league": BAOTOU, "park": chifeng_park},
        {"league": BAOTOU, "park": baotou_other},
        {"item": items[CHIFENG], "asof": ASOF},
    ]


@pytest.mark.parametrize("username", ["demo-150200", "demo-P005"])
@pytest.mark.parametrize("page", PAGES)
def test_a_limited_user_sees_no_other_leagues_or_parks_on_any_page_at_any_url(
    demo_db: Path, username: str, page: str
) -> None:
    user = DEMO_USERS[username]
    forbidden = forbidden_names(demo_db, user.allowed)
    for params in hostile_urls(demo_db, username):
        at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
        at.session_state["auth_token"] = session_token(username)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, (page, params)
        views = {"progress": "progress_view", "briefing": "briefing_view"}.get(page)
        texts = [page_text(at)]
        if views:
            for option in at.segmented_control(key=views).options:
                texts.append(page_text(at.segmented_control(key=views).set_value(option).run()))
        text = "\n".join(texts)
        leaked = [name for name in forbidden if name in text]
        assert leaked == [], (page, params, leaked[:5])
        assert at.query_params.get("league") == user.league, (page, params)
        if user.park:
            assert at.query_params.get("park") == user.park


@pytest.mark.user("demo-150200")
def test_a_url_naming_another_league_says_so_in_chinese_and_shows_the_users_own_league() -> None:
    at = open_page("overview", league=CHIFENG, asof=ASOF)
    assert any("您的账号只能查看包头市的数据" in w.value for w in at.warning)
    assert at.caption[0].value.startswith("全区 › 包头市　")


@pytest.mark.user("demo-150200")
def test_an_item_of_another_league_is_answered_like_an_unknown_id(demo_db: Path) -> None:
    _, _, items = demo_facts(demo_db)
    at = open_page("ledgers", item=items[CHIFENG], asof=ASOF)
    assert not at.exception
    assert any(f"没有编号为“{items[CHIFENG]}”的条目" in w.value for w in at.warning)
    own = open_page("ledgers", item=items[BAOTOU], asof=ASOF)
    assert items[BAOTOU] in page_text(own)


@pytest.mark.user("demo-150200")
def test_region_wide_documents_are_not_offered_to_a_league_user() -> None:
    progress = open_page("progress", asof=ASOF)
    assert "督导通报" not in progress.segmented_control(key="progress_view").options
    briefing = open_page("briefing", asof=ASOF)
    assert briefing.segmented_control(key="briefing_view").options == ["汇报材料"]
    assert "briefing_bulletin" not in [b.key for b in briefing.get("download_button")]


@pytest.mark.user("demo-leader")
def test_a_leader_reads_everything_but_has_no_import_or_account_page() -> None:
    at = open_page("overview", asof=ASOF)
    assert at.caption[0].value.startswith("全区　")
    for page in ("data_import", "accounts"):
        refused = open_page(page)
        assert not refused.exception
        assert refused.error and ("仅对" in refused.error[0].value)
        assert not refused.get("file_uploader")


def test_exports_of_a_league_user_hold_only_its_own_league(demo_db: Path) -> None:
    """The ledger workbook and CSV, the park list and the briefing deck, built as the page builds them."""
    from pptx import Presentation

    from reports.deck import briefing_deck
    from reports.meeting_deck import deck_content

    user = DEMO_USERS["demo-150200"]
    forbidden = forbidden_names(demo_db, user.allowed)
    region = Scope(None, None, date.fromisoformat(ASOF))
    with acting_as(user):
        table = queries.ledger_land(region)
        stamp, cards, slides = deck_content(region)
        deck = briefing_deck(stamp, cards, slides)
        items = queries.park_items(Scope(CHIFENG, "P005", region.asof))
    assert set(table["园区"] if "园区" in table else table.iloc[:, 0]) and len(table)
    workbook = pd.read_excel(io.BytesIO(ledger_xlsx(table, ExportMeta("t", "s"))), header=None).to_string()
    csv = ledger_csv(table).decode("utf-8-sig")
    slides_text = "\n".join(
        shape.text_frame.text
        for slide in Presentation(io.BytesIO(deck)).slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    assert stamp.scope_label == "包头市"
    for name, text in {"xlsx": workbook, "csv": csv, "pptx": slides_text, "park": items.to_string()}.items():
        leaked = [n for n in forbidden if n in text]
        assert leaked == [], (name, leaked[:5])
    assert "包头" in workbook and "包头市" in slides_text


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chart images need Debian chromium")
def test_a_chart_exported_by_a_league_user_names_only_its_parks(demo_db: Path) -> None:
    from charts.overview import completion_figure
    from reports.images import figure_svg
    from reports.stamp import stamp

    user = DEMO_USERS["demo-150200"]
    with acting_as(user):
        scope = Scope(None, None, date.fromisoformat(ASOF))
        table = queries.park_completion(scope)
        figure = completion_figure(table, "park_id", stamp(scope), "包头市各园区整改完成率", None, "包头市整体")
    svg = figure_svg(figure).decode("utf-8")
    assert "包头市" in svg
    assert [n for n in forbidden_names(demo_db, user.allowed) if n in svg] == []


def test_a_park_user_sees_its_own_park_row_only_in_league_level_rankings(demo_db: Path) -> None:
    user = DEMO_USERS["demo-P005"]
    with acting_as(user):
        ranked = queries.park_rankings(Scope(None, None, date.fromisoformat(ASOF)))
        compared = queries.park_completion(Scope(BAOTOU, None, date.fromisoformat(ASOF)))
        leagues = queries.league_completion(Scope(None, None, date.fromisoformat(ASOF)))
    assert set(ranked.park_id) == {"P005"} and set(compared.park_id) == {"P005"}
    assert leagues.empty


# import ------------------------------------------------------------------------------------------
@pytest.fixture
def db(tmp_path: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_database(copy_database(demo_db, tmp_path), monkeypatch)


@pytest.mark.user("demo-150200")
def test_a_league_user_may_import_only_for_its_own_league(db: Path) -> None:
    before = db.read_bytes()
    at = open_page("data_import")
    assert at.selectbox(key="data_import_league").options == ["包头市"]
    at = AppTest.from_file(str(ROOT / "pages" / "data_import.py"), default_timeout=60)
    at.session_state["auth_token"] = session_token("demo-150200")
    at.session_state["data_import_league"] = CHIFENG  # a tampered widget value
    at.run()
    assert not at.exception
    assert any("只能导入本盟市" in e.value for e in at.error) or at.selectbox(key="data_import_league").value == BAOTOU
    assert db.read_bytes() == before
    league, admin, leader = (DEMO_USERS[f"demo-{name}"] for name in ("150200", "admin", "leader"))
    assert league.may(Action.IMPORT, BAOTOU) and not league.may(Action.IMPORT, CHIFENG)
    assert admin.may(Action.IMPORT, CHIFENG) and not leader.may(Action.IMPORT, BAOTOU)


# anonymous ---------------------------------------------------------------------------------------
@pytest.mark.user(None)
@pytest.mark.parametrize(
    "script", ["app.py", *(f"pages/{p}.py" for p in [*PAGES, "data_import", "accounts", "review"])]
)
def test_an_anonymous_visitor_gets_only_the_sign_in_page(script: str) -> None:
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    at.query_params["league"] = BAOTOU
    at.run()
    assert not at.exception
    assert at.title[0].value == "开发区闲置资源要素大起底看板"
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert not at.metric and not at.get("plotly_chart") and not at.get("deck_gl_json_chart")
    assert len(at.dataframe) == 1 and list(at.dataframe[0].value.columns) == ["用户名", "密码", "角色", "单位"]


@pytest.mark.user(None)
def test_signing_in_through_the_form_opens_the_app_and_a_wrong_password_does_not() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.text_input(key="signin_username").input("demo-150200")
    at.text_input(key="signin_password").input("wrong-password-1")
    at.button[0].click().run()
    assert any("用户名或密码不正确" in e.value for e in at.error)
    at.text_input(key="signin_password").input(store.DEMO_PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.caption[0].value.startswith("全区 › 包头市　")
    assert len(at.metric) == 4 + 6  # the totals with 环比, then one card per ledger


# accounts ----------------------------------------------------------------------------------------
@pytest.fixture
def accounts(tmp_path: Path) -> Path:
    return tmp_path / "ledger.auth.sqlite"


def test_the_stored_hash_is_argon2_and_not_the_password(accounts: Path) -> None:
    store.add_user(accounts, "zhang-san", "Zhangsan-2026!", "league", "150200", None, "包头市工信局")
    raw = b"".join(p.read_bytes() for p in accounts.parent.glob(accounts.name + "*"))
    assert b"Zhangsan-2026!" not in raw
    import sqlite3

    with sqlite3.connect(accounts) as con:
        (stored,) = con.execute("select password_hash from account where username = 'zhang-san'").fetchone()
    assert stored.startswith("$argon2id$") and "Zhangsan-2026!" not in stored


@pytest.mark.parametrize(
    ("password", "words"),
    [("short-1", "至少需要 10 个字符"), ("x" * 129, "不能超过"), ("wang-wu-001", "不能与用户名相同")],
)
@pytest.mark.usefixtures("engine")
def test_weak_passwords_are_refused_in_chinese(accounts: Path, password: str, words: str) -> None:
    with pytest.raises(store.AccountError, match=words):
        store.add_user(accounts, "wang-wu-001", password, "leader")


@pytest.mark.parametrize(
    ("role", "league", "park", "words"),
    [
        ("league", None, None, "必须指定一个盟市"),
        ("park", None, None, "必须指定一个园区"),
        ("admin", "150200", None, "不应指定"),
        ("boss", None, None, "不存在"),
    ],
)
@pytest.mark.usefixtures("engine")
def test_a_role_without_its_league_or_park_is_refused(accounts, role, league, park, words) -> None:
    with pytest.raises(store.AccountError, match=words):
        store.add_user(accounts, "li-si", "Lisi-password-1", role, league, park)


@pytest.mark.usefixtures("engine")
def test_five_failures_lock_the_account_for_fifteen_minutes(accounts: Path, monkeypatch) -> None:
    store.add_user(accounts, "zhao", "Zhao-password-1", "leader")
    now = datetime(2026, 12, 1, 9, 0)
    monkeypatch.setattr(store, "clock", lambda: now)
    for attempt in range(1, 5):
        assert store.authenticate(accounts, "zhao", f"bad-{attempt}", True).message == "用户名或密码不正确"
    locked = store.authenticate(accounts, "zhao", "bad-5", True)
    assert locked.user is None and "已锁定 15 分钟" in locked.message
    still = store.authenticate(accounts, "zhao", "Zhao-password-1", True)
    assert still.user is None and "锁定至 09:15" in still.message
    now = datetime(2026, 12, 1, 9, 15, 1)
    assert store.authenticate(accounts, "zhao", "Zhao-password-1", True).user.username == "zhao"
    actions = [r["action"] for r in store.audit_rows(accounts, username="zhao")]
    assert actions.count("sign_in_failed") == 6 and actions.count("lockout") == 1 and actions[0] == "sign_in"


@pytest.mark.usefixtures("engine")
def test_a_session_ends_after_thirty_idle_minutes_and_lives_while_used(accounts: Path, monkeypatch) -> None:
    store.add_user(accounts, "qian", "Qian-password-1", "leader")
    now = datetime(2026, 12, 1, 9, 0)
    monkeypatch.setattr(store, "clock", lambda: now)
    token = store.authenticate(accounts, "qian", "Qian-password-1", True).token
    for minutes in (29, 58, 87):  # each page view keeps it alive
        now = datetime(2026, 12, 1, 9, 0) + timedelta(minutes=minutes)
        assert store.resume(accounts, token, True).user.username == "qian"
    now += timedelta(minutes=30, seconds=1)
    gone = store.resume(accounts, token, True)
    assert gone.user is None and gone.expired
    assert store.resume(accounts, token, True).user is None  # and it stays gone
    assert store.audit_rows(accounts, action="session_expired")[0]["username"] == "qian"


@pytest.mark.user(None)
def test_an_idle_session_in_the_app_shows_the_sign_in_page_with_the_reason(monkeypatch) -> None:
    token = session_token("demo-leader")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["auth_token"] = token
    at.run()
    assert len(at.metric) == 4 + 6  # the totals with 环比, then one card per ledger
    later = datetime.now() + timedelta(minutes=31)
    monkeypatch.setattr(store, "clock", lambda: later)
    at.run()
    assert any("30 分钟未操作" in w.value for w in at.warning)
    assert [t.label for t in at.text_input] == ["用户名", "密码"]


@pytest.mark.usefixtures("engine")
def test_disabling_an_account_ends_its_sessions_and_refuses_sign_in(accounts: Path) -> None:
    store.add_user(accounts, "sun", "Sun-password-01", "leader")
    token = store.authenticate(accounts, "sun", "Sun-password-01", True).token
    store.set_disabled(accounts, "sun", True, by="demo-admin")
    assert store.resume(accounts, token, True).user is None
    assert "已停用" in store.authenticate(accounts, "sun", "Sun-password-01", True).message


def test_demo_accounts_are_listed_while_all_data_is_demo_and_work_until_a_real_admin_exists(db: Path) -> None:
    from ledger.importing import apply_import, plan_import
    from tests.test_import import GOOD, xlsx
    from ui import session

    path = store.auth_path(db)
    assert session.demo_allowed() and session.demo_listed()
    data = xlsx(GOOD)
    apply_import(plan_import(data, "包头.xlsx", "land", BAOTOU, db), data, db)
    assert session.demo_allowed() and not session.demo_listed()
    store.add_user(path, "real-admin", "Office-head-2026", "admin", by="命令行")
    assert not session.demo_allowed() and not session.demo_listed()
    refused = store.authenticate(path, "demo-admin", store.DEMO_PASSWORD, session.demo_allowed())
    assert refused.user is None and "演示账号已停用" in refused.message


def test_the_command_line_manages_accounts(db: Path, monkeypatch, capsys) -> None:
    path = store.auth_path(db)
    monkeypatch.setattr("sys.stdin", io.StringIO("Baotou-clerk-01\n"))
    assert cli(["users", "add", "bt-clerk", "--role", "league", "--league", BAOTOU, "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("Park-clerk-0001\n"))
    assert cli(["users", "add", "p5-clerk", "--role", "park", "--park", "P005", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("Park-clerk-0001\n"))
    assert cli(["users", "add", "bad", "--role", "park", "--park", "P999", "--password-stdin"]) == 1
    assert "园区编号“P999”不存在" in capsys.readouterr().err
    park_user = store.authenticate(path, "p5-clerk", "Park-clerk-0001", True).user
    assert (park_user.league, park_user.park) == (BAOTOU, "P005")
    monkeypatch.setattr("sys.stdin", io.StringIO("Baotou-clerk-02\n"))
    assert cli(["users", "reset", "bt-clerk", "--password-stdin"]) == 0
    assert store.authenticate(path, "bt-clerk", "Baotou-clerk-02", True).user is not None
    assert cli(["users", "disable", "bt-clerk"]) == 0
    assert cli(["users", "list"]) == 0
    listing = capsys.readouterr().out
    assert "bt-clerk\t盟市工信局\t150200\t停用" in listing and "p5-clerk\t园区管委会\tP005\t正常" in listing
    actions = [r["action"] for r in store.audit_rows(path, username="命令行")]
    assert {"account_add", "account_reset", "account_disable"} <= set(actions)


# audit -------------------------------------------------------------------------------------------
@pytest.mark.user("test-admin")
def test_sign_in_import_export_and_sign_out_are_written_to_the_audit_log(db: Path, monkeypatch) -> None:
    path = store.auth_path(db)
    store.authenticate(path, "demo-150200", store.DEMO_PASSWORD, True)
    store.authenticate(path, "demo-150200", "wrong-password", True)
    made = capture_downloads(monkeypatch)
    open_page("park", league=BAOTOU, park="P005", asof=ASOF)
    made["park_export"]()  # the Excel file made on click
    store.end_session(path, session_token("test-admin"), "test-admin")  # the sidebar button: test_browser.py
    rows = store.audit_rows(path)
    done = {(r["username"], r["action"]) for r in rows}
    assert {("demo-150200", "sign_in"), ("demo-150200", "sign_in_failed"), ("test-admin", "export"),
            ("test-admin", "sign_out")} <= done  # fmt: skip
    export = next(r for r in rows if r["action"] == "export")
    assert export["scope"] == "包头市 › 包头稀土高新技术产业开发区" and "园区条目清单" in export["detail"]


@pytest.mark.user("demo-admin")
def test_the_account_page_lists_accounts_and_the_audit_log_for_an_admin(db: Path) -> None:
    at = open_page("accounts")
    assert not at.exception
    listed = at.dataframe[0].value
    assert set(listed["用户名"]) >= {"demo-admin", "demo-150200", "demo-P005"}
    assert listed.set_index("用户名").loc["demo-150200", "可查看"] == "包头市"
    at.text_input(key="accounts_new_username").input("bt-2")
    at.selectbox(key="accounts_new_role").set_value("league")
    at.selectbox(key="accounts_new_league").set_value(BAOTOU)
    at.text_input(key="accounts_new_pw").input("Baotou-second-1")
    next(b for b in at.button if b.label == "新建").click().run()
    assert not at.exception and any("bt-2 已建立" in s.value for s in at.success)
    assert "bt-2" in {u["username"] for u in store.list_users(store.auth_path(db))}
    log = at.dataframe[1].value
    assert "新建账号" in set(log["操作"])


# OIDC --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"sub": "u1", "ledger_role": "league", "ledger_league": BAOTOU}, ("league", BAOTOU, None)),
        ({"sub": "u2", "ledger_role": "园区管委会", "ledger_park": "P005"}, ("park", None, "P005")),
        ({"sub": "u3", "ledger_role": "leader"}, ("leader", None, None)),
    ],
)
def test_oidc_claims_map_to_a_role_and_its_league_or_park(claims: dict, expected: tuple) -> None:
    user = user_from_claims(claims)
    assert (user.role, user.league, user.park) == expected and user.source == "oidc"


@pytest.mark.parametrize("claims", [{"sub": "x"}, {"sub": "x", "ledger_role": "league"}, {"ledger_role": "root"}])
def test_oidc_claims_without_a_valid_role_are_refused_in_chinese(claims: dict) -> None:
    with pytest.raises(ValueError, match=r"角色|盟市"):
        user_from_claims(claims)


@pytest.mark.usefixtures("engine")
def test_accounts_are_created_listed_and_reset_once_and_every_change_is_audited(accounts: Path) -> None:
    store.add_user(accounts, "zhou", "Zhou-password-1", "park", "150200", "P005", "包头稀土高新区", by="demo-admin")
    with pytest.raises(store.AccountError, match="已存在"):
        store.add_user(accounts, "zhou", "Zhou-password-2", "leader")
    [listed] = [u for u in store.list_users(accounts) if u["username"] == "zhou"]
    assert (listed["role"], listed["league_code"], listed["park_id"], listed["disabled"]) == (
        "park",
        "150200",
        "P005",
        0,
    )
    token = store.authenticate(accounts, "zhou", "Zhou-password-1", True).token
    store.reset_password(accounts, "zhou", "Zhou-password-9", by="demo-admin")
    assert store.resume(accounts, token, True).user is None  # a reset ends the sessions
    assert store.authenticate(accounts, "zhou", "Zhou-password-1", True).user is None
    assert store.authenticate(accounts, "zhou", "Zhou-password-9", True).user.park == "P005"
    with pytest.raises(store.AccountError, match="不存在"):
        store.reset_password(accounts, "nobody-here", "Zhou-password-9")
    by_admin = [(r["action"], r["detail"]) for r in store.audit_rows(accounts, username="demo-admin")][:2]
    assert by_admin == [("account_reset", "zhou"), ("account_add", "zhou（园区管委会 P005）")]
    assert [r["ok"] for r in store.audit_rows(accounts, action="sign_in_failed", username="zhou")] == [0]
    assert len(store.audit_rows(accounts, limit=3)) == 3


@pytest.mark.usefixtures("engine")
def test_the_issued_register_keeps_each_issue_after_the_published_ones_with_its_audit_row(accounts: Path) -> None:
    from auth import issued

    issued.record(accounts, "demo-admin", 21, " 内大起底办〔2026〕21号 ", date(2026, 3, 1))
    issued.record(accounts, "demo-admin", 21, "", date(2026, 3, 1))  # issued again: the latest registration counts
    known = issued.issues(accounts)
    assert known[0] == issued.Issue(16, "", date(2023, 6, 8), "", "")
    assert [(i.number, i.doc_number, i.asof, i.username) for i in known[-2:]] == [
        (21, "内大起底办〔2026〕21号", date(2026, 3, 1), "demo-admin"),
        (21, "", date(2026, 3, 1), "demo-admin"),
    ]
    assert issued.suggestion(known, date(2026, 3, 1)) == known[-1]
    [audited, _] = store.audit_rows(accounts, action="bulletin_issue", limit=2)
    assert audited["detail"] == "要情通报第21期（数据截至 2026-03-01）" and audited["scope"] == "全区"


@pytest.mark.usefixtures("engine")
def test_an_oidc_sign_in_expires_after_thirty_idle_minutes_despite_its_30_day_cookie(accounts: Path, monkeypatch):
    login = datetime(2026, 12, 1, 9, 0)
    now = login + timedelta(seconds=5)
    monkeypatch.setattr(store, "clock", lambda: now)
    assert store.oidc_activity(accounts, "oidc:bt", login) == "new"
    now = login + timedelta(minutes=25)
    assert store.oidc_activity(accounts, "oidc:bt", login) == "live"
    now = login + timedelta(minutes=56)
    assert store.oidc_activity(accounts, "oidc:bt", login) == "expired"
    # the browser comes back days later with st.login's cookie: no recent activity, an old token
    now = login + timedelta(days=3)
    assert store.oidc_activity(accounts, "oidc:bt", login) == "expired"


# many users at once ------------------------------------------------------------------------------
def slow_hash(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Argon2 made as slow as on a machine under load (the pause releases the GIL as the real hash does)."""
    import time

    verify = store._verify

    def slow(stored: str, password: str) -> bool:
        time.sleep(seconds)
        return verify(stored, password)

    monkeypatch.setattr(store, "_verify", slow)


@pytest.mark.usefixtures("engine")
def test_twenty_five_simultaneous_sign_ins_and_page_views_on_one_accounts_file_give_no_error(
    accounts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit's 25 users pressing 登录 together, each then viewing pages (session checks and the sign-in
    page's "is there a real admin" question), against one accounts file, with the hash slowed as under load."""
    import threading

    names = [f"user-{n:02d}" for n in range(25)]
    for name in names:
        store.add_user(accounts, name, f"{name}-Lianxi-2026", "leader")
    slow_hash(monkeypatch, 0.5)
    before = len(store.audit_rows(accounts, action="sign_in"))  # PostgreSQL: the module's demo copy has others
    errors: list[BaseException] = []
    signed: dict[str, str] = {}
    start = threading.Barrier(len(names))

    def user(name: str) -> None:
        try:
            start.wait()
            store.has_real_admin(accounts)
            result = store.authenticate(accounts, name, f"{name}-Lianxi-2026", True)
            assert result.user is not None, result.message
            signed[name] = result.token
            for _ in range(5):
                assert store.has_real_admin(accounts) is False
                assert store.resume(accounts, result.token, True).user.username == name
        except BaseException as error:  # collected: every thread's failure counts
            errors.append(error)

    threads = [threading.Thread(target=user, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(signed) == len(names)
    assert len(store.audit_rows(accounts, action="sign_in")) - before == len(names)


def test_the_password_hash_is_never_computed_inside_a_transaction(accounts: Path, monkeypatch) -> None:
    """While a hash is being computed or checked, another connection can take the write lock at once."""
    import sqlite3

    free: list[bool] = []

    def writer_free() -> None:
        with closing_connection(accounts) as other:
            try:
                other.execute("begin immediate")
            except sqlite3.OperationalError:
                free.append(False)
            else:
                other.execute("rollback")
                free.append(True)

    class Watched:
        def __init__(self, real):
            self.real = real

        def hash(self, password: str) -> str:
            writer_free()
            return self.real.hash(password)

        def verify(self, stored: str, password: str) -> bool:
            return self.real.verify(stored, password)

    verify = store._verify

    def watched_verify(stored: str, password: str) -> bool:
        writer_free()
        return verify(stored, password)

    store.add_user(accounts, "first", "First-account-01", "leader")  # makes the file
    monkeypatch.setattr(store, "_hasher", Watched(store._hasher))
    monkeypatch.setattr(store, "_verify", watched_verify)
    store.add_user(accounts, "zhou", "Zhou-password-01", "leader")
    store.reset_password(accounts, "zhou", "Zhou-password-02")
    assert store.authenticate(accounts, "zhou", "Zhou-password-02", True).user is not None
    assert store.authenticate(accounts, "zhou", "Wrong-password-9", True).user is None
    assert store.authenticate(accounts, "nobody-here", "Wrong-password-9", True).user is None
    assert len(free) == 5 and all(free), free


def closing_connection(path: Path):
    import sqlite3
    from contextlib import closing

    return closing(sqlite3.connect(path, timeout=0, isolation_level=None))


def test_page_views_are_answered_while_another_process_holds_the_write_lock(accounts: Path, monkeypatch) -> None:
    """A page view reads (session, 'is there a real admin', the account list, the audit log) without waiting for
    a writer; its last-seen time is written at most once a minute."""
    store.add_user(accounts, "wu", "Wu-password-0001", "leader")
    now = datetime(2026, 12, 1, 9, 0)
    monkeypatch.setattr(store, "clock", lambda: now)
    token = store.authenticate(accounts, "wu", "Wu-password-0001", True).token
    monkeypatch.setattr(store, "BUSY_SECONDS", 0.2, raising=False)
    with closing_connection(accounts) as other:
        other.execute("begin immediate")  # e.g. `python -m ledger users` in the middle of a change
        now = datetime(2026, 12, 1, 9, 0, 50)
        assert store.resume(accounts, token, True).user.username == "wu"
        assert store.has_real_admin(accounts) is False
        assert [u["username"] for u in store.list_users(accounts)] == ["wu"]
        assert store.audit_rows(accounts, action="sign_in")[0]["username"] == "wu"
        other.execute("rollback")
    import sqlite3

    def last_seen() -> str:
        with closing_connection(accounts) as con:
            return con.execute("select last_seen from session").fetchone()[0]

    assert last_seen() == "2026-12-01T09:00:00"  # 50 s later: not written
    now = datetime(2026, 12, 1, 9, 1, 5)
    store.resume(accounts, token, True)
    assert last_seen() == "2026-12-01T09:01:05"
    assert sqlite3  # imported for closing_connection's errors


@pytest.mark.user("demo-leader")
def test_an_accounts_file_that_fails_at_the_top_of_the_app_gives_the_chinese_notice_with_an_error_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sqlite3

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(store, "resume", locked)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    notices = [e.value for e in at.error]
    assert any(n.startswith("系统出错，请稍后重试或联系管理员，错误编号 ") for n in notices), notices


# the smaller sign-in faults ----------------------------------------------------------------------
def test_an_unknown_name_is_answered_exactly_like_an_account_and_only_the_audit_log_tells_them_apart(
    accounts: Path, monkeypatch
) -> None:
    store.add_user(accounts, "zheng", "Zheng-password-1", "leader")
    now = datetime(2026, 12, 1, 9, 0)
    monkeypatch.setattr(store, "clock", lambda: now)
    answers = {
        name: [store.authenticate(accounts, name, f"bad-guess-{n}", True).message for n in range(7)]
        for name in ("zheng", "no-such-user")
    }
    assert answers["zheng"] == answers["no-such-user"]
    assert answers["zheng"][3] == "用户名或密码不正确" and "已锁定" in answers["zheng"][4]
    failed = {r["username"]: r["detail"] for r in store.audit_rows(accounts, action="sign_in_failed")}
    assert "密码错误" in str(store.audit_rows(accounts, username="zheng"))
    assert "用户名不存在" in failed["no-such-user"]


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("aaaaaaaaaa", "同一个字符"),
        ("1111111111", "同一个字符"),
        ("abcabcabca", "简单重复"),
        ("1212121212", "简单重复"),
        ("1234567890", "连续"),
        ("0987654321", "连续"),
        ("abcdefghij", "连续"),
        ("Qwertyuiop", "连续"),
        ("password2026", "过于常见"),
        ("Admin@123456", "过于常见"),
        ("woaini1314!", "过于常见"),
    ],
)
def test_passwords_of_one_character_simple_sequences_or_common_ones_are_refused(accounts, password, words) -> None:
    with pytest.raises(store.AccountError, match=words):
        store.add_user(accounts, "feng-liu", password, "leader")
    store.add_user(accounts, "feng-liu", "Liu-feng-2026!", "leader")
    with pytest.raises(store.AccountError, match=words):
        store.reset_password(accounts, "feng-liu", password)


def test_the_command_line_and_the_account_page_refuse_a_weak_password_with_the_same_reason(
    db: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("aaaaaaaaaa\n"))
    assert cli(["users", "add", "weak-one", "--role", "leader", "--password-stdin"]) == 1
    said = capsys.readouterr().err
    assert "密码不能由同一个字符重复组成" in said
    at = open_page("accounts")
    at.text_input(key="accounts_new_username").input("weak-two")
    at.selectbox(key="accounts_new_role").set_value("leader")
    at.text_input(key="accounts_new_pw").input("aaaaaaaaaa")
    next(b for b in at.button if b.label == "新建").click().run()
    assert any("密码不能由同一个字符重复组成" in e.value for e in at.error)
    assert not {"weak-one", "weak-two"} & {u["username"] for u in store.list_users(store.auth_path(db))}


# a session that ends while its screen keeps working ------------------------------------------------
def fragment_rerun(at: AppTest, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """Run only the page's fragments, as the browser's run_every timer does (AppTest has no call for it)."""
    import dataclasses

    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    fragments = list(at._fragment_storage._fragments)
    assert fragments, "the page has no fragment"
    original = LocalScriptRunner.request_rerun

    def fragment_only(self, rerun_data):
        scoped = dataclasses.replace(rerun_data, fragment_id_queue=fragments, is_fragment_scoped_rerun=True)
        accepted = original(self, scoped)
        self._requests._rerun_data = scoped  # a new runner starts with a full run pending, which would absorb it
        return accepted

    with monkeypatch.context() as patched:
        patched.setattr(LocalScriptRunner, "request_rerun", fragment_only)
        return at.run()


def test_a_meeting_screen_whose_account_is_disabled_stops_at_its_next_turn(db: Path, monkeypatch) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "meeting.py"), default_timeout=60)
    at.session_state["auth_token"] = session_token("demo-leader")
    at.query_params["asof"] = ASOF
    at.run()
    assert not at.exception and "mt-title" in page_text(at)
    turned = fragment_rerun(at, monkeypatch)
    assert "mt-title" in page_text(turned)  # the fragment alone draws the next slide while signed in
    store.set_disabled(store.auth_path(db), "demo-leader", True, by="demo-admin")
    stopped = fragment_rerun(at, monkeypatch)
    assert not stopped.exception
    assert "mt-title" not in page_text(stopped) and not stopped.get("plotly_chart")
    assert [t.label for t in stopped.text_input] == ["用户名", "密码"]


def test_a_deferred_download_of_a_disabled_account_is_not_made(db: Path, monkeypatch) -> None:
    made = capture_downloads(monkeypatch)
    built: list[str] = []
    import reports.meeting_deck as export

    monkeypatch.setattr(export, "meeting_deck", lambda scope, keys: built.append("deck") or b"pptx")
    at = AppTest.from_file(str(ROOT / "pages" / "meeting.py"), default_timeout=60)
    at.session_state["auth_token"] = session_token("demo-leader")
    at.run()
    assert callable(made.get("meeting_deck"))
    store.set_disabled(store.auth_path(db), "demo-leader", True, by="demo-admin")
    with pytest.raises(PermissionError):
        made["meeting_deck"]()
    assert built == []
    exports = store.audit_rows(store.auth_path(db), action="export", username="demo-leader")
    assert [r["ok"] for r in exports] in ([], [0])  # at most the refusal, never a made export


# a shared link opened while signed out -----------------------------------------------------------
def open_link(path: str, monkeypatch: pytest.MonkeyPatch, **params: str) -> tuple[AppTest, list[str]]:
    """A signed-out browser's first request for …/path?params (the browser asks for the page by its name, which
    AppTest cannot do by itself), and the "page not found" messages Streamlit sent (its English modal).

    As on a server that has served its first run: AppTest starts every run as if the process were new, when
    Streamlit still treats the pages/ folder as old-style pages (see ui/scope.py _through_router)."""
    import dataclasses

    from streamlit.runtime.forward_msg_queue import ForwardMsgQueue
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    class Served(PagesManager):  # AppTest resets this class's flag, not the one the script runner reads
        pass

    monkeypatch.setattr(app_test, "PagesManager", Served)
    monkeypatch.setattr(PagesManager, "uses_pages_directory", False)

    not_found: list[str] = []
    enqueue = ForwardMsgQueue.enqueue

    def watched(self, msg):
        if msg.HasField("page_not_found"):
            not_found.append(msg.page_not_found.page_name)
        return enqueue(self, msg)

    monkeypatch.setattr(ForwardMsgQueue, "enqueue", watched)
    original = LocalScriptRunner.request_rerun

    def by_name(self, rerun_data):
        named = dataclasses.replace(rerun_data, page_name=path, page_script_hash="")
        accepted = original(self, named)
        self._requests._rerun_data = named
        return accepted

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    with monkeypatch.context() as patched:
        patched.setattr(LocalScriptRunner, "request_rerun", by_name)
        at.run()
    return at, not_found


def sign_in(at: AppTest, username: str) -> AppTest:
    """The session the sign-in form starts (AppTest loses a form's click on a page other than the app's default
    one, so the form itself is walked on the default page above and in chromium in test_scenarios.py)."""
    at.session_state["auth_token"] = session_token(username)
    return at.run()


LINKS = [
    ("progress", {"asof": "2022-12-31"}),
    ("ledgers", {"item": "LD-150200-0001", "asof": ASOF}),
    ("meeting", {"asof": ASOF, "slide": "3"}),
    ("overview", {}),
    ("rankings", {"metric": "tax_per_mu"}),
    ("idle_map", {}),
    ("park", {"league": BAOTOU, "park": "P005"}),
    ("briefing", {}),
    ("todo", {}),
    ("review", {}),
    ("data_import", {}),
    ("accounts", {}),
    ("signin", {}),
    ("no-such-page", {"asof": ASOF}),
]


@pytest.mark.user(None)
@pytest.mark.parametrize(("path", "params"), LINKS)
def test_every_link_opened_while_signed_out_shows_the_sign_in_page_without_page_not_found(
    path: str, params: dict, monkeypatch
) -> None:
    at, not_found = open_link(path, monkeypatch, **params)
    assert not at.exception
    assert not_found == []
    assert at.title[0].value == "开发区闲置资源要素大起底看板"
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert not at.metric and not at.get("plotly_chart")


@pytest.mark.user(None)
def test_signing_in_from_a_shared_link_continues_to_that_page_and_view(demo_db: Path, monkeypatch) -> None:
    at, _ = open_link("progress", monkeypatch, asof="2022-12-31")
    at = sign_in(at, "demo-leader")
    assert not at.exception
    assert at.title[0].value == "整治进度"
    assert at.query_params["asof"] == ["2022-12-31"] or at.query_params["asof"] == "2022-12-31"
    assert "数据截至 2022-12-31" in at.caption[0].value
    _, _, items = demo_facts(demo_db)
    at, _ = open_link("ledgers", monkeypatch, item=items[BAOTOU], asof=ASOF)
    at = sign_in(at, "demo-150200")
    assert not at.exception and at.title[0].value == "台账"
    assert items[BAOTOU] in page_text(at) and "数据截至 2023-06-08" in page_text(at)


@pytest.mark.user(None)
@pytest.mark.parametrize(
    ("path", "user", "words"),
    [
        ("data_import", "demo-leader", "“数据导入”页不对领导小组成员开放，已转到总览"),
        ("accounts", "demo-150200", "“账号管理”页不对盟市工信局开放，已转到总览"),
        ("no-such-page", "demo-leader", "没有“no-such-page”这个页面，已转到总览"),
    ],
)
def test_a_link_to_a_page_the_user_does_not_have_lands_on_the_overview_with_a_chinese_notice(
    path: str, user: str, words: str, monkeypatch
) -> None:
    at, _ = open_link(path, monkeypatch)
    at = sign_in(at, user)
    assert not at.exception
    assert any(words in w.value for w in at.warning), [w.value for w in at.warning]
    assert at.title[0].value == "总览"
    assert len(at.metric) == 4 + 6


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian chromium is not installed")
def test_twenty_five_people_pressing_sign_in_together_all_get_in(demo_db: Path, tmp_path: Path, browser) -> None:
    """Against a running app: three chromium users press 登录 on a shared link while twenty-two more sign in and
    view pages through the accounts file at the same moment (another process, as the app's other sessions)."""
    import threading

    from tests.test_browser import running_app

    db = copy_database(demo_db, tmp_path)
    path = store.auth_path(db)
    names = [f"meeting-{n:02d}" for n in range(25)]
    for name in names:
        store.add_user(path, name, "Meeting-room-2026", "leader")
    errors: list[str] = []  # every failure of a user, browser or thread
    with running_app(db) as url:
        pages = []
        for name in names[:3]:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(f"{url}/progress?asof=2022-12-31")
            page.get_by_label("用户名").fill(name)
            page.get_by_label("密码").fill("Meeting-room-2026")
            pages.append(page)
        together = threading.Barrier(len(names) - len(pages) + 1)

        def user(name: str) -> None:
            together.wait()
            try:
                token = store.authenticate(path, name, "Meeting-room-2026", not store.has_real_admin(path)).token
                for _ in range(5):
                    assert store.resume(path, token, True).user.username == name
            except Exception as error:  # collected
                errors.append(f"{name}: {error!r}")

        threads = [threading.Thread(target=user, args=(name,)) for name in names[3:]]
        for thread in threads:
            thread.start()
        together.wait()
        for page in pages:
            page.get_by_role("button", name="登录").click()
        for page in pages:  # signed in: app.py draws the sidebar with 退出登录 before the linked page
            signed_in = page.get_by_role("button", name="退出登录").or_(page.get_by_text("系统出错")).first
            signed_in.wait_for(timeout=240_000)  # seconds on a quiet machine; minutes when two cores serve many
            if page.get_by_text("系统出错").count() or "/progress" not in page.url:
                errors.append(f"browser: {page.url} {page.inner_text('body')[:80]}")
        for thread in threads:
            thread.join()
        for page in pages:
            page.close()
    assert errors == []
    signed = [r["username"] for r in store.audit_rows(path, action="sign_in") if r["username"] in names]
    assert sorted(signed) == names  # each once (the copied file may hold earlier tests' sign-ins of others)
