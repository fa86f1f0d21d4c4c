"""台账 page: every ledger's rows and sums equal independent SQL, filters narrow as asked, items open by URL, export."""

import io
import math
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import queries
from charts import ledgers as view
from charts.theme import Stamp
from ledger.demo.database import write_database
from ledger.vocabulary import STATUSES
from queries import db, paging
from queries.scope import Scope
from reports.workbooks import ExportMeta, export_meta, ledger_csv, ledger_csv_frames, ledger_xlsx, ledger_xlsx_frames
from tests.conftest import ROOT, read_database, tiny_rows

ASOF = date(2023, 6, 8)
LEDGERS = list(view.LEDGERS)
SCOPES = {"region": (None, None), "league": ("150200", None), "park": ("150200", "P005")}  # P005: items in all six
EXTRA_PARAMS = {"item": None, "ledger": None, **queries.NO_FILTER}
LEDGER_SQL = ["ledger_units", "item_detail", "item_history", *(f"ledger_{ledger}" for ledger in LEDGERS)]

# Each ledger's detail join and summable quantities, written apart from queries/ledgers/*.sql.
INDEPENDENT = {
    "pending_approval": ("join pending_approval d on d.item_id = b.item_id", ["d.approval_count"]),
    "idle_fund": (
        "join idle_fund d on d.item_id = b.item_id",
        ["d.balance_wan", "case when b.status in ('已整改', '已销号') then d.returned_wan end as returned_wan"],
    ),
    "land": ("join land d on d.item_id = b.item_id", ["d.area_mu"]),
    "infrastructure": ("join infrastructure d on d.item_id = b.item_id", ["d.investment_wan"]),
    "stalled": ("join stalled d on d.item_id = b.item_id", ["d.land_mu", "d.energy_tce", "d.water_t"]),
    "indicator": (
        "join indicator d on d.item_id = b.item_id join built_project bp on bp.project_id = d.project_id",
        ["bp.land_mu", "bp.output_wan"],
    ),
}


def independent(
    path: Path, ledger: str, asof: date = ASOF, league: str | None = None, park: str | None = None
) -> pd.DataFrame:
    """item_id, title, unit, found_date, status, overdue and the ledger's quantities: last event by row_number."""
    join, sums = INDEPENDENT[ledger]
    quantities = ", ".join(f"({s.split(' as ')[0]})::double as {s.split(' as ')[-1].split('.')[-1]}" for s in sums)
    con = duckdb.connect(str(path))
    frame = con.execute(
        f"""
        with last as (
            select item_id, status from item_event where event_date <= $asof
            qualify row_number() over (partition by item_id order by seq desc) = 1
        ),
        b as (
            select i.item_id, i.title, i.responsible_unit, i.found_date, coalesce(last.status, '待整改') as status,
                   coalesce(last.status, '待整改') not in ('已整改', '已销号') and i.deadline < $asof as overdue
            from item i
            join park p on p.park_id = i.park_id
            left join last on last.item_id = i.item_id
            where i.ledger = $ledger and i.found_date <= $asof
              and ($league is null or p.league_code = $league) and ($park is null or i.park_id = $park)
        )
        select b.*, {quantities} from b {join} order by b.item_id
        """,
        {"asof": asof, "ledger": ledger, "league": league, "park": park},
    ).df()
    con.close()
    return frame


def sum_fields(ledger: str) -> list[str]:
    return [s.split(" as ")[-1].split(".")[-1] for s in INDEPENDENT[ledger][1]]


def demo_rows(db: Path, text: str, **params) -> list[tuple]:
    """Rows of a query on the demo database: the facts a test expects the page to show."""
    con = duckdb.connect(str(db))
    try:
        return con.execute(text, params).fetchall()
    finally:
        con.close()


def app(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "ledgers.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# Rows and sums ----------------------------------------------------------------------------------
@pytest.mark.parametrize("scope_name", list(SCOPES))
@pytest.mark.parametrize("ledger", LEDGERS)
def test_each_ledger_lists_the_same_items_and_sums_as_independent_sql(demo_db: Path, ledger: str, scope_name: str):
    league, park = SCOPES[scope_name]
    rows = queries.LEDGER_QUERIES[ledger](Scope(league, park, ASOF))
    expected = independent(demo_db, ledger, ASOF, league, park)
    assert len(expected) > 0
    assert sorted(rows.item_id) == expected.item_id.tolist()
    assert rows.set_index("item_id").status.to_dict() == expected.set_index("item_id").status.to_dict()
    assert int(rows.overdue.sum()) == int(expected.overdue.sum())
    for field in sum_fields(ledger):
        assert rows[field].sum() == pytest.approx(expected[field].sum()), field


@pytest.mark.parametrize(
    ("ledger", "scope_name"), [(ledger, "league") for ledger in LEDGERS] + [("land", "region"), ("land", "park")]
)
def test_page_cards_show_the_counts_and_sums_of_independent_sql(demo_db: Path, ledger: str, scope_name: str):
    league, park = SCOPES[scope_name]
    params = {"asof": ASOF.isoformat(), "ledger": ledger, **({"league": league} if league else {})}
    at = app(**params, **({"park": park} if park else {}))
    assert not at.exception
    expected = independent(demo_db, ledger, ASOF, league, park)
    shown = cards(at)
    rectified = expected.status.isin(["已整改", "已销号"])
    assert shown["条目"] == f"{len(expected)} 项"
    assert shown["未整改"] == f"{int((~rectified).sum())} 项"
    assert shown["其中超期"] == f"{int(expected.overdue.sum())} 项"
    assert shown["已整改（含销号）"] == f"{int(rectified.sum())} 项"
    assert len(at.dataframe[0].value) == min(len(expected), paging.DEFAULT_PAGE_SIZE)  # one page of them
    totals = {f: float(expected[f].sum()) for f in sum_fields(ledger)}
    if "area_mu" in totals or "land_mu" in totals:
        mu = totals.get("area_mu", totals.get("land_mu"))
        label = "面积(公顷)" if ledger == "land" else "占地(公顷)"
        assert shown[label] == f"{mu / 15:,.1f}"
    for field, label in [
        ("balance_wan", "沉淀余额"),
        ("returned_wan", "收回上缴"),
        ("investment_wan", "投资额"),
        ("output_wan", "产值"),
    ]:
        if field in totals:
            wan = totals[field]
            big = wan >= 10_000
            assert shown[f"{label}({'亿元' if big else '万元'})"] == (f"{wan / 10_000:,.2f}" if big else f"{wan:,.1f}")
    if "approval_count" in totals:
        assert shown["待批事项"] == f"{int(totals['approval_count']):,} 项"
    for field, label in [("energy_tce", "用能(万吨标准煤)"), ("water_t", "用水(万吨)")]:
        if field in totals:
            assert shown[label] == f"{totals[field] / 10_000:,.2f}"


def test_land_cards_on_the_tiny_database_match_a_hand_count(use_tiny_db) -> None:
    # On 2023-01-15 LD1 (150 亩) is 已整改, LD2 (30 亩, deadline 2022-12-31) is open and overdue.
    at = app(asof="2023-01-15", ledger="land")
    assert not at.exception
    shown = cards(at)
    assert (shown["条目"], shown["未整改"], shown["其中超期"], shown["已整改（含销号）"]) == (
        "2 项",
        "1 项",
        "1 项",
        "1 项",
    )
    assert shown["面积(公顷)"] == "12.0"
    assert at.metric[4].delta == "180.0 亩"


def test_choosing_another_ledger_writes_it_to_the_url_and_shows_its_columns() -> None:
    at = app(asof=ASOF.isoformat(), league="150200")
    assert at.query_params["ledger"] == view.DEFAULT_LEDGER
    at.segmented_control(key="ledgers_ledger").set_value("idle_fund").run()
    assert not at.exception
    assert at.query_params["ledger"] == "idle_fund"
    assert "沉淀余额(万元)" in at.dataframe[0].value.columns
    assert "面积(亩)" not in at.dataframe[0].value.columns


@pytest.mark.parametrize("ledger", LEDGERS)
def test_page_renders_every_ledger_at_every_scope_level(ledger: str) -> None:
    at = app(ledger=ledger)
    for params in ({"league": "150200"}, {"league": "150200", "park": "P005"}, {"asof": "2022-08-31"}):
        for key in ("league", "park", "asof"):
            if key in at.query_params:
                del at.query_params[key]
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, (ledger, params)
        assert at.query_params["ledger"] == ledger


def test_a_park_without_items_of_a_ledger_says_so_instead_of_an_empty_table(demo_db: Path) -> None:
    [(park,)] = demo_rows(
        demo_db,
        "select min(park_id) from park where league_code = '150200' and park_id not in "
        "(select park_id from item where ledger = 'idle_fund' and found_date <= $d)",
        d=ASOF,
    )
    at = app(league="150200", park=park, ledger="idle_fund", asof=ASOF.isoformat())
    assert not at.exception
    assert any("没有符合筛选条件的条目" in i.value for i in at.info)
    assert cards(at)["条目"] == "0 项"


# Filters ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", STATUSES)
def test_status_filter_keeps_only_items_in_that_status_on_the_date(demo_db: Path, status: str) -> None:
    rows = queries.ledger_land(Scope(None, None, ASOF), status=status)
    expected = independent(demo_db, "land")
    assert sorted(rows.item_id) == expected[expected.status == status].item_id.tolist()


def test_overdue_filter_keeps_only_open_items_past_their_deadline(demo_db: Path) -> None:
    rows = queries.ledger_stalled(Scope(None, None, ASOF), overdue_only=True)
    expected = independent(demo_db, "stalled")
    assert len(rows) > 0
    assert sorted(rows.item_id) == expected[expected.overdue].item_id.tolist()
    assert (rows.overdue_days == (pd.Timestamp(ASOF) - rows.deadline).dt.days).all()
    assert not rows.status.isin(["已整改", "已销号"]).any()


def test_unit_filter_keeps_only_that_responsible_unit(demo_db: Path) -> None:
    scope = Scope(None, None, ASOF)
    units = queries.ledger_units(scope, "land")
    assert "包头市自然资源局" in units
    rows = queries.ledger_land(scope, unit="包头市自然资源局")
    expected = independent(demo_db, "land")
    assert sorted(rows.item_id) == expected[expected.responsible_unit == "包头市自然资源局"].item_id.tolist()


def test_unit_choices_are_the_units_of_the_chosen_ledger_in_scope(demo_db: Path) -> None:
    con = duckdb.connect(str(demo_db))
    expected = [
        r[0]
        for r in con.execute(
            "select distinct responsible_unit from item join park using (park_id) "
            "where ledger = 'indicator' and league_code = '150200' and found_date <= $d order by 1",
            {"d": ASOF},
        ).fetchall()
    ]
    con.close()
    assert queries.ledger_units(Scope("150200", None, ASOF), "indicator") == expected


@pytest.mark.parametrize(
    ("phase", "start", "end"), [("survey", "2022-08-01", "2022-08-31"), ("mobilization", "2022-07-01", "2022-07-31")]
)
def test_phase_filter_keeps_items_found_during_that_phase(demo_db: Path, phase: str, start: str, end: str) -> None:
    rows = queries.ledger_pending_approval(Scope(None, None, ASOF), phase=phase)
    expected = independent(demo_db, "pending_approval")
    found = expected.found_date.dt.date
    inside = expected[(found >= date.fromisoformat(start)) & (found <= date.fromisoformat(end))]
    assert len(inside) > 0
    assert sorted(rows.item_id) == inside.item_id.tolist()


def test_search_matches_words_in_titles_or_ids_and_treats_wildcards_literally(demo_db: Path) -> None:
    scope = Scope(None, None, ASOF)
    expected = independent(demo_db, "land")
    words = "包头稀土"
    rows = queries.ledger_land(scope, search=f"  {words} ")
    assert sorted(rows.item_id) == expected[expected.title.str.contains(words)].item_id.tolist()
    assert queries.ledger_land(scope, search="ld0001").item_id.tolist() == ["LD0001"]
    assert queries.ledger_land(scope, search="%").empty
    assert queries.ledger_land(scope, search="_").empty


def test_filters_combine_and_the_page_cards_count_what_is_shown(demo_db: Path) -> None:
    at = app(asof=ASOF.isoformat(), ledger="land")
    at.toggle(key="ledgers_overdue").set_value(True).run()
    at.selectbox(key="ledgers_phase").set_value("survey").run()
    assert not at.exception
    expected = independent(demo_db, "land")
    found = expected.found_date.dt.date
    kept = expected[expected.overdue & (found >= date(2022, 8, 1)) & (found <= date(2022, 8, 31))]
    assert cards(at)["条目"] == f"{len(kept)} 项"
    assert sorted(at.dataframe[0].value["编号"]) == kept.item_id.tolist()
    assert (at.dataframe[0].value["超期(天)"] > 0).all()


def test_changing_ledger_resets_a_unit_that_the_new_ledger_does_not_have(demo_db: Path) -> None:
    [(units,)] = demo_rows(
        demo_db,
        "select count(*) from item where ledger = 'land' and responsible_unit = '包头市自然资源局' "
        "and found_date <= $d",
        d=ASOF,
    )
    at = app(asof=ASOF.isoformat(), ledger="land")
    at.selectbox(key="ledgers_unit").set_value("包头市自然资源局").run()
    assert cards(at)["条目"] == f"{units} 项"
    at.segmented_control(key="ledgers_ledger").set_value("idle_fund").run()
    assert not at.exception
    assert at.selectbox(key="ledgers_unit").value == ""


# One item ---------------------------------------------------------------------------------------
def test_item_link_opens_the_item_with_its_facts_and_history(demo_db: Path) -> None:
    at = app(item="LD0001", asof=ASOF.isoformat())
    assert not at.exception
    assert not at.warning
    assert at.query_params["item"] == "LD0001"
    assert at.query_params["ledger"] == "land"
    [(title, park, area, deadline)] = demo_rows(
        demo_db,
        "select title, p.name, l.area_mu, deadline from item join park p using (park_id) join land l using (item_id) "
        "where item_id = 'LD0001'",
    )
    events = demo_rows(demo_db, "select event_date, status from item_event where item_id = 'LD0001' order by seq")
    assert any("LD0001" in h.value and title in h.value for h in at.subheader)
    facts = at.table[0].value
    assert facts.loc["园区", "内容"] == park
    assert facts.loc["面积(亩)", "内容"] == f"{area:.2f}"
    history = next(d.value for d in at.dataframe if "日期" in d.value.columns)  # the item opens above the list
    assert [(d, s) for d, s in zip(history["日期"], history["状态"], strict=True)] == [(d, s) for d, s in events]
    later = [s for d, s in events if d > ASOF]
    assert list(history["说明"]).count("（数据截至日之后）") == len(later)
    assert len(at.get("plotly_chart")) == 1
    rectified = next(d for d, s in events if s == "已整改")
    assert rectified <= ASOF and rectified <= deadline  # the demo's first parcel was rectified in time
    assert any(f"已于 {rectified} 整改，在整改时限（{deadline}）之内" in s.value for s in at.success)


def test_item_link_switches_the_list_to_the_items_ledger() -> None:
    at = app(item="FD0003", ledger="land", asof=ASOF.isoformat())
    assert not at.exception
    assert at.query_params["ledger"] == "idle_fund"
    assert at.segmented_control(key="ledgers_ledger").value == "idle_fund"


def test_an_open_item_past_its_deadline_says_how_many_days_overdue(demo_db: Path) -> None:
    expected = independent(demo_db, "land")
    item_id = expected[expected.overdue].item_id.iloc[0]
    con = duckdb.connect(str(demo_db))
    deadline = con.execute("select deadline from item where item_id = $i", {"i": item_id}).fetchone()[0]
    con.close()
    at = app(item=item_id, asof=ASOF.isoformat())
    assert not at.exception
    assert any(f"已超过整改时限（{deadline}）{(ASOF - deadline).days} 天" in e.value for e in at.error)


def test_an_item_rectified_after_its_deadline_says_how_late(demo_db: Path) -> None:
    con = duckdb.connect(str(demo_db))
    item_id, deadline, rectified = con.execute(
        """
        select i.item_id, i.deadline, min(e.event_date)
        from item i join item_event e using (item_id)
        where e.status in ('已整改', '已销号') and e.event_date <= $asof
        group by i.item_id, i.deadline
        having min(e.event_date) > i.deadline
        order by i.item_id
        limit 1
        """,
        {"asof": ASOF},
    ).fetchone()
    con.close()
    at = app(item=item_id, asof=ASOF.isoformat())
    assert not at.exception
    late = (rectified - deadline).days
    assert any(f"已于 {rectified} 整改，超过整改时限（{deadline}）{late} 天" in w.value for w in at.warning)


def test_an_item_found_after_the_date_is_shown_as_not_yet_listed() -> None:
    at = app(item="LD0153", asof="2022-08-01")  # found 2022-11-05
    assert not at.exception
    assert any("尚未列入台账" in m.value for m in at.markdown)
    assert next(d.value for d in at.dataframe if "日期" in d.value.columns).shape[0] == 4  # the item's history


def test_item_outside_the_scope_says_so_and_links_up_to_its_park_and_league(demo_db: Path) -> None:
    [(league, park)] = demo_rows(
        demo_db, "select p.league_code, park_id from item join park p using (park_id) where item_id = 'LD0001'"
    )
    other = "150100" if league != "150100" else "150200"
    at = app(item="LD0001", league=other, asof=ASOF.isoformat())
    assert not at.exception
    assert any("不在当前范围内" in c.value for c in at.caption)
    at.button(key="ledgers_to_park").click().run()
    assert not at.exception
    assert (at.query_params["league"], at.query_params["park"], at.query_params["item"]) == (league, park, "LD0001")
    assert at.button(key="ledgers_to_park").disabled
    at.button(key="ledgers_to_league").click().run()
    assert "park" not in at.query_params
    assert (at.query_params["league"], at.query_params["item"]) == (league, "LD0001")


def test_closing_the_item_removes_it_from_the_url() -> None:
    at = app(item="LD0001")
    at.button(key="ledgers_close").click().run()
    assert not at.exception
    assert "item" not in at.query_params
    assert not at.subheader


def test_unknown_item_id_gives_a_chinese_warning_and_the_list_still_renders() -> None:
    at = app(item="XX9999", asof=ASOF.isoformat())
    assert not at.exception
    assert any("XX9999" in w.value and "没有" in w.value for w in at.warning)
    assert "item" not in at.query_params
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) > 0


def test_unknown_ledger_in_the_url_falls_back_with_a_warning() -> None:
    at = app(ledger="nonsense")
    assert not at.exception
    assert any("nonsense" in w.value for w in at.warning)
    assert at.query_params["ledger"] == view.DEFAULT_LEDGER


def test_status_timeline_has_one_bar_per_status_up_to_the_date_and_marks_deadline_and_date() -> None:
    item = queries.item_detail("LD0001", ASOF)
    history = queries.item_history("LD0001", ASOF)
    figure = view.status_timeline_figure(history, item, ASOF, Stamp("全区", ASOF, True))
    assert [t.type for t in figure.data] == ["bar"] * int((~history.after_asof).sum())
    assert [t.name for t in figure.data] == history[~history.after_asof].status.tolist()
    assert len(figure.layout.shapes) == 2
    texts = [a.text for a in figure.layout.annotations]
    assert any(t.startswith("整改时限 2022-12-31") for t in texts)
    assert any(t.startswith("数据截至 2023-06-08") for t in texts)


# Export -----------------------------------------------------------------------------------------
def workbook(data: bytes) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_xlsx_export_is_in_ledger_layout_with_title_headers_rows_and_total(demo_db: Path) -> None:
    scope = Scope("150200", None, ASOF)
    rows = queries.ledger_land(scope)
    table = view.ledger_table(rows, "land")
    title = view.export_title("包头市", False, "land")
    assert title == "包头市开发区闲置土地台账"
    meta = export_meta(title, Stamp("包头市", ASOF, True), "land", "仅超期未整改")
    sheet = workbook(ledger_xlsx(table, meta))
    assert sheet["A1"].value == "包头市开发区闲置土地台账"
    assert "数据截至 2023-06-08" in sheet["A2"].value and "仅超期未整改" in sheet["A2"].value
    headers = [c.value for c in sheet[3]]
    assert headers == ["序号", *table.columns]
    assert {"面积(亩)", "面积(公顷)", "整改时限", "状态", "责任单位"} <= set(headers)
    assert sheet.freeze_panes == "A4"
    assert sheet.max_row == 3 + len(rows) + 1
    total_row = sheet[sheet.max_row]
    assert total_row[0].value == "合计"
    expected = independent(demo_db, "land", ASOF, "150200")
    mu = headers.index("面积(亩)")
    assert total_row[mu].value == pytest.approx(expected.area_mu.sum())
    assert total_row[headers.index("面积(公顷)")].value == pytest.approx(expected.area_mu.sum() / 15)
    assert total_row[headers.index("状态")].value is None  # no sum where a sum makes no sense
    assert [sheet.cell(row=r, column=2).value for r in range(4, 4 + len(rows))] == rows.item_id.tolist()
    assert sheet.cell(row=4, column=headers.index("整改时限") + 1).is_date
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width


INJECTED = '=HYPERLINK("http://x","y")'


@pytest.fixture
def injected_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tiny database with formula-like text in a title and in responsible units."""
    rows = tiny_rows()
    for item in rows["item"]:
        if item["item_id"] == "LD1":
            item["title"] = INJECTED
        if item["item_id"] == "LD2":
            item["title"] = "+1+1"
            item["responsible_unit"] = "@SUM(A1)"
    path = tmp_path / "injected.duckdb"
    write_database(rows, path)
    return read_database(path, monkeypatch)


def test_formula_like_text_stays_text_in_the_xlsx_and_is_defused_in_the_csv(injected_db: Path) -> None:
    rows = queries.ledger_land(Scope(None, None, date(2023, 1, 15)))
    table = view.ledger_table(rows, "land")
    sheet = workbook(ledger_xlsx(table, ExportMeta("测试台账", "数据截至 2023-01-15", view.total_headers("land"))))
    titles = {sheet.cell(row=r, column=3).value: sheet.cell(row=r, column=3) for r in (4, 5)}
    assert titles[INJECTED].data_type == "s"
    assert titles["+1+1"].data_type == "s"
    units = [sheet.cell(row=r, column=[c.value for c in sheet[3]].index("责任单位") + 1) for r in (4, 5)]
    assert {u.value for u in units} == {"测试单位", "@SUM(A1)"} and all(u.data_type == "s" for u in units)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)

    data = ledger_csv(table)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back.columns) == list(table.columns)
    assert set(back["地块"]) == {"'" + INJECTED, "'+1+1"}
    assert "'@SUM(A1)" in set(back["责任单位"])


def test_page_offers_both_downloads_named_after_the_ledger() -> None:
    at = app(league="150200", asof=ASOF.isoformat(), ledger="land")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["导出 Excel", "导出 CSV"]
    assert any("包头市开发区闲置土地台账" in m.value for m in at.markdown)


# The queries themselves ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", LEDGER_SQL)
def test_ledger_queries_run_with_every_filter_off(name: str, use_tiny_db) -> None:
    from tests.test_queries import PARAMS, header_columns

    con = db.connect()
    result = db.execute(con, name, {**PARAMS, **EXTRA_PARAMS})
    con.close()
    assert list(result.columns) == header_columns(name)


def test_unknown_item_id_returns_no_detail_and_no_history() -> None:
    assert queries.item_detail("XX9999", ASOF) is None
    assert queries.item_history("XX9999", ASOF).empty


# Pages of the list --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ledger", "scope_name", "filters"),
    [
        ("land", "region", {}),
        ("stalled", "league", {}),
        ("indicator", "region", {"overdue_only": True}),
        ("idle_fund", "region", {"status": "已销号"}),
    ],
)
def test_paged_totals_equal_the_unpaged_query_and_independent_sql(
    demo_db: Path, ledger: str, scope_name: str, filters: dict
) -> None:
    league, park = SCOPES[scope_name]
    scope = Scope(league, park, ASOF)
    totals = paging.ledger_totals(ledger, scope, view.sum_fields(ledger), **filters)
    whole = queries.LEDGER_QUERIES[ledger](scope, **filters)
    expected = independent(demo_db, ledger, ASOF, league, park)
    if filters.get("overdue_only"):
        expected = expected[expected.overdue]
    if filters.get("status"):
        expected = expected[expected.status == filters["status"]]
    rectified = expected.status.isin(["已整改", "已销号"])
    assert totals["items"] == len(whole) == len(expected) > 0
    assert (totals["open"], totals["rectified"]) == (int((~rectified).sum()), int(rectified.sum()))
    assert totals["overdue"] == int(whole.overdue.sum()) == int(expected.overdue.sum())
    for field in view.sum_fields(ledger):
        assert totals[field] == pytest.approx(float(whole[field].sum()))
        assert totals[field] == pytest.approx(float(expected[field].sum())), field
    size = 7  # pages of 7 rows, laid end to end, are the unpaged query's rows in its order
    pages = [paging.ledger_page(ledger, scope, n, size, **filters) for n in range(1, math.ceil(len(whole) / size) + 1)]
    assert all(len(p) == size for p in pages[:-1]) and 0 < len(pages[-1]) <= size
    assert pd.concat(pages).item_id.tolist() == whole.item_id.tolist()
    assert paging.ledger_page(ledger, scope, len(pages) + 1, size, **filters).empty


def test_a_page_sorted_by_a_column_holds_the_rows_independent_sql_puts_there(demo_db: Path) -> None:
    order = paging.ledger_order("area_mu", descending=True)
    page = paging.ledger_page("land", Scope(None, None, ASOF), 2, 20, order)
    expected = demo_rows(
        demo_db,
        """
        select i.item_id from item i join park p using (park_id) join land d using (item_id)
        where i.ledger = 'land' and i.found_date <= $d
        order by d.area_mu desc nulls last, p.league_code, i.park_id, i.item_id
        limit 20 offset 20
        """,
        d=ASOF,
    )
    assert page.item_id.tolist() == [r[0] for r in expected]
    assert page.area_mu.is_monotonic_decreasing


def test_sort_and_page_size_come_only_from_the_allow_list() -> None:
    with pytest.raises(ValueError, match="not a column name"):
        paging.ledger_page("land", Scope(None, None, ASOF), 1, 10, (('area_mu" desc; drop table item; --', False),))


def test_the_list_shows_the_page_in_the_link_and_the_totals_of_all_filtered_items(demo_db: Path) -> None:
    at = app(asof=ASOF.isoformat(), ledger="land", size="50", page="3", sort="area_mu", desc="1")
    assert not at.exception
    expected = independent(demo_db, "land")
    assert cards(at)["条目"] == f"{len(expected)} 项"  # all 252 items, not the 50 shown
    whole = queries.ledger_land(Scope(None, None, ASOF)).sort_values(
        ["area_mu", "league_code", "park_id", "item_id"], ascending=[False, True, True, True]
    )
    shown = at.dataframe[0].value
    assert shown["编号"].tolist() == whole.item_id.iloc[100:150].tolist()
    assert at.number_input(key="ledgers_page").value == 3
    assert any(f"第 101–150 项，共 {len(expected)} 项" in c.value for c in at.caption)


def test_a_filter_change_goes_back_to_the_first_page() -> None:
    at = app(asof=ASOF.isoformat(), ledger="land", size="50", page="2")
    assert at.query_params["page"] == "2"
    at.toggle(key="ledgers_overdue").set_value(True).run()
    assert not at.exception
    assert "page" not in at.query_params
    assert at.number_input(key="ledgers_page").value == 1


def test_a_page_past_the_end_shows_the_last_page_and_a_bad_one_the_first(demo_db: Path) -> None:
    total = len(independent(demo_db, "land"))
    last = math.ceil(total / 50)
    at = app(asof=ASOF.isoformat(), ledger="land", size="50", page="999")
    assert not at.exception
    assert any("999" in i.value and "最后一页" in i.value for i in at.info)
    assert at.query_params["page"] == str(last)
    assert len(at.dataframe[0].value) == total - 50 * (last - 1)
    at = app(asof=ASOF.isoformat(), ledger="land", page="x", size="7")
    assert not at.exception
    assert any("x" in w.value and "第 1 页" in w.value for w in at.warning)
    assert any("7" in w.value and "每页条数" in w.value for w in at.warning)
    assert len(at.dataframe[0].value) == paging.DEFAULT_PAGE_SIZE


def test_a_selected_row_on_a_later_page_opens_the_item_of_that_row() -> None:
    at = app(asof=ASOF.isoformat(), ledger="land", size="50", page="2")
    shown = at.dataframe[0].value
    # a row selection is looked up in the ids of the rows shown (AppTest cannot click a row's checkbox)
    assert at.session_state["ledgers_row_ids"] == shown["编号"].tolist()
    opened = app(asof=ASOF.isoformat(), ledger="land", size="50", page="2", item=shown["编号"].iloc[3])
    assert not opened.exception
    assert any(shown["编号"].iloc[3] in h.value for h in opened.subheader)
    listed = next(d.value for d in opened.dataframe if "编号" in d.value.columns)  # the item opens above the list
    assert listed["编号"].tolist() == shown["编号"].tolist()  # the list stays on its page


def test_the_export_streams_every_filtered_item_in_frames_with_the_sql_totals(demo_db: Path) -> None:
    scope = Scope(None, None, ASOF)
    frames = list(paging.ledger_frames("land", scope))
    whole = queries.ledger_land(scope)
    assert pd.concat(frames).item_id.tolist() == whole.item_id.tolist()
    meta = export_meta("全区开发区闲置土地台账", Stamp("全区", ASOF, True), "land", "")
    # the same rows cut into frames of 40 make the same workbook as one table
    table = view.ledger_table(whole, "land")
    cut = [whole.iloc[i : i + 40].reset_index(drop=True) for i in range(0, len(whole), 40)]
    pieces = [view.ledger_table(frame, "land") for frame in cut]
    streamed, single = workbook(ledger_xlsx_frames(pieces, meta)), workbook(ledger_xlsx(table, meta))
    cells = [[c.value for c in row] for row in streamed.iter_rows()]
    assert cells == [[c.value for c in row] for row in single.iter_rows()]
    assert "演示数据" in streamed["A2"].value and "数据截至 2023-06-08" in streamed["A2"].value
    assert streamed.max_row == 3 + len(whole) + 1
    totals = paging.ledger_totals("land", scope, view.sum_fields("land"))
    mu = [c.value for c in streamed[3]].index("面积(亩)")
    assert streamed[streamed.max_row][mu].value == pytest.approx(totals["area_mu"])
    assert ledger_csv_frames(pieces) == ledger_csv(table)


def test_an_empty_filtered_ledger_still_exports_its_headers() -> None:
    frames = list(paging.ledger_frames("land", Scope(None, None, ASOF), search="没有这样的地块"))
    assert len(frames) == 1 and frames[0].empty
    sheet = workbook(ledger_xlsx_frames([view.ledger_table(frames[0], "land")], ExportMeta("t", "s")))
    assert [c.value for c in sheet[3]][:3] == ["序号", "编号", "地块"]
    assert sheet[4][0].value == "合计"


def test_the_scope_bar_lists_no_parks_until_a_league_is_chosen_then_only_its_parks(demo_db: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["asof"] = ASOF.isoformat()
    at.run()
    assert not at.exception
    park = at.selectbox(key="scope_park")
    assert park.options == ["全部园区"] and park.disabled  # thousands of parks nationally: none sent until a league
    at.query_params["league"] = "150200"
    at.run()
    expected = [r[0] for r in demo_rows(demo_db, "select name from park where league_code = '150200' order by park_id")]
    assert at.selectbox(key="scope_park").options == ["全部园区", *expected]


def test_a_league_users_pages_totals_and_streamed_export_hold_only_its_league(demo_db: Path) -> None:
    from queries.db import acting_as
    from tests.conftest import DEMO_USERS

    region = Scope(None, None, ASOF)  # asked for the whole region, as a crafted link would
    with acting_as(DEMO_USERS["demo-150200"]):
        frames = pd.concat(list(paging.ledger_frames("land", region)))
        page = paging.ledger_page("land", region, 1, 500)
        totals = paging.ledger_totals("land", region, view.sum_fields("land"))
    own = independent(demo_db, "land", ASOF, "150200")
    assert set(frames.league_code) == set(page.league_code) == {"150200"}
    assert sorted(frames.item_id) == sorted(page.item_id) == own.item_id.tolist()
    assert totals["items"] == len(own)
    assert totals["area_mu"] == pytest.approx(own.area_mu.sum())
