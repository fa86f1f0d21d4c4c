"""会议模式 on the meeting-room screen: options from the URL, the page's CSS, a slide as large-type HTML and chart."""

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from charts import format as fmt
from charts import rankings as rk
from charts.overview import Card
from charts.press import press_figure
from charts.slide import Slide
from charts.static_map import name_labels
from charts.theme import FONT

WIDTH, HEIGHT = 1920, 1080  # the slide's layout pixels (CSS pixels; a 4K screen has two device pixels to each)
PAD = 40
CHART_WIDTH = WIDTH - 2 * PAD
NOTE_HEIGHT = 36  # a line of notes under the chart
FONT_SCALE = 2.0  # plotly's 12–13 px builders' fonts become 24–26 px: readable from the back of the room
MAP_LABEL = 20  # px: names of the 盟市 on the map (its legend and list keep 24 px and more)
BODY = 24  # px: the slide's body text, and the least a chart's label may have
PHONE_FONT_SCALE, PHONE_BODY = 1.2, 15  # a phone (its browser says Mobile): the chart's type at a phone's size
PHONE_CHART_PX = 358  # a chart's width on a 390 px phone
SMALLEST = 1280 / WIDTH  # the smallest projector (1280 × 720) shows the slide at 2/3 (its charts' type stays)
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


def _u(px: float) -> str:
    """A length of the 1920 × 1080 slide on the actual screen: 1 slide pixel = min(100vw / 1920, 100vh / 1080)."""
    return f"calc({px} * var(--u))"


PHONE = "(max-width: 760px)"  # a phone held upright (390 × 844) or a narrow window: one readable column


def screen_css(theme: Theme) -> str:
    """No sidebar, header, toolbar, footer or scrollbar; the page is one 16:9 slide laid out on 1920 × 1080 slide
    pixels and drawn at the screen's size (a 1366 × 768 or 1280 × 720 projector: 0.71 or 0.67 of them; 4K at 200%
    display scaling: 1), so nothing moves or overlaps between projectors. Lengths are CSS units of the viewport, not
    zoom or transform: plotly measures its box and draws wrongly inside a zoomed or scaled page. On a phone the slide
    becomes one column that scrolls, in type a phone reads."""
    u = _u
    return f"""<style>
:root {{ --u: min(calc(100vw / {WIDTH}), calc(100vh / {HEIGHT})); }}
[data-testid=stSidebar], [data-testid=stSidebarCollapsedControl], [data-testid=stSidebarNav],
header[data-testid=stHeader], [data-testid=stToolbar], [data-testid=stDecoration], [data-testid=stStatusWidget],
footer, [data-testid=stBottom] {{ display: none !important; }}
html, body {{ overflow: hidden !important; scrollbar-width: none; background: {theme.background}; }}
::-webkit-scrollbar {{ display: none; }}
.stApp, [data-testid=stAppViewContainer], [data-testid=stMain] {{
  background: {theme.background} !important; color: {theme.text}; overflow: hidden !important; }}
[data-testid=stMainBlockContainer] {{ padding: {u(24)} {u(PAD)} 0 {u(PAD)} !important; max-width: none !important;
  height: 100vh; overflow: hidden; }}
[data-testid=stMainBlockContainer] [data-testid=stVerticalBlock] {{ gap: {u(12)}; }}
.mt, .mt * {{ font-family: {FONT}; color: {theme.text}; }}
.mt-head {{ display: flex; justify-content: space-between; align-items: flex-start; gap: {u(32)};
  border-bottom: {u(4)} solid {theme.accent}; padding-bottom: {u(10)}; }}
.mt-title {{ font-size: {u(52)}; font-weight: 700; line-height: 1.2; margin: 0; }}
.mt-scope {{ font-size: {u(26)}; color: {theme.muted}; text-align: right; line-height: 1.45; white-space: nowrap; }}
.mt-demo {{ display: inline-block; font-size: {u(26)}; font-weight: 700; color: {theme.bad} !important;
  border: {u(3)} solid {theme.bad}; border-radius: {u(6)}; padding: 0 {u(12)}; margin-left: {u(14)}; }}
.mt-notice {{ font-size: {u(24)}; color: #ef6c00 !important; margin-top: {u(4)}; }}
.mt-figures {{ display: flex; gap: {u(24)}; margin-top: {u(12)}; }}
.mt-figure {{ flex: 1 1 0; min-width: 0; background: {theme.panel}; border: {u(2)} solid {theme.border};
  border-radius: {u(10)}; padding: {u(8)} {u(20)} {u(10)} {u(20)}; }}
.mt-value {{ font-size: {u(64)}; font-weight: 700; line-height: 1.1; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }}
.mt-label {{ font-size: {u(24)}; color: {theme.muted} !important; line-height: 1.35; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }}
.mt-good {{ color: {theme.good} !important; }} .mt-bad {{ color: {theme.bad} !important; }}
.mt-cards {{ display: grid; grid-template-columns: repeat(3, 1fr); gap: {u(20)}; margin-top: {u(16)}; }}
.mt-card {{ background: {theme.panel}; border: {u(2)} solid {theme.border}; border-radius: {u(10)};
  padding: {u(12)} {u(22)}; height: {u(318)}; overflow: hidden; }}
.mt-card-name {{ font-size: {u(30)}; font-weight: 700; line-height: 1.3; }}
.mt-card-rate {{ font-size: {u(64)}; font-weight: 700; line-height: 1.15; }}
.mt-body {{ font-size: {u(24)}; line-height: 1.4; }}
.mt-table {{ width: 100%; border-collapse: collapse; margin-top: {u(12)}; }}
.mt-table th {{ font-size: {u(24)}; text-align: left; color: {theme.muted} !important; padding: {u(6)} {u(14)};
  border-bottom: {u(3)} solid {theme.border}; white-space: nowrap; }}
.mt-table td {{ font-size: {u(24)}; line-height: 1.3; padding: {u(6)} {u(14)}; border-bottom: 1px solid {theme.border};
  vertical-align: top; }}
.mt-table td:first-child, .mt-table td:nth-child(2), .mt-table td:nth-child(3) {{ white-space: nowrap; }}
.mt-note {{ color: {theme.muted} !important; }}
.mt-foot {{ font-size: {u(24)}; color: {theme.muted} !important; line-height: 1.35; }}
[data-testid=stMarkdownContainer]:has(> .mt) {{ margin-bottom: 0 !important; }}  /* Streamlit's -1rem overlapped */
.st-key-meeting_chart {{ height: var(--mt-chart) !important; flex: none !important; }}
.st-key-meeting_chart [data-testid=stElementContainer], .st-key-meeting_chart [data-testid=stPlotlyChart] {{
  height: 100% !important; }}
.st-key-meeting_controls {{ position: fixed; left: {u(PAD)}; right: {u(PAD)}; bottom: {u(14)}; width: auto !important;
  align-items: center; gap: {u(16)} !important; }}
.st-key-meeting_source, .st-key-meeting_controls > div:has(.st-key-meeting_source) {{ order: -1; flex: 1 1 0;
  min-width: 0; }}
.st-key-meeting_controls p, .st-key-meeting_controls a, .st-key-meeting_controls button {{
  font-size: {u(22)} !important; }}
.st-key-meeting_controls button, .st-key-meeting_controls a {{ min-height: {u(50)}; padding: {u(4)} {u(16)};
  background: {theme.panel}; color: {theme.text}; border-color: {theme.border}; }}
.st-key-meeting_controls button *, .st-key-meeting_controls a * {{ color: {theme.text} !important; }}
.st-key-meeting_controls [data-testid=stMarkdownContainer] p {{ margin: 0; }}
.st-key-meeting_controls svg, .st-key-meeting_controls [data-testid=stIconMaterial] {{ font-size: {u(26)} !important; }}
.st-key-meeting_controls kbd, .st-key-meeting_controls [data-testid=stShortcut] {{ display: none; }}
@media {PHONE} {{
  :root {{ --u: calc(100vw / 600); }}
  html, body, .stApp, [data-testid=stAppViewContainer], [data-testid=stMain] {{ overflow: auto !important; }}
  [data-testid=stMainBlockContainer] {{ height: auto; overflow: visible; padding-bottom: {u(24)} !important; }}
  .mt-head {{ flex-direction: column; gap: {u(4)}; }}
  .mt-scope {{ text-align: left; white-space: normal; }}
  .mt-figures {{ flex-wrap: wrap; }}
  .mt-figure {{ flex: 1 1 40%; }}
  .mt-label, .mt-value {{ white-space: normal; }}
  .mt-value {{ font-size: {u(44)}; }}
  .mt-cards {{ grid-template-columns: 1fr; }}
  .mt-card {{ height: auto; }}
  .mt-table th, .mt-table td {{ padding: {u(4)} {u(6)}; font-size: {u(22)}; }}
  .mt-table th {{ white-space: normal; }}  /* the short columns keep their figures on one line; the reason wraps */
  .st-key-meeting_chart {{ height: var(--mt-chart-phone) !important; }}
  .st-key-meeting_controls {{ position: static; flex-wrap: wrap; }}
  .st-key-meeting_source, .st-key-meeting_controls > div:has(.st-key-meeting_source) {{ flex: 1 1 100%; }}
}}
</style>"""


def chart_css(height: int) -> str:
    """The chart's box for this slide: `height` slide pixels on a projector; on a phone, tall enough for its
    labels at the phone's width."""
    return f"<style>:root {{ --mt-chart: {_u(height)}; --mt-chart-phone: {max(360, round(height * 0.62))}px; }}</style>"


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


def _shows_legend(figure: dict) -> bool:
    layout, data = figure["layout"], figure["data"]
    if layout.get("showlegend") is not None:
        return bool(layout["showlegend"])
    return len(data) > 1 and any(t.get("showlegend") is not False for t in data)


def _top_room(figure: dict, body: float) -> float:
    """Pixels above the plot: the subtitle (pinned to the top) and, under it, a legend laid across the top."""
    layout = figure["layout"]
    title = layout.get("title") or {}
    room = 8.0
    if title.get("text"):
        size = (title.get("font") or {}).get("size") or body
        lines = title["text"].count("<br>") + 1
        title.update(yref="container", y=1, yanchor="top", pad={"t": 8, "b": 0, "l": 0, "r": 0})
        room += size * 1.35 * lines + 8
    legend = layout.get("legend") or {}
    if _shows_legend(figure) and legend.get("orientation") == "h" and legend.get("y", 1) >= 1:
        legend.update(y=1, yanchor="bottom", yref="paper")
        room += ((legend.get("font") or {}).get("size") or body) * 1.8
    return room


def screen_figure(fig: go.Figure, theme: str, height: int, phone: bool = False) -> go.Figure:
    """A copy of a builder's figure for the screen: the slide carries the title and footnote as text, so the figure
    keeps only its subtitle; fonts doubled (ticks, legend, labels 24 px and up; on a phone a little over the
    builders' own, 15 px and up); the theme's colours."""
    scale, body = (PHONE_FONT_SCALE, PHONE_BODY) if phone else (FONT_SCALE, BODY)
    figure = press_figure(fig, CHART_WIDTH, height, chrome=False, font_scale=scale).to_dict()
    colors = THEMES[theme]
    if theme == "dark":
        figure = _recolor(figure, DARK_COLORS)
    layout = figure["layout"]
    layout.update(paper_bgcolor=colors.background, plot_bgcolor=colors.background)
    layout["font"]["color"] = colors.text
    layout.setdefault("legend", {}).update(bgcolor="rgba(0,0,0,0)", font={"size": body, "color": colors.text})
    for trace in figure["data"]:
        if trace.get("type") == "bar":
            trace["cliponaxis"] = False  # a label above a full bar stays whole
            # plotly shrinks a bar's label to the bar's thickness (8 px in a drill into a league's many parks): the
            # labels keep the body size and may stand out of a thin bar instead
            trace["constraintext"] = "none"
            for key in ("textfont", "insidetextfont", "outsidetextfont"):
                if key in trace or key == "textfont":
                    font = trace.setdefault(key, {})
                    font["size"] = max(body, font.get("size") or 0)
    layout["uniformtext"] = {"minsize": body, "mode": "show"}
    # 盟市 names on the map: smaller (the central ones are crowded), with a halo, over the parks' circles; names that
    # stand apart at 1920 × 1080 must stand apart on the smallest projector, where the map is 2/3 as large
    name_labels(figure, MAP_LABEL * body / BODY, SMALLEST)
    for key in layout:
        if key.startswith(("xaxis", "yaxis")):
            layout[key].setdefault("tickfont", {}).update(size=max(body, layout[key]["tickfont"].get("size") or 0))
    # the press layout's margins keep room for a title and footnote the slide has as text: on a projector that room
    # squeezed the bars until their labels ran together; the axes make the room their labels need
    layout["margin"] = {**layout.get("margin", {}), "t": _top_room(figure, body), "b": 16, "l": 16, "r": 48}
    for key in layout:
        if key.startswith(("xaxis", "yaxis")):
            layout[key]["automargin"] = True
    # a ranking's labels in type twice the export's: room for the longest on the smallest projector
    rk.room_for_labels(figure, PHONE_CHART_PX if phone else (WIDTH - 2 * PAD) * SMALLEST)
    # the size is the screen's: the page gives the chart its box (chart_css), plotly fills it
    layout.pop("width", None)
    layout.pop("height", None)
    layout["autosize"] = True
    return go.Figure(figure)
