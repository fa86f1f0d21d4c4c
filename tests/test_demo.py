"""The demo generator: deterministic, exact splits, published survey totals, never stored status."""

import random
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from ledger.demo import build_demo
from ledger.demo.basics import split_total

TABLES = ["league", "park", "item", "item_event", "land", "stalled", "idle_fund", "built_project", "stopped_enterprise"]


def dump(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path))
    try:
        return {t: con.execute(f"select * from {t} order by all").fetchall() for t in TABLES}
    finally:
        con.close()


def test_demo_build_is_identical_every_run(demo_db: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.duckdb"
    build_demo(again)
    assert dump(again) == dump(demo_db)


def test_demo_has_the_81_catalogue_parks_in_12_leagues(demo_db: Path) -> None:
    con = duckdb.connect(str(demo_db))
    assert con.execute("select count(*), count(distinct league_code) from park").fetchall() == [(81, 12)]
    con.close()


@pytest.mark.parametrize("n", [1, 2, 7, 145])
def test_split_total_adds_up_exactly_in_positive_parts(n: int) -> None:
    parts = split_total(D("794.2"), n, random.Random(n))
    assert sum(parts) == D("794.2")
    assert len(parts) == n and all(p > 0 for p in parts)


def test_split_total_refuses_amounts_it_cannot_split() -> None:
    with pytest.raises(ValueError, match="positive parts"):
        split_total(D("0.2"), 3, random.Random(0))
    with pytest.raises(ValueError, match="multiple"):
        split_total(D("1.25"), 2, random.Random(0))


@pytest.mark.parametrize(
    ("category_filter", "energy_wan_tce", "water_wan_t"),
    [
        ("kind = '停产企业' and not zombie", 85.7, 286.1),
        ("kind = '停产企业' and zombie", 10.2, 140.6),
        ("kind = '停建项目'", 204.7, 204.1),
    ],
)
def test_stalled_items_found_in_the_survey_use_the_published_energy_and_water(
    demo_db: Path, category_filter: str, energy_wan_tce: float, water_wan_t: float
) -> None:
    con = duckdb.connect(str(demo_db))
    energy, water = con.execute(
        f"select sum(energy_tce) / 10000, sum(water_t) / 10000 from stalled join item using (item_id) "
        f"where found_date <= date '2022-08-31' and {category_filter}"
    ).fetchone()
    con.close()
    assert (float(energy), float(water)) == (energy_wan_tce, water_wan_t)


def test_every_item_history_starts_with_its_finding_and_moves_forward(demo_db: Path) -> None:
    con = duckdb.connect(str(demo_db))
    bad_start = con.execute(
        "select count(*) from item i join item_event e on e.item_id = i.item_id and e.seq = 1 "
        "where e.event_date <> i.found_date or e.status <> '待整改'"
    ).fetchone()[0]
    backwards = con.execute(
        "select count(*) from (select event_date < lag(event_date) over (partition by item_id order by seq) as back "
        "from item_event) where back"
    ).fetchone()[0]
    con.close()
    assert (bad_start, backwards) == (0, 0)


def test_demo_thresholds_are_labelled_as_estimates_unless_they_are_the_2008_national_plot_ratio(demo_db: Path) -> None:
    con = duckdb.connect(str(demo_db))
    labels = con.execute("select distinct indicator, basis from control_threshold").fetchall()
    con.close()
    assert set(labels) == {
        ("investment_intensity", "演示估计"),
        ("output_per_mu", "演示估计"),
        ("tax_per_mu", "演示估计"),
        ("plot_ratio", "演示估计"),
        ("plot_ratio", "国家标准(国土资发〔2008〕24号)"),
    }
