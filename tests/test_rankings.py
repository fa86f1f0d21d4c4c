"""园区排名: every indicator, rank, grade and threshold check recomputed independently; ties, cut-offs, zero
land, and the drill-down click."""

import copy
from datetime import date
from decimal import Decimal as D
from fractions import Fraction
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import queries
from charts import rankings as rk
from charts.theme import Stamp
from ledger.demo.database import write_database
from queries import db
from queries.scope import Scope
from tests.conftest import ROOT, read_database, tiny_rows

ASOF = date(2023, 6, 8)
YEAR = 2023  # the default ranking year on ASOF: projects are completed every year to 2025
WEIGHTS = queries.DEFAULT_WEIGHTS
PARTS = {"tax_per_mu": "tax", "output_per_mu": "output", "investment_intensity": "investment", "plot_ratio": "plot"}
M2_PER_MU = 666.67
CAP = 1.5


# An independent reading of the raw tables (plain SELECT *), then pandas -------------------------------
def raw_projects(path: Path) -> pd.DataFrame:
    """Every built project with its league and its league's thresholds for its category, as plain floats."""
    con = duckdb.connect(str(path))
    projects = con.execute("select * from built_project").df()
    parks = con.execute("select park_id, name as park_name, league_code from park").df()
    thresholds = con.execute("select * from control_threshold").df()
    con.close()
    wide = thresholds.pivot_table(
        index=["league_code", "industry_category"], columns="indicator", values="min_value", aggfunc="max"
    ).reset_index()
    wide = wide.rename(columns={k: f"{p}_min" for k, p in PARTS.items()})
    for column in [f"{p}_min" for p in PARTS.values()]:
        if column not in wide:
            wide[column] = np.nan
    out = projects.merge(parks, on="park_id").merge(wide, on=["league_code", "industry_category"], how="left")
    for column in ["land_mu", "investment_wan", "output_wan", "tax_wan", "floor_area_m2"]:
        out[column] = out[column].astype(float)
    quantities = out[["investment_wan", "output_wan", "tax_wan", "floor_area_m2"]].notna().all(axis=1)
    out["valid"] = (out.land_mu > 0) & quantities
    land = out.land_mu.where(out.valid)  # NaN, never 0, for 数据缺失
    out["output_per_mu"] = out.output_wan / land
    out["tax_per_mu"] = out.tax_wan / land
    out["investment_intensity"] = out.investment_wan / land
    out["plot_ratio"] = out.floor_area_m2 / (land * M2_PER_MU)
    for indicator, prefix in PARTS.items():
        out[f"{prefix}_score"] = np.minimum(out[indicator] / out[f"{prefix}_min"], CAP) * 100
    return out


def composite(frame: pd.DataFrame, weights: dict) -> pd.Series:
    total = sum(weights.values())
    return sum(weights[k] * frame[f"{p}_score"] for k, p in PARTS.items()) / total


def graded_letters(scores: pd.Series, graded: pd.Series) -> pd.Series:
    """A/B/C/D by the share of graded entries with a strictly higher score (exact fractions)."""
    pool = scores[graded]
    letters = []
    for score, is_graded in zip(scores, graded, strict=True):
        if not is_graded:
            letters.append("不定等级")
            continue
        ahead = Fraction(int((pool > score).sum()), len(pool))
        letters.append(
            "A"
            if ahead < Fraction(1, 5)
            else "B"
            if ahead < Fraction(3, 5)
            else "C"
            if ahead < Fraction(9, 10)
            else "D"
        )
    return pd.Series(letters, index=scores.index)


def rank_by(frame: pd.DataFrame, column: str, tie_columns: list[str]) -> pd.Series:
    """1 = highest; ties by the tie columns ascending; missing values unranked."""
    ranked = frame[frame[column].notna()].sort_values(
        [column, *tie_columns], ascending=[False] + [True] * len(tie_columns)
    )
    return pd.Series(range(1, len(ranked) + 1), index=ranked.index).reindex(frame.index).astype("Int64")


def expected_parks(
    path: Path, year: int, league: str | None, metric: str = "score", weights: dict = WEIGHTS
) -> pd.DataFrame:
    projects = raw_projects(path)
    con = duckdb.connect(str(path))
    parks = con.execute("select park_id, name, league_code from park").df()
    con.close()
    if league:
        parks = parks[parks.league_code == league]

    def one_year(y: int) -> pd.DataFrame:
        done = projects[(projects.year <= y) & projects.valid]
        rows = []
        for park in parks.itertuples():
            mine = done[done.park_id == park.park_id]
            land = mine.land_mu.sum()
            row = {"park_id": park.park_id, "name": park.name, "league_code": park.league_code, "projects": len(mine)}
            row["missing_projects"] = int(
                ((projects.park_id == park.park_id) & (projects.year <= y) & ~projects.valid).sum()
            )
            row["new_projects"] = int((mine.year == y).sum())
            row["output_per_mu"] = mine.output_wan.sum() / land if len(mine) else np.nan
            row["tax_per_mu"] = mine.tax_wan.sum() / land if len(mine) else np.nan
            row["investment_intensity"] = mine.investment_wan.sum() / land if len(mine) else np.nan
            row["plot_ratio"] = mine.floor_area_m2.sum() / (land * M2_PER_MU) if len(mine) else np.nan
            for prefix in PARTS.values():
                scored = mine[mine[f"{prefix}_score"].notna()]
                row[f"{prefix}_score"] = (
                    (scored.land_mu * scored[f"{prefix}_score"]).sum() / scored.land_mu.sum() if len(scored) else np.nan
                )
            rows.append(row)
        frame = pd.DataFrame(rows)
        frame["score"] = composite(frame, weights)
        frame["value"] = frame[metric]
        frame["rank"] = rank_by(frame, "value", ["name"])
        frame["league_median"] = frame.groupby("league_code")["value"].transform("median")
        graded = (frame.projects >= 3) & frame.score.notna()
        frame["grade"] = graded_letters(frame.score, graded)
        return frame

    now, before = one_year(year), one_year(year - 1)
    now["prev_rank"] = now.park_id.map(before.set_index("park_id")["rank"]).astype("Int64")
    return now.sort_values(["rank", "name"], na_position="last").reset_index(drop=True)


def assert_same_parks(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert got.park_id.tolist() == want.park_id.tolist()
    assert got["rank"].astype("Int64").tolist() == want["rank"].tolist()
    assert got.prev_rank.astype("Int64").tolist() == want.prev_rank.tolist()
    assert got.grade.tolist() == want.grade.tolist()
    for column in ["projects", "missing_projects", "new_projects"]:
        assert got[column].tolist() == want[column].tolist(), column
    for column in ["output_per_mu", "tax_per_mu", "investment_intensity", "plot_ratio", "score", "value"]:
        np.testing.assert_allclose(got[column].astype(float), want[column].astype(float), rtol=1e-9, err_msg=column)
    np.testing.assert_allclose(got.league_median.astype(float), want.league_median.astype(float), rtol=1e-9)
    for prefix in PARTS.values():
        np.testing.assert_allclose(got[f"{prefix}_score"], want[f"{prefix}_score"], rtol=1e-9, err_msg=prefix)
    points = got[[f"{p}_points" for p in PARTS.values()]].sum(axis=1, skipna=False)
    np.testing.assert_allclose(points, got.score, rtol=1e-9)


# Demo database: region and league scope, every metric, an earlier year, other weights ---------------
@pytest.mark.parametrize("metric", queries.RANKING_METRICS)
@pytest.mark.parametrize("league", [None, "150200", "150700"], ids=["region", "baotou", "hulunbuir"])
def test_park_rankings_equal_an_independent_pandas_recomputation(
    demo_db: Path, league: str | None, metric: str
) -> None:
    got = queries.park_rankings(Scope(league, None, ASOF), 2022, metric)
    assert_same_parks(got, expected_parks(demo_db, 2022, league, metric))


@pytest.mark.parametrize("year", [2016, 2018, 2021])
def test_park_rankings_of_an_earlier_year_use_only_projects_completed_by_then(demo_db: Path, year: int) -> None:
    got = queries.park_rankings(Scope(None, None, ASOF), year, "output_per_mu")
    assert_same_parks(got, expected_parks(demo_db, year, None, "output_per_mu"))
    assert (got.year == year).all()


def test_changed_weights_change_the_score_as_recomputed(demo_db: Path) -> None:
    weights = {"tax_per_mu": 10, "output_per_mu": 10, "investment_intensity": 0, "plot_ratio": 80}
    got = queries.park_rankings(Scope("150600", None, ASOF), 2022, "score", weights)
    assert_same_parks(got, expected_parks(demo_db, 2022, "150600", "score", weights))
    default = queries.park_rankings(Scope("150600", None, ASOF), 2022, "score")
    assert got.park_id.tolist() != default.park_id.tolist()


def test_default_ranking_year_is_the_latest_completion_year_not_after_the_asof_date(demo_db: Path) -> None:
    assert queries.ranking_years(Scope(None, None, ASOF)) == (2016, YEAR)
    assert (queries.park_rankings(Scope(None, None, ASOF)).year == YEAR).all()
    # an as-of date inside an earlier year caps the default year (not reachable in the demo's date range)
    con = db.connect()
    early = db.execute(con, "ranking_years", {"asof": date(2019, 5, 1)})
    ranked = db.execute(
        con,
        "park_rankings",
        {"league": None, "user_park": None, "asof": date(2019, 5, 1), "year": None, "metric": None, "weights": None},
    )
    con.close()
    assert early.last_year.item() == 2019 and (ranked.year == 2019).all()


def test_null_parameters_mean_the_defaults_the_page_states() -> None:
    """The SQL's own defaults (for NULL) equal the constants the page shows and the wrappers pass."""
    con = db.connect()
    base = {
        "league": None,
        "park": None,
        "user_park": None,
        "asof": ASOF,
        "year": None,
        "metric": None,
        "weights": None,
        "rules": None,
    }
    explicit = {**base, "year": YEAR, "metric": "score", "weights": WEIGHTS, "rules": queries.FLAG_RULES}
    for name in ["park_rankings", "project_rankings", "park_flags", "retreat_candidates"]:
        pd.testing.assert_frame_equal(db.execute(con, name, base), db.execute(con, name, explicit), check_dtype=False)
    con.close()


def test_project_rankings_in_a_park_equal_an_independent_recomputation(demo_db: Path) -> None:
    got = queries.project_rankings(Scope("150200", "P005", ASOF), 2022, "tax_per_mu")
    projects = raw_projects(demo_db)
    want = projects[(projects.park_id == "P005") & (projects.year <= 2022)].copy()
    want["score"] = composite(want, WEIGHTS)
    want["value"] = want.tax_per_mu
    want["rank"] = rank_by(want, "value", ["name", "project_id"])
    graded = want.valid & (want.year < 2022) & want.score.notna()
    want["grade"] = graded_letters(want.score, graded)
    want = want.sort_values(["rank", "name", "project_id"], na_position="last")
    assert got.project_id.tolist() == want.project_id.tolist()
    assert got["rank"].astype("Int64").tolist() == want["rank"].tolist()
    assert got.grade.tolist() == want.grade.tolist()
    for column in ["output_per_mu", "tax_per_mu", "investment_intensity", "plot_ratio", "score"]:
        np.testing.assert_allclose(got[column].astype(float), want[column].astype(float), rtol=1e-9, err_msg=column)
    assert (got.status == np.where(~want.valid, "数据缺失", np.where(want.year == 2022, "当年投产", "正常"))).all()


@pytest.mark.parametrize("league", [None, "150900"], ids=["region", "ulanqab"])
def test_retreat_candidates_are_exactly_the_projects_below_a_threshold(demo_db: Path, league: str | None) -> None:
    """Judged: valid projects completed before the ranking year (those completed in it are 当年投产)."""
    got = queries.retreat_candidates(Scope(league, None, ASOF), 2022)
    projects = raw_projects(demo_db)
    projects = projects[projects.valid & (projects.year < 2022) & (league is None or projects.league_code == league)]
    expected = {}
    for indicator, prefix in PARTS.items():
        below = projects[projects[indicator] < projects[f"{prefix}_min"]]
        for row in below.itertuples():
            threshold = getattr(row, f"{prefix}_min")
            expected[(row.project_id, indicator)] = threshold - getattr(row, indicator)
    assert set(zip(got.project_id, got.indicator, strict=True)) == set(expected)
    for row in got.itertuples():
        assert row.gap == pytest.approx(expected[(row.project_id, row.indicator)], rel=1e-9)
        assert row.gap > 0 and row.basis in ("演示估计", "国家标准(国土资发〔2008〕24号)")
    failed = got.groupby("project_id").indicator.count()
    assert (got.failed_indicators == got.project_id.map(failed)).all()
    assert got.failed_indicators.is_monotonic_decreasing


@pytest.mark.parametrize(
    ("day", "year", "league"),
    [(ASOF, None, None), (ASOF, 2022, "150200"), (date(2022, 8, 1), None, None), (date(2025, 12, 25), 2025, None)],
)
def test_retreat_candidate_counts_equal_the_listed_candidates_and_an_independent_ledger_count(
    demo_db: Path, day: date, year: int | None, league: str | None
) -> None:
    """The rankings page counts candidates without listing them: per league the same projects as the list, and
    how many of them have their 园区指标 item found by the date, and rectified then (status replayed from the log)."""
    listed = queries.retreat_candidates(Scope(league, None, day), year).drop_duplicates("project_id")
    counts = queries.retreat_candidate_counts(Scope(league, None, day), year).set_index("league_code")
    assert counts.candidates.to_dict() == listed.groupby("league_code").size().to_dict()
    con = duckdb.connect(str(demo_db))
    ledger = con.execute(
        """
        select ind.project_id, (
            select e.status from item_event e where e.item_id = i.item_id and e.event_date <= $d
            order by e.event_date desc, e.seq desc limit 1
        ) as status
        from indicator ind join item i using (item_id)
        where i.found_date <= $d
        """,
        {"d": day},
    ).df()
    con.close()
    ledger = listed[["project_id", "league_code"]].merge(ledger, on="project_id")
    assert counts.listed.to_dict() == {k: v for k, v in ledger.groupby("league_code").size().items()} | {
        k: 0 for k in counts.index if k not in set(ledger.league_code)
    }
    done = ledger[ledger.status.isin(["已整改", "已销号"])].groupby("league_code").size()
    assert counts.rectified.to_dict() == {k: int(done.get(k, 0)) for k in counts.index}


def test_park_flags_apply_the_stated_rules_to_independent_counts(demo_db: Path) -> None:
    got = queries.park_flags(Scope(None, None, ASOF), 2022).set_index("park_id")
    projects = raw_projects(demo_db)
    projects = projects[projects.year <= 2022]
    rules = queries.FLAG_RULES
    for park_id, row in got.iterrows():
        mine = projects[projects.park_id == park_id]
        valid = mine[mine.valid]
        enterprises = mine.name.str.extract(r"^(.+?)年产")[0].fillna(mine.name).nunique()
        share = (valid.output_wan.sum() / valid.land_mu.sum()) / (
            (valid.land_mu * valid.output_min).sum() / valid.land_mu.sum()
        )
        assert (row.projects, row.enterprises) == (len(valid), enterprises), park_id
        assert row.output_share == pytest.approx(share, rel=1e-9)
        assert row.few_projects == (len(valid) < rules["min_projects"])
        assert row.few_enterprises == (enterprises < rules["min_enterprises"])
        assert row.low_output == (share < rules["min_output_share"])
        assert row.triggers == row.few_projects + row.few_enterprises + row.low_output


def test_control_thresholds_list_six_categories_per_league_marked_as_estimates() -> None:
    table = queries.control_thresholds(Scope("150200", None, ASOF))
    assert table.industry_category.tolist() == ["农畜产品加工", "能源化工", "新型化工", "冶金", "生物医药", "装备制造"]
    assert (table.basis == "演示估计").all()
    assert len(queries.control_thresholds(Scope(None, None, ASOF))) == 12 * 6


def test_demo_projects_without_land_are_data_missing_and_never_ranked(demo_db: Path) -> None:
    projects = queries.project_rankings(Scope(None, None, date(2025, 12, 25)), 2025)
    missing = projects[projects.status == "数据缺失"]
    con = duckdb.connect(str(demo_db))
    expected = {
        r[0] for r in con.execute("select project_id from built_project where coalesce(land_mu, 0) = 0").fetchall()
    }
    con.close()
    assert set(missing.project_id) == expected and len(expected) == 3
    assert missing["rank"].isna().all() and missing.output_per_mu.isna().all() and missing.score.isna().all()
    assert (missing.grade == "不定等级").all()
    assert not set(queries.retreat_candidates(Scope(None, None, date(2025, 12, 25)), 2025).project_id) & expected


def test_an_unknown_metric_is_refused_before_any_sql_runs() -> None:
    with pytest.raises(ValueError, match="unknown ranking metric"):
        queries.park_rankings(Scope(None, None, ASOF), 2022, "output_wan; drop table park")


# A hand-made database: ties, grade cut-offs, zero and missing land ----------------------------------
def _park(park_id: str, name: str, league: str) -> dict:
    return {
        "park_id": park_id,
        "name": name,
        "league_code": league,
        "county": None,
        "level": "自治区级",
        "park_type": "工业园区",
        "catalogue_code": None,
        "approved_year": 2006,
        "approved_area_ha": 100.0,
        "leading_industries": "冶金",
        "industry_category": "冶金",
        "lat": 40.7,
        "lon": 110.0,
    }


def _project(project_id: str, park_id: str, output_per_mu: float, land: D | None = D(100), year: int = 2018) -> dict:
    """A 冶金 project of 100 亩 (unless told): only its output differs; tax 5, investment 200, plot ratio 0.5."""
    area = float(land or 0) or 100.0
    return {
        "project_id": project_id,
        "park_id": park_id,
        "name": f"测试企业{project_id}年产1万吨硅铁项目",
        "industry_category": "冶金",
        "land_mu": land,
        "investment_wan": D(200 * area),
        "output_wan": D(str(output_per_mu * area)),
        "tax_wan": D(5 * area),
        "floor_area_m2": D(str(round(0.5 * area * M2_PER_MU, 2))),
        "year": year,
    }


# Ten graded parks in 150100 with output per mu 100..190; the parks at positions 2 and 3 tie, and their ids
# run against their names (P108 等级园区X before P107 等级园区Y by name).
GRADED = [
    ("P101", "等级园区A", 100),
    ("P102", "等级园区B", 110),
    ("P103", "等级园区C", 120),
    ("P104", "等级园区D", 130),
    ("P105", "等级园区E", 140),
    ("P106", "等级园区F", 150),
    ("P107", "等级园区Y", 170),
    ("P108", "等级园区X", 170),
    ("P109", "等级园区G", 160),
    ("P110", "等级园区J", 190),
]


def ranking_rows() -> dict[str, list[dict]]:
    rows = copy.deepcopy(tiny_rows())
    rows["park"] += [_park(pid, name, "150100") for pid, name, _ in GRADED]
    rows["park"] += [
        _park("P111", "两项目园区", "150100"),  # 2 valid projects: ranked, but 不定等级
        _park("P112", "缺失园区", "150100"),  # one valid project, one with land 0, one with land null
        _park("P113", "全缺园区", "150100"),  # its only project has land 0: unranked
        _park("P114", "五项目园区", "150200"),  # five projects of 2018 and one new in 2019
    ]
    projects = []
    for pid, _, output in GRADED:
        projects += [_project(f"{pid}-{k}", pid, output) for k in range(3)]
    projects[-1]["year"] = 2019  # P110's third project is new in 2019
    projects += [_project("P111-1", "P111", 400), _project("P111-2", "P111", 400)]
    projects += [
        _project("P112-1", "P112", 250),
        _project("P112-2", "P112", 900, land=D(0)),
        _project("P112-3", "P112", 900, land=None),
        _project("P113-1", "P113", 900, land=D(0)),
    ]
    projects += [_project(f"P114-{k}", "P114", 100 + 20 * k) for k in range(1, 6)]
    projects += [_project("P114-6", "P114", 300, year=2019)]
    rows["built_project"] += projects
    rows["control_threshold"] = [
        {
            "league_code": league,
            "industry_category": "冶金",
            "indicator": indicator,
            "min_value": value,
            "basis": "演示估计",
        }
        for league in ("150100", "150200")
        for indicator, value in [
            ("investment_intensity", 250.0),
            ("output_per_mu", 300.0),
            ("tax_per_mu", 10.0),
            ("plot_ratio", 0.6),
        ]
    ]
    return rows


@pytest.fixture(scope="module")
def ranking_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rankings") / "rankings.duckdb"
    write_database(ranking_rows(), path)
    return path


@pytest.fixture
def use_ranking_db(ranking_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_database(ranking_db, monkeypatch)


SCOPE = Scope("150100", None, date(2023, 1, 15))


def test_equal_values_are_ranked_by_park_name(use_ranking_db: Path) -> None:
    table = queries.park_rankings(SCOPE, 2019, "output_per_mu").set_index("name")
    assert table.at["等级园区X", "value"] == table.at["等级园区Y", "value"]
    # above them: 两项目园区 (400), 缺失园区 (250), 等级园区J (190)
    assert (table.at["等级园区X", "rank"], table.at["等级园区Y", "rank"]) == (4, 5)
    assert table.at["等级园区X", "park_id"] > table.at["等级园区Y", "park_id"]  # not by id
    projects = queries.project_rankings(Scope("150100", "P107", SCOPE.asof), 2019, "output_per_mu")
    assert projects.name.tolist() == sorted(projects.name)  # three equal projects: by name


def test_grades_follow_the_stated_cut_offs_and_equal_scores_share_a_grade(use_ranking_db: Path) -> None:
    table = queries.park_rankings(SCOPE, 2019, "score")
    graded = table[table.grade != "不定等级"]
    assert graded.name.tolist() == [
        "等级园区J",
        "等级园区X",
        "等级园区Y",
        "等级园区G",
        "等级园区F",
        "等级园区E",
        "等级园区D",
        "等级园区C",
        "等级园区B",
        "等级园区A",
    ]
    # 10 graded parks: share ahead 0, 1/10, 1/10 (tie) -> A; 3/10..5/10 -> B; 6/10..8/10 -> C; 9/10 -> D
    assert graded.grade.tolist() == ["A", "A", "A", "B", "B", "B", "C", "C", "C", "D"]
    ungraded = table[table.grade == "不定等级"].set_index("name")
    assert set(ungraded.index) == {"两项目园区", "缺失园区", "全缺园区", "甲园区"}  # 甲园区 has no projects
    assert ungraded.at["两项目园区", "rank"] == 1  # ranked on its score all the same


def test_project_grades_use_the_same_cut_offs_and_leave_new_projects_ungraded(use_ranking_db: Path) -> None:
    table = queries.project_rankings(Scope("150200", "P114", SCOPE.asof), 2019, "score")
    assert table.project_id.tolist() == ["P114-6", "P114-5", "P114-4", "P114-3", "P114-2", "P114-1"]
    # five graded projects: share ahead 0 -> A, 1/5 and 2/5 -> B, 3/5 and 4/5 -> C; P114-6 is new in 2019
    assert table.grade.tolist() == ["不定等级", "A", "B", "B", "C", "C"]
    assert table.status.tolist() == ["当年投产", "正常", "正常", "正常", "正常", "正常"]
    assert table["rank"].tolist() == [1, 2, 3, 4, 5, 6]


def test_a_project_with_zero_or_missing_land_is_data_missing_and_excluded(use_ranking_db: Path) -> None:
    projects = queries.project_rankings(Scope("150100", "P112", SCOPE.asof), 2019).set_index("project_id")
    assert projects.status.to_dict() == {"P112-1": "正常", "P112-2": "数据缺失", "P112-3": "数据缺失"}
    assert projects.loc[["P112-2", "P112-3"], ["output_per_mu", "plot_ratio", "score", "rank"]].isna().all().all()
    assert projects.at["P112-1", "rank"] == 1
    parks = queries.park_rankings(SCOPE, 2019, "output_per_mu").set_index("park_id")
    assert (parks.at["P112", "projects"], parks.at["P112", "missing_projects"]) == (1, 2)
    assert parks.at["P112", "output_per_mu"] == pytest.approx(250)  # the valid project alone
    assert pd.isna(parks.at["P113", "rank"]) and pd.isna(parks.at["P113", "value"])
    assert parks.at["P113", "missing_projects"] == 1
    candidates = queries.retreat_candidates(SCOPE, 2019)
    assert not {"P112-2", "P112-3", "P113-1"} & set(candidates.project_id)
    flags = queries.park_flags(SCOPE, 2019).set_index("park_id")
    assert flags.at["P113", "projects"] == 0 and not flags.at["P113", "low_output"]


def test_rank_change_compares_with_the_previous_year(use_ranking_db: Path) -> None:
    table = queries.park_rankings(SCOPE, 2019, "output_per_mu").set_index("park_id")
    assert (table.prev_rank.dropna() > 0).all()
    assert (table.rank_change.dropna() == (table.prev_rank - table["rank"]).dropna()).all()
    assert table.at["P110", "new_projects"] == 1
    assert table.new_projects.sum() == 1
    assert queries.park_rankings(SCOPE, 2017, "output_per_mu")["rank"].isna().all()  # nothing built by 2017


# Builders ---------------------------------------------------------------------------------------------
def test_ranking_figure_stacks_the_score_parts_and_carries_the_park_id_and_footnote() -> None:
    table = queries.park_rankings(Scope("150200", None, ASOF), 2022)
    stamp = Stamp("包头市", ASOF, True)
    fig = rk.ranking_figure(table, "park_id", "score", stamp, "包头市园区综合得分排名", subtitle="权重")
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == ["亩均税收得分", "亩均产值得分", "投资强度得分", "容积率得分"]
    assert [c[0] for c in bars[0].customdata] == table.park_id.tolist()
    assert fig.layout.barmode == "stack"
    footnote = next(a for a in fig.layout.annotations if a.name == "footnote")
    assert "演示数据" in footnote.text and "数据截至：2023-06-08" in footnote.text
    one = rk.ranking_figure(table, "park_id", "tax_per_mu", stamp, "t", "league_median", "所属盟市中位数")
    assert [t.type for t in one.data] == ["bar", "scatter"] and one.data[1].name == "所属盟市中位数"
    assert len([a for a in one.layout.annotations if a.name == "value_label"]) == len(table)  # one label a bar


def test_ranking_figure_shows_first_and_last_ten_of_a_long_list() -> None:
    table = queries.park_rankings(Scope(None, None, ASOF), 2022)
    fig = rk.ranking_figure(table, "park_id", "score", Stamp("全区", ASOF, True), "全区")
    assert len(fig.data[0].y) == 20 and fig.data[0].y[0].startswith("1. ") and fig.data[0].y[-1].startswith("81. ")
    assert "前 10 名和后 10 名" in fig.layout.title.subtitle.text


@pytest.mark.parametrize(
    ("prev", "change", "has_previous", "text"),
    [
        (5, 2, True, "↑2"),
        (3, -1, True, "↓1"),
        (4, 0, True, "持平"),
        (None, None, True, "新进榜"),
        (None, None, False, "—"),
    ],
)
def test_rank_change_reads_as_a_chinese_reader_expects(prev, change, has_previous, text) -> None:
    assert rk.rank_change_text(prev, change, has_previous) == text


# The page ---------------------------------------------------------------------------------------------
def page(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "rankings.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def selection(*customdata: str) -> dict:
    return {"selection": {"points": [{"customdata": list(customdata)}], "point_indices": [0], "box": [], "lasso": []}}


@pytest.mark.parametrize(
    "params",
    [{}, {"league": "150200"}, {"league": "150200", "park": "P005"}, {"year": "2016", "metric": "plot_ratio"}],
    ids=["region", "league", "park", "first-year"],
)
def test_rankings_page_renders_at_every_scope(params: dict) -> None:
    at = page(asof="2023-06-08", **params)
    assert not at.exception
    assert at.title[0].value == "园区排名"
    assert any("演示估计" in c.value for c in at.caption)  # thresholds are never shown as published facts


def test_league_page_table_shows_the_independent_ranking(demo_db: Path) -> None:
    at = page(asof="2023-06-08", league="150700", metric="tax_per_mu")
    shown = at.dataframe[0].value
    want = expected_parks(demo_db, YEAR, "150700", "tax_per_mu")
    assert shown["园区"].tolist() == want.name.tolist()
    assert shown["排名"].tolist() == want["rank"].tolist()
    assert shown["亩均税收（万元/亩）"].tolist() == want.tax_per_mu.round(1).tolist()
    graded = int((want.grade != "不定等级").sum())
    assert at.metric[0].value == f"{graded} 个"


def test_clicking_a_park_bar_drills_into_that_park_and_its_league() -> None:
    at = page(asof="2023-06-08")
    at.session_state["rankings_chart_region"] = selection("P005")
    at.run()
    assert not at.exception
    assert (at.query_params["league"], at.query_params["park"]) == ("150200", "P005")
    assert at.caption[0].value.startswith("全区 › 包头市 › 包头稀土高新技术产业开发区")
    assert at.metric[0].label == "盟市内综合得分排名"


def test_choosing_a_table_row_drills_into_that_park() -> None:
    at = page(asof="2023-06-08", league="150200")
    third = queries.park_rankings(Scope("150200", None, ASOF), YEAR).iloc[2]
    assert at.dataframe[0].value["园区"][2] == third["name"]
    at.session_state["rankings_table_150200"] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert (at.query_params["league"], at.query_params["park"]) == ("150200", third.park_id)
    assert at.caption[0].value.startswith(f"全区 › 包头市 › {third['name']}")


def test_year_and_metric_come_from_the_url_and_bad_values_fall_back() -> None:
    at = page(asof="2023-06-08", year="2019", metric="output_per_mu")
    assert (at.selectbox(key="rankings_year").value, at.session_state["rankings_metric"]) == ("2019", "output_per_mu")
    at = page(asof="2023-06-08", year="1999", metric="bogus")
    assert (at.selectbox(key="rankings_year").value, at.session_state["rankings_metric"]) == (str(YEAR), "score")
    assert not at.exception


def test_park_page_lists_data_missing_projects_without_a_rank(use_ranking_db: Path) -> None:
    at = page(league="150100", park="P112")
    assert not at.exception
    table = at.dataframe[0].value
    missing = table[table["状态"] == "数据缺失"]
    assert len(missing) == 2 and missing["排名"].isna().all()
    assert any("2 个项目用地面积缺失或为 0" in c.value for c in at.caption)


def test_weight_sliders_change_the_stated_weights_and_can_be_reset() -> None:
    at = page(asof="2023-06-08", league="150200")
    at.slider(key="rankings_weight_plot_ratio").set_value(80).run()
    assert not at.exception
    assert at.expander[0].label.startswith("综合得分权重：亩均税收 24%、亩均产值 18%、投资强度 12%、容积率 47%")
    at.button(key="rankings_reset_weights").click().run()
    assert at.expander[0].label.startswith("综合得分权重：亩均税收 40%、亩均产值 30%、投资强度 20%、容积率 10%")


def test_choosing_a_year_and_an_indicator_writes_them_to_the_url() -> None:
    at = page(asof="2023-06-08", league="150200")
    at.selectbox(key="rankings_year").set_value("2019").run()
    assert at.query_params["year"] == "2019"
    assert not at.exception
    at.selectbox(key="rankings_year").set_value(str(YEAR)).run()
    assert "year" not in at.query_params  # the default year is left out of the link


def test_the_park_table_is_paged_while_the_chart_keeps_the_top_and_bottom() -> None:
    ranked = queries.park_rankings(Scope(None, None, ASOF), YEAR)
    assert len(ranked) > 50  # the demo's 81 parks: two pages of 50
    at = page(asof="2023-06-08", page="2")
    assert not at.exception
    assert at.dataframe[0].value["园区"].tolist() == ranked.name.iloc[50:100].tolist()
    assert any(f"第 51–{len(ranked)} 名，共 {len(ranked)} 个园区" in c.value for c in at.caption)
    first = page(asof="2023-06-08")
    assert first.dataframe[0].value["园区"].tolist() == ranked.name.iloc[:50].tolist()
    assert "page" not in first.query_params


def test_a_row_chosen_on_the_second_page_drills_into_that_park() -> None:
    at = page(asof="2023-06-08", page="2")
    park = queries.park_rankings(Scope(None, None, ASOF), YEAR).iloc[52]
    at.session_state["rankings_table_region"] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert (at.query_params["league"], at.query_params["park"]) == (park.league_code, park.park_id)


@pytest.mark.parametrize(("league", "leagues"), [(None, ()), (None, ("150200", "152500")), ("150200", ())])
def test_a_page_of_candidates_is_every_row_of_those_projects_of_the_whole_list(
    league: str | None, leagues: tuple[str, ...]
) -> None:
    """retreat_candidate_page: the projects offset + 1 … offset + size of the list (of the chosen leagues), with
    all their rows in the list's order."""
    every = queries.retreat_candidates(Scope(league, None, ASOF))
    if leagues:
        every = every[every.league_code.isin(leagues)]
    projects = every.project_id.unique()
    assert len(projects) > 10
    for offset in (0, 5, 10, len(projects) - 3):
        got = queries.retreat_candidate_page(Scope(league, None, ASOF), None, leagues, offset, 5)
        expected = every[every.project_id.isin(projects[offset : offset + 5])].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected)


def test_the_second_page_of_a_chosen_leagues_candidates_shows_its_projects_51_to_100() -> None:
    listed = queries.retreat_candidates(Scope(None, None, ASOF)).drop_duplicates("project_id")
    chosen = listed.league_code.value_counts().index[:-2].tolist()  # all but the two with the fewest
    mine = listed[listed.league_code.isin(chosen)]
    assert len(mine) > 50
    at = page(asof="2023-06-08", view="candidates", cpage="2", leagues=",".join(chosen))
    assert not at.exception
    assert at.dataframe[0].value["项目"].tolist() == mine.name.iloc[50:100].tolist()
    assert any(f"第 51–{min(len(mine), 100)} 个，共 {len(mine)} 个候选项目" in c.value for c in at.caption)


def test_the_candidates_are_paged_by_project_and_the_pages_together_list_every_one_in_order() -> None:
    listed = queries.retreat_candidates(Scope(None, None, ASOF)).drop_duplicates("project_id")
    assert len(listed) > 50  # the demo region's 97 candidates: two pages of 50
    first = page(asof="2023-06-08", view="candidates")
    second = page(asof="2023-06-08", view="candidates", cpage="2")
    assert not first.exception and not second.exception
    shown = [*first.dataframe[0].value["项目"], *second.dataframe[0].value["项目"]]
    assert shown == listed.name.tolist()
    assert any(f"第 51–{len(listed)} 个，共 {len(listed)} 个候选项目" in c.value for c in second.caption)
    assert first.metric[2].value == f"{len(listed)} 个"  # the figure counts them all, not one page
    assert "cpage" not in first.query_params
