"""Chart details of issue #17 stated as rules: value labels stay with their bars, no reference line strikes a
value, names stand level (readable on a phone), 盟市 names are drawn over the parks' bubbles."""

from datetime import date

import pandas as pd
import pytest

import queries
from charts import rankings as rk
from charts.overview import completion_figure
from charts.slides import map_slide
from charts.theme import Stamp
from pages._export import _outlines
from queries.scope import Scope

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


def test_bottom_ranking_labels_start_at_their_bar_not_at_a_far_reference_mark() -> None:
    parks = queries.park_rankings(Scope(None, None, ASOF), None, "tax_per_mu")
    ranked = parks[parks["rank"].notna()].sort_values("rank")
    ends = pd.concat([ranked.head(10), ranked.tail(10)])
    fig = rk.ranking_figure(ends, "park_id", "tax_per_mu", STAMP, "t", "league_median", "所属盟市中位数")
    labels = next(t for t in fig.data if t.name == "label")
    bars = next(t for t in fig.data if t.type == "bar")
    marks = next(t for t in fig.data if t.name == "所属盟市中位数")
    x_max = fig.layout.xaxis.range[1]
    moved = 0
    for value, mark, at, text in zip(bars.x, marks.x, labels.x, labels.text, strict=True):
        width = rk._text_px(text) / rk.LABEL_PLOT_PX * x_max
        if mark > value and mark - value <= width:  # the mark would strike the label: it starts just after it
            assert at == mark
            moved += 1
        else:  # otherwise it starts where its bar ends, however far the reference stands
            assert at == value
    bottom = ends.tail(10)
    far = (bottom.league_median - bottom.value) / x_max > 0.3
    assert far.any(), "the demo's bottom ten include a bar far short of its league's median"


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
