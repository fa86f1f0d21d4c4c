"""A page's view lives in the link: a URL opens the same view in a fresh session, a widget change writes the
URL, a bad value falls back with a Chinese notice, and a drill keeps the view (issue #17)."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def fresh(page: str, **params: str) -> AppTest:
    """A new session opening the link page?params (as a colleague pasting it would)."""
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def link(at: AppTest) -> dict[str, str]:
    return {key: at.query_params[key] for key in at.query_params}


def notices(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


@pytest.mark.parametrize(
    ("page", "key", "url", "shown"),
    [
        ("progress", "progress_view", "overdue", "超期清单"),
        ("progress", "progress_view", "leagues", "盟市对比"),
        ("briefing", "briefing_view", "deck", "汇报材料"),
        ("rankings", "rankings_view", "candidates", "倒逼腾退候选"),
    ],
)
def test_a_view_in_the_link_opens_that_view(page: str, key: str, url: str, shown: str) -> None:
    at = fresh(page, league="150200", asof="2023-06-08", view=url)
    assert not at.exception
    assert at.segmented_control(key=key).value == shown
    assert link(at) == {"league": "150200", "asof": "2023-06-08", "view": url}


def test_choosing_a_view_writes_the_link_and_the_link_reopens_it() -> None:
    at = fresh("progress", league="150200", asof="2023-06-08")
    assert "view" not in at.query_params  # the default view keeps the link short
    at.segmented_control(key="progress_view").set_value("超期清单").run()
    assert link(at) == {"league": "150200", "asof": "2023-06-08", "view": "overdue"}
    again = fresh("progress", **link(at))
    assert again.segmented_control(key="progress_view").value == "超期清单"
    assert any("超过整改时限仍未整改" in m.value for m in again.markdown)
    # Back: the browser gives the previous URL to the same session; the view follows it
    for key in list(at.query_params):
        if key == "view":
            del at.query_params[key]
    at.run()
    assert at.segmented_control(key="progress_view").value == "阶段进度"


def test_a_bad_view_falls_back_with_a_chinese_notice_and_leaves_the_link() -> None:
    at = fresh("progress", view="<script>", league="150200")
    assert not at.exception
    assert at.segmented_control(key="progress_view").value == "阶段进度"
    assert notices(at) == ["链接中的视图“<script>”无法识别，已显示阶段进度。"]
    assert "view" not in at.query_params and at.query_params["league"] == "150200"


def test_drilling_from_the_league_matrix_keeps_the_view() -> None:
    at = fresh("progress", view="leagues", asof="2023-06-08")
    at.session_state["progress_matrix_region"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert at.query_params["view"] == "leagues" and at.query_params.get("league")
    assert at.segmented_control(key="progress_view").value == "盟市对比"


def test_ledger_filters_round_trip_through_the_link() -> None:
    params = {"asof": "2023-06-08", "ledger": "land", "status": "整改中", "phase": "survey", "q": "厂", "overdue": "1"}
    at = fresh("ledgers", **params)
    assert not at.exception and not notices(at)
    assert at.selectbox(key="ledgers_status").value == "整改中"
    assert at.selectbox(key="ledgers_phase").value == "survey"
    assert at.text_input(key="ledgers_search").value == "厂"
    assert at.toggle(key="ledgers_overdue").value is True
    at.selectbox(key="ledgers_status").set_value("").run()
    at.toggle(key="ledgers_overdue").set_value(False).run()
    at.text_input(key="ledgers_search").set_value("").run()
    assert link(at) == {"asof": "2023-06-08", "ledger": "land", "phase": "survey"}
    unit = at.selectbox(key="ledgers_unit").options[1]
    at.selectbox(key="ledgers_unit").set_value(unit).run()
    assert at.query_params["unit"] == unit
    assert fresh("ledgers", **link(at)).selectbox(key="ledgers_unit").value == unit


def test_unknown_ledger_filter_values_fall_back_to_all_with_notices() -> None:
    at = fresh("ledgers", asof="2023-06-08", status="done", unit="不存在的单位", overdue="yes")
    assert not at.exception
    assert notices(at) == [
        "链接中的状态“done”无法识别，已显示全部。",
        "链接中的责任单位“不存在的单位”无法识别，已显示全部。",
        "链接中的超期筛选“yes”无法识别，已显示全部。",
    ]
    assert at.selectbox(key="ledgers_status").value == "" and at.toggle(key="ledgers_overdue").value is False
    assert not {"status", "unit", "overdue"} & set(link(at))


def test_ranking_weights_indicator_and_leagues_round_trip() -> None:
    at = fresh("rankings", asof="2023-06-08", metric="tax_per_mu", w="50,20,20,10", leagues="150200,150100")
    assert not at.exception and not notices(at)
    assert at.segmented_control(key="rankings_metric").value == "tax_per_mu"
    assert at.expander[0].label.startswith("综合得分权重：亩均税收 50%、亩均产值 20%、投资强度 20%、容积率 10%")
    assert at.multiselect(key="rankings_leagues").value == ["150100", "150200"]
    at.slider(key="rankings_weight_plot_ratio").set_value(30).run()
    assert at.query_params["w"] == "50,20,20,30"
    at.button(key="rankings_reset_weights").click().run()
    assert "w" not in at.query_params
    bad = fresh("rankings", asof="2023-06-08", w="90,x", metric="beauty")
    assert notices(bad) == [
        "链接中的排名指标“beauty”无法识别，已显示综合得分。",
        "链接中的综合得分权重“90,x”无法识别，已显示默认值。",
    ]
    assert bad.expander[0].label.startswith("综合得分权重：亩均税收 40%、亩均产值 30%")


def test_map_measure_and_layers_round_trip_and_bad_ones_are_named() -> None:
    at = fresh("idle_map", league="150200", measure="open_items", layers="land,stalled")
    assert not at.exception and not notices(at)
    assert at.segmented_control(key="idle_map_measure").value == "open_items"
    assert at.pills(key="idle_map_layers").value == ["land", "stalled"]
    bad = fresh("idle_map", league="150200", measure="gdp", layers="land,ufo")
    assert notices(bad)[0].startswith("链接中的盟市着色“gdp”无法识别，已显示")
    assert notices(bad)[1] == "链接中的台账图层“ufo”无法识别，已显示其余可识别的选项。"
    assert bad.pills(key="idle_map_layers").value == ["land"] and bad.query_params["layers"] == "land"
