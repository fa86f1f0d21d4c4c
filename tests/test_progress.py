"""整治进度: every view's numbers against independent SQL, the drill click, the notice document, 纸面整改 rules."""

import io
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from docx import Document
from streamlit.testing.v1 import AppTest

import queries
from charts.supervision import LagRules, lag_reasons, lagging_leagues
from ledger.demo.database import write_database
from queries.scope import Scope
from reports.supervision_notice import notice_docx
from tests.conftest import ROOT, tiny_rows
from ui.url_state import PROGRESS_VIEWS, url_of

VIEWS = ["阶段进度", "盟市对比", "超期清单", "督导通报", "纸面整改"]
SCOPES = [
    Scope(None, None, date(2023, 6, 8)),
    Scope("150200", None, date(2022, 12, 31)),
    Scope("150200", "P005", date(2025, 12, 25)),
]
RECTIFIED = "('已整改', '已销号')"


def sql(db: Path, text: str, **params) -> pd.DataFrame:
    con = duckdb.connect(str(db))
    try:
        return con.execute(text, params).df()
    finally:
        con.close()


def status_cte() -> str:
    """Status of each item on $d, by its own SQL (no macro): the event with the highest seq on or before $d."""
    return (
        "with st as (select item_id, status from item_event where event_date <= $d "
        "qualify row_number() over (partition by item_id order by seq desc) = 1), "
        "scoped as (select i.*, p.league_code from item i join park p using (park_id) "
        "where ($league is null or p.league_code = $league) and ($park is null or i.park_id = $park)) "
    )


def page(view: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/progress.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.query_params["view"] = url_of(PROGRESS_VIEWS, view)
    return at.run()


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("scope", SCOPES, ids=["region", "league", "park"])
def test_every_view_renders_at_every_scope(view: str, scope: Scope) -> None:
    at = page(view, **scope.query_params())
    assert not at.exception


def test_at_the_survey_end_nothing_of_the_rectification_phase_is_done(demo_db: Path) -> None:
    phases = queries.phase_progress(Scope(None, None, date(2022, 8, 31))).set_index("phase_id")
    assert phases.at["rectification", "state"] == "未开始"
    assert phases.at["rectification", "done"] == 0
    # The only items rectified by then are idle funds returned on discovery (230.4 万元, published).
    rectified = sql(
        demo_db,
        status_cte() + f"select distinct s.ledger from scoped s join st using (item_id) where st.status in {RECTIFIED}",
        d=date(2022, 8, 31),
        league=None,
        park=None,
    )
    assert rectified.ledger.tolist() == ["idle_fund"]


@pytest.mark.parametrize("scope", SCOPES, ids=["region", "league", "park"])
def test_phase_progress_equals_independent_counts(demo_db: Path, scope: Scope) -> None:
    phases = queries.phase_progress(scope).set_index("phase_id")
    end = min(scope.asof, date(2022, 12, 31))
    expected = sql(
        demo_db,
        status_cte().replace("$d", "$end")
        + "select count(*) as target, count(*) filter (where st.status in "
        + RECTIFIED
        + " and (select min(event_date) from item_event e where e.item_id = s.item_id and e.status in "
        + RECTIFIED
        + ") >= date '2022-09-01') as done from scoped s left join st using (item_id) where s.found_date <= $end",
        end=end,
        league=scope.league,
        park=scope.park,
    ).iloc[0]
    assert (phases.at["rectification", "target"], phases.at["rectification", "done"]) == (
        expected.target,
        expected.done,
    )
    filed = sql(
        demo_db,
        "select count(*) as parks, "
        "count(f.filed_date) filter (where f.filed_date <= least($d, date '2022-08-31')) as on_time "
        "from park p left join park_filing f using (park_id) "
        "where ($league is null or p.league_code = $league) and ($park is null or p.park_id = $park)",
        d=scope.asof,
        league=scope.league,
        park=scope.park,
    ).iloc[0]
    assert (phases.at["survey", "target"], phases.at["survey", "done"]) == (filed.parks, filed.on_time)


@pytest.mark.parametrize("scope", SCOPES, ids=["region", "league", "park"])
def test_cumulative_curve_equals_status_replay_at_every_fourth_week(demo_db: Path, scope: Scope) -> None:
    curve = queries.rectification_curve(scope)
    assert curve.as_of_date.max().date() == scope.asof
    for day in [*sorted(curve.as_of_date.unique())[::4], curve.as_of_date.max()]:
        d = pd.Timestamp(day).date()
        expected = sql(
            demo_db,
            status_cte()
            + f"select s.ledger, count(*) as found, count(*) filter (where st.status in {RECTIFIED}) as rectified "
            "from scoped s left join st using (item_id) where s.found_date <= $d group by s.ledger",
            d=d,
            league=scope.league,
            park=scope.park,
        ).set_index("ledger")
        shown = curve[curve.as_of_date == day].set_index("ledger")
        for ledger in shown.index:
            found = int(expected.found.get(ledger, 0))
            rectified = int(expected.rectified.get(ledger, 0))
            assert (shown.at[ledger, "found"], shown.at[ledger, "rectified"]) == (found, rectified), (d, ledger)


@pytest.mark.parametrize("scope", SCOPES[:2], ids=["region", "league"])
def test_unit_ledger_matrix_equals_independent_counts(demo_db: Path, scope: Scope) -> None:
    unit = "s.league_code" if scope.league is None else "s.park_id"
    expected = sql(
        demo_db,
        status_cte() + f"select {unit} as unit_id, s.ledger, count(*) as found, "
        f"count(*) filter (where st.status in {RECTIFIED}) as rectified, "
        f"count(*) filter (where coalesce(st.status, '') not in {RECTIFIED} and s.deadline < $d) as overdue "
        "from scoped s left join st using (item_id) where s.found_date <= $d group by all",
        d=scope.asof,
        league=scope.league,
        park=None,
    ).set_index(["unit_id", "ledger"])
    matrix = queries.unit_ledger_matrix(scope).set_index(["unit_id", "ledger"])
    with_items = matrix[matrix.found > 0]
    assert sorted(with_items.index) == sorted(expected.index)
    for key, row in expected.iterrows():
        assert tuple(with_items.loc[key, ["found", "rectified", "overdue"]]) == (row.found, row.rectified, row.overdue)


@pytest.mark.parametrize("scope", SCOPES, ids=["region", "league", "park"])
def test_overdue_list_equals_independent_sql(demo_db: Path, scope: Scope) -> None:
    expected = sql(
        demo_db,
        status_cte()
        + "select s.item_id, datediff('day', s.deadline, $d) as days from scoped s left join st using (item_id) "
        f"where s.found_date <= $d and s.deadline < $d and coalesce(st.status, '') not in {RECTIFIED} order by 1",
        d=scope.asof,
        league=scope.league,
        park=scope.park,
    )
    shown = queries.overdue_items(scope).sort_values("item_id")
    assert shown.item_id.tolist() == expected.item_id.tolist()
    assert shown.days_overdue.tolist() == expected.days.tolist()
    assert (queries.overdue_items(scope).days_overdue.diff().dropna() <= 0).all()


def test_overdue_view_says_how_many_items_are_overdue() -> None:
    scope = SCOPES[1]
    at = page("超期清单", **scope.query_params())
    count = len(queries.overdue_items(scope))
    assert any(f"**{count}** 项" in m.value for m in at.markdown)


def overdue_sql(db: Path, scope: Scope) -> pd.DataFrame:
    return sql(
        db,
        status_cte() + "select s.item_id, s.ledger, s.park_id, datediff('day', s.deadline, $d) as days from scoped s "
        f"left join st using (item_id) where s.found_date <= $d and s.deadline < $d "
        f"and coalesce(st.status, '') not in {RECTIFIED} order by 1",
        d=scope.asof,
        league=scope.league,
        park=scope.park,
    )


@pytest.mark.parametrize("scope", SCOPES, ids=["region", "league", "park"])
def test_overdue_excel_holds_exactly_the_overdue_items_of_independent_sql(demo_db: Path, scope: Scope) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from charts.progress import overdue_table
    from reports.workbooks import overdue_xlsx

    book = overdue_xlsx(overdue_table(queries.overdue_items(scope)), "包头市", scope.asof, True, None)
    sheet = openpyxl.load_workbook(io.BytesIO(book)).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))[:-1]  # title, subtitle, header; the 合计 row last
    headers = [c.value for c in sheet[3]]
    expected = overdue_sql(demo_db, scope)
    assert headers[:2] == ["序号", "编号"] and "超期天数" in headers
    assert sorted(r[1] for r in rows) == expected.item_id.tolist()
    days = dict(zip(expected.item_id, expected.days, strict=True))
    assert all(r[headers.index("超期天数")] == days[r[1]] for r in rows)
    assert f"共 {len(expected)} 项" in sheet["A2"].value and "数据截至" in sheet["A2"].value


def test_overdue_view_offers_the_excel_export_through_the_audited_button() -> None:
    at = page("超期清单", **SCOPES[1].query_params())
    assert not at.exception
    assert "progress_overdue_export" in [b.key for b in at.get("download_button")]


@pytest.mark.parametrize("scope", SCOPES, ids=["region", "league", "park"])
def test_parks_with_overdue_land_equal_independent_sql(demo_db: Path, scope: Scope) -> None:
    overdue = overdue_sql(demo_db, scope)
    land = sql(demo_db, "select item_id, land_kind, area_mu from land")
    expected = overdue[overdue.ledger == "land"].merge(land, on="item_id")
    per_park = expected.groupby("park_id").agg(
        n=("item_id", "size"), idle=("land_kind", lambda k: int((k == "闲置土地").sum())), mu=("area_mu", "sum")
    )
    shown = queries.overdue_parks(scope).set_index("park_id").sort_index()
    assert shown.index.tolist() == sorted(per_park.index)
    assert shown.overdue_land.tolist() == per_park.sort_index().n.tolist()
    assert shown.overdue_idle.tolist() == per_park.sort_index().idle.tolist()
    assert shown.overdue_area_mu.round(3).tolist() == per_park.sort_index().mu.round(3).tolist()


def test_overdue_view_lists_the_parks_with_overdue_land() -> None:
    scope = SCOPES[0]
    at = page("超期清单", **scope.query_params())
    parks = queries.overdue_parks(scope)
    assert len(parks) > 0
    assert any(f"有超期未整改土地的园区：{len(parks)} 个" in m.value for m in at.markdown)
    table = at.dataframe[0].value  # the parks come first, above the items
    assert table["园区"].tolist() == parks.park_name.tolist()


@pytest.mark.parametrize("ledger", [None, "land", "stalled"])
def test_overdue_counts_and_first_rows_asked_of_the_database_equal_the_whole_list(ledger: str | None) -> None:
    from queries.overdue import overdue_counts, overdue_head

    scope = SCOPES[0]
    whole = queries.overdue_items(scope)
    mine = whole[whole.ledger == ledger] if ledger else whole
    assert len(mine) > 3
    assert overdue_counts(scope, ledger) == (len(mine), int((mine.extensions > 0).sum()))
    assert list(overdue_head(scope, 3, ledger).item_id) == list(mine.item_id[:3])
    assert list(queries.overdue_items(scope, ledger).item_id) == list(mine.item_id)


def test_overdue_view_lists_the_most_overdue_rows_and_counts_all_of_them() -> None:
    scope = SCOPES[0]
    whole = queries.overdue_items(scope)
    source = (ROOT / "pages/progress.py").read_text(encoding="utf-8")
    source = source.replace("OVERDUE_SHOWN = 500", "OVERDUE_SHOWN = 4", 1)
    at = AppTest.from_string(source, default_timeout=60)
    for key, value in scope.query_params().items():
        at.query_params[key] = value
    at.query_params["view"] = url_of(PROGRESS_VIEWS, "超期清单")
    at.run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "条目" in d.value.columns)  # below the parks
    assert list(table["条目"].str.extract(r"item=([^&]+)")[0]) == list(whole.item_id[:4])
    assert any(f"**{len(whole)}** 项" in m.value for m in at.markdown)
    assert any("下表列出超期最久的 4 项" in c.value for c in at.caption)


def test_survey_coverage_and_gaps_equal_independent_sql(demo_db: Path) -> None:
    scope = Scope(None, None, date(2022, 9, 30))
    coverage = queries.survey_coverage(scope).set_index("league_code")
    expected = sql(
        demo_db,
        "select p.league_code, count(*) as parks, "
        "count(*) filter (where f.filed_date <= date '2022-08-31') as on_time, "
        "count(*) filter (where f.filed_date > date '2022-08-31' and f.filed_date <= $d) as late "
        "from park p left join park_filing f using (park_id) group by 1",
        d=scope.asof,
    ).set_index("league_code")
    for code, row in expected.iterrows():
        assert tuple(coverage.loc[code, ["parks", "filed_on_time", "filed_late"]]) == (row.parks, row.on_time, row.late)
        assert coverage.at[code, "not_filed"] == row.parks - row.on_time - row.late
    gaps = queries.survey_gaps(scope)
    assert len(gaps) == int((expected.parks - expected.on_time).sum())
    assert set(gaps.state) <= {"未报送", "逾期补报"}


@pytest.mark.parametrize(
    ("asof", "league", "milestone", "state"),
    [
        (date(2022, 8, 5), "152200", "plan", "未到期"),
        (date(2022, 8, 11), "152200", "plan", "逾期未完成"),
        (date(2022, 8, 1), "150700", "meeting", "逾期未完成"),
        (date(2022, 8, 4), "150700", "meeting", "逾期完成"),
        (date(2022, 8, 4), "150200", "meeting", "按时完成"),
    ],
)
def test_mobilization_milestone_state_follows_the_date(asof: date, league: str, milestone: str, state: str) -> None:
    table = queries.league_milestones(Scope(league, None, asof)).set_index("milestone")
    assert table.at[milestone, "state"] == state


def test_selecting_a_league_row_in_the_matrix_drills_into_it() -> None:
    at = page("盟市对比", asof="2023-06-08")
    table_units = queries.unit_ledger_matrix(SCOPES[0]).drop_duplicates("unit_id").unit_id.tolist()
    at.session_state["progress_matrix_region"] = {"selection": {"rows": [6], "columns": []}}
    at.run()
    assert not at.exception
    assert at.query_params["league"] == table_units[6] == "150700"


def test_selecting_a_park_row_at_league_scope_drills_into_the_park() -> None:
    at = page("盟市对比", league="150200", asof="2023-06-08")
    at.session_state["progress_matrix_150200"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert (at.query_params["league"], at.query_params["park"]) == ("150200", "P005")


# 督导通报 ------------------------------------------------------------------------------------------
def summary_row(**values) -> pd.Series:
    base = {
        "league_code": "150100",
        "league_name": "呼和浩特市",
        "found": 100,
        "rectified": 90,
        "completion_rate": 0.9,
        "region_rate": 0.9,
        "overdue": 0,
        "parks": 5,
        "parks_unfiled": 0,
        "milestones_open": 0,
    }
    return pd.Series({**base, **values})


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"completion_rate": 0.85}, "整改完成率85.0%，比全区（90.0%）低5.0个百分点"),
        ({"overdue": 10}, "超期未整改10项"),
        ({"parks_unfiled": 2}, "2个园区逾期仍未报送"),
        ({"milestones_open": 1}, "1项动员部署任务逾期仍未完成"),
    ],
)
def test_each_lag_rule_fires_at_its_threshold(values: dict, words: str) -> None:
    reasons = lag_reasons(summary_row(**values), LagRules())
    assert len(reasons) == 1 and words in reasons[0]


@pytest.mark.parametrize("values", [{"completion_rate": 0.851}, {"overdue": 9}, {"completion_rate": None}, {}], ids=str)
def test_no_lag_rule_fires_just_inside_the_thresholds(values: dict) -> None:
    assert lag_reasons(summary_row(**values), LagRules()) == []


def test_survey_rule_can_be_switched_off() -> None:
    row = summary_row(parks_unfiled=3, milestones_open=2)
    assert lag_reasons(row, LagRules(survey_incomplete=False)) == []


def test_notice_document_states_the_region_figures_and_the_lagging_leagues(demo_db: Path) -> None:
    scope = Scope(None, None, date(2023, 6, 8))
    ledgers = queries.ledger_kpis(scope)
    lagging = lagging_leagues(queries.supervision_summary(scope), LagRules())
    document = Document(io.BytesIO(notice_docx(ledgers, lagging, scope.asof, True, LagRules(), "第3期")))
    text = "\n".join(p.text for p in document.paragraphs)
    totals = sql(
        demo_db,
        status_cte() + f"select count(*) as found, count(*) filter (where st.status in {RECTIFIED}) as rectified, "
        f"count(*) filter (where coalesce(st.status, '') not in {RECTIFIED} and s.deadline < $d) as overdue "
        "from scoped s left join st using (item_id) where s.found_date <= $d",
        d=scope.asof,
        league=None,
        park=None,
    ).iloc[0]
    assert f"共发现问题{totals.found}项，已整改{totals.rectified}项" in text
    assert f"超期未整改{totals.overdue}项" in text
    assert "2023年6月8日" in text and "第3期" in text and "演示数据" in text
    assert not lagging.empty
    for name in lagging.league_name:
        assert name in text
    table = document.tables[0]
    land = next(r for r in table.rows if r.cells[0].text == "土地")
    expected_land = ledgers.set_index("ledger").loc["land"]
    assert (land.cells[1].text, land.cells[2].text) == (str(expected_land.found), str(expected_land.rectified))


def test_notice_without_lagging_leagues_says_so() -> None:
    scope = Scope(None, None, date(2023, 6, 8))
    lagging = lagging_leagues(
        queries.supervision_summary(scope), LagRules(rate_gap_points=50, overdue_at_least=500, survey_incomplete=False)
    )
    document = Document(io.BytesIO(notice_docx(queries.ledger_kpis(scope), lagging, scope.asof, False, LagRules())))
    text = "\n".join(p.text for p in document.paragraphs)
    assert lagging.empty and "本期各盟市均无通报事项" in text and "演示数据" not in text


def test_notice_download_is_offered_on_the_page() -> None:
    at = page("督导通报", asof="2023-06-08")
    assert not at.exception
    assert any("应通报盟市" in m.value for m in at.markdown)


# 纸面整改 ------------------------------------------------------------------------------------------
def clean_rows() -> dict:
    """The tiny fixture with evidence on every item, so no rule fires."""
    rows = tiny_rows()
    for item in rows["item"]:
        item["evidence"] = "验收报告"
    rows["land"][0].update(parcel_code="P002-A-01", revitalised_mu=150)
    rows["stalled"][0].update(parcel_code="P002-S-01")
    return rows


def break_no_evidence(rows: dict) -> str:
    rows["item"][0]["evidence"] = "  "
    return rows["item"][0]["item_id"]  # LD1, rectified on 2022-11-01


def break_closed_before_found(rows: dict) -> str:
    rows["item"][2]["closed_date"] = date(2022, 8, 1)  # FD1 found 2022-08-05
    return rows["item"][2]["item_id"]


def break_over_revitalised(rows: dict) -> str:
    rows["land"][0]["revitalised_mu"] = 151
    return "LD1"


def break_duplicate_parcel(rows: dict) -> str:
    rows["stalled"][0]["parcel_code"] = "P002-A-01"
    return "LD1"


@pytest.mark.parametrize(
    ("rule", "breaker"),
    [
        ("no_evidence", break_no_evidence),
        ("closed_before_found", break_closed_before_found),
        ("over_revitalised", break_over_revitalised),
        ("duplicate_parcel", break_duplicate_parcel),
    ],
)
def test_each_paper_rectification_rule_finds_its_case_and_only_it(
    rule: str, breaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = clean_rows()
    item = breaker(rows)
    path = tmp_path / "paper.duckdb"
    write_database(rows, path)
    monkeypatch.setenv("LEDGER_DB", str(path))
    checks = queries.paper_checks(Scope(None, None, date(2023, 12, 31)))
    assert set(checks.rule) == {rule}
    assert item in set(checks.item_id)


def test_clean_ledgers_raise_no_paper_rectification_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "clean.duckdb"
    write_database(clean_rows(), path)
    monkeypatch.setenv("LEDGER_DB", str(path))
    assert queries.paper_checks(Scope(None, None, date(2023, 12, 31))).empty


def test_demo_data_contains_each_kind_of_paper_rectification_but_over_revitalised_parcels() -> None:
    """No demo parcel reports more area revitalised than it has (the importer refuses such a row, issue #16)."""
    checks = queries.paper_checks(Scope(None, None, date(2025, 12, 25)))
    assert set(checks.rule) == {"no_evidence", "closed_before_found", "duplicate_parcel"}


def test_clicking_a_league_bar_in_the_comparison_drills_into_it() -> None:
    at = page("盟市对比", asof="2022-12-31")
    at.session_state["progress_bars_region"] = {
        "selection": {"points": [{"customdata": ["150700"]}], "point_indices": [0], "box": [], "lasso": []}
    }
    at.run()
    assert not at.exception
    assert at.query_params["league"] == "150700"


# One colour rule for the league comparison (issue 24): chart, table, 督导通报 -----------------------------------------
def cell_styles(styler) -> dict[tuple[int, int], str]:
    """The CSS of each (row, column) a Styler coloured, read from the element's proto as the browser gets it."""
    import re

    out: dict[tuple[int, int], str] = {}
    for selectors, props in re.findall(r"([^{}]+)\{([^{}]*)\}", styler.styles):
        for row, col in re.findall(r"_row(\d+)_col(\d+)", selectors):
            out[int(row), int(col)] = out.get((int(row), int(col)), "") + props
    return out


def standing_of_bar(color: str) -> str:
    from charts.supervision import STANDINGS

    return next(s for s, (bar, _, _) in STANDINGS.items() if bar == color)


def standing_of_cell(css: str) -> str:
    from charts.supervision import STANDINGS

    return next((s for s, (_, cell, _) in STANDINGS.items() if cell in css), "none")


@pytest.mark.parametrize("asof", ["2022-10-31", "2022-11-30", "2022-12-31", "2023-06-08", "2024-12-31"])
@pytest.mark.parametrize("league", [None, "150600"], ids=["region", "ordos"])
def test_league_chart_and_table_colour_every_unit_by_one_rule(asof: str, league: str | None) -> None:
    import json

    from charts.supervision import rate_standing

    params = {"asof": asof, **({"league": league} if league else {})}
    at = page("盟市对比", **params)
    bars = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    chart = {name: standing_of_bar(color) for name, color in zip(bars["y"], bars["marker"]["color"], strict=True)}
    table = at.dataframe[0]
    data = table.value.reset_index(drop=True)
    column = list(data.columns).index("合计")
    styles = cell_styles(table.proto.arrow_data.styler)
    grid = {name: standing_of_cell(styles.get((n, column), "")) for n, name in enumerate(data["单位"])}
    found, rectified = data["发现(项)"].sum(), data["已整改(项)"].sum()
    expected = {name: rate_standing(r, rectified / found) for name, r in zip(data["单位"], data["合计"], strict=True)}
    assert chart == grid == {k: v for k, v in expected.items()}
    assert "滞后" in " ".join(c.value for c in at.caption)  # the rule is stated beside them


@pytest.mark.parametrize("asof", [date(2022, 11, 30), date(2022, 12, 31), date(2023, 6, 8)])
def test_leagues_the_chart_calls_lagging_are_those_the_notice_lists_for_their_rate(asof: date) -> None:
    from charts.overview import completion_figure
    from charts.supervision import STANDINGS
    from charts.theme import Stamp

    scope = Scope(None, None, asof)
    summary = queries.supervision_summary(scope)
    table = summary.rename(columns={"league_name": "name"})
    overall = float(summary.region_rate.iloc[0])
    bars = completion_figure(table, "league_code", Stamp("全区", asof, True), "t", overall, "全区整体").data[0]
    red = {name for name, color in zip(bars.y, bars.marker.color, strict=True) if color == STANDINGS["lagging"][0]}
    lagging = lagging_leagues(summary, LagRules(overdue_at_least=10**6, survey_incomplete=False))
    assert red == set(lagging.league_name)


@pytest.mark.parametrize("asof", [date(2022, 12, 31), date(2023, 6, 8)])
def test_meeting_comparison_slide_counts_as_lagging_the_leagues_its_chart_colours_red(asof: date) -> None:
    from charts.supervision import STANDINGS
    from charts.theme import Stamp
    from reports.slides import comparison_slide

    scope = Scope(None, None, asof)
    table = queries.league_completion(scope)
    kpis = queries.ledger_kpis(scope)
    overall = int(kpis.rectified.sum()) / int(kpis.found.sum())
    slide = comparison_slide(table, "league_code", Stamp("全区", asof, True), "各盟市整改完成率", overall)
    bars = slide.figure.data[0]
    red = sum(color == STANDINGS["lagging"][0] for color in bars.marker.color)
    counted = next(h for h in slide.headlines if h.label.startswith("滞后的盟市"))
    assert int(counted.value) == red
