"""亩均评价 of projects: A/B/C/D within tracks, with the veto, protection and quota rules each on projects built
for its boundary, each rule switched off in turn, and the utility's D/C list opened with openpyxl."""

import io
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

import queries
from ledger.demo.database import write_database
from ledger.demo.dynamic import credit_check
from queries.scope import Scope
from reports.grade_lists import UTILITY_COLUMNS, utility_xlsx
from tests.conftest import read_database, tiny_rows

ASOF = date(2023, 6, 8)  # the evaluation year 2023 judges projects completed by 2022
THRESHOLDS = {"investment_intensity": 250.0, "output_per_mu": 300.0, "tax_per_mu": 10.0, "plot_ratio": 0.5}
# id: (land 亩, ratio of every indicator to its threshold, so score = 100 × ratio; completion year)
PROJECTS = {
    "G01": (100, 1.45, 2018),
    "G02": (100, 1.44, 2018),
    "G03": (100, 1.43, 2018),
    "G04": (100, 1.42, 2018),
    "G05": (100, 1.205, 2018),  # A by score (120.5), the fifth A of 20: the quota (4) makes it B
    "G06": (100, 1.195, 2018),  # 119.5: B
    "G07": (100, 1.46, 2018),  # the best score, but a 安全事故 caps it at C
    **{f"G{n:02d}": (100, 1.1, 2018) for n in range(8, 14)},
    "G14": (100, 1.1, 2018),  # 110 less 扣分 15 = 95: C
    "G15": (100, 0.9, 2018),
    "G16": (100, 0.9, 2018),
    "G17": (100, 0.805, 2018),  # 80.5: C
    "G18": (100, 0.795, 2018),  # 79.5: D (one of 20 = the 5 % floor already)
    "G19": (100, 0.5, 2021),  # D by score, but in production 2 years (< 3): C
    "G20": (100, 1.0, 2022),
    "G21": (100, 0.3, 2023),  # completed in the year judged: not graded
    "S1": (10, 1.3, 2018),  # A by score, but 20 % of 4 projects is 0 A: B
    "S2": (10, 1.0, 2018),
    "S3": (10, 0.95, 2018),  # C by score, the lowest of its track: D by the 5 % floor (1 of 4)
    "S4": (5, 1.0, 2018),  # 产值 1,500 万元: 规下 when tracks are by scale
}
EXPECTED = {
    **{f"G0{n}": "A" for n in range(1, 5)},
    "G05": "B",
    "G06": "B",
    "G07": "C",
    **{f"G{n:02d}": "B" for n in range(8, 14)},
    "G14": "C",
    "G15": "C",
    "G16": "C",
    "G17": "C",
    "G18": "D",
    "G19": "C",
    "G20": "B",
    "S1": "B",
    "S2": "B",
    "S3": "D",
    "S4": "B",
}


def _project(project_id: str, land: int, ratio: float, year: int) -> dict:
    return {
        "project_id": project_id,
        "park_id": "P002",
        "name": f"评价企业{project_id}年产1万吨项目",
        "industry_category": "冶金",
        "land_mu": D(land),
        "investment_wan": D(str(250 * ratio * land)),
        "output_wan": D(str(300 * ratio * land)),
        "tax_wan": D(str(10 * ratio * land)),
        "floor_area_m2": D(str(round(0.5 * ratio * land * 666.67, 4))),
        "year": year,
    }


def _penalty(number: int, project_id: str, kind: str, points: float | None, source: str) -> dict:
    return {"penalty_id": number, "project_id": project_id, "year": 2023, "kind": kind, "points": points,
            "source": source, "recorded_by": "demo-admin", "recorded_at": datetime(2023, 3, 1)}  # fmt: skip


def grade_rows() -> dict[str, list[dict]]:
    rows = tiny_rows()
    rows["built_project"] = [_project(pid, *spec) for pid, spec in PROJECTS.items()]
    rows["indicator"] = []
    rows["control_threshold"] = [
        {"league_code": lc, "industry_category": "冶金", "indicator": k, "min_value": v, "basis": "测试"}
        for lc in ("150100", "150200")
        for k, v in THRESHOLDS.items()
    ]
    body = "91150200" + "000000001"
    rows["enterprise_account"] = [
        {"project_id": pid, "credit_code": body[:-2] + f"{n:02d}" + credit_check(body[:-2] + f"{n:02d}"),
         "power_account": f"05{n:08d}"}
        for n, pid in enumerate(PROJECTS)
    ]  # fmt: skip
    rows["project_penalty"] = [
        _penalty(1, "G07", "安全事故", None, "应急管理局通报（2023年第3期）"),
        _penalty(2, "G14", "扣分", 15.0, "税务部门欠税记录"),
        _penalty(3, "G02", "扣分", 2.0, "其他年份不计"),
    ]
    rows["project_penalty"][2]["year"] = 2022
    return rows


@pytest.fixture(scope="module")
def grade_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("grades") / "grades.duckdb"
    write_database(grade_rows(), path)
    return path


@pytest.fixture
def use_grade_db(grade_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_database(grade_db, monkeypatch)


def grades(**switches) -> dict[str, str]:
    frame = queries.project_grades(Scope(None, None, ASOF), **switches)
    return dict(zip(frame.project_id, frame.grade, strict=True))


def test_each_rule_grades_the_projects_built_for_its_boundary(use_grade_db: Path):
    assert grades() == EXPECTED  # G21, completed in 2023, is not graded
    frame = queries.project_grades(Scope(None, None, ASOF)).set_index("project_id")
    assert frame.at["G14", "final_score"] == pytest.approx(95.0) and frame.at["G14", "deduction"] == 15
    assert frame.at["G02", "deduction"] == 0  # a deduction of another year does not count
    assert frame.at["G07", "adjustment"] == "否决：安全事故：应急管理局通报（2023年第3期），最高定为 C"
    assert frame.at["G05", "adjustment"] == "A 类名额已满（不超过 20%），定为 B"
    assert frame.at["S3", "adjustment"] == "D 类不足 5%，按得分补足"
    assert frame.at["G19", "adjustment"] == "投产未满保护期，不定为 D"
    assert set(frame.track) == {"50亩及以上", "50亩以下"}
    for _, group in frame.groupby("track"):  # the quotas hold within each track
        assert (group.grade == "A").sum() <= int(0.2 * len(group))
        assert (group.grade == "D").sum() >= -(-len(group) // 20)


def test_each_rule_can_be_switched_off(use_grade_db: Path):
    no_veto = grades(veto=False)
    assert (no_veto["G07"], no_veto["G04"]) == ("A", "B")  # it takes one of the four A places from G04
    no_quotas = grades(quotas=False)
    assert (no_quotas["G05"], no_quotas["S1"], no_quotas["S3"]) == ("A", "A", "C")
    assert grades(protect_years=0)["G19"] == "D"
    assert grades(protect_years=1)["G19"] == "D"  # two years in production: protected only for 3
    assert grades(protect_years=5)["G18"] == "D"  # five years: G18 (2018) is not protected either


def test_tracks_by_scale_split_at_20_million_yuan_of_output(use_grade_db: Path):
    frame = queries.project_grades(Scope(None, None, ASOF), track="scale").set_index("project_id")
    assert frame.index[frame.track == "规下"].tolist() == ["S4"]
    with pytest.raises(ValueError):
        queries.project_grades(Scope(None, None, ASOF), track="size")
    with pytest.raises(ValueError):
        queries.project_grades(Scope(None, None, ASOF), protect_years=-1)


def test_a_league_scope_narrows_the_rows_not_the_grades(use_grade_db: Path):
    assert queries.project_grades(Scope("150100", None, ASOF)).empty
    assert grades() == dict(
        zip(*queries.project_grades(Scope("150200", "P002", ASOF))[["project_id", "grade"]].T.values, strict=True)
    )


def test_the_demo_credit_codes_carry_their_check_character():
    frame = queries.project_grades(Scope(None, None, ASOF))
    assert frame.credit_code.notna().all() and frame.credit_code.str.len().eq(18).all()
    assert all(credit_check(code[:17]) == code[17] for code in frame.credit_code)
    assert credit_check("91350100M000100Y4") == "3"  # a published code: 91350100M000100Y43


def test_the_utility_list_holds_exactly_the_d_and_c_projects_and_opens_in_openpyxl(use_grade_db: Path):
    frame = queries.project_grades(Scope(None, None, ASOF))
    data = utility_xlsx(frame, "全区", ASOF, "测试", demo=False)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["名单"]
    header, *rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert header == UTILITY_COLUMNS
    listed = frame[frame.grade.isin(["C", "D"])]
    assert sorted(r[0] for r in rows) == sorted(listed.name)
    codes = dict(zip(listed.name, listed.credit_code, strict=True))
    assert all(r[1] == codes[r[0]] and r[4] == 2023 for r in rows)
    assert [r[3] for r in rows] == ["D"] * 2 + ["C"] * 6  # G18 and S3 first, then G07, G14, G15, G16, G17, G19
