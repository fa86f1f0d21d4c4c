"""Look and language of every figure: fonts, colours, and the source/scope/as-of footnote."""

from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go

from ledger.vocabulary import APPLIED, CLOSED, OPEN, WORKING

FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"
SOURCE = "开发区闲置资源要素大起底台账"

STATUS_COLORS = {OPEN: "#c0392b", WORKING: "#e67e22", APPLIED: "#27ae60", CLOSED: "#1e6b3a"}
STATE_COLORS = {"已结束": "#1e6b3a", "进行中": "#1565c0", "未开始": "#9e9e9e"}
GOOD, BAD, NEUTRAL, ACCENT = "#2e7d32", "#c62828", "#90a4ae", "#1565c0"


@dataclass(frozen=True)
class Stamp:
    """What every exported figure must say about itself."""

    scope_label: str  # 全区 / 包头市 / 包头稀土高新技术产业开发区
    asof: date
    demo: bool

    def footnote(self) -> str:
        source = f"{SOURCE}（演示数据）" if self.demo else SOURCE
        return f"数据来源：{source}　范围：{self.scope_label}　数据截至：{self.asof:%Y-%m-%d}"


MIN_TEXT = 14  # px: ticks, legends, notes and the footnote stay readable on a projector (issue #17)


def _bottom_offset(fig: go.Figure) -> float:
    """Pixels from the plot's bottom edge to below the x axis' tick labels (turned or not) and title, so the
    footnote never overprints a rotated park name."""
    from charts.press import _bottom_axis_height  # the press layout's own estimate; it imports this module

    layout = fig.layout.to_plotly_json()
    data = [trace.to_plotly_json() for trace in fig.data]
    return max(_bottom_axis_height(layout, data, MIN_TEXT, 1e9), 30.0)  # 1e9: keep the figure's own tick angle


def finish(fig: go.Figure, title: str, stamp: Stamp, height: int = 440) -> go.Figure:
    """Chinese title, fonts (at least 14 px) and the footnote under the axis labels; the camera button exports
    a 16:9 PNG."""
    offset = _bottom_offset(fig)
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 20}},
        font={"family": FONT, "size": MIN_TEXT},
        legend={"font": {"size": MIN_TEXT}},
        height=height + max(0, int(offset) - 60),
        margin={"l": 60, "r": 30, "t": 64, "b": int(offset) + 36},
        plot_bgcolor="white",
        paper_bgcolor="white",
        separators=".,",
        modebar={"orientation": "v"},  # down the right edge, never over the title
    )
    for annotation in fig.layout.annotations:  # notes over the plot, e.g. the reference line's
        if annotation.font.size is not None and annotation.font.size < MIN_TEXT:
            annotation.font.size = MIN_TEXT
    fig.add_annotation(
        text=stamp.footnote(),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-offset,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": MIN_TEXT, "color": "#616161"},
        name="footnote",
    )
    return fig


def plotly_config(filename: str) -> dict:
    """The browser's own camera button: a high-resolution 16:9 PNG that always works."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "width": 1920, "height": 1080, "scale": 2},
    }
