"""What every page's export shares: the PNG/SVG/PDF menu under a chart."""

import re
from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from pages._auth import export_button
from pages._shell import current_scope
from reports.images import export_problem, figure_pdf, figure_png, figure_svg
from reports.stamp import stamp

UNSAFE = re.compile(r'[\\/:*?"<>|\s›]+')  # characters a file name should not carry (Windows, the breadcrumb)
FORMATS: dict[str, tuple[Callable[[go.Figure], bytes], str, str]] = {
    "png": (figure_png, "image/png", "PNG 图片（1920×1080，2倍清晰度，用于幻灯片）"),
    "svg": (figure_svg, "image/svg+xml", "SVG 矢量图（文字可编辑，打开它的电脑需有中文字体）"),
    "pdf": (figure_pdf, "application/pdf", "PDF（字体已嵌入，用于印刷）"),
}


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
        for fmt, (build, mime, help_text) in FORMATS.items():
            export_button(
                fmt.upper(),
                _deferred(build, fig),
                file_name=f"{UNSAFE.sub('_', name)}.{fmt}",
                what=f"图表 {fmt.upper()}",
                scope_label=scope_label,
                mime=mime,
                help=help_text,
                icon=":material/download:",
                type="tertiary",
                key=f"{key}_{fmt}",
            )
