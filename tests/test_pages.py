"""Pages render at every scope level, show numbers equal to independent SQL, and drill on click."""

from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("[!_]*.py") if p.stem != "signin")
SCOPES = [{}, {"league": "150200"}, {"league": "150200", "park": "P005"}, {"asof": "2022-08-31"}]


def app(script: str = "app.py", **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("script", ["app.py", *PAGES])
@pytest.mark.parametrize("params", SCOPES, ids=["region", "league", "park", "survey-end"])
def test_page_renders_without_exception_at_every_scope(script: str, params: dict) -> None:
    at = app(script, **params)
    assert not at.exception
    banners = at.markdown if script == "pages/meeting.py" else at.info  # the meeting marks each slide itself
    assert any("演示数据" in banner.value for banner in banners)


def independent_counts(db: Path, asof: date, league: str | None = None) -> dict[str, tuple[int, int, int]]:
    """found, rectified, overdue per ledger, counted with SQL of its own (no view, no macro)."""
    con = duckdb.connect(str(db))
    rows = con.execute(
        """
        with last as (
            select item_id, status from item_event where event_date <= $asof
            qualify row_number() over (partition by item_id order by seq desc) = 1
        )
        select i.ledger,
               count(*),
               count(*) filter (where last.status in ('已整改', '已销号')),
               count(*) filter (where coalesce(last.status, '') not in ('已整改', '已销号') and i.deadline < $asof)
        from item i join park p on p.park_id = i.park_id left join last on last.item_id = i.item_id
        where i.found_date <= $asof and ($league is null or p.league_code = $league)
        group by i.ledger
        """,
        {"asof": asof, "league": league},
    ).fetchall()
    con.close()
    return {ledger: (found, rect, overdue) for ledger, found, rect, overdue in rows}


@pytest.mark.parametrize(("asof", "league"), [("2023-06-08", None), ("2022-12-31", "150700"), ("2025-12-25", None)])
def test_overview_cards_equal_independent_counts(demo_db: Path, asof: str, league: str | None) -> None:
    at = app(asof=asof, **({"league": league} if league else {}))
    expected = independent_counts(demo_db, date.fromisoformat(asof), league)
    names = {
        "待批项目": "pending_approval",
        "沉淀资金": "idle_fund",
        "土地": "land",
        "基础设施": "infrastructure",
        "停产企业和停建项目": "stalled",
        "园区指标": "indicator",
    }
    shown = {}
    for metric in at.metric:
        if " · " not in metric.label:  # the totals above the cards, with 环比 (test_kpi_changes)
            continue
        ledger = names[metric.label.split(" · ")[0]]
        found, rectified, overdue = expected[ledger]
        assert metric.value == f"{rectified / found * 100:.1f}%"
        assert metric.delta == (f"超期未整改 {overdue} 项" if overdue else "无超期")
        shown[ledger] = True
    assert len(shown) == 6
    texts = [m.value for m in at.markdown]
    for ledger, (found, rectified, _) in expected.items():
        assert f"发现 **{found}** 项　已整改 **{rectified}** 项" in texts, ledger


def selection(*customdata: str) -> dict:
    return {"selection": {"points": [{"customdata": list(customdata)}], "point_indices": [0], "box": [], "lasso": []}}


def test_clicking_a_league_bar_drills_the_app_into_that_league() -> None:
    at = app(asof="2023-06-08")
    at.session_state["overview_compare_region"] = selection("150200")
    at.run()
    assert not at.exception
    assert (at.query_params["league"], at.query_params["asof"]) == ("150200", "2023-06-08")
    assert "park" not in at.query_params
    assert at.caption[0].value.startswith("全区 › 包头市　")


def test_clicking_a_park_bar_drills_into_that_park() -> None:
    at = app(league="150200", asof="2023-06-08")
    at.session_state["overview_compare_150200"] = selection("P005")
    at.run()
    assert not at.exception
    assert (at.query_params["league"], at.query_params["park"]) == ("150200", "P005")
    assert at.caption[0].value.startswith("全区 › 包头市 › 包头稀土高新技术产业开发区")


def test_choosing_a_league_in_the_scope_bar_writes_it_to_the_url_and_clears_the_park() -> None:
    at = app(league="150200", park="P005")
    at.selectbox(key="scope_league").set_value("150700").run()
    assert not at.exception
    assert at.query_params["league"] == "150700"
    assert "park" not in at.query_params
    assert at.caption[0].value.startswith("全区 › 呼伦贝尔市　")


def test_park_selector_offers_only_the_parks_of_the_chosen_league(demo_db: Path) -> None:
    at = app(league="150200")
    con = duckdb.connect(str(demo_db))
    expected = [
        r[0] for r in con.execute("select park_id from park where league_code = '150200' order by 1").fetchall()
    ]
    con.close()
    assert at.selectbox(key="scope_park").options[1:] == [
        at.selectbox(key="scope_park").format_func(p) for p in expected
    ]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"league": "159999"}, "不存在"),
        ({"league": "150200", "park": "P001"}, "不属于包头市"),
        ({"park": "P999"}, "不存在"),
        ({"asof": "2023-02-30"}, "格式不正确"),
        ({"asof": "2030-01-01"}, "已改为最近的"),
    ],
)
def test_bad_url_shows_a_chinese_warning_and_still_renders(params: dict, words: str) -> None:
    at = app(**params)
    assert not at.exception
    assert any(words in w.value for w in at.warning)
    assert len(at.metric) == 4 + 6  # the totals with 环比, then one card per ledger


def test_park_scope_shows_the_status_breakdown_instead_of_a_comparison() -> None:
    at = app(league="150200", park="P005", asof="2025-12-25")
    assert not at.exception
    assert "overview_compare_150200" not in at.session_state
    assert len(at.metric) == 4 + 6  # the totals with 环比, then one card per ledger
