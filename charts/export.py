"""Press-ready images of any figure (PNG/SVG/PDF) through kaleido and one long-lived headless chromium."""

import atexit
import copy
import math
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from functools import cache
from typing import Any

import kaleido
import plotly.graph_objects as go

from charts.theme import BAD

EXPORT_FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"
WIDTH, HEIGHT, SCALE = 1920, 1080, 2  # 16:9; PNG 3840 × 2160
SCREEN_WIDTH = 1200  # about the width a figure has on the page; fonts grow with the export width
DEBIAN_CHROMIUM = "/usr/bin/chromium"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 120  # seconds; kaleido gives up on one image after 90 s, so only a dead browser waits this long
INSTALL_HINT = "在 Debian/Ubuntu 上以 root 运行 `make system-deps`（apt-get install chromium fonts-noto-cjk）后重启应用"
FALLBACK_HINT = "图表右上角的相机按钮仍可在浏览器中下载高分辨率 PNG。"
# Words that only make sense on screen: "(click a bar to drill)", "full ranking in the table below".
SCREEN_ONLY = re.compile(r"（点击[^）]*）|[，、]?点击[^）]*(?=）)|[，；]?完整排名见下表")

_lock = threading.Lock()  # one browser, one image at a time: kaleido's sync server is not thread-safe
_state = {"started": False}


class ExportError(RuntimeError):
    """An image could not be made; the message is Chinese and says why."""


# What is missing ---------------------------------------------------------------------------------
def browser_path() -> str | None:
    """BROWSER_PATH when set (even if wrong: that is the user's choice), else Debian's chromium or one on PATH."""
    if "BROWSER_PATH" in os.environ:
        return os.environ["BROWSER_PATH"]
    if os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM
    return next((path for name in BROWSER_NAMES if (path := shutil.which(name))), None)


@cache
def has_cjk_font() -> bool:
    """Whether fontconfig knows a Chinese font (`fc-list :lang=zh`); chromium reads fonts once, at start."""
    try:
        listed = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(listed.stdout.strip())


def export_problem() -> str | None:
    """In Chinese, exactly what the server lacks to export images; None when nothing is missing."""
    problems = []
    path = browser_path()
    if "BROWSER_PATH" in os.environ and not (path and os.path.isfile(path) and os.access(path, os.X_OK)):
        problems.append(f"环境变量 BROWSER_PATH 指向的 {path or '（空）'} 不存在或不可执行，找不到 Chromium 浏览器")
    elif path is None:
        problems.append(f"服务器上没有 Chromium 浏览器（{DEBIAN_CHROMIUM} 不存在，也未用环境变量 BROWSER_PATH 指定）")
    if not has_cjk_font():
        problems.append("服务器上没有中文字体（`fc-list :lang=zh` 无结果），图中汉字会显示为方框")
    if not problems:
        return None
    return "无法在服务器端导出图片：" + "；".join(problems) + f"。{INSTALL_HINT}。{FALLBACK_HINT}"


# The browser -------------------------------------------------------------------------------------
def _stop() -> None:
    with _lock:
        if _state["started"]:
            kaleido.stop_sync_server(silence_warnings=True)
            _state["started"] = False


def _render(figure: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
    """One image from the shared browser, started on first use; a dead browser raises instead of hanging."""
    problem = export_problem()
    if problem:
        raise ExportError(problem)
    with _lock:
        if not _state["started"]:
            # mathjax=False: kaleido would otherwise load MathJax from a CDN, which an offline server cannot reach
            kaleido.start_sync_server(mathjax=False, silence_warnings=True)
            _state["started"] = True
        result: dict[str, Any] = {}

        def work() -> None:
            try:
                opts = {"format": fmt, "width": width, "height": height, "scale": scale}
                result["image"] = kaleido.calc_fig_sync(figure, opts=opts)
            except Exception as error:  # handed to the caller below
                result["error"] = error

        worker = threading.Thread(target=work, daemon=True, name="figure-export")
        worker.start()
        worker.join(TIMEOUT)
        if worker.is_alive():
            _state["started"] = False  # the next export starts a new browser
            threading.Thread(target=kaleido.stop_sync_server, kwargs={"silence_warnings": True}, daemon=True).start()
            raise ExportError(f"导出图片超时（{TIMEOUT} 秒无响应），浏览器可能已退出，请重试。{FALLBACK_HINT}")
    if "error" in result:
        raise ExportError(f"导出图片失败：{result['error']}。{FALLBACK_HINT}") from result["error"]
    image = result["image"]
    return image.encode() if isinstance(image, str) else image


atexit.register(_stop)


# The press layout --------------------------------------------------------------------------------
def _scale_fonts(node: Any, factor: float) -> None:
    """Every explicit font size and pixel shift, in place (layout and traces alike)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and isinstance(value.get("size"), int | float):
                value["size"] = value["size"] * factor
            elif key in ("xshift", "yshift") and isinstance(value, int | float):
                node[key] = value * factor
            _scale_fonts(value, factor)
    elif isinstance(node, list):
        for value in node:
            _scale_fonts(value, factor)


def _text_width(text: str, size: float) -> float:
    """Rough rendered width: a CJK character is about one em, other characters about half of one."""
    return sum(size if ord(c) > 0x2E80 else 0.55 * size for c in text)


def _x_labels(data: list[dict]) -> list[str]:
    """Category labels on the bottom axis: string x values of vertical traces."""
    labels: list[str] = []
    for trace in data:
        if trace.get("orientation") == "h" or trace.get("xaxis", "x") != "x":
            continue
        values = trace.get("x")
        values = [] if values is None else list(values)
        labels += [x for x in values if isinstance(x, str) and not re.match(r"\d{4}-\d\d", x)]
    return list(dict.fromkeys(labels))


def _bottom_axis_height(layout: dict, data: list[dict], base: float, plot_width: float) -> float:
    """Pixels the bottom x axis needs under the plot (tick labels, axis title); long labels are turned 35°."""
    axis = layout.setdefault("xaxis", {})
    if axis.get("visible") is False or not any(t.get("type", "scatter") in ("bar", "scatter") for t in data):
        return 0.0
    size = (axis.get("tickfont") or {}).get("size") or base
    labels = _x_labels(data)
    if labels:
        widest = max(_text_width(label, size) for label in labels)
        angle = axis.get("tickangle")
        if widest * len(labels) > plot_width * 0.85:  # labels that would overlap at the export's font size
            angle = -35 if widest * len(labels) * 0.82 < plot_width * 0.85 * 2 else -90
        elif not isinstance(angle, int | float):
            angle = 0
        axis["tickangle"] = angle
        sin, cos = abs(math.sin(math.radians(angle))), abs(math.cos(math.radians(angle)))
        height = widest * sin + size * 1.4 * cos + 14
    else:
        height = size * 1.4 + 14
    title = axis.get("title") or {}
    if title.get("text"):
        height += ((title.get("font") or {}).get("size") or base * 1.2) * 1.5 + 18  # plotly: axis titles 1.2 em
    return height


def _top_height(layout: dict, base: float, factor: float) -> float:
    """Pixels above the plot: the title (pinned to the top) with its subtitle, a horizontal legend moved to just
    above the plot, and notes placed over the plot's top edge."""
    title = layout["title"]
    height = 16 * factor
    if title.get("text"):
        size = (title.get("font") or {}).get("size") or base * 1.4
        height += size * 1.35
        title.update(yref="container", y=1, yanchor="top", pad={"t": 16 * factor})
    subtitle = (title.get("subtitle") or {}).get("text")
    if subtitle:
        size = (title["subtitle"].get("font") or {}).get("size") or base
        height += (subtitle.count("<br>") + 1) * size * 1.4 + 6 * factor
    legend = layout.get("legend") or {}
    if legend.get("orientation") == "h" and legend.get("y", 1) >= 1 and layout.get("showlegend") is not False:
        legend.update(y=1, yanchor="bottom", yref="paper")
        height += ((legend.get("font") or {}).get("size") or base) * 1.9
    over = [
        a
        for a in layout.get("annotations") or []
        if a.get("yref") == "paper" and a.get("y", 0) >= 1 and a.get("yanchor") != "top"
    ]
    if over:
        height += max(((a.get("font") or {}).get("size") or base) for a in over) * 1.6
    return height + 8 * factor


def _demo_mark(size: float, yshift: float) -> dict:
    return {
        "text": "演示数据 · 非正式统计",
        "name": "demo_mark",
        "x": 1,
        "xref": "paper",
        "xanchor": "right",
        "y": 0,
        "yref": "paper",
        "yanchor": "top",
        "yshift": yshift,
        "showarrow": False,
        "font": {"size": size, "color": BAD},
        "bordercolor": BAD,
        "borderwidth": 1.5,
        "borderpad": 4,
    }


def press_figure(
    fig: go.Figure, width: int = WIDTH, height: int = HEIGHT, chrome: bool = True, font_scale: float | None = None
) -> go.Figure:
    """A copy of a finished figure laid out for a fixed-size image: fonts grown with the width, the title pinned
    to the top, the footnote (source, scope, 数据截至, 演示数据) pinned under the bottom axis with a red 演示数据 mark
    beside it when the data are demo data, interactive hints dropped from the title. chrome=False leaves title
    and footnote out (a slide carries them as text) but keeps a subtitle, which explains the chart."""
    figure = copy.deepcopy(fig.to_dict())
    layout, data = figure.setdefault("layout", {}), figure.get("data", [])
    factor = font_scale or max(1.0, width / SCREEN_WIDTH)
    _scale_fonts(figure, factor)
    font = layout.setdefault("font", {})
    font["family"] = EXPORT_FONT
    base = font.setdefault("size", 13 * factor)
    title = layout.setdefault("title", {})
    if isinstance(title, str):
        title = layout["title"] = {"text": title}
    title["text"] = SCREEN_ONLY.sub("", title.get("text") or "")
    if (title.get("subtitle") or {}).get("text"):
        title["subtitle"]["text"] = SCREEN_ONLY.sub("", title["subtitle"]["text"])
    annotations = layout.get("annotations") or []
    for note in annotations:  # a ranking's value label: its patch no taller than its type (rows stand close)
        if note.get("name") == "value_label":
            note.update(height=round(((note.get("font") or {}).get("size") or 13 * factor) * 1.15), borderpad=0)
    footnote = next((a for a in annotations if a.get("name") == "footnote"), None)
    if not chrome:
        subtitle = (title.pop("subtitle", None) or {}).get("text") or ""
        title.update(text=subtitle, font={"size": 12 * factor, "color": "#616161"})
        annotations = [a for a in annotations if a.get("name") != "footnote"]
        footnote = None
    for key in layout:
        if key.startswith(("xaxis", "yaxis")):
            layout[key]["automargin"] = True  # long category labels (ledger, park names) are never cut off
            if layout[key].get("type") == "category":  # plotly would drop every other label of a dense ranking
                layout[key].update(tickmode="linear", tick0=0, dtick=1)

    legend = layout.setdefault("legend", {})
    if "x" not in legend and "y" not in legend:  # plotly's default spot, right of the plot, would cover bar labels
        legend.update(orientation="h", x=0, y=1)
    margin = layout.get("margin") or {}
    left, right = margin.get("l", 60) * factor, margin.get("r", 30) * factor
    top = _top_height(layout, base, factor)
    axis_height = _bottom_axis_height(layout, data, base, width - left - right)
    bottom = axis_height + 16 * factor
    if footnote is not None:
        note_size = (footnote.get("font") or {}).get("size") or 11 * factor
        footnote.update(x=0, xref="paper", xanchor="left", y=0, yref="paper", yanchor="top", yshift=-axis_height - 8)
        bottom = axis_height + note_size * 1.6 + 16 * factor
        if "演示数据" in footnote.get("text", ""):
            annotations.append(_demo_mark(note_size * 1.1, -axis_height - 4))
    layout["annotations"] = annotations
    layout.update(width=width, height=height, margin={"l": left, "r": right, "t": top, "b": bottom})
    return go.Figure(figure)


# The exports -------------------------------------------------------------------------------------
def _export(
    fig: go.Figure,
    fmt: str,
    width: int,
    height: int,
    scale: float,
    chrome: bool = True,
    font_scale: float | None = None,
    adjust: Callable[[dict], Any] | None = None,
) -> bytes:
    figure = press_figure(fig, width, height, chrome, font_scale).to_dict()
    if adjust is not None:  # what depends on the laid-out size (a map's names that must not collide)
        adjust(figure)
    return _render(figure, fmt, width, height, scale)


def figure_png(
    fig: go.Figure,
    width: int = WIDTH,
    height: int = HEIGHT,
    scale: float = SCALE,
    chrome: bool = True,
    font_scale: float | None = None,
    adjust: Callable[[dict], Any] | None = None,
) -> bytes:
    """PNG for slides and print: 1920 × 1080 layout pixels at scale 2 (3840 × 2160 pixels) by default; adjust may
    change the laid-out figure (a dict) before it is drawn."""
    return _export(fig, "png", width, height, scale, chrome, font_scale, adjust)


def figure_svg(fig: go.Figure, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """SVG keeps text as text: its reader needs a Chinese font (the family list names the usual ones)."""
    return _export(fig, "svg", width, height, 1)


def figure_pdf(fig: go.Figure, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """PDF with the fonts embedded."""
    return _export(fig, "pdf", width, height, 1)
