"""会议模式 on the meeting-room screen: options from the URL, the page's CSS, a slide as large-type HTML and chart."""

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from charts import format as fmt
from charts.deck import Slide
from charts.export import press_figure
from charts.overview import Card
from charts.theme import FONT

WIDTH, HEIGHT = 1920, 1080  # the slide's layout pixels (CSS pixels; a 4K screen has two device pixels to each)
PAD = 40
CHART_WIDTH = WIDTH - 2 * PAD
NOTE_HEIGHT = 36  # a line of notes under the chart
FONT_SCALE = 2.0  # plotly's 12–13 px builders' fonts become 24–26 px: readable from the back of the room
MAP_LABEL = 20  # px: names of the 盟市 on the map (its legend and list keep 24 px and more)
INTERVAL, INTERVAL_RANGE = 20, (5, 600)  # seconds a slide stays up


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    panel: str
    border: str
    text: str
    muted: str
    accent: str
    good: str
    bad: str


THEMES = {
    "light": Theme("浅色", "#ffffff", "#f5f8fc", "#cfd8dc", "#1a1a1a", "#546e7a", "#1565c0", "#2e7d32", "#c62828"),
    "dark": Theme("深色", "#0b1726", "#13253b", "#27405e", "#f1f5f9", "#a7b8cc", "#64b5f6", "#66bb6a", "#ff6e6e"),
}
# Colours the figure builders use for a white page, and what they become on the dark screen.
DARK_COLORS = {
    "white": "#0b1726",
    "#ffffff": "#0b1726",
    "#eeeeee": "#27405e",
    "#f5f5f5": "#1b3049",
    "#e3f2fd": "#1e4a7a",
    "#9e9e9e": "#6f86a3",
    "#757575": "#c5d3e3",
    "#616161": "#c5d3e3",
    "#546e7a": "#b0bec5",
    "#424242": "#e0e6ee",
    "#212121": "#f1f5f9",
    "rgba(33,33,33,0.65)": "rgba(241,245,249,0.8)",
    "#1565c0": "#64b5f6",
    "#2e7d32": "#66bb6a",
    "#c62828": "#ff6e6e",
    "#90a4ae": "#78909c",
}


@dataclass(frozen=True)
class Options:
    interval: int
    theme: str
    slide: int  # 0-based; None-free: a bad or missing value is the first slide
    notices: tuple[str, ...]


def options(raw: Mapping[str, str], slides: int) -> Options:
    """Turn interval (?interval=20, seconds), theme (?theme=dark) and slide (?slide=3, from 1) from the URL; a bad
    value falls back to the default with a Chinese notice saying what was wrong."""
    notices = []
    interval = INTERVAL
    text = (raw.get("interval") or "").strip()
    if text:
        low, high = INTERVAL_RANGE
        try:
            interval = int(float(text))
            if not low <= interval <= high:
                raise ValueError(text)
        except ValueError:
            interval = INTERVAL
            notices.append(f"链接中的翻页间隔“{text}”无效（应为 {low}–{high} 秒），已按 {INTERVAL} 秒翻页。")
    theme = (raw.get("theme") or "light").strip().lower()
    if theme not in THEMES:
        notices.append(f"链接中的主题“{raw.get('theme')}”无效（可选 light 浅色、dark 深色），已使用浅色。")
        theme = "light"
    slide = 0
    text = (raw.get("slide") or "").strip()
    if text:
        if text.isdigit() and 1 <= int(text) <= slides:
            slide = int(text) - 1
        else:
            notices.append(f"链接中的页码“{text}”无效（共 {slides} 页），已从第 1 页开始。")
    return Options(interval, theme, slide, tuple(notices))


def screen_css(theme: Theme) -> str:
    """No sidebar, header, toolbar, footer or scrollbar; the page is one 1920 × 1080 slide. A 3840 × 2160 screen shows
    it at 200% display scaling (the usual setting for 4K, or the browser's 200% zoom): every figure twice as sharp.
    CSS zoom or transform on the page would enlarge it too, but Streamlit then draws plotly charts twice as large."""
    return f"""<style>
[data-testid=stSidebar], [data-testid=stSidebarCollapsedControl], [data-testid=stSidebarNav],
header[data-testid=stHeader], [data-testid=stToolbar], [data-testid=stDecoration], [data-testid=stStatusWidget],
footer, [data-testid=stBottom] {{ display: none !important; }}
html, body {{ overflow: hidden !important; scrollbar-width: none; background: {theme.background}; }}
::-webkit-scrollbar {{ display: none; }}
.stApp, [data-testid=stAppViewContainer], [data-testid=stMain] {{
  background: {theme.background} !important; color: {theme.text}; overflow: hidden !important; }}
[data-testid=stMainBlockContainer] {{ padding: 24px {PAD}px 0 {PAD}px !important; max-width: none !important;
  height: {HEIGHT}px; overflow: hidden; }}
[data-testid=stMainBlockContainer] > div > [data-testid=stVerticalBlock] {{ gap: 12px; }}
.mt, .mt * {{ font-family: {FONT}; color: {theme.text}; }}
.mt-head {{ display: flex; justify-content: space-between; align-items: flex-start; gap: 32px;
  border-bottom: 4px solid {theme.accent}; padding-bottom: 10px; }}
.mt-title {{ font-size: 52px; font-weight: 700; line-height: 1.2; margin: 0; }}
.mt-scope {{ font-size: 26px; color: {theme.muted}; text-align: right; line-height: 1.45; white-space: nowrap; }}
.mt-demo {{ display: inline-block; font-size: 26px; font-weight: 700; color: {theme.bad} !important;
  border: 3px solid {theme.bad}; border-radius: 6px; padding: 0 12px; margin-left: 14px; }}
.mt-notice {{ font-size: 24px; color: #ef6c00 !important; margin-top: 4px; }}
.mt-figures {{ display: flex; gap: 24px; margin-top: 12px; }}
.mt-figure {{ flex: 1 1 0; min-width: 0; background: {theme.panel}; border: 2px solid {theme.border};
  border-radius: 10px; padding: 8px 20px 10px 20px; }}
.mt-value {{ font-size: 64px; font-weight: 700; line-height: 1.1; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }}
.mt-label {{ font-size: 24px; color: {theme.muted} !important; line-height: 1.35; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }}
.mt-good {{ color: {theme.good} !important; }} .mt-bad {{ color: {theme.bad} !important; }}
.mt-cards {{ display: grid; grid-template-columns: repeat(3, 1fr); gap: 20px; margin-top: 16px; }}
.mt-card {{ background: {theme.panel}; border: 2px solid {theme.border}; border-radius: 10px; padding: 12px 22px;
  height: 318px; overflow: hidden; }}
.mt-card-name {{ font-size: 30px; font-weight: 700; line-height: 1.3; }}
.mt-card-rate {{ font-size: 64px; font-weight: 700; line-height: 1.15; }}
.mt-body {{ font-size: 24px; line-height: 1.4; }}
.mt-table {{ width: 100%; border-collapse: collapse; margin-top: 18px; }}
.mt-table th {{ font-size: 26px; text-align: left; color: {theme.muted} !important; padding: 8px 14px;
  border-bottom: 3px solid {theme.border}; white-space: nowrap; }}
.mt-table td {{ font-size: 26px; line-height: 1.35; padding: 10px 14px; border-bottom: 1px solid {theme.border};
  vertical-align: top; }}
.mt-table td:first-child, .mt-table td:nth-child(2), .mt-table td:nth-child(3) {{ white-space: nowrap; }}
.mt-note {{ color: {theme.muted} !important; }}
.mt-foot {{ font-size: 24px; color: {theme.muted} !important; line-height: 1.35; }}
.st-key-meeting_controls {{ position: fixed; left: {PAD}px; right: {PAD}px; bottom: 14px; width: auto !important;
  align-items: center; }}
.st-key-meeting_source, .st-key-meeting_controls > div:has(.st-key-meeting_source) {{ order: -1; flex: 1 1 0;
  min-width: 0; }}
.st-key-meeting_controls p, .st-key-meeting_controls button {{ font-size: 22px !important; }}
.st-key-meeting_controls button {{ background: {theme.panel}; color: {theme.text}; border-color: {theme.border}; }}
.st-key-meeting_controls button * {{ color: {theme.text} !important; }}
</style>"""


def _esc(text: object) -> str:
    return html.escape(str(text))


def _tone(tone: str) -> str:
    return {"good": " mt-good", "bad": " mt-bad"}.get(tone, "")


def header_html(slide: Slide, position: int, count: int, notices: Sequence[str]) -> str:
    """Title; scope, 数据截至 and the page number; the 演示数据 mark; any URL notices."""
    stamp = slide.stamp
    demo = '<span class="mt-demo">演示数据</span>' if stamp.demo else ""
    notes = "".join(f'<div class="mt-notice">{_esc(n)}</div>' for n in notices)
    return (
        f'<div class="mt"><div class="mt-head"><div><div class="mt-title">{_esc(slide.title)}</div>{notes}</div>'
        f'<div class="mt-scope">范围：{_esc(stamp.scope_label)}{demo}<br>'
        f"数据截至 {stamp.asof:%Y-%m-%d}　第 {position}/{count} 页</div></div>" + headlines_html(slide) + "</div>"
    )


def headlines_html(slide: Slide) -> str:
    if not slide.headlines:
        return ""
    boxes = "".join(
        f'<div class="mt-figure"><div class="mt-value{_tone(h.tone)}">{_esc(h.value)}</div>'
        f'<div class="mt-label" title="{_esc(h.label)}">{_esc(h.label)}</div></div>'
        for h in slide.headlines
    )
    return f'<div class="mt-figures">{boxes}</div>'


def cards_html(cards: Sequence[Card]) -> str:
    """The six ledgers as on the 总览 page: completion rate, found and rectified, overdue, headline quantities."""
    found, rectified = sum(c.found for c in cards), sum(c.rectified for c in cards)
    overall = rectified / found if found else None
    boxes = []
    for card in cards:
        behind = overall is not None and card.completion_rate is not None and card.completion_rate < overall
        late = (
            f'<div class="mt-body mt-bad">超期未整改 {card.overdue} 项</div>'
            if card.overdue
            else '<div class="mt-body">无超期未整改</div>'
        )
        lines = "".join(f'<div class="mt-body mt-line">{_esc(line)}</div>' for line in card.lines)
        boxes.append(
            f'<div class="mt-card"><div class="mt-card-name">{_esc(card.name)}</div>'
            f'<div class="mt-card-rate mt-value{_tone("bad" if behind else "good")}">'
            f"{fmt.rate(card.completion_rate)}</div>"
            f'<div class="mt-body">发现 {card.found} 项　已整改 {card.rectified} 项</div>{late}{lines}</div>'
        )
    return f'<div class="mt"><div class="mt-cards">{"".join(boxes)}</div></div>'


def table_html(table: pd.DataFrame) -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in table.columns)
    rows = "".join("<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>" for row in table.to_numpy())
    return f'<div class="mt"><table class="mt-table"><tr>{head}</tr>{rows}</table></div>'


def notes_html(slide: Slide) -> str:
    return "".join(f'<div class="mt"><div class="mt-body mt-note">{_esc(n)}</div></div>' for n in slide.notes)


def footer_html(slide: Slide, position: int) -> str:
    """Source, scope, 数据截至: the deck's footnote, beside the presenter's buttons. Drawn last, so its page number
    says the whole slide has arrived."""
    return f'<div class="mt"><div class="mt-foot" data-slide="{position}">{_esc(slide.stamp.footnote())}</div></div>'


def _recolor(node: Any, colors: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        return {k: _recolor(v, colors) for k, v in node.items()}
    if isinstance(node, list):
        return [_recolor(v, colors) for v in node]
    if isinstance(node, str):
        return colors.get(node.lower().replace(" ", ""), node)
    return node


def chart_height(slide: Slide) -> int:
    """What is left of the 1080 pixels for the chart: below the heading (and the headline figures), above the notes
    and the footer."""
    return (700 if slide.headlines else 840) - NOTE_HEIGHT * sum(1 + len(n) // 70 for n in slide.notes)


def _extent(trace: dict) -> float:
    xs, ys = [v for v in trace["x"] if v is not None], [v for v in trace["y"] if v is not None]
    return (max(xs) - min(xs)) * (max(ys) - min(ys))


def _uncrowded(labels: list[dict], figure: dict) -> list[dict]:
    """The map's name labels, larger 盟市 first, less those that would overlap one placed before (in pixels at the
    figure's size)."""
    if not labels:
        return labels
    layout = figure["layout"]
    size = {t["name"].removeprefix("outline_"): _extent(t) for t in figure["data"] if t["name"].startswith("outline_")}
    labels = sorted(labels, key=lambda t: -size.get(t["name"].removeprefix("label_"), 0))
    x_axis, y_axis, margin = layout["xaxis"], layout["yaxis"], layout["margin"]
    (x0, x1), (y0, y1), ratio = x_axis["range"], y_axis["range"], y_axis.get("scaleratio", 1)
    domain = x_axis.get("domain", [0, 1])
    width = (layout["width"] - margin["l"] - margin["r"]) * (domain[1] - domain[0])
    height = layout["height"] - margin["t"] - margin["b"]
    scale = min(width / (x1 - x0), height / ((y1 - y0) * ratio))  # pixels per degree of longitude
    # plotly widens the range of the axis with room to spare, centred: that is what the screen shows
    middle_x, middle_y = (x0 + x1) / 2 * scale, (y0 + y1) / 2 * ratio * scale
    edges = (middle_x - width / 2, middle_x + width / 2, middle_y - height / 2, middle_y + height / 2)
    placed: list[tuple[float, float, float, float]] = []
    kept = []
    for trace in labels:
        x, y = trace["x"][0] * scale, trace["y"][0] * ratio * scale
        half_w, half_h = len(trace["text"][0]) * MAP_LABEL / 2 + 4, MAP_LABEL * 0.7
        box = (x - half_w, x + half_w, y - half_h, y + half_h)
        inside = edges[0] <= box[0] and box[1] <= edges[1] and edges[2] <= box[2] and box[3] <= edges[3]
        if not inside or any(box[0] < b[1] and b[0] < box[1] and box[2] < b[3] and b[2] < box[3] for b in placed):
            continue
        placed.append(box)
        kept.append(trace)
    return kept


def screen_figure(fig: go.Figure, theme: str, height: int) -> go.Figure:
    """A copy of a builder's figure for the screen: the slide carries the title and footnote as text, so the figure
    keeps only its subtitle; fonts doubled (ticks, legend, labels 24 px and up); the theme's colours."""
    figure = press_figure(fig, CHART_WIDTH, height, chrome=False, font_scale=FONT_SCALE).to_dict()
    colors = THEMES[theme]
    if theme == "dark":
        figure = _recolor(figure, DARK_COLORS)
    layout = figure["layout"]
    layout.update(paper_bgcolor=colors.background, plot_bgcolor=colors.background)
    layout["font"]["color"] = colors.text
    layout.setdefault("legend", {}).update(bgcolor="rgba(0,0,0,0)", font={"size": 24, "color": colors.text})
    for trace in figure["data"]:
        if trace.get("type") == "bar":
            trace["cliponaxis"] = False  # a label above a full bar stays whole
    # 盟市 names on the map: smaller (the central ones are crowded), with a halo, over the parks' circles
    labels = [t for t in figure["data"] if str(t.get("name", "")).startswith("label_")]
    for trace in labels:
        trace["textfont"].update(size=MAP_LABEL, shadow="auto")
    figure["data"] = [t for t in figure["data"] if t not in labels] + _uncrowded(labels, figure)
    for key in layout:
        if key.startswith(("xaxis", "yaxis")):
            layout[key].setdefault("tickfont", {}).update(size=max(24, layout[key]["tickfont"].get("size") or 0))
    return go.Figure(figure)
