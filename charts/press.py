"""A finished figure laid out for a fixed-size image (press, slide, meeting screen): fonts grown with the width,
title and footnote pinned, room for long labels. Pure plotly; reports/images.py draws the result."""

import copy
import math
import re
from typing import Any

import plotly.graph_objects as go

from charts.theme import BAD

EXPORT_FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"
WIDTH, HEIGHT = 1920, 1080  # 16:9
SCREEN_WIDTH = 1200  # about the width a figure has on the page; fonts grow with the export width
# Words that only make sense on screen: "(click a bar to drill)", "full ranking in the table below".
SCREEN_ONLY = re.compile(r"（点击[^）]*）|[，、]?点击[^）]*(?=）)|[，；]?完整排名见下表")


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
