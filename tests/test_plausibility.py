"""演示数据可信: the plausibility rules of the demo data, each recounted from the raw tables (issue #16).

A minority of judged projects falls below the thresholds, the indicators move together, the 园区指标 ledger
holds exactly the 倒逼腾退 candidates, events fall on working days, titles do not repeat within a park,
areas fit, the importer refuses a parcel revitalised beyond its area, and no generated sentence mixes
万元 with 亿元.
"""

import io
import re
from datetime import date
from pathlib import Path

import chinese_calendar
import numpy as np
import openpyxl
import pandas as pd
import pytest
from docx import Document

import queries
from charts import park as park_view
from charts import rankings as rk
from ledger.fields import SPECS
from ledger.importing import plan_import
from queries.scope import Scope
from reports.bulletin_content import bulletin_for
from tests.test_park import sql

SHARE_BAND = (0.10, 0.20)  # README: 10-20 % of the judged projects below at least one threshold
INDICATORS = ("investment_intensity", "output_per_mu", "tax_per_mu", "plot_ratio")
NATIONAL_FAR_2008 = {  # data/reference/far_min_2008.csv: the lowest code of each category
    "农畜产品加工": 1.0,
    "能源化工": 0.5,
    "新型化工": 0.6,
    "冶金": 0.6,
    "生物医药": 0.7,
    "装备制造": 0.7,
}
# dates after the survey: on each, the default ranking year is the date's own year
DATES = [date(2022, 8, 31), date(2023, 2, 14), date(2023, 6, 8), date(2024, 7, 1), date(2025, 12, 25)]


def judged(db: Path) -> pd.DataFrame:
    """Valid projects with their indicators and their league's thresholds, each indicator's ratio to it."""
    projects = sql(db, "select b.*, p.league_code from built_project b join park p using (park_id)")
    thresholds = sql(db, "select * from control_threshold").pivot_table(
        index=["league_code", "industry_category"], columns="indicator", values="min_value"
    )
    for column in ("land_mu", "investment_wan", "output_wan", "tax_wan", "floor_area_m2"):
        projects[column] = projects[column].astype(float)
    projects = projects[(projects.land_mu > 0) & projects[["investment_wan", "output_wan", "tax_wan"]].notna().all(1)]
    projects = projects.join(thresholds.add_suffix("_min"), on=["league_code", "industry_category"])
    projects["investment_intensity"] = projects.investment_wan / projects.land_mu
    projects["output_per_mu"] = projects.output_wan / projects.land_mu
    projects["tax_per_mu"] = projects.tax_wan / projects.land_mu
    projects["plot_ratio"] = projects.floor_area_m2 / (projects.land_mu * 666.67)
    projects["below"] = np.column_stack([projects[k] < projects[f"{k}_min"] for k in INDICATORS]).any(axis=1)
    return projects


# A minority below thresholds that vary by league ------------------------------------------------------
@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025])
def test_a_minority_of_the_judged_projects_falls_below_the_thresholds(demo_db: Path, year: int) -> None:
    projects = judged(demo_db)
    pool = projects[projects.year < year]
    share = pool.below.mean()
    assert SHARE_BAND[0] <= share <= SHARE_BAND[1], share
    got = queries.retreat_candidates(Scope(None, None, date(year, 12, 25)), year)
    assert set(got.project_id) == set(pool[pool.below].project_id)


def test_output_tax_and_investment_per_mu_move_together(demo_db: Path) -> None:
    projects = judged(demo_db)
    values = projects[["investment_intensity", "output_per_mu", "tax_per_mu"]].corr(method="spearman")
    assert (values.to_numpy()[np.triu_indices(3, 1)] > 0.5).all(), values
    ratios = np.log(pd.DataFrame({k: projects[k] / projects[f"{k}_min"] for k in INDICATORS}))
    assert (ratios.corr().to_numpy()[np.triu_indices(4, 1)] > 0.3).all(), ratios.corr()  # 容积率 too, less


def test_thresholds_vary_by_league_and_plot_ratio_never_goes_below_the_2008_national_table(demo_db: Path) -> None:
    thresholds = sql(demo_db, "select * from control_threshold")
    for indicator in ("investment_intensity", "output_per_mu", "tax_per_mu"):
        mine = thresholds[thresholds.indicator == indicator]
        assert mine.min_value.nunique() >= 15, indicator  # of 72 league-category pairs (was 3 for 亩均税收)
        assert mine.groupby("industry_category").min_value.nunique().min() >= 3, indicator  # of 12 leagues
    plot = thresholds[thresholds.indicator == "plot_ratio"].copy()
    plot["national"] = plot.industry_category.map(NATIONAL_FAR_2008)
    assert (plot.min_value >= plot.national - 1e-9).all()
    assert plot.groupby("industry_category").min_value.nunique().min() >= 2
    national = np.isclose(plot.min_value, plot.national)
    assert (plot.basis[national] == "国家标准(国土资发〔2008〕24号)").all()
    assert (plot.basis[~national] == "演示估计").all()


def test_projects_are_completed_every_year_to_2025(demo_db: Path) -> None:
    years = sql(demo_db, "select year, count(*) as n from built_project group by year order by year")
    assert years.year.tolist() == list(range(2016, 2026)) and (years.n >= 50).all()


# One definition of a low-yield project -------------------------------------------------------------------
def ledger_items(db: Path, day: date, league: str | None = None, park: str | None = None) -> pd.DataFrame:
    return sql(
        db,
        "select ind.project_id from item i join indicator ind using (item_id) join park p on p.park_id = i.park_id "
        "where i.found_date <= $d and ($league is null or p.league_code = $league) "
        "and ($park is null or i.park_id = $park)",
        d=day,
        league=league,
        park=park,
    )


@pytest.mark.parametrize("day", DATES, ids=str)
def test_the_indicator_ledger_holds_exactly_the_retreat_candidates(demo_db: Path, day: date) -> None:
    leagues = sql(demo_db, "select league_code from league").league_code.tolist()
    for league in [None, *leagues]:
        candidates = queries.retreat_candidates(Scope(league, None, day))  # the page's default year
        items = ledger_items(demo_db, day, league)
        assert set(candidates.project_id) == set(items.project_id), (day, league)
        assert candidates.project_id.nunique() == len(items)  # one item per project
        assert candidates.item_id.notna().all()
    ledger_count = queries.category_kpis(Scope(None, None, day)).set_index("category").at["indicator", "found"]
    assert ledger_count == queries.retreat_candidates(Scope(None, None, day)).project_id.nunique()


def test_before_the_survey_ends_the_page_says_how_many_candidates_are_in_the_ledger_yet(demo_db: Path) -> None:
    day = date(2022, 8, 1)
    candidates = queries.retreat_candidates(Scope(None, None, day))
    listed = len(ledger_items(demo_db, day))
    assert 0 < listed < candidates.project_id.nunique()
    text = rk.candidates_ledger_text(queries.retreat_candidate_counts(Scope(None, None, day)), 2022, "2022-08-01")
    assert f"本范围 {candidates.project_id.nunique()} 个，截至 2022-08-01 园区指标台账已列入 {listed} 个" in text


def test_the_rankings_page_names_its_year_and_the_candidates_ledger_relation() -> None:
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "pages" / "rankings.py"), default_timeout=60)
    at.query_params["asof"] = "2023-06-08"
    at.run()
    at.segmented_control(key="rankings_view").set_value("倒逼腾退候选").run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert "排名年度：2023 年，按 2023 年及以前建成投产的项目计算。" in captions
    count = queries.retreat_candidates(Scope(None, None, date(2023, 6, 8))).project_id.nunique()
    assert any(f"本范围 {count} 个，截至 2023-06-08 均已列入园区指标台账" in c for c in captions)
    assert at.metric[2].value == f"{count} 个"


def test_a_year_without_data_is_named_with_the_reason() -> None:
    assert rk.year_text(2025, 2026) == (
        "排名年度：2025 年，按 2025 年及以前建成投产的项目计算（数据截至日期所在的 2026 年尚无建成项目数据，"
        "按最近有数据的 2025 年排名）。"
    )
    row = pd.Series(
        {"year": 2025, "projects": 12, "missing_projects": 0, "basis": "演示估计", "plot_basis": "演示估计"}
    )
    text = park_view.indicator_basis_text(row, pd.Series({"league_name": "包头市", "industry_category": "冶金"}), 2026)
    assert text.startswith("按 2025 年及以前建成投产的 12 个工业项目计算（2025 年度），2026 年尚无建成项目数据")


# Dates, titles, areas ------------------------------------------------------------------------------------
def test_no_event_falls_on_a_weekend_or_a_public_holiday(demo_db: Path) -> None:
    days = sql(
        demo_db,
        "select event_date as d from item_event union select found_date from item "
        "union select closed_date from item where closed_date is not null "
        "union select done_date from league_milestone where done_date is not null "
        "union select filed_date from park_filing",
    ).d.dt.date
    assert len(days) > 300
    off = [d for d in days if d.weekday() >= 5 or not chinese_calendar.is_workday(d)]
    assert off == []


def test_no_title_repeats_within_a_park(demo_db: Path) -> None:
    repeated = sql(demo_db, "select park_id, title, count(*) as n from item group by all having n > 1")
    assert repeated.empty, repeated
    names = sql(demo_db, "select park_id, name, count(*) as n from built_project group by all having n > 1")
    assert names.empty, names


def test_areas_fit(demo_db: Path) -> None:
    over = sql(demo_db, "select item_id from land where revitalised_mu > area_mu")
    assert over.empty
    crowded = sql(
        demo_db,
        """
        with used as (
            select park_id, sum(area) as mu from (
                select i.park_id, l.area_mu as area from land l join item i using (item_id)
                union all select i.park_id, s.land_mu from stalled s join item i using (item_id)
                union all select park_id, land_mu from built_project
            ) group by park_id
        )
        select park_id from park join used using (park_id) where used.mu > approved_area_ha * 15
        """,
    )
    assert crowded.empty, crowded


def test_importer_refuses_a_parcel_revitalised_beyond_its_area(demo_db: Path, tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "ledger.duckdb"
    shutil.copyfile(demo_db, path)
    before = path.read_bytes()
    spec = SPECS["land"]

    def upload(area: float, revitalised: float):
        values = {f.key: f.example for f in spec.fields}
        values.update(item_id="BT-LD-901", park="包头稀土高新技术产业开发区", area_mu=area, revitalised_mu=revitalised)
        book = openpyxl.Workbook()
        book.active.append([f.label for f in spec.fields])
        book.active.append([values[f.key] for f in spec.fields])
        data = io.BytesIO()
        book.save(data)
        return plan_import(data.getvalue(), "land.xlsx", "land", "150200", path)

    refused = upload(12.5, 13)
    messages = [e.text() for e in refused.errors]
    assert any("第2行 “盘活面积(亩)”: 盘活面积 13.00 亩大于地块面积 12.50 亩" in m for m in messages), messages
    assert not refused.can_write
    assert not [e for e in upload(12.5, 12.5).errors if "盘活面积" in (e.column or "")]
    assert path.read_bytes() == before


# One money unit per sentence -----------------------------------------------------------------------------
@pytest.mark.parametrize(("asof", "previous"), [(date(2023, 6, 8), date(2023, 2, 14)), (date(2025, 12, 25), None)])
def test_no_bulletin_sentence_mixes_wan_and_yi_yuan(asof: date, previous: date | None) -> None:
    document = Document(io.BytesIO(bulletin_for(16, asof, previous or date(2025, 9, 25))))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    sentences = [s for t in texts for s in re.split(r"[。；]", t) if s]
    assert any("万元" in s for s in sentences)
    assert [s for s in sentences if "万元" in s and "亿元" in s] == []
