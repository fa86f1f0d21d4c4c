"""动态管理: parks judged over the years (score, ranks among peers, 末位组, 2-of-3 and 入园项目少、亩均产值低 rules),
recomputed by plain SQL written here on parks built for each case."""

import io
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import streamlit as st
from docx import Document
from streamlit.testing.v1 import AppTest

import queries
from auth import store
from ledger.demo.database import write_database
from ledger.park_actions import ParkActionError, record_park_action
from queries import db
from queries.scope import Scope
from tests.conftest import DEMO_USERS, ROOT, copy_database, read_database, tiny_rows
from ui.url_state import RANKING_VIEWS, url_of

ASOF = date(2023, 6, 8)
YEARS = (2020, 2021, 2022)
THRESHOLDS = {"investment_intensity": 250.0, "output_per_mu": 300.0, "tax_per_mu": 10.0, "plot_ratio": 0.6}
# The output score (output per mu / 300 × 100) of the project each park completes in each year; tax, investment
# and plot ratio sit at their thresholds (score 100) unless the park is P211, whose tax is 1.5 × its threshold.
# 末位组 = the last 20 % of 10 parks = places 9 and 10:
#   2020: P208 (100) and P209 (103);  2021: P210 (avg 120) and P209;  2022: P208 (avg 116.7) and P209.
# So in 2022 P208 was bottom in 2 of 3 years (2020, 2022), P209 in 3, P210 only in 2021.
# P211 ranks first every year (its tax) but has 3 projects (< 5) and output 90 % of the threshold: 少而低.
PARKS = {  # park_id: (league, level, output scores of its 2020, 2021, 2022 projects)
    "P201": ("150100", "国家级", (150, 150, 150)),
    "P202": ("150100", "国家级", (147, 147, 147)),
    "P203": ("150100", "自治区级", (144, 144, 144)),
    "P204": ("150100", "自治区级", (141, 141, 141)),
    "P205": ("150100", "自治区级", (138, 138, 138)),
    "P206": ("150400", "自治区级", (135, 135, 135)),
    "P208": ("150400", "自治区级", (100, 150, 100)),
    "P209": ("150400", "自治区级", (103, 103, 103)),
    "P210": ("150400", "自治区级", (130, 110, 150)),
    "P211": ("150400", "自治区级", (90, 90, 90)),
}


def _park(park_id: str, league: str, level: str) -> dict:
    return {
        "park_id": park_id,
        "name": f"动态园区{park_id}",
        "league_code": league,
        "county": None,
        "level": level,
        "park_type": "工业园区",
        "catalogue_code": None,
        "approved_year": 2006,
        "approved_area_ha": 100.0,
        "leading_industries": "冶金",
        "industry_category": "冶金",
        "lat": 42.0,
        "lon": 118.0,
    }


def _project(park_id: str, year: int, output_score: int) -> dict:
    """A 10-亩 冶金 project whose output per mu is output_score % of the threshold."""
    tax = 15 if park_id == "P211" else 10
    return {
        "project_id": f"{park_id}-{year}",
        "park_id": park_id,
        "name": f"动态企业{park_id}{year}年产1万吨项目",
        "industry_category": "冶金",
        "land_mu": D(10),
        "investment_wan": D(2500),
        "output_wan": D(output_score * 30),
        "tax_wan": D(tax * 10),
        "floor_area_m2": D(4000),
        "year": year,
    }


def dynamic_rows() -> dict[str, list[dict]]:
    """The tiny database's ledgers and parks (no project: unranked), the ten parks above, P212 with no project yet,
    and a project of 2024 (after the years judged)."""
    rows = tiny_rows()
    rows["league"].append(
        {"league_code": "150400", "name": "赤峰市", "short_name": "赤峰", "seat_lat": 42.3, "seat_lon": 118.9}
    )
    rows["park"] += [_park(pid, league, level) for pid, (league, level, _) in PARKS.items()]
    rows["park"].append(_park("P212", "150400", "自治区级"))
    rows["built_project"] = [
        _project(pid, year, score)
        for pid, (_, _, scores) in PARKS.items()
        for year, score in zip(YEARS, scores, strict=True)
    ]
    rows["built_project"].append(_project("P201", 2024, 150))
    rows["indicator"] = []  # the tiny database's 园区指标 item pointed at its one project, replaced here
    rows["control_threshold"] = [
        {"league_code": lc, "industry_category": "冶金", "indicator": k, "min_value": v, "basis": "测试"}
        for lc in ("150100", "150200", "150400")
        for k, v in THRESHOLDS.items()
    ]
    return rows


@pytest.fixture(scope="module")
def dynamic_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dynamic") / "dynamic.duckdb"
    write_database(dynamic_rows(), path)
    return path


@pytest.fixture
def use_dynamic_db(dynamic_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_database(dynamic_db, monkeypatch)


# The same judgement in plain SQL: no rules.* macro, the formula written out ----------------------------------
INDEPENDENT = """
with p as (
    select b.park_id, b.year, b.land_mu::double as land, b.output_wan::double as output,
        least(b.output_wan / b.land_mu / 300.0, 1.5) * 100 as s_out,
        least(b.tax_wan / b.land_mu / 10.0, 1.5) * 100 as s_tax,
        least(b.investment_wan / b.land_mu / 250.0, 1.5) * 100 as s_inv,
        least(b.floor_area_m2 / (b.land_mu * 666.67) / 0.6, 1.5) * 100 as s_plot
    from built_project b
),
y as (select unnest(range(2020, 2024)) as year),
py as (
    select y.year, k.park_id, k.name, k.level, k.league_code, count(p.park_id) as projects,
        sum(p.output) / sum(p.land) / 300.0 as share,
        (? * sum(p.land * p.s_tax) + ? * sum(p.land * p.s_out) + ? * sum(p.land * p.s_inv)
            + ? * sum(p.land * p.s_plot)) / sum(p.land) / ? as score
    from y cross join park k left join p on p.park_id = k.park_id and p.year <= y.year
    group by all
),
r as (
    select *,
        case when score is not null then row_number() over (partition by year order by score desc, name) end as rank,
        count(score) over (partition by year) as ranked,
        case when score is not null
            then row_number() over (partition by year, level order by score desc, name) end as level_rank,
        case when score is not null then row_number() over (
            partition by year, league_code in ('150400', '150500', '150700', '152200', '152500')
            order by score desc, name) end as tier_rank
    from py
),
b as (select *, coalesce(rank * 5 > ranked * 4, false) as bottom from r)
select b.park_id, b.year, b.projects, b.score, b.rank, b.level_rank, b.tier_rank, b.bottom,
    (select count(*) from b o where o.park_id = b.park_id and o.bottom and o.year between b.year - 2 and b.year)
        as bottom_years,
    coalesce(b.projects < 5 and b.share < 1, false) as few_and_low
from b order by park_id, year
"""


def independent(path: Path) -> pd.DataFrame:
    w = queries.DEFAULT_WEIGHTS
    args = [w["tax_per_mu"], w["output_per_mu"], w["investment_intensity"], w["plot_ratio"], sum(w.values())]
    with duckdb.connect(str(path)) as con:
        frame = con.execute(INDEPENDENT, args).df()
    frame["candidate"] = (frame.bottom_years >= 2) | frame.few_and_low
    return frame


def test_multi_year_scores_ranks_and_rules_equal_independent_sql(use_dynamic_db: Path):
    got = queries.park_years(Scope(None, None, ASOF))
    expected = independent(use_dynamic_db)
    assert len(got) == 14 * 4  # 14 parks, 2020–2023: P201's project of 2024 lies after the 数据截至 year
    columns = ["park_id", "year", "projects", "rank", "level_rank", "tier_rank", "bottom", "bottom_years"]
    columns += ["few_and_low", "candidate"]
    pd.testing.assert_frame_equal(
        got[columns].reset_index(drop=True), expected[columns].reset_index(drop=True), check_dtype=False
    )
    assert got.score.tolist() == pytest.approx(expected.score.tolist(), nan_ok=True)


def test_two_of_three_years_in_the_bottom_group_make_a_candidate(use_dynamic_db: Path):
    judged = queries.park_years(Scope(None, None, ASOF)).set_index(["park_id", "year"])
    assert judged.loc[("P208", 2020), "bottom"] and not judged.loc[("P208", 2021), "bottom"]
    assert judged.loc[("P208", 2021), "bottom_years"] == 1 and not judged.loc[("P208", 2021), "candidate"]
    assert judged.loc[("P208", 2022), "bottom_years"] == 2 and judged.loc[("P208", 2022), "candidate"]
    assert judged.loc[("P209", 2021), "candidate"]  # bottom in 2020 and 2021
    assert judged.loc[("P210", 2021), "bottom"] and judged.loc[("P210", 2022), "bottom_years"] == 1
    assert not judged.loc[("P210", 2022), "candidate"]  # once in three years is a slip, not a pattern
    bottom_2022 = judged.xs(2022, level="year").query("bottom").index
    assert sorted(bottom_2022) == ["P208", "P209"]


def test_few_projects_with_low_output_make_a_candidate_whatever_the_rank(use_dynamic_db: Path):
    judged = queries.park_years(Scope(None, None, ASOF)).set_index(["park_id", "year"])
    for year in YEARS:
        assert judged.loc[("P211", year), "rank"] == 1  # its tax carries the score ...
        assert judged.loc[("P211", year), "few_and_low"] and judged.loc[("P211", year), "candidate"]
    # ... while P208's 2020 output is exactly at the threshold: not low (the rule is strictly below)
    assert judged.loc[("P208", 2020), "output_share"] == pytest.approx(1.0)
    assert not judged.loc[("P208", 2020), "few_and_low"]


def test_peers_are_ranked_within_level_and_within_tier(use_dynamic_db: Path):
    year = queries.park_years(Scope(None, None, ASOF)).query("year == 2022").set_index("park_id")
    assert year.loc["P202", ["rank", "level_rank", "level_ranked"]].tolist() == [3, 2, 2]  # 国家级: P201, P202
    assert year.loc["P203", ["level_rank", "level_ranked"]].tolist() == [2, 8]  # after P211; P212 has no score
    assert year.loc["P206", ["tier", "tier_rank", "tier_ranked"]].tolist() == ["蒙东", 2, 5]  # after P211
    assert year.loc["P205", ["tier", "tier_rank", "tier_ranked"]].tolist() == ["蒙西", 5, 5]


def test_movement_against_the_previous_year(use_dynamic_db: Path):
    judged = queries.park_years(Scope(None, None, ASOF)).set_index(["park_id", "year"])
    assert pd.isna(judged.loc[("P208", 2020), "prev_rank"])
    assert judged.loc[("P208", 2021), ["prev_rank", "rank", "rank_change"]].tolist() == [10, 8, 2]
    assert judged.loc[("P208", 2022), "rank_change"] == -1


def test_a_league_scope_narrows_the_rows_not_the_region_wide_ranks(use_dynamic_db: Path):
    region = queries.park_years(Scope(None, None, ASOF))
    league = queries.park_years(Scope("150400", None, ASOF))
    assert set(league.park_id) == {"P206", "P208", "P209", "P210", "P211", "P212"}
    mine = region[region.league_code == "150400"].reset_index(drop=True)
    pd.testing.assert_frame_equal(league.reset_index(drop=True), mine)
    assert set(queries.park_years(Scope(None, "P209", ASOF)).park_id) == {"P209"}


def test_one_year_asked_for_is_that_years_rows_of_every_year(use_dynamic_db: Path):
    """The rankings page's 动态管理 asks for the year it shows: the same rows and figures as every year's."""
    for league in (None, "150400"):
        every = queries.park_years(Scope(league, None, ASOF))
        for year in (2020, 2022):
            one = queries.park_years(Scope(league, None, ASOF), year)
            pd.testing.assert_frame_equal(one, every[every.year == year].reset_index(drop=True))


# The pages ------------------------------------------------------------------------------------------------------
def _page(name: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_the_rankings_page_lists_the_years_judgement_of_the_league(use_dynamic_db: Path):
    at = _page("rankings.py", league="150400", asof="2023-06-08", view=url_of(RANKING_VIEWS, "动态管理"))
    assert not at.exception
    shown = at.dataframe[0].value
    assert shown["园区"].tolist() == [f"动态园区{p}" for p in ("P211", "P206", "P210", "P208", "P209", "P212")]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["再整合再优化候选"] == "3 个"  # P211 (少而低), P208 and P209 (2 of 3)
    assert metrics["本年末位组"] == "2 个"


def test_the_park_profile_shows_best_and_worst_year_and_the_judgement(use_dynamic_db: Path):
    at = _page("park.py", league="150400", park="P208", asof="2023-06-08")
    assert not at.exception
    metrics = {m.label: (m.value, m.delta) for m in at.metric}
    assert metrics["最好年份"] == ("2021 年", "全区第 8 名")
    assert metrics["最差年份"] == ("2020 年", "全区第 10 名")
    assert metrics["近三年末位组"][0] == "2 年" and metrics["再整合再优化"][0] == "列为候选"
    years = next(d.value for d in at.dataframe if "判定" in d.value.columns)
    assert years["判定"].iloc[0] == "列为再整合再优化候选：近三年 2 年在末位组"


# The action register ----------------------------------------------------------------------------------------------
OFFICE = DEMO_USERS["demo-admin"]
DECIDED = date(2023, 3, 1)


@pytest.fixture
def register(engine: str, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A store to write decisions to: a private copy of the demo file, or the module's PostgreSQL demo copy."""
    if engine == "duckdb":
        read_database(copy_database(demo_db, tmp_path), monkeypatch)
    return engine


def _record(user, park: str = "P005", step: str = "约谈", **fields) -> int:
    args = {"decided": DECIDED, "decider": "自治区工业园区建设工作领导小组办公室", "doc_no": "内园区办发〔2023〕7号"}
    with db.writing() as cur:
        return record_park_action(cur, user, park, step, **{**args, **fields})


def test_the_office_records_a_ladder_that_the_profile_and_the_ladder_list_read(register: str):
    first = _record(OFFICE, follow_up=date(2023, 4, 1), note="亩均税收连续两年末位")
    second = _record(OFFICE, step="限期整改", decided=date(2023, 5, 10), doc_no="内园区办发〔2023〕15号",
                     follow_up=date(2023, 8, 10))  # fmt: skip
    assert second == first + 1
    actions = queries.park_actions(Scope(None, "P005", ASOF))
    mine = actions[actions.action_id.isin([first, second])]
    assert mine[["step", "step_order", "doc_no"]].values.tolist() == [
        ["约谈", 1, "内园区办发〔2023〕7号"],
        ["限期整改", 3, "内园区办发〔2023〕15号"],
    ]
    assert mine.recorded_by.tolist() == ["demo-admin"] * 2
    ladder = queries.park_ladder(Scope(None, "P005", ASOF)).iloc[0]
    assert (ladder.step, ladder.decisions, str(ladder.next_follow_up)[:10]) == ("限期整改", 2, "2023-08-10")
    before = queries.park_ladder(Scope(None, "P005", date(2023, 4, 30))).iloc[0]  # as it stood then
    assert (before.step, before.decisions) == ("约谈", 1)
    assert queries.park_ladder(Scope("150200", None, date(2023, 2, 1))).empty


@pytest.mark.parametrize(
    ("user", "fields", "refusal"),
    [
        ("demo-150200", {}, "只有大起底办公室"),
        ("demo-leader", {}, "只有大起底办公室"),
        ("demo-admin", {"step": "警告"}, "措施应为"),
        ("demo-admin", {"decided": date(2099, 1, 1)}, "决定日期"),
        ("demo-admin", {"doc_no": "  "}, "文号"),
        ("demo-admin", {"doc_no": "号" * 41}, "文号"),
        ("demo-admin", {"decider": ""}, "决定机关"),
        ("demo-admin", {"follow_up": DECIDED}, "跟踪复查日期"),
        ("demo-admin", {"note": "长" * 501}, "说明"),
        ("demo-admin", {"park": "P999"}, "没有编号为 P999 的园区"),
    ],
)
def test_a_decision_is_refused_in_chinese_and_nothing_is_written(register: str, user: str, fields: dict, refusal: str):
    before = len(queries.park_actions(Scope(None, None, ASOF)))
    with pytest.raises(ParkActionError, match=refusal):
        _record(DEMO_USERS[user], **fields)
    st.cache_data.clear()
    assert len(queries.park_actions(Scope(None, None, ASOF))) == before


def test_the_office_records_a_decision_on_the_park_profile_and_it_is_audited(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = read_database(copy_database(demo_db, tmp_path), monkeypatch)
    at = _page("park.py", league="150200", park="P005")
    at.selectbox(key="park_actions_step").select("通报")
    at.text_input(key="park_actions_decider").input("自治区工业园区建设工作领导小组办公室")
    at.text_input(key="park_actions_doc").input("内园区办发〔2025〕3号")
    at.date_input(key="park_actions_date").set_value(date(2025, 3, 3))
    at.button[[b.label for b in at.button].index("记录")].click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["已记录：通报（内园区办发〔2025〕3号）。"]
    with duckdb.connect(str(path)) as con:
        assert con.execute("select step, doc_no from park_action where park_id = 'P005'").fetchall()[-1] == (
            "通报",
            "内园区办发〔2025〕3号",
        )
    (entry,) = store.audit_rows(store.auth_path(path), action="park_action")
    assert (entry["username"], entry["ok"]) == ("demo-admin", 1)
    assert "内园区办发〔2025〕3号" in entry["detail"]


@pytest.mark.user("demo-P005")
def test_a_park_user_sees_its_ladder_but_no_form(use_dynamic_db: Path):
    at = _page("park.py", park="P005")
    assert not at.exception
    assert "park_actions_step" not in [s.key for s in at.selectbox]


# The demo -------------------------------------------------------------------------------------------------------
def test_the_demo_puts_on_the_ladder_only_parks_its_own_scores_make_candidates():
    judged = queries.park_years(Scope(None, None, date(2025, 12, 31))).set_index(["park_id", "year"])
    actions = queries.park_actions(Scope(None, None, date(2025, 12, 31)))
    assert actions.park_id.nunique() >= 3 and set(actions.step) >= {"约谈", "通报", "限期整改"}
    for action in actions.itertuples():
        assert judged.loc[(action.park_id, action.decided_date.year - 1), "candidate"], action


def test_the_bulletin_and_the_meeting_list_the_parks_on_the_ladder_as_they_stood():
    from reports.bulletin_content import bulletin_for
    from reports.meeting_deck import ladder_slide

    ladder = queries.park_ladder(Scope(None, None, ASOF))
    assert ladder.park_id.tolist() == ["P002", "P061", "P036"]  # 通报 before 约谈, then by league
    text = "\n".join(p.text for p in Document(io.BytesIO(bulletin_for(16, ASOF, date(2023, 2, 14)))).paragraphs)
    assert f"有{len(ladder)}个园区处于约谈、通报等措施中" in text
    for row in ladder.itertuples():
        assert f"{row.league_name}{row.park_name}：{row.step}（{row.doc_no}，" in text
    slide = ladder_slide(Scope(None, None, ASOF))
    assert slide.table["园区"].tolist() == ladder.park_name.tolist()
    due = sum(pd.Timestamp(d) <= pd.Timestamp(ASOF) for d in ladder.next_follow_up.dropna())
    shown = [(h.value, h.label) for h in slide.headlines]
    assert shown == [("3", "处于措施中的园区（个）"), (str(due), "已到复查日期（个）")]
    baotou = ladder_slide(Scope("150200", None, ASOF))  # none in 包头: no list, a note saying so
    assert baotou.table is None and baotou.headlines[0].value == "0" and "暂无园区" in baotou.notes[0]
