"""The permission table in auth/roles.py is the one answer to who may do what: walked here for the four roles
against a matrix written out by hand (today's behaviour), and shown to decide the sidebar menu and each page's
own refusal, so that changing a row of the table is the whole of a permission change."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from auth.roles import ADMIN, LEADER, Action
from tests.conftest import DEMO_USERS, ROOT, session_token

BAOTOU, CHIFENG = "150200", "150400"
P005, OTHER_BAOTOU_PARK, CHIFENG_PARK = "P005", "P016", "P024"  # the park user's own park, a neighbour, elsewhere
USERS = ["demo-leader", "demo-admin", "demo-150200", "demo-P005"]  # one account of each role
MATRIX = {  # today's permissions, written out by hand: 1 = the role may
    #                           leader admin league park
    Action.VIEW:               (1,     1,    1,     1),
    Action.WORK_ON_ITEMS:      (0,     1,    1,     1),
    Action.REVIEW_CLOSURE:     (0,     1,    0,     0),
    Action.DECIDE_EXTENSION:   (0,     1,    0,     0),
    Action.WITHDRAW_EVIDENCE:  (0,     1,    0,     0),
    Action.IMPORT:             (0,     1,    1,     0),
    Action.SEE_STORAGE:        (0,     1,    0,     0),
    Action.MANAGE_ACCOUNTS:    (0,     1,    0,     0),
    Action.SEND_ORDER:         (1,     1,    0,     0),
    Action.ACKNOWLEDGE_ORDER:  (0,     0,    1,     1),
    Action.READ_INBOX:         (1,     1,    1,     1),
    Action.SEE_REGION:         (1,     1,    0,     0),
    Action.DRAW_RECHECK:       (0,     1,    0,     0),
    Action.INSPECT_RECHECK:    (0,     1,    0,     0),
    Action.RECORD_PARK_ACTION: (0,     1,    0,     0),
    Action.PUBLISH_GRADES:     (0,     1,    0,     0),
    Action.OBJECT_TO_GRADE:    (0,     0,    1,     1),
    Action.APPROVE_GRADES:     (1,     1,    0,     0),
}  # fmt: skip
MENUS = {
    "demo-leader": ["总览", "消息", "督办单", "回头看", "整治进度", "园区排名", "闲置资产地图", "台账", "园区档案",
                    "导出与通报", "会议模式", "法定时限", "订阅推送"],
    "demo-admin": ["总览", "我的待办", "消息", "督办单", "销号审核", "回头看", "整治进度", "园区排名", "闲置资产地图",
                   "台账", "园区档案", "导出与通报", "会议模式", "法定时限", "订阅推送", "数据导入", "账号管理"],
    "demo-150200": ["总览", "我的待办", "消息", "督办单", "回头看", "整治进度", "园区排名", "闲置资产地图", "台账",
                    "园区档案", "导出与通报", "会议模式", "法定时限", "订阅推送", "数据导入"],
    "demo-P005": ["总览", "我的待办", "消息", "督办单", "回头看", "整治进度", "园区排名", "闲置资产地图", "台账",
                  "园区档案", "导出与通报", "会议模式", "法定时限", "订阅推送"],
}  # fmt: skip
# the pages that refuse, when opened directly, a user without the action that opens them
GUARDED_PAGES = {"review": Action.REVIEW_CLOSURE, "data_import": Action.IMPORT, "accounts": Action.MANAGE_ACCOUNTS}


def expected(username: str) -> set[Action]:
    """The user's row of the matrix."""
    column = USERS.index(username)
    return {action for action, row in MATRIX.items() if row[column]}


def menu(username: str) -> list[str]:
    """The sidebar's page titles app.py shows the user, in order (消息 without its unread count)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["auth_token"] = session_token(username)
    at.run()
    assert not at.exception
    return [link.proto.label.split("（")[0] for link in at.get("page_link")]


def refused(page: str, username: str) -> bool:
    """Whether the page, opened directly, refuses the user with its Chinese notice."""
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    at.session_state["auth_token"] = session_token(username)
    at.run()
    assert not at.exception
    return any("仅对" in error.value for error in at.error)


@pytest.mark.parametrize("username", USERS)
def test_each_role_has_exactly_the_actions_of_the_matrix(username: str) -> None:
    user = DEMO_USERS[username]
    assert {action for action in Action if user.may(action)} == expected(username)


def test_every_action_says_in_chinese_what_it_allows() -> None:
    for action in Action:
        assert re.search(r"[\u4e00-\u9fff]{4}", action.description), action.name
        assert action.roles, action.name


@pytest.mark.parametrize(
    ("username", "action", "league", "park", "allowed"),
    [
        ("demo-admin", Action.IMPORT, CHIFENG, None, True),
        ("demo-150200", Action.IMPORT, BAOTOU, None, True),
        ("demo-150200", Action.IMPORT, CHIFENG, None, False),
        ("demo-P005", Action.IMPORT, BAOTOU, None, False),
        ("demo-leader", Action.IMPORT, BAOTOU, None, False),
        ("demo-admin", Action.WORK_ON_ITEMS, CHIFENG, CHIFENG_PARK, True),
        ("demo-150200", Action.WORK_ON_ITEMS, BAOTOU, OTHER_BAOTOU_PARK, True),
        ("demo-150200", Action.WORK_ON_ITEMS, CHIFENG, CHIFENG_PARK, False),
        ("demo-P005", Action.WORK_ON_ITEMS, BAOTOU, P005, True),
        ("demo-P005", Action.WORK_ON_ITEMS, BAOTOU, OTHER_BAOTOU_PARK, False),
        ("demo-P005", Action.WORK_ON_ITEMS, CHIFENG, CHIFENG_PARK, False),
        ("demo-leader", Action.WORK_ON_ITEMS, BAOTOU, P005, False),
    ],
)
def test_an_action_on_a_named_place_is_allowed_only_within_the_users_own_part(
    username: str, action: Action, league: str, park: str | None, allowed: bool
) -> None:
    assert DEMO_USERS[username].may(action, league, park) is allowed


@pytest.mark.parametrize("username", USERS)
def test_the_sidebar_menu_of_each_role_is_the_pages_its_actions_open(username: str) -> None:
    assert menu(username) == MENUS[username]


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("page", GUARDED_PAGES)
def test_a_page_opened_directly_refuses_exactly_the_roles_without_its_action(page: str, username: str) -> None:
    assert refused(page, username) is (GUARDED_PAGES[page] not in expected(username))


def test_a_changed_row_of_the_table_changes_the_menu_and_the_page_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Action.MANAGE_ACCOUNTS, "roles", frozenset({ADMIN, LEADER}))
    monkeypatch.setattr(Action.IMPORT, "roles", frozenset({ADMIN}))
    assert menu("demo-leader") == [*MENUS["demo-leader"], "账号管理"]
    assert not refused("accounts", "demo-leader")
    assert "数据导入" not in menu("demo-150200")
    assert refused("data_import", "demo-150200")


def test_no_code_outside_auth_compares_a_users_role() -> None:
    """Permissions are asked of User.may; a role name compared elsewhere would be a second, silent table."""
    compared = re.compile(r"\.role\s*(==|!=|in\b|not in\b)")
    folders = ["pages", "ui", "ledger", "queries", "charts", "reports"]
    files = [ROOT / "app.py", *(f for folder in folders for f in sorted((ROOT / folder).rglob("*.py")))]
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if compared.search(line)
    ]
    assert found == []
