"""Shared fixtures: the calibrated demo database and a tiny hand-made one, caches cleared per test."""

import os
import shutil
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from auth import store
from auth.roles import User
from ledger import db_path
from ledger.demo import build_demo, write_database

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [  # chromium on a machine without a display or an open network (STACK-NOTES)
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
os.environ.setdefault("LEDGER_DEBUG", "1")  # ui/errors.py then also shows st.exception, which AppTest reports


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "ledger.duckdb"
    build_demo(path)
    store.seed_demo_accounts(store.auth_path(path))
    return path


def copy_database(source: Path, folder: Path) -> Path:
    """A private copy of a ledger database and its accounts file: a server that holds a database read-write
    locks it against every other process, so each server in a test gets its own."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "ledger.duckdb"
    shutil.copyfile(source, target)
    if store.auth_path(source).exists():
        shutil.copyfile(store.auth_path(source), store.auth_path(target))
    return target


DEMO_USERS = {
    name: User(name, role, league, park, display) for name, role, league, park, display in store.DEMO_ACCOUNTS
}
# A real (not demo) admin: demo accounts stop working once a ledger is imported, so tests that import use it.
TEST_ADMIN = User("test-admin", "admin", display_name="测试管理员")


def session_token(username: str, db: Path | None = None) -> str:
    """A live session of a demo account (or test-admin) in the accounts file beside db (made if missing)."""
    accounts = store.auth_path(db or db_path())
    user = TEST_ADMIN if username == TEST_ADMIN.username else DEMO_USERS[username]
    if not any(row["username"] == username for row in store.list_users(accounts)):
        store.add_user(accounts, username, store.DEMO_PASSWORD, user.role, user.league, user.park,
                       user.display_name, demo=user is not TEST_ADMIN)  # fmt: skip
    return store.session_for(accounts, user, "test")


def capture_downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The data of every download button a page draws, by key (a callable for a file made on click, which
    AppTest cannot click: the test calls it as Streamlit would)."""
    made: dict[str, object] = {}
    real = st.download_button

    def capture(label, data=None, *args, **kwargs):
        made[kwargs.get("key")] = data
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", capture)
    return made


@pytest.fixture(autouse=True)
def signed_in(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every AppTest runs signed in as demo-admin, unless the test is marked @pytest.mark.user("demo-150200")
    for another demo account or @pytest.mark.user(None) for an anonymous visitor."""
    marker = request.node.get_closest_marker("user")
    username = marker.args[0] if marker else "demo-admin"

    def signing_in(original):
        def make(cls, *args, **kwargs) -> AppTest:
            at = original(cls, *args, **kwargs)
            if username:
                at.session_state["auth_token"] = session_token(username)
            return at

        return classmethod(make)

    for name in ("from_file", "from_string", "from_function"):
        monkeypatch.setattr(AppTest, name, signing_in(getattr(AppTest, name).__func__))


def read_database(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point LEDGER_DB (app, queries, CLI) at path for this test, with empty Streamlit caches."""
    monkeypatch.setenv("LEDGER_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    return path


@pytest.fixture(autouse=True)
def use_demo_db(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test reads the demo database unless it points LEDGER_DB elsewhere."""
    yield read_database(demo_db, monkeypatch)
    st.cache_data.clear()
    st.cache_resource.clear()


def _d(text: str) -> date:
    return date.fromisoformat(text)


def tiny_rows() -> dict[str, list[dict]]:
    """Two leagues, three parks, seven items whose figures are easy to count by hand."""
    league = [
        {"league_code": "150100", "name": "呼和浩特市", "short_name": "呼和浩特", "seat_lat": 40.8, "seat_lon": 111.7},
        {"league_code": "150200", "name": "包头市", "short_name": "包头", "seat_lat": 40.6, "seat_lon": 109.8},
    ]
    park = [
        {
            "park_id": pid,
            "name": name,
            "league_code": lc,
            "county": None,
            "level": "自治区级",
            "park_type": "工业园区",
            "catalogue_code": None,
            "approved_year": 2006,
            "approved_area_ha": 100.0,
            "leading_industries": "冶金",
            "industry_category": "冶金",
            "lat": 40.7,
            "lon": 110.0,
        }
        for pid, name, lc in [("P001", "甲园区", "150100"), ("P002", "乙园区", "150200"), ("P003", "丙园区", "150200")]
    ]
    phase = [
        {
            "phase_id": "mobilization",
            "name": "宣传动员",
            "start_date": _d("2022-07-01"),
            "end_date": _d("2022-07-31"),
            "sort": 1,
        },
        {
            "phase_id": "survey",
            "name": "排查摸底",
            "start_date": _d("2022-08-01"),
            "end_date": _d("2022-08-31"),
            "sort": 2,
        },
        {
            "phase_id": "rectification",
            "name": "集中整治",
            "start_date": _d("2022-09-01"),
            "end_date": _d("2022-12-31"),
            "sort": 3,
        },
        {
            "phase_id": "long_term",
            "name": "长效盘活",
            "start_date": _d("2023-01-01"),
            "end_date": _d("2025-12-31"),
            "sort": 4,
        },
    ]
    items = [
        # item_id, ledger, park, found, deadline, events
        (
            "LD1",
            "land",
            "P002",
            "2022-08-10",
            "2022-12-31",
            [("2022-08-10", "待整改"), ("2022-09-01", "整改中"), ("2022-11-01", "已整改")],
        ),
        ("LD2", "land", "P003", "2022-08-20", "2022-12-31", [("2022-08-20", "待整改")]),
        (
            "FD1",
            "idle_fund",
            "P001",
            "2022-08-05",
            "2022-12-31",
            [("2022-08-05", "待整改"), ("2022-10-01", "已整改"), ("2022-11-01", "已销号")],
        ),
        ("ST1", "stalled", "P002", "2022-09-15", "2023-06-30", [("2022-09-15", "待整改"), ("2022-10-01", "整改中")]),
        (
            "PA1",
            "pending_approval",
            "P003",
            "2022-08-01",
            "2022-12-31",
            [("2022-08-01", "待整改"), ("2023-01-10", "已整改")],
        ),
        ("IF1", "infrastructure", "P001", "2022-08-01", "2024-12-31", [("2022-08-01", "待整改")]),
        ("IN1", "indicator", "P002", "2022-08-15", "2023-12-31", [("2022-08-15", "待整改"), ("2023-03-01", "已整改")]),
    ]
    item, item_event = [], []
    for item_id, ledger, park_id, found, deadline, events in items:
        item.append(
            {
                "item_id": item_id,
                "ledger": ledger,
                "park_id": park_id,
                "title": f"测试条目{item_id}",
                "found_date": _d(found),
                "deadline": _d(deadline),
                "responsible_unit": "测试单位",
                "measure": "测试措施",
                "closed_date": None,
                "evidence": None,
                "batch_id": None,
            }
        )
        for seq, (day, status) in enumerate(events, start=1):
            item_event.append({"item_id": item_id, "seq": seq, "event_date": _d(day), "status": status, "note": None})
    return {
        "league": league,
        "park": park,
        "phase": phase,
        "item": item,
        "item_event": item_event,
        "land": [
            {
                "item_id": "LD1",
                "land_kind": "闲置土地",
                "area_mu": D("150"),
                "approved_date": None,
                "idle_since": None,
                "cause": None,
                "disposal": None,
                "lat": 40.6,
                "lon": 109.8,
            },
            {
                "item_id": "LD2",
                "land_kind": "批而未供",
                "area_mu": D("30"),
                "approved_date": None,
                "idle_since": None,
                "cause": None,
                "disposal": None,
                "lat": 40.6,
                "lon": 109.8,
            },
        ],
        "idle_fund": [
            {
                "item_id": "FD1",
                "source": "专项资金",
                "nature": "财政专项资金",
                "fund_year": 2019,
                "balance_wan": D("100"),
                "returned_wan": D("80"),
            }
        ],
        "stalled": [
            {
                "item_id": "ST1",
                "kind": "停产企业",
                "zombie": True,
                "stopped_since": _d("2020-01-01"),
                "land_mu": D("45"),
                "energy_tce": None,
                "water_t": None,
                "reason": None,
                "mode": None,
                "lat": 40.6,
                "lon": 109.8,
            }
        ],
        "pending_approval": [
            {
                "item_id": "PA1",
                "project_stage": "在建",
                "approval_item": "环评",
                "approval_count": 3,
                "approval_authority": "盟市级审批部门",
                "acceptance": "已受理",
            }
        ],
        "infrastructure": [
            {
                "item_id": "IF1",
                "facility_type": "渣场",
                "investment_wan": D("500"),
                "build_status": "长期未建成",
                "procedures_complete": True,
                "lat": 40.8,
                "lon": 111.7,
            }
        ],
        "built_project": [
            {
                "project_id": "BP1",
                "park_id": "P002",
                "name": "测试项目",
                "industry_category": "冶金",
                "land_mu": D("60"),
                "investment_wan": D("6000"),
                "output_wan": D("3000"),
                "tax_wan": D("60"),
                "floor_area_m2": D("20000"),
                "year": 2019,
            }
        ],
        "indicator": [
            {"item_id": "IN1", "project_id": "BP1", "indicator": "output_per_mu", "value": 50.0, "threshold": 300.0}
        ],
        "infra_survey": [
            {
                "project_id": "IS1",
                "park_id": "P001",
                "name": "渣场",
                "facility_type": "渣场",
                "surveyed_date": _d("2022-08-01"),
                "build_status": "长期未建成",
                "procedures_complete": True,
                "item_id": "IF1",
            },
            {
                "project_id": "IS2",
                "park_id": "P002",
                "name": "道路",
                "facility_type": "道路",
                "surveyed_date": _d("2022-08-02"),
                "build_status": "已建成投运",
                "procedures_complete": False,
                "item_id": None,
            },
        ],
        "stopped_enterprise": [
            {
                "enterprise_id": "SE1",
                "park_id": "P002",
                "name": "甲公司",
                "stopped_since": _d("2020-01-01"),
                "surveyed_date": _d("2022-08-03"),
                "item_id": "ST1",
            },
            {
                "enterprise_id": "SE2",
                "park_id": "P003",
                "name": "乙公司",
                "stopped_since": _d("2022-01-01"),
                "surveyed_date": _d("2022-08-03"),
                "item_id": None,
            },
        ],
    }


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    write_database(tiny_rows(), path)
    return path


@pytest.fixture
def use_tiny_db(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_database(tiny_db, monkeypatch)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright, one per test module (the browser tests' own skip marks apply)."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()
