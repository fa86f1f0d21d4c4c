"""Press-ready images of any figure (PNG/SVG/PDF) through kaleido and one long-lived headless chromium."""

import atexit
import os
import shutil
import subprocess
import threading
from collections.abc import Callable
from functools import cache
from typing import Any

import kaleido
import plotly.graph_objects as go

from charts.press import HEIGHT, WIDTH, press_figure

SCALE = 2  # PNG 3840 × 2160 of the 1920 × 1080 layout
DEBIAN_CHROMIUM = "/usr/bin/chromium"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 120  # seconds; kaleido gives up on one image after 90 s, so only a dead browser waits this long
INSTALL_HINT = "在 Debian/Ubuntu 上以 root 运行 `make system-deps`（apt-get install chromium fonts-noto-cjk）后重启应用"
FALLBACK_HINT = "图表右上角的相机按钮仍可在浏览器中下载高分辨率 PNG。"

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
