"""Chart details of issue #17 stated as rules: value labels stay with their bars, no reference line strikes a
value, names stand level (readable on a phone), 盟市 names are drawn over the parks' bubbles."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

import queries
from charts import meeting as mt
from charts import rankings as rk
from charts.overview import completion_figure
from charts.press import press_figure
from charts.static_map import name_labels
from charts.theme import Stamp
from queries.scope import Scope
from reports import deck
from reports.meeting_deck import MEETING, _outlines
from reports.slides import map_slide, tax_slide

ASOF = date(2023, 6, 8)
STAMP = Stamp("全区", ASOF, True)


def test_completion_bars_lie_flat_with_names_level_and_values_inside_the_bars_end() -> None:
    table = queries.league_completion(Scope(None, None, ASOF))
    fig = completion_figure(table, "league_code", STAMP, "各盟市整改完成率", 0.816, "全区整体")
    bar = fig.data[0]
    assert bar.orientation == "h" and list(bar.x) == sorted(bar.x, reverse=True)  # best first
    assert set(bar.y) == set(table.name)  # every name on the y axis, level, one per row
    assert fig.layout.yaxis.autorange == "reversed"  # the best on top
    assert (bar.textposition, bar.insidetextanchor) == ("auto", "end")  # inside the bar's end
    line = next(s for s in fig.layout.shapes if s.name == "reference")
    assert line.layer == "below" and line.x0 == line.x1 == pytest.approx(81.6)  # under the bars, not over a value


def ranking_ends(metric: str = "tax_per_mu") -> tuple[pd.DataFrame, go.Figure]:
    parks = queries.park_rankings(Scope(None, None, ASOF), None, metric)
    ranked = parks[parks["rank"].notna()].sort_values("rank")
    ends = pd.concat([ranked.head(10), ranked.tail(10)])
    return ends, rk.ranking_figure(ends, "park_id", metric, STAMP, "t", "league_median", "所属盟市中位数")


def label_boxes(fig: go.Figure, plot_px: float = rk.LABEL_PLOT_PX) -> list[tuple[float, float, str]]:
    """Each value label's span along the x axis (start, end in axis units, estimated from its text) and its row."""
    x_max = fig.layout.xaxis.range[1]
    return [
        (a.x, a.x + (rk.text_px(a.text, a.font.size) + rk.LABEL_GAP) / plot_px * x_max, a.y)
        for a in fig.layout.annotations
        if a.name == "value_label"
    ]


def test_ranking_value_labels_start_at_their_own_bars_end_and_end_inside_the_plot() -> None:
    ends, fig = ranking_ends()
    bars = next(t for t in fig.data if t.type == "bar")
    boxes = label_boxes(fig)
    assert [row for _, _, row in boxes] == list(bars.y)  # one label per bar, on its row
    for (start, end, _), value in zip(boxes, bars.x, strict=True):
        assert start == pytest.approx(value)  # at the bar's end, never moved out to the reference mark
        assert end <= fig.layout.xaxis.range[1]  # and whole inside the plot
    bottom = ends.tail(10)
    far = (bottom.league_median - bottom.value) / fig.layout.xaxis.range[1] > 0.2
    assert far.any(), "the demo's bottom ten include a bar far short of its league's median"


def test_a_reference_mark_passes_under_the_label_instead_of_striking_it() -> None:
    _, fig = ranking_ends()
    marks = next(t for t in fig.data if t.name == "所属盟市中位数")
    struck = 0
    for (start, end, _), mark in zip(label_boxes(fig), marks.x, strict=True):
        struck += start <= mark <= end
    labels = [a for a in fig.layout.annotations if a.name == "value_label"]
    assert struck, "the demo has a median mark inside a label's span"
    for label, mark in zip(labels, marks.x, strict=True):  # a mark beyond the bar: an opaque patch, drawn over it
        assert label.bgcolor == ("white" if mark > label.x else "rgba(0,0,0,0)")
    assert all(a.showarrow is False and a.xanchor == "left" for a in labels)


def test_ranking_labels_are_short_and_never_overlap_on_their_rows() -> None:
    _, fig = ranking_ends()
    texts = [a.text for a in fig.layout.annotations if a.name == "value_label"]
    assert len(texts) == 20 and all("万元/亩" not in t for t in texts)  # the unit is the axis title's
    assert "亩均税收（万元/亩）" in fig.layout.xaxis.title.text
    rows = [row for _, _, row in label_boxes(fig)]
    assert len(rows) == len(set(rows))  # one label a row: labels of different rows cannot collide


def test_the_meetings_ranking_reaches_far_enough_for_labels_in_its_larger_type() -> None:
    scope = Scope(None, None, ASOF)
    slide = tax_slide(queries.park_rankings(scope, None, "tax_per_mu"), STAMP, "全区", None)
    screen = mt.screen_figure(slide.figure, "light", mt.chart_height(slide))
    names = max(rk.text_px(str(y), 24) for y in screen.data[0].y)
    plot_px = (mt.WIDTH - 2 * mt.PAD) * mt.SMALLEST - names - 64  # the 1280 × 720 projector
    labels = [a for a in screen.layout.annotations if a.name == "value_label"]
    assert min(a.font.size for a in labels) >= mt.BODY
    for _, end, _ in label_boxes(screen, plot_px):
        assert end <= screen.layout.xaxis.range[1]


def test_the_decks_map_draws_league_names_over_the_parks_bubbles() -> None:
    scope = Scope(None, None, ASOF)
    slide = map_slide(queries.map_parks(scope), _outlines(ASOF), STAMP, None)
    names = [i for i, t in enumerate(slide.figure.data) if str(t.name).startswith("label_")]
    bubbles = [i for i, t in enumerate(slide.figure.data) if t.mode == "markers"]
    assert names and bubbles and min(names) > max(bubbles)
    assert all(slide.figure.data[i].textfont.shadow for i in names)  # a halo where a name crosses a bubble


@pytest.mark.parametrize("league", [None, "150200"])
def test_the_league_matrix_splits_into_two_narrow_tables_holding_every_figure(league) -> None:
    from charts.progress import matrix_parts, matrix_table

    table = matrix_table(queries.unit_ledger_matrix(Scope(league, None, ASOF)))
    rates, overdue = matrix_parts(table)
    ledgers = [c.removesuffix("·完成率") for c in table.columns if c.endswith("·完成率") and c != "合计·完成率"]
    assert len(ledgers) == 6 and len(rates.columns) == 10 and len(overdue.columns) == 8  # not 17 side by side
    assert list(rates.columns[4:]) == ledgers == list(overdue.columns[2:])
    for name in ledgers:
        pd.testing.assert_series_equal(rates[name], table[f"{name}·完成率"], check_names=False)
        pd.testing.assert_series_equal(overdue[name], table[f"{name}·超期"], check_names=False)
    assert rates["合计"].equals(table["合计·完成率"]) and overdue["合计"].equals(table["合计·超期"])


def name_boxes(figure: dict, shrink: float = 1.0) -> list[tuple[float, float, float, float]]:
    """The map's 盟市 names as pixel boxes at the figure's laid-out size (times shrink), from their text's length."""
    layout = figure["layout"]
    (x0, x1), (y0, y1) = layout["xaxis"]["range"], layout["yaxis"]["range"]
    ratio, domain, margin = (
        layout["yaxis"].get("scaleratio", 1),
        layout["xaxis"].get("domain", [0, 1]),
        layout["margin"],
    )
    width = (layout["width"] * shrink - margin["l"] - margin["r"]) * (domain[1] - domain[0])
    height = layout["height"] * shrink - margin["t"] - margin["b"]
    scale = min(width / (x1 - x0), height / ((y1 - y0) * ratio))
    boxes = []
    for t in figure["data"]:
        if str(t.get("name", "")).startswith("label_"):
            size = t["textfont"]["size"]
            x, y, half = t["x"][0] * scale, t["y"][0] * ratio * scale, len(t["text"][0]) * size / 2
            boxes.append((x - half, x + half, y - size * 0.6, y + size * 0.6))
    return boxes


def overlapping(boxes) -> list:
    return [
        (a, b)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]
    ]


@pytest.mark.parametrize("league", [None, "150200"])
def test_the_decks_map_names_do_not_run_together_and_stand_over_the_bubbles_with_a_halo(league) -> None:
    scope = Scope(league, None, ASOF)
    slide = map_slide(queries.map_parks(scope), _outlines(ASOF), STAMP, league)
    width, height = deck.IMAGE_PIXELS
    laid_out = name_labels(press_figure(slide.figure, width, height, chrome=False, font_scale=1.7).to_dict(), 15)
    names = [t for t in laid_out["data"] if str(t.get("name", "")).startswith("label_")]
    assert len(names) >= (6 if league is None else 1)
    assert not overlapping(name_boxes(laid_out))
    assert all(t["textfont"]["shadow"] == "auto" for t in names)  # a halo: readable over a bubble
    bubbles = [i for i, t in enumerate(laid_out["data"]) if t.get("mode") == "markers"]
    assert min(i for i, t in enumerate(laid_out["data"]) if t in names) > max(bubbles)


def test_the_meetings_map_names_do_not_touch_on_the_smallest_projector() -> None:
    slide = MEETING["map"](Scope(None, None, ASOF))
    screen = mt.screen_figure(slide.figure, "light", mt.chart_height(slide)).to_dict()
    screen["layout"].update(width=mt.CHART_WIDTH, height=mt.chart_height(slide))  # the size it was judged at
    screen["layout"]["margin"] = press_figure(
        slide.figure, mt.CHART_WIDTH, 700, chrome=False, font_scale=2
    ).layout.margin.to_plotly_json()
    assert not overlapping(name_boxes(screen, mt.SMALLEST))


@pytest.mark.parametrize("league", [None, "150200"])
def test_meeting_bar_labels_keep_the_body_size_however_thin_the_bars(league) -> None:
    slide = MEETING["compare"](Scope(league, None, ASOF))  # a league's: its parks, the meeting's drill
    screen = mt.screen_figure(slide.figure, "light", mt.chart_height(slide))
    bars = [t for t in screen.data if t.type == "bar" and t.text is not None]
    assert bars and all(t.constraintext == "none" and t.textfont.size >= mt.BODY for t in bars)
    assert screen.layout.uniformtext.minsize >= mt.BODY and screen.layout.uniformtext.mode == "show"


def test_the_decks_ranking_picture_has_room_for_its_labels_and_patches_no_taller_than_their_type() -> None:
    scope = Scope(None, None, ASOF)
    slide = tax_slide(queries.park_rankings(scope, None, "tax_per_mu"), STAMP, "全区", None)
    width, height = deck.IMAGE_PIXELS
    laid_out = press_figure(slide.figure, width, height, chrome=False, font_scale=1.7).to_dict()
    rk.room_for_labels(laid_out, width)
    figure = go.Figure(laid_out)
    names = max(rk.text_px(str(y), figure.layout.yaxis.tickfont.size or 13 * 1.7) for y in figure.data[0].y)
    labels = [a for a in figure.layout.annotations if a.name == "value_label"]
    assert labels and all(a.height <= a.font.size * 1.2 and a.borderpad == 0 for a in labels)
    for _, end, _ in label_boxes(figure, width - names - 64):
        assert end <= figure.layout.xaxis.range[1]
