"""The scope every page shows (盟市, 园区, 数据截至 from the URL): the scope bar, drilling, the stamp of an export,
and the page header with the 演示数据 banner."""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

import queries
from queries.db import SESSION_USER
from queries.scope import EVERYWHERE, Catalog, Scope, breadcrumb, resolve_scope
from ui.chrome import print_layout
from ui.session import current_user, require_user

SCOPE_KEYS = ("league", "park", "asof")
LAST = "scope_last"  # the scope of the previous run, restored when navigation drops the query string


def catalog() -> Catalog:
    return queries.catalog()


def _raw() -> dict[str, str]:
    raw = {k: st.query_params[k] for k in SCOPE_KEYS if k in st.query_params}
    if not raw and LAST in st.session_state:
        raw = dict(st.session_state[LAST])
    return raw


def current_scope() -> tuple[Scope, list[str]]:
    """The scope named by the URL (or the previous run's) within what the user may see, corrected, with
    warnings for what was wrong."""
    user = st.session_state.get(SESSION_USER)
    return resolve_scope(_raw(), catalog(), user.allowed if user else EVERYWHERE)


def set_scope(scope: Scope) -> None:
    """Write the scope into the URL (only its own keys) and remember it for page switches."""
    wanted = scope.query_params()
    for key in SCOPE_KEYS:
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]
    st.session_state[LAST] = wanted


def drill(scope: Scope, **changes: Any) -> None:
    """Move the whole app to another scope (e.g. league=150200, park=None) and rerun."""
    values = {"league": scope.league, "park": scope.park, "asof": scope.asof, **changes}
    set_scope(Scope(**values))
    st.rerun()


def drill_down(scope: Scope, unit: str) -> None:
    """One level down from the scope: from the region into league `unit`, from a league into its park `unit`."""
    drill(scope, **({"league": unit, "park": None} if scope.league is None else {"park": unit}))


def _through_router() -> None:
    """Streamlit treats a folder named pages/ as old-style pages until app.py first calls st.navigation, so
    the first visitor after a restart who opens a deep link (…/progress) would get the bare page without
    the scope bar. Switch that mode off and rerun, which runs app.py and lands on the same page."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def screen_scope() -> tuple[Scope, list[str]]:
    """page_header's scope without the header, for a full-screen page (会议模式) that draws its own."""
    _through_router()
    require_user()
    scope, warnings = current_scope()
    set_scope(scope)
    return scope, warnings


def meeting_link(scope: Scope) -> None:
    """The 会议模式 button: the same scope and date on the meeting-room screen, in a new tab."""
    st.link_button("会议模式", f"meeting?{urlencode(scope.query_params())}", icon=":material/tv:", type="tertiary")


def page_header(title: str) -> Scope:
    """Title, breadcrumb, URL warnings and the 演示数据 banner; returns the page's scope."""
    _through_router()
    require_user()
    scope, warnings = current_scope()
    for warning in warnings:
        st.warning(warning, icon=":material/warning:")
    set_scope(scope)
    print_layout()
    st.title(title)
    meeting_link(scope)
    st.caption(" › ".join(breadcrumb(scope, catalog())) + f"　｜　数据截至 {scope.asof:%Y-%m-%d}")
    origin = queries.data_origin(scope)
    if origin.demo_items and origin.imported_items:
        st.info(
            f"**部分为演示数据**：{origin.imported_parts}已导入真实台账；"
            f"本范围其余 {origin.demo_items} 条为按公开发布数字校准的演示数据，不是真实台账。",
            icon=":material/science:",
        )
    elif origin.demo_items:
        st.info(
            "**演示数据**：本范围的台账为按公开发布数字校准的演示数据，不是真实台账。",
            icon=":material/science:",
        )
    elif not origin.imported_items:
        st.warning("该范围暂无台账条目。请换一个盟市或园区，或到“数据导入”页导入台账。", icon=":material/inbox:")
    return scope


def selected_key(event: Mapping | None, key_by_label: Mapping[str, str]) -> str | None:
    """The key (customdata[0]) of the clicked bar, from a real selection event or an injected dict."""
    if not event:
        return None
    points = event["selection"]["points"]
    if not points:
        return None
    point = points[0]
    custom = point.get("customdata")
    if custom:
        return str(custom[0])
    return key_by_label.get(str(point.get("x")))


def _on_league() -> None:
    league = st.session_state["scope_league"]
    if league:
        st.query_params["league"] = league
    elif "league" in st.query_params:
        del st.query_params["league"]
    if "park" in st.query_params:
        del st.query_params["park"]


def _on_park() -> None:
    if st.session_state["scope_park"]:
        st.query_params["park"] = st.session_state["scope_park"]
    elif "park" in st.query_params:
        del st.query_params["park"]


def _on_asof() -> None:
    if st.session_state["scope_asof"]:
        st.query_params["asof"] = st.session_state["scope_asof"].isoformat()


def scope_bar() -> None:
    """盟市 → 园区 → 数据截至, kept equal to the URL (widgets follow the URL, callbacks write it)."""
    scope, _ = current_scope()
    cat = catalog()
    home = current_user().allowed
    st.session_state["scope_league"] = scope.league or ""
    st.session_state["scope_park"] = scope.park or ""
    st.session_state["scope_asof"] = scope.asof
    st.selectbox(
        "盟市",
        ["", *cat.leagues] if home.league is None else [home.league],
        format_func=lambda code: cat.leagues.get(code, "全区（12个盟市）"),
        key="scope_league",
        on_change=_on_league,
        disabled=home.league is not None,
        help="您的账号只能查看本盟市" if home.league else None,
    )
    park_ids = [pid for pid, (_, league) in cat.parks.items() if league == scope.league]
    st.selectbox(
        "园区",
        ["", *park_ids] if home.park is None else [home.park],
        format_func=lambda pid: cat.parks[pid][0] if pid else "全部园区",
        key="scope_park",
        on_change=_on_park,
        disabled=scope.league is None or home.park is not None,
        help="您的账号只能查看本园区" if home.park else "先选择盟市，再选择其所属园区",
    )
    st.date_input(
        "数据截至",
        min_value=cat.first_date,
        max_value=cat.last_date,
        key="scope_asof",
        on_change=_on_asof,
        format="YYYY-MM-DD",
    )
    st.caption(f"数据范围 {cat.first_date} 至 {cat.last_date}。筛选条件保存在网址中，复制链接即可分享当前视图。")
