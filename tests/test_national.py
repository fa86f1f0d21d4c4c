"""bench/national.py: copies with distinct ids, parcel codes and coordinates, so no check finds false duplicates."""

from pathlib import Path

import duckdb
import pytest

from bench.national import build
from queries import db

PARKS, ITEMS = 3, 2


@pytest.fixture(scope="module")
def national(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("national") / "national.duckdb"
    build(path, factor_parks=PARKS, factor_items=ITEMS, source=demo_db)
    return path


def counts(path: Path, sql: str) -> tuple:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchone()
    finally:
        con.close()


@pytest.mark.parametrize(
    ("table", "factor"),
    [("park", PARKS), ("park_filing", PARKS), ("item", PARKS * ITEMS), ("item_event", PARKS * ITEMS),
     ("land", PARKS * ITEMS), ("stalled", PARKS * ITEMS), ("infrastructure", PARKS * ITEMS),
     ("idle_fund", PARKS * ITEMS), ("pending_approval", PARKS * ITEMS), ("indicator", PARKS * ITEMS),
     ("built_project", PARKS * ITEMS), ("infra_survey", PARKS * ITEMS), ("stopped_enterprise", PARKS * ITEMS),
     ("land_development", PARKS * ITEMS), ("approval_step", PARKS * ITEMS),
     ("league", 1), ("control_threshold", 1), ("league_milestone", 1)],
)  # fmt: skip
def test_every_table_is_multiplied_by_its_factor(demo_db: Path, national: Path, table: str, factor: int) -> None:
    (demo,) = counts(demo_db, f"select count(*) from {table}")
    (copied,) = counts(national, f"select count(*) from {table}")
    assert demo > 0
    assert copied == demo * factor


@pytest.mark.parametrize(
    "sql",
    [
        "select count(*), count(distinct park_id), count(distinct name), count(distinct (lat, lon)) from park",
        "select count(*), count(distinct item_id), count(distinct item_id), count(distinct item_id) from item",
        "select count(*), count(distinct (item_id, seq)), count(distinct item_id || seq), count(*) from item_event",
        "select count(*), count(distinct project_id), count(distinct (park_id, name)), count(*) from built_project",
        "select count(*), count(distinct (park_id, title)), count(distinct item_id), count(*) from item",
        "select count(*), count(distinct (lat, lon)), count(distinct item_id), count(*) from"
        " (select item_id, lat, lon from land union all select item_id, lat, lon from stalled"
        "  union all select item_id, lat, lon from infrastructure)",
        "select count(*), count(distinct project_id), count(distinct coalesce(item_id, project_id)), count(*)"
        " from infra_survey",
        "select count(*), count(distinct enterprise_id), count(*), count(*) from stopped_enterprise",
    ],
)
def test_ids_names_and_coordinates_are_distinct(national: Path, sql: str) -> None:
    total, *distinct = counts(national, sql)
    assert total > 0
    assert distinct == [total] * 3


def test_every_copied_item_points_at_a_park_and_every_detail_at_an_item(national: Path) -> None:
    assert counts(national, "select count(*) from item left join park using (park_id) where park.name is null") == (0,)
    for table in ["item_event", "land", "stalled", "infrastructure", "idle_fund", "pending_approval", "indicator"]:
        sql = f"select count(*) from {table} t left join item i using (item_id) where i.park_id is null"
        assert counts(national, sql) == (0,), table
    sql = "select count(*) from indicator i left join built_project b using (project_id) where b.park_id is null"
    assert counts(national, sql) == (0,)


def test_parcel_codes_are_shared_only_where_the_demo_plants_a_duplicate(demo_db: Path, national: Path) -> None:
    sql = """select count(*), count(distinct parcel_code) from (
        select parcel_code from land union all select parcel_code from stalled) where parcel_code is not null"""
    demo_rows, demo_codes = counts(demo_db, sql)
    rows, codes = counts(national, sql)
    assert (rows, codes) == (demo_rows * PARKS * ITEMS, demo_codes * PARKS * ITEMS)


def test_paper_checks_find_each_planted_case_once_per_copy(demo_db: Path, national: Path) -> None:
    def hits(path: Path) -> dict[str, int]:
        con = db.connect(path)
        try:
            params = {"league": None, "park": None, "asof": db.execute(con, "data_dates", {})["last_date"][0]}
            frame = db.execute(con, "paper_checks", params | dict.fromkeys(db.OPTIONAL))
        finally:
            con.close()
        return frame.groupby("rule").size().to_dict()

    demo = hits(demo_db)
    assert set(demo) >= {"no_evidence", "closed_before_found", "duplicate_parcel"}
    assert hits(national) == {rule: n * PARKS * ITEMS for rule, n in demo.items()}


def test_the_builder_refuses_a_factor_below_one(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        build(tmp_path / "x.duckdb", factor_parks=0)


def test_item_links_show_whole_ids_with_dashes_as_imports_and_national_copies_have() -> None:
    import re

    from tests.conftest import ROOT

    patterns = [
        (path.name, m.group(1))
        for path in sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")])
        for m in re.finditer(r'display_text=r"([^"]+)"', path.read_text(encoding="utf-8"))
    ]
    assert len(patterns) >= 1  # one item-link column (ui/tables.py) since the pages' five copies were merged
    for name, pattern in patterns:
        for item in ("LD0001", "BT-LD-001", "IF0115-0107"):
            assert re.search(pattern, f"ledgers?item={item}").group(1) == item, name
