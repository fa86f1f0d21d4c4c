"""Numbers in the units a Chinese reader expects."""

import math

import pytest

from charts import format as fmt


@pytest.mark.parametrize(
    ("wan", "text"),
    [(230.4, "230.4 万元"), (16368.8, "1.64 亿元"), (132500, "13.25 亿元"), (None, "—"), (math.nan, "—")],
)
def test_money_switches_to_yi_from_ten_thousand_wan(wan, text) -> None:
    assert fmt.money(wan) == text


def test_areas_are_shown_in_hectares_with_mu_beside() -> None:
    assert fmt.hectares(13207.5) == "880.5 公顷"
    assert fmt.area(13207.5) == "880.5 公顷（13,207.5 亩）"


def test_rate_has_one_decimal_and_a_dash_when_undefined() -> None:
    assert fmt.rate(0.9589) == "95.9%"
    assert fmt.rate(None) == "—"
