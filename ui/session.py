"""Sign-in for every page: the sign-in form, the session kept across reloads, sign-out, OIDC, the audit log.

A built-in account's session survives a page reload through a cookie holding a random session token (never
the password; the server stores only the token's SHA-256 and ends it after IDLE_MINUTES without a page view).
Streamlit's script API cannot set response headers, so the cookie is written by a line of script in the page
(SameSite=Strict, Secure over https); it cannot be HttpOnly, which is why it carries nothing but that token."""

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import queries
from auth import store
from auth.oidc import DEFAULT_CLAIMS, PROVIDER, user_from_claims
from auth.roles import User
from ledger import db_path
from queries.db import SESSION_USER, before_sign_in
from ui.tables import table
from ui.text import plain

COOKIE = "ledger_session"
TOKEN = "auth_token"
NOTICE = "auth_notice"
COOKIE_HOURS = 8  # the browser forgets the token after a working day; the server's idle limit ends it sooner
WANTED = "auth_wanted"  # (url path, query params) a signed-out visitor opened: where sign-in continues to
PAGE_NOTICE = "auth_page_notice"  # why a signed-in user was taken to 总览 instead of the page asked for


def accounts_path() -> Path:
    return store.auth_path(db_path())


def demo_allowed() -> bool:
    """Demo accounts work until the first real admin account exists (the first step of a real deployment)."""
    return not store.has_real_admin(accounts_path())


def demo_listed() -> bool:
    """The sign-in page lists the demo accounts only while they work and every ledger is demo data."""
    with before_sign_in():
        return demo_allowed() and not queries.import_count()


def _cookie(token: str, hours: float) -> None:
    secure = "; secure" if str(st.context.url or "").startswith("https") else ""
    st.html(
        f"<script>document.cookie = '{COOKIE}={token}; path=/; max-age={int(hours * 3600)}; samesite=strict{secure}';"
        "</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


def _forget(notice: str = "") -> None:
    for key in (SESSION_USER, TOKEN):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[NOTICE] = notice


def oidc_enabled() -> bool:
    try:
        return "auth" in st.secrets and "client_id" in st.secrets["auth"]
    except Exception:  # no secrets file, or one that does not parse: OIDC stays off
        return False


def _oidc_claim_names() -> dict[str, str]:
    configured = dict(st.secrets.get("ledger_oidc", {}))
    return {**DEFAULT_CLAIMS, **{k: str(v) for k, v in configured.items() if k in DEFAULT_CLAIMS}}


def _oidc_user() -> User | None:
    """The OIDC user of this browser session after the idle check (st.login's own cookie lasts 30 days)."""
    if not st.user.is_logged_in:
        return None
    claims, path = st.user.to_dict(), accounts_path()
    try:
        user = user_from_claims(claims, _oidc_claim_names())
    except ValueError as error:
        store.record(path, f"oidc:{claims.get('sub')}", "sign_in_failed", str(error), ok=False)
        st.session_state[NOTICE] = str(error)
        st.logout()
        return None
    issued = claims.get("iat")
    state = store.oidc_activity(path, user.username, datetime.fromtimestamp(issued) if issued else None)
    if state == "expired":
        store.record(path, user.username, "session_expired", f"{store.IDLE_MINUTES} 分钟未操作（统一身份认证）")
        st.session_state[NOTICE] = f"{store.IDLE_MINUTES} 分钟未操作，已自动退出，请重新登录。"
        st.logout()
        return None
    if state == "new":
        store.record(path, user.username, "sign_in", "统一身份认证", user.park or user.league or "全区")
    return user


def current_user() -> User:
    """The signed-in user of a page's run (every page has one: page_header and app.py stop before anything else
    otherwise); signed_in_user() is the check that may find none."""
    return st.session_state[SESSION_USER]


def check_session(token: str) -> store.Resumed:
    """The one session check: is this built-in session token still live (not signed out, idle, disabled)?
    Used by every page run (signed_in_user), every fragment run (recheck_session) and every download made on
    click (export_button); it needs no Streamlit, so it works in the thread that builds a download."""
    return store.resume(accounts_path(), token, demo_allowed())


def signed_in_user() -> User | None:
    """The signed-in user of this browser session, or None; checks the session on every run (idle expiry,
    disabled accounts and sign-outs in other tabs take effect at the next click)."""
    if oidc_enabled():
        user = _oidc_user()
        if user is not None:
            st.session_state[SESSION_USER] = user
            return user
    token = st.session_state.get(TOKEN) or st.context.cookies.get(COOKIE) or ""
    if not isinstance(token, str) or not token:
        _forget()
        return None
    resumed = check_session(token)
    if resumed.user is None:
        _forget(f"{store.IDLE_MINUTES} 分钟未操作，已自动退出，请重新登录。" if resumed.expired else "")
        _cookie("", 0)
        return None
    st.session_state[SESSION_USER], st.session_state[TOKEN] = resumed.user, token
    return resumed.user


def sign_in_form() -> None:
    """The only thing an anonymous visitor sees, whatever the URL."""
    st.title("开发区闲置资源要素大起底看板")
    st.caption("内蒙古自治区工业园区建设工作领导小组 · 请登录后使用")
    if NOTICE in st.session_state:
        st.warning(st.session_state.pop(NOTICE), icon=":material/schedule:")
    left, _ = st.columns([2, 3])
    with left.form("signin_form", border=True):
        username = st.text_input("用户名", max_chars=store.MAX_USERNAME, key="signin_username")
        password = st.text_input("密码", type="password", max_chars=store.MAX_PASSWORD, key="signin_password")
        submitted = st.form_submit_button("登录", type="primary", icon=":material/login:")
    if submitted:
        result = store.authenticate(accounts_path(), username, password, demo_allowed())
        if result.user is None:
            left.error(result.message, icon=":material/lock:")
        else:
            st.session_state[SESSION_USER], st.session_state[TOKEN] = result.user, result.token
            st.session_state["auth_new_cookie"] = result.token
            st.rerun()
    if oidc_enabled():
        left.button("统一身份认证登录", on_click=st.login, args=(PROVIDER,), icon=":material/badge:")
    if demo_listed():
        with st.container(border=True):
            st.markdown("**演示账号**（仅在全部台账均为演示数据时列出；建立正式管理员账号后全部停用）")
            rows = [
                {"用户名": name, "密码": store.DEMO_PASSWORD, "角色": store_role, "单位": scope}
                for name, store_role, scope in _demo_rows()
            ]
            table(rows, "signin_demo_accounts")


def _demo_rows() -> list[tuple[str, str, str]]:
    from auth.roles import ROLE_NAMES

    return [
        (name, ROLE_NAMES[role], display.removeprefix("演示：")) for name, role, _, _, display in store.DEMO_ACCOUNTS
    ]


def require_user() -> User:
    """The signed-in user; an anonymous visitor gets the sign-in form and nothing else (the run stops)."""
    user = signed_in_user()
    if user is None:
        sign_in_form()
        st.stop()
    issue_cookie()
    return user


def issue_cookie() -> None:
    """After a sign-in, the browser keeps the new session token (see the module's docstring)."""
    if "auth_new_cookie" in st.session_state:
        _cookie(st.session_state.pop("auth_new_cookie"), COOKIE_HOURS)


def asked_path() -> str:
    """The page path the browser asked for when this session opened a link (…/progress → "progress"), if it is
    a plain name; "" for the root or a reload by page hash. Streamlit offers no public call for it."""
    ctx = get_script_run_ctx()
    name = str(getattr(ctx.pages_manager, "intended_page_name", "") or "") if ctx else ""
    name = name.strip("/")
    return name if re.fullmatch(r"[A-Za-z0-9_.\-]{1,80}", name) else ""


def remember_request(path: str) -> None:
    """While signed out: the page and view (query parameters) asked for, for after sign-in."""
    if path or WANTED not in st.session_state:
        st.session_state[WANTED] = (path, st.query_params.to_dict())


def continue_after_sign_in(pages: dict[str, st.Page], home: st.Page, refusal: Callable[[str], str]) -> None:
    """Right after sign-in: on to the page and view the signed-out visitor opened, if this user has that page;
    otherwise 总览 with a notice saying why (refusal(path))."""
    wanted = st.session_state.pop(WANTED, None)
    if not wanted or wanted[0] in ("", "signin"):
        return
    path, params = wanted
    if path not in pages:
        st.session_state[PAGE_NOTICE] = refusal(path)
        st.switch_page(home)
    st.switch_page(pages[path], query_params=params)


def page_notice() -> str:
    return st.session_state.pop(PAGE_NOTICE, "")


def recheck_session() -> User:
    """For a fragment's own run (a timer or a click inside it reruns only the fragment, not app.py and the
    page around it): the session is checked again, and if it has ended the whole app reruns, which shows the
    sign-in page. Every st.fragment starts with this."""
    user = signed_in_user()
    if user is None:
        st.rerun(scope="app")
    return user


def sign_out_box(user: User) -> None:
    """Who is signed in, and the sign-out button (in the sidebar)."""
    place = user.park or user.league
    st.caption(f":material/person: {plain(user.display_name or user.username)}（{user.role_name}）")
    if place:
        st.caption(f"可查看范围：{queries.catalog().label(place)}")
    if st.button("退出登录", key="auth_sign_out", icon=":material/logout:", type="tertiary"):
        token = st.session_state.get(TOKEN, "")
        if user.source == "oidc":
            store.oidc_forget(accounts_path(), user.username)
            store.record(accounts_path(), user.username, "sign_out", "统一身份认证")
        else:
            store.end_session(accounts_path(), token, user.username)
        _forget()
        _cookie("", 0)
        if user.source == "oidc":
            st.logout()
        st.rerun()


def audit(action: str, detail: str = "", scope: str = "", ok: bool = True) -> None:
    user = st.session_state.get(SESSION_USER)
    store.record(accounts_path(), user.username if user else "（未登录）", action, detail, scope, ok)
