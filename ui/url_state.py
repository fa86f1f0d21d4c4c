"""A page's own view in the link: which view, filters, indicator, weights, layers live in st.query_params
(short keys, allow-listed values), so a copied link reopens the same view and Back restores it.

Every run the widget is set from the URL (the URL is the truth, as for the scope); a widget's on_change
writes the URL. A default value is left out of the link. A value the page does not know falls back to the
default, with a Chinese notice, and is removed from the link. The scope keys (league, park, asof) stay
with ui/scope.py."""

from collections.abc import Callable, Mapping, Sequence

import streamlit as st

# URL value -> widget value, for the views whose widget options are their Chinese names
PROGRESS_VIEWS = {
    "phases": "阶段进度",
    "leagues": "盟市对比",
    "overdue": "超期清单",
    "notice": "督导通报",
    "paper": "纸面整改",
}
BRIEFING_VIEWS = {"bulletin": "要情通报", "deck": "汇报材料"}
RANKING_VIEWS = {
    "parks": "园区排名",
    "candidates": "倒逼腾退候选",
    "regroup": "再整合再优化",
    "thresholds": "控制性指标",
    "projects": "项目排名",
    "dynamic": "动态管理",
    "grades": "项目评价",
    "publication": "评价公示",
}


def notice(what: str, raw: str, fallback: str) -> None:
    st.warning(f"链接中的{what}“{raw}”无法识别，已显示{fallback}。", icon=":material/link_off:")


def _drop(param: str) -> None:
    if param in st.query_params:
        del st.query_params[param]


def follow(
    param: str,
    key: str,
    values: Mapping[str, object] | Sequence[str],
    default: str,
    what: str,
    label: Callable[[object], str] = str,
) -> object:
    """Set widget `key` from URL parameter `param` (values: URL value → widget value, or the allowed URL
    values when they equal the widget's); returns the widget value."""
    values = values if isinstance(values, Mapping) else {v: v for v in values}
    raw = st.query_params.get(param)
    if raw is not None and raw not in values:
        notice(what, raw, label(values[default]))
        _drop(param)
        raw = None
    if raw == default:  # a default in the link is fine, but the link is shorter without it
        _drop(param)
    st.session_state[key] = values[raw if raw is not None else default]
    return st.session_state[key]


def to_url(param: str, key: str, values: Mapping[str, object] | Sequence[str], default: str) -> None:
    """on_change: write widget `key` into URL parameter `param` (the default, or no value, leaves it out)."""
    values = values if isinstance(values, Mapping) else {v: v for v in values}
    chosen = st.session_state.get(key)
    raw = next((url for url, value in values.items() if value == chosen), default)
    if raw == default:
        _drop(param)
    else:
        st.query_params[param] = raw


def view_control(views: Mapping[str, str], default: str, key: str) -> str:
    """The page's 查看 switch (?view=overdue): options are the views' Chinese names, the URL holds their keys."""
    follow("view", key, views, default, "视图")
    chosen = st.segmented_control(
        "查看",
        list(views.values()),
        key=key,
        label_visibility="collapsed",
        on_change=to_url,
        args=("view", key, views, default),
    )
    return chosen or views[default]


def follow_text(param: str, key: str, longest: int = 50) -> str:
    """A free-text filter (search): any text up to `longest` characters."""
    raw = st.query_params.get(param, "")
    if len(raw) > longest:
        raw = raw[:longest]
        st.query_params[param] = raw
    st.session_state[key] = raw
    return raw


def text_to_url(param: str, key: str) -> None:
    text = (st.session_state.get(key) or "").strip()
    if text:
        st.query_params[param] = text
    else:
        _drop(param)


def follow_flag(param: str, key: str, what: str) -> bool:
    """An on/off filter: ?param=1 is on; no parameter is off."""
    raw = st.query_params.get(param)
    if raw not in (None, "1"):
        notice(what, raw, "全部")
        _drop(param)
        raw = None
    st.session_state[key] = raw == "1"
    return st.session_state[key]


def flag_to_url(param: str, key: str) -> None:
    if st.session_state.get(key):
        st.query_params[param] = "1"
    else:
        _drop(param)


def follow_many(param: str, key: str, allowed: Sequence[str], default: Sequence[str], what: str) -> list[str]:
    """A multi-choice (?param=a,b; ?param= is none chosen); unknown entries are dropped with a notice."""
    raw = st.query_params.get(param)
    if raw is None:
        chosen = list(default)
    else:
        named = [part for part in raw.split(",") if part]
        unknown = [part for part in named if part not in allowed]
        if unknown:
            notice(what, "、".join(unknown), "其余可识别的选项")
        chosen = [value for value in allowed if value in named]
        if unknown:
            many_to_url(param, chosen, allowed, default)
    st.session_state[key] = chosen
    return chosen


def many_to_url(param: str, chosen: Sequence[str], allowed: Sequence[str], default: Sequence[str]) -> None:
    ordered = [value for value in allowed if value in chosen]
    if ordered == [value for value in allowed if value in default]:
        _drop(param)
    else:
        st.query_params[param] = ",".join(ordered)


def follow_numbers(
    param: str, keys: Sequence[str], defaults: Sequence[int], bounds: tuple[int, int, int], what: str
) -> list[int]:
    """A fixed-length list of whole numbers (?w=40,30,20,10) into one widget per number; bounds are the
    sliders' (lowest, highest, step)."""
    raw = st.query_params.get(param)
    numbers = list(defaults)
    if raw is not None:
        parts = raw.split(",")
        low, high, step = bounds
        if len(parts) == len(keys) and all(p.isdigit() and low <= int(p) <= high and int(p) % step == 0 for p in parts):
            numbers = [int(p) for p in parts]
        else:
            notice(what, raw, "默认值")
            _drop(param)
    for key, number in zip(keys, numbers, strict=True):
        st.session_state[key] = number
    return numbers


def numbers_to_url(param: str, keys: Sequence[str], defaults: Sequence[int]) -> None:
    numbers = [int(st.session_state[key]) for key in keys]
    if numbers == list(defaults):
        _drop(param)
    else:
        st.query_params[param] = ",".join(map(str, numbers))


def url_of(values: Mapping[str, object], value: object) -> str:
    """The URL value of a widget value (for links and tests): url_of(PROGRESS_VIEWS, "超期清单") == "overdue"."""
    return next(url for url, shown in values.items() if shown == value)


def follow_page(param: str, key: str, pages: int) -> int:
    """A page number (?page=3) from 1 to `pages`: not a number falls back to the first page with a notice, a page
    past the end (the list got shorter) to the last one."""
    raw = st.query_params.get(param)
    number = 1
    if raw is not None:
        if not raw.isdigit() or int(raw) < 1:
            notice("页码", raw, "第 1 页")
            _drop(param)
        elif int(raw) > pages:
            st.info(f"链接中的第 {raw} 页已超出范围（共 {pages} 页），已显示最后一页。", icon=":material/last_page:")
            number = pages
            page_to_url_value(param, number)
        else:
            number = int(raw)
            if number == 1:
                _drop(param)
    st.session_state[key] = number
    return number


def page_to_url_value(param: str, number: int) -> None:
    if number <= 1:
        _drop(param)
    else:
        st.query_params[param] = str(number)


def page_to_url(param: str, key: str) -> None:
    page_to_url_value(param, int(st.session_state.get(key) or 1))


def page_input(where, param: str, key: str, pages: int) -> None:
    """The page-number box of a paged list (in `where`, a column), its value written to the link (?param=)."""
    where.number_input(f"页码（共 {pages:,} 页）", 1, pages, step=1, key=key, on_change=page_to_url, args=(param, key))
