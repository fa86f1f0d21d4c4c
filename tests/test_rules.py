"""The campaign's rules (queries/rules.sql): each gives the expected answer on a tiny hand-made case, each is
written once (a second definition of the rectified statuses, the candidate rule or an indicator formula fails
here), and the schema upgrades (ledger/migrate.py) run at start-up, never on the read path."""

import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ledger import ROOT, SCHEMA, SCHEMA_VERSION, rules, spans, stored_schema_version
from ledger.migrate import stored_rules, upgrade
from ledger.vocabulary import RECTIFIED

# Where rules could be written again: every query, the data side, figures, pages and documents.
SOURCES = ("queries", "ledger", "charts", "pages", "ui", "reports", "auth", "bench")
# queries/postgres/rules.sql is the same rules on PostgreSQL: tests/test_pg_queries.py holds it to the same rows.
RULE_HOMES = {
    ROOT / "queries" / "rules.sql",
    ROOT / "queries" / "postgres" / "rules.sql",
    ROOT / "ledger" / "vocabulary.py",
}
RECTIFIED_PAIR = re.compile(r"""[(\[{]\s*(['"])已整改\1\s*,\s*(['"])已销号\2\s*[)\]}]""")
# The candidate rule compares an indicator with its threshold; the indicators divide by the land (容积率 by the
# land in m², 666.67 per 亩); the valid-project test asks for land above 0.
CANDIDATE_RULE = re.compile(r"<\s*\w+\.min_value\b|values\[\w+\]\s*<\s*limits\[")
INDICATOR_FORMULA = re.compile(r"/\s*\(?[^\n/]*\*\s*666\.67")
VALID_PROJECT = re.compile(r"\bland_mu\s*>\s*0\b")
RANK_GRADE = re.compile(r"10\s*\*\s*\(\s*[\w.]*grade_position\s*-\s*1\s*\)")  # the grade by place


def code_lines(path: Path) -> list[str]:
    """The file's lines without comments (a comment may name a rule; only code defines one)."""
    marker = "--" if path.suffix == ".sql" else "#"
    return [line.split(marker, 1)[0] for line in path.read_text(encoding="utf-8").splitlines()]


def sources() -> list[Path]:
    files = [ROOT / "app.py"]
    for folder in SOURCES:
        files += [p for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".sql") and ".venv" not in p.parts]
    return sorted(set(files) - RULE_HOMES)


def written_outside_the_rules(pattern: re.Pattern) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sources()
        for n, line in enumerate(code_lines(path), start=1)
        if pattern.search(line)
    ]


def test_the_rectified_statuses_are_written_only_in_the_rules_file_and_the_vocabulary() -> None:
    assert written_outside_the_rules(RECTIFIED_PAIR) == []
    assert RECTIFIED_PAIR.search((ROOT / "queries" / "rules.sql").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "rule",
    [CANDIDATE_RULE, INDICATOR_FORMULA, VALID_PROJECT, RANK_GRADE],
    ids=["candidate", "indicators", "valid", "grade by place"],
)
def test_candidates_indicators_valid_projects_and_grades_by_place_are_written_only_in_the_rules_file(
    rule: re.Pattern,
) -> None:
    assert written_outside_the_rules(rule) == []
    assert rule.search((ROOT / "queries" / "rules.sql").read_text(encoding="utf-8"))


# The four statuses as a Python sequence or mapping (a tuple, a list, a dict keyed by them), the weights and the
# 再整合再优化 thresholds as literals: the schemas' check constraint on item_event stays the database's own guard
# (the DuckDB schema and its PostgreSQL twin).
SCHEMAS = ("ledger/schema.sql", "ledger/postgres/schema.sql")
STATUS_LIST = re.compile(r"""(['"])待整改\1\s*[,:].*(['"])整改中\2\s*[,:].*(['"])已整改\3\s*[,:].*(['"])已销号\4""")
WEIGHTS = re.compile(r"""['"]tax_per_mu['"]\s*:\s*40\b""")
FLAG_THRESHOLDS = re.compile(r"""['"]min_projects['"]\s*:\s*5\b""")


@pytest.mark.parametrize(
    "rule", [STATUS_LIST, WEIGHTS, FLAG_THRESHOLDS], ids=["statuses", "score weights", "flag thresholds"]
)
def test_the_statuses_the_score_weights_and_the_flag_thresholds_are_written_once(rule: re.Pattern) -> None:
    outside = [line for line in written_outside_the_rules(rule) if not line.startswith(SCHEMAS)]
    assert outside == []
    assert any(rule.search(home.read_text(encoding="utf-8")) for home in RULE_HOMES)


def test_the_rule_scan_finds_a_second_definition() -> None:
    assert STATUS_LIST.search('STATUSES = ("待整改", "整改中", "已整改", "已销号")')
    assert STATUS_LIST.search('{"待整改": "red", "整改中": "orange", "已整改": "green", "已销号": "green"}')
    assert WEIGHTS.search('{"tax_per_mu": 40, "output_per_mu": 30}')
    assert FLAG_THRESHOLDS.search('{"min_projects": 5, "min_enterprises": 5}')
    assert RECTIFIED_PAIR.search("where status in ('已整改', '已销号')")
    assert RECTIFIED_PAIR.search('x.isin(["已整改", "已销号"])')
    assert not RECTIFIED_PAIR.search("check (status in ('待整改', '整改中', '已整改', '已销号'))")
    assert CANDIDATE_RULE.search("where value < t.min_value")
    assert INDICATOR_FORMULA.search("floor_area_m2 / (land_mu * 666.67)")
    assert VALID_PROJECT.search("where b.land_mu > 0")
    assert RANK_GRADE.search("when 10 * (c.grade_position - 1) < 2 * c.graded_parks then 'A'")


# the rules on a tiny case --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def con():
    """An empty database with the schema and the rules: one league, one park of category 冶金, its thresholds
    (投资强度 100, 亩均产值 200, 亩均税收 10, 容积率 1.0), four built projects and two items."""
    con = duckdb.connect()
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    rules.install(con)
    con.execute("insert into league values ('150200', '包头市', '包头', null, null)")
    con.execute(
        "insert into park (park_id, name, league_code, level, industry_category) "
        "values ('P001', '包头稀土高新技术产业开发区', '150200', '国家级', '冶金')"
    )
    for indicator, value in (("investment_intensity", 100), ("output_per_mu", 200), ("tax_per_mu", 10)):
        con.execute(
            "insert into control_threshold values ('150200', '冶金', $i, $v, '演示估计')", {"i": indicator, "v": value}
        )
    con.execute("insert into control_threshold values ('150200', '冶金', 'plot_ratio', 1.0, '国家标准')")
    con.execute(  # id, land 亩, investment, output, tax 万元, floor m², year
        """
        insert into built_project (project_id, park_id, name, industry_category, land_mu, investment_wan,
                                   output_wan, tax_wan, floor_area_m2, year)
        values ('BP1', 'P001', '低效项目', '冶金', 10, 500, 3000, 150, 13333.4, 2020),  -- 投资强度 50, 容积率 2
               ('BP2', 'P001', '达标项目', '冶金', 10, 1500, 3000, 150, 13333.4, 2020),
               ('BP3', 'P001', '缺用地项目', '冶金', 0, 500, 3000, 150, 13333.4, 2020),
               ('BP4', 'P001', '当年投产项目', '冶金', 10, 500, 3000, 150, 13333.4, 2024)
        """
    )
    con.execute(
        """
        insert into item (item_id, ledger, park_id, title, found_date, deadline)
        values ('A', 'land', 'P001', '甲地块', date '2022-08-10', date '2022-12-31'),
               ('B', 'land', 'P001', '乙地块', date '2022-08-10', date '2022-12-31')
        """
    )
    con.execute(
        """
        insert into item_event (item_id, seq, event_date, status)
        values ('A', 1, date '2022-08-10', '待整改'), ('A', 2, date '2022-11-01', '已整改'),
               ('B', 1, date '2022-08-10', '待整改')
        """
    )
    con.execute("insert into land (item_id, land_kind, area_mu) values ('A', '闲置土地', 30), ('B', '批而未供', 12)")
    con.execute("insert into deadline_request (request_id, item_id, requested_by, requested_at, new_deadline, "
                "reason, decision, decided_at, decided_date) values (1, 'B', 'u', now(), date '2023-06-30', "
                "'征地未完成', '批准', timestamp '2022-12-20 10:00', date '2022-12-20')")  # fmt: skip
    spans.refresh(con)
    yield con
    con.close()


def one(con, sql: str, **params):
    return con.execute(f"select {sql}", params).fetchone()[0]


@pytest.mark.parametrize(
    ("status", "rectified"), [("待整改", False), ("整改中", False), *((s, True) for s in RECTIFIED)]
)
def test_rectified_is_true_for_the_two_rectified_statuses_only(con, status: str, rectified: bool) -> None:
    assert one(con, "rules.rectified($s)", s=status) is rectified


@pytest.mark.parametrize(
    ("status", "deadline", "overdue"),
    [("整改中", date(2023, 1, 1), True), ("整改中", date(2023, 6, 8), False), ("已整改", date(2023, 1, 1), False),
     ("待整改", None, False)],
)  # fmt: skip
def test_overdue_is_an_unrectified_item_past_its_deadline(con, status: str, deadline, overdue: bool) -> None:
    assert one(con, "rules.overdue($s, $d::date, date '2023-06-08')", s=status, d=deadline) is overdue


def test_the_four_indicators_of_ten_mu() -> None:
    assert [
        rules.value_of("rules.investment_intensity(500, 10)"),
        rules.value_of("rules.output_per_mu(3000, 10)"),
        rules.value_of("rules.tax_per_mu(150, 10)"),
        round(rules.value_of("rules.plot_ratio(13333.4, 10)"), 6),
    ] == [50, 300, 15, 2]


@pytest.mark.parametrize(
    ("land", "missing", "valid"), [(10, None, True), (0, None, False), (None, None, False), (10, "tax", False)]
)
def test_a_valid_project_has_land_and_every_quantity(con, land, missing, valid: bool) -> None:
    tax = None if missing == "tax" else 150
    assert one(con, "rules.valid_project($l, 500, 3000, $t, 13333.4)", l=land, t=tax) is valid


def test_an_indicator_score_is_capped_at_150_and_a_missing_ratio_stays_missing(con) -> None:
    assert [one(con, f"rules.capped_score({r})") for r in ("0.5", "1.5", "2.0", "null")] == [50, 150, 150, None]


def test_grades_by_place_are_a_to_20_b_to_60_c_to_90_percent_of_the_graded(con) -> None:
    grades = [one(con, f"rules.rank_grade(true, {place}, 10)") for place in range(1, 11)]
    assert grades == ["A", "A", "B", "B", "B", "B", "C", "C", "C", "D"]
    # of 7: (place - 1) / 7 is 14 %, 29 %, 57 %, 71 %, 86 %: no D below 90 %
    assert [one(con, f"rules.rank_grade(true, {place}, 7)") for place in (2, 3, 5, 6, 7)] == ["A", "B", "B", "C", "C"]
    assert one(con, "rules.rank_grade(false, 1, 10)") == "不定等级"


def test_the_score_weights_default_to_40_30_20_10_and_are_normalised_by_their_total(con) -> None:
    assert con.execute("from rules.score_weights(null)").fetchone() == (40, 30, 20, 10, 100)
    weights = {"tax_per_mu": 1.0, "output_per_mu": 1.0, "investment_intensity": 0.0, "plot_ratio": 0.0}
    assert con.execute("from rules.score_weights($w)", {"w": weights}).fetchone() == (1, 1, 0, 0, 2)


def test_the_candidates_are_the_valid_projects_completed_before_the_year_below_a_threshold(con) -> None:
    rows = con.execute("select project_id, indicator, value, threshold from rules.shortfalls(2024) order by all")
    assert rows.fetchall() == [("BP1", "investment_intensity", 50.0, 100.0)]
    assert con.execute("select count(*) from rules.shortfalls(2025)").fetchone() == (2,)  # BP4 judged from 2025
    assert con.execute("select count(*) from rules.shortfalls(2020)").fetchone() == (0,)


def test_the_demo_generator_finds_the_candidates_by_the_same_rule(con) -> None:
    from ledger.demo.projects import shortfalls

    rows = {
        "league": con.execute("from league").df().to_dict("records"),
        "park": con.execute("from park").df().to_dict("records"),
        "control_threshold": con.execute("from control_threshold").df().to_dict("records"),
        "built_project": con.execute("from built_project").df().to_dict("records"),
    }
    assert (
        shortfalls(rows, 2025)
        == con.execute("select project_id, indicator, value, threshold from rules.shortfalls(2025)").fetchall()
    )


def test_items_at_gives_the_status_then_the_deadline_in_force_and_overdue(con) -> None:
    rows = con.execute(
        "select item_id, status, is_rectified, is_overdue, deadline, extensions from rules.items_at($d) order by 1",
        {"d": date(2023, 1, 5)},
    ).fetchall()
    assert rows == [
        ("A", "已整改", True, False, date(2022, 12, 31), 0),
        ("B", "待整改", False, False, date(2023, 6, 30), 1),
    ]
    assert con.execute("select status from rules.status_at(date '2022-10-01') where item_id = 'A'").fetchone() == (
        "待整改",
    )
    after = con.execute("select item_id from rules.items_at(date '2023-07-01') where is_overdue").fetchall()
    assert after == [("B",)]


def test_ledger_rows_narrows_by_status_and_search(con) -> None:
    query = "select item_id from rules.ledger_rows('land', null, null, date '2023-01-05', $s, null, null, null, $q)"
    assert con.execute(query, {"s": "待整改", "q": None}).fetchall() == [("B",)]
    assert con.execute(query, {"s": None, "q": "甲"}).fetchall() == [("A",)]


def test_threshold_row_pivots_a_leagues_thresholds(con) -> None:
    row = con.execute("select investment_min, output_min, tax_min, plot_min from rules.threshold_row()").fetchone()
    assert row == (100, 200, 10, 1.0)


# schema upgrades -----------------------------------------------------------------------------------
STORED = [  # what schema 7 files written before the rules file hold (two of them)
    "create macro items_at(as_of) as table select * from item_fact where found_date <= as_of",
    "create view threshold_row as select league_code from control_threshold",
]


def test_migrate_drops_the_rules_an_old_file_stored_and_keeps_its_version(demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "ledger.duckdb"
    shutil.copyfile(demo_db, path)
    con = duckdb.connect(str(path))
    for statement in STORED:
        con.execute(statement)
    assert stored_rules(con) == [("view", "threshold_row"), ("macro table", "items_at")]
    con.close()
    assert upgrade(path) and stored_schema_version(path) == SCHEMA_VERSION
    con = duckdb.connect(str(path))
    assert stored_rules(con) == []
    con.close()


def test_the_read_path_upgrades_nothing_and_the_command_line_does(demo_db: Path, tmp_path: Path, monkeypatch) -> None:
    from ledger.__main__ import main
    from queries.db import connect

    path = tmp_path / "ledger.duckdb"
    shutil.copyfile(demo_db, path)
    con = duckdb.connect(str(path))
    con.execute("update meta set value = '6' where key = 'schema_version'")
    con.close()
    with pytest.raises(RuntimeError, match="结构版本为 6"):
        connect(path)
    assert stored_schema_version(path) == "6"
    monkeypatch.setenv("LEDGER_DB", str(path))
    assert main(["migrate"]) == 0
    assert stored_schema_version(path) == SCHEMA_VERSION
    connect(path).close()
