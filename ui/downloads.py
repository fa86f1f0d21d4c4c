"""Every download of the app: the one audited export_button, the PNG/SVG/PDF menu under a chart, and the one
table of file types (the MIME type a browser is told for each kind of file)."""

import logging
import re
from collections.abc import Callable
from pathlib import PurePath

import plotly.graph_objects as go
import streamlit as st

from auth import store
from auth.roles import User
from queries.db import SESSION_USER, NotSignedIn, acting_as
from reports.images import export_problem, figure_pdf, figure_png, figure_svg
from reports.stamp import stamp
from ui.scope import current_scope
from ui.session import TOKEN, accounts_path, check_session

MIME = {  # by file suffix: what every export and document of the app is sent as
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "csv": "text/csv",
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}
UNSAFE = re.compile(r'[\\/:*?"<>|\s›]+')  # characters a file name should not carry (Windows, the breadcrumb)
FORMATS: dict[str, tuple[Callable[[go.Figure], bytes], str]] = {  # a chart's image formats, with their help text
    "png": (figure_png, "PNG 图片（1920×1080，2倍清晰度，用于幻灯片）"),
    "svg": (figure_svg, "SVG 矢量图（文字可编辑，打开它的电脑需有中文字体）"),
    "pdf": (figure_pdf, "PDF（字体已嵌入，用于印刷）"),
}


def mime_of(file_name: str) -> str:
    """The MIME type of one of the app's own exports, from its file name's suffix."""
    return MIME[PurePath(file_name).suffix.lstrip(".").lower()]


def _still_signed_in(user: User, token: str) -> bool:
    """At the moment a download is made: the session that drew the button is still live (built-in accounts
    through check_session; 统一身份认证 through its idle record)."""
    if user.source == "oidc":
        return store.oidc_live(accounts_path(), user.username)
    resumed = check_session(token)
    return resumed.user is not None and resumed.user.username == user.username


def export_button(
    label: str,
    data: bytes | Callable[[], bytes],
    file_name: str,
    what: str,
    scope_label: str,
    mime: str | None = None,
    **options,
) -> None:
    """st.download_button that writes the export to the audit log (what, which scope) when it is made. Data
    made on click runs with the clicking user's limits, outside the page's run. The MIME type follows the file
    name (MIME) unless given, as for an evidence file of the type it was uploaded with."""
    user: User = st.session_state[SESSION_USER]
    path = accounts_path()
    detail = f"{what}：{file_name}"
    mime = mime or mime_of(file_name)

    if callable(data):
        build, token = data, st.session_state.get(TOKEN, "")

        def audited() -> bytes:
            if not _still_signed_in(user, token):  # signed out, disabled or idle since the page was drawn
                store.record(path, user.username, "export", f"{detail}（会话已结束，未生成）", scope_label, ok=False)
                raise NotSignedIn("登录已失效，请刷新页面重新登录")
            try:
                with acting_as(user):
                    content = build()
            except Exception as error:  # Streamlit shows a line under the button (Chinese: assets/streamlit_zh.css)
                logging.getLogger(__name__).exception("export failed: %s", detail)
                failed = f"{detail}（失败：{type(error).__name__}）"
                store.record(path, user.username, "export", failed, scope_label, False)
                raise
            store.record(path, user.username, "export", detail, scope_label)
            return content

        st.download_button(label, data=audited, file_name=file_name, mime=mime, on_click="ignore", **options)
    else:
        st.download_button(
            label,
            data=data,
            file_name=file_name,
            mime=mime,
            on_click=lambda: store.record(path, user.username, "export", detail, scope_label),
            **options,
        )


def _deferred(build: Callable[[go.Figure], bytes], fig: go.Figure) -> Callable[[], bytes]:
    return lambda: build(fig)


def export_menu(fig: go.Figure, name: str, key: str) -> None:
    """PNG, SVG and PDF of the figure, made on the server only when a button is clicked (with its title, scope,
    数据截至, source and 演示数据 mark); when the server cannot make images, says exactly what is missing."""
    problem = export_problem()
    if problem:
        st.caption(f":material/image_not_supported: {problem}")
        return
    scope_label = stamp(current_scope()[0]).scope_label
    with st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center", key=f"{key}_export"):
        st.caption("导出图表（含标题、范围、数据截至、来源）：", width="content")
        for fmt, (build, help_text) in FORMATS.items():
            export_button(
                fmt.upper(),
                _deferred(build, fig),
                file_name=f"{UNSAFE.sub('_', name)}.{fmt}",
                what=f"图表 {fmt.upper()}",
                scope_label=scope_label,
                help=help_text,
                icon=":material/download:",
                type="tertiary",
                key=f"{key}_{fmt}",
            )
