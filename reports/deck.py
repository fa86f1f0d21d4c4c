"""汇报材料 and 会议材料: the shared slides as a 16:9 PowerPoint deck."""

import io
import math
from collections.abc import Callable, Sequence

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
from charts.overview import Card
from charts.slide import Slide
from charts.static_map import name_labels
from charts.theme import ACCENT, BAD, GOOD, Stamp
from reports.images import figure_png

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


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


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


def _notes(slide, item: Slide) -> int:
    """The slide's notes just above the footnote, on as many lines as they take; returns where they start (EMU)."""
    notes = "；".join(item.notes)
    size, lines = fitted(notes, WIDTH - 2 * MARGIN, 13, 11)
    height = line_height(size, lines)
    _text(slide, MARGIN, FOOT_TOP - height, WIDTH - 2 * MARGIN, height, [(notes, size, False, GREY)])
    return FOOT_TOP - height


def _kpi_slide(deck, item: Slide) -> None:
    """The six ledger cards in two rows; with notes (the counted-once sentence), the cards shorten to make room."""
    slide = _frame(deck, item.title, item.stamp)
    cards = item.cards
    found, rectified = sum(c.found for c in cards), sum(c.rectified for c in cards)
    overall = rectified / found if found else None
    first = _summary(slide, item.summary or kpi_summary(cards)) + Inches(0.07)
    bottom = _notes(slide, item) - Inches(0.05) if item.notes else Inches(6.72)
    width, height, gap = Inches(4.0), min(Inches(2.45), (bottom - first - Inches(0.12)) // 2), Inches(0.166)
    for n, card in enumerate(cards):
        left = MARGIN + (n % 3) * (width + gap)
        top = first + (n // 3) * (height + Inches(0.12))
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
    notes_top = _notes(slide, item) if item.notes else IMAGE_TOP + IMAGE_HEIGHT  # the chart or table ends above
    if item.figure is not None:
        height = notes_top - top
        width = int(height * IMAGE_PIXELS[0] / IMAGE_PIXELS[1])
        slide.shapes.add_picture(io.BytesIO(render(item.figure)), (WIDTH - width) // 2, top, width, height)
    elif item.table is not None:
        _table(slide, item.table, top, notes_top)


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
