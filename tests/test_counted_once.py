"""One parcel, one enterprise, counted once (#30): items of different ledgers with the same 宗地编号 or 统一社会信用代码
are siblings; revitalised land and released energy and water count each parcel and enterprise once, and the
difference is the double counting removed. Checked on items built to overlap, on both stores, against totals
recomputed in Python from the raw rows."""

from collections import defaultdict
from datetime import date

import duckdb
import pytest

import queries
from ledger import postgres, rules, spans
from ledger.writing import PgCursor
from queries.scope import Scope
from tests.conftest import copy_database, demo_in_postgres, read_database

LAST = date(2025, 12, 31)
NUMBERS = iter(range(10_000))


@pytest.fixture
def demo_pg_dsn(pg_server, demo_db, request: pytest.FixtureRequest) -> str:
    return demo_in_postgres(pg_server, demo_db, f"demo_counted_{next(NUMBERS)}")


@pytest.fixture
def either(engine: str, tmp_path, demo_db, monkeypatch):
    """The store the queries read, with its own `$name` cursor to build the overlaps on."""
    db = read_database(copy_database(demo_db, tmp_path), monkeypatch)
    if engine == "duckdb":
        con = rules.install(duckdb.connect(str(db)))
        yield con
        con.close()
        return
    with postgres.connect(postgres.dsn()) as connection:
        connection.autocommit = True
        yield PgCursor(connection)


def rectified(cur, ledger: str, league: str, n: int) -> list[str]:
    """n items of the ledger in the league rectified by LAST, in id order."""
    found = cur.execute(
        "select f.item_id from item_fact f join stalled s using (item_id) where f.league_code = $league"
        " and f.current_status in ('已整改', '已销号') and s.energy_tce is not null order by 1 limit $n"
        if ledger == "stalled"
        else "select item_id from item_fact where ledger = 'land' and league_code = $league"
        " and current_status in ('已整改', '已销号') order by 1 limit $n",
        {"league": league, "n": n},
    ).fetchall()
    assert len(found) == n
    return [r[0] for r in found]


def overlap(cur) -> tuple[list[str], list[str]]:
    """Three stalled enterprises of 包头 under one credit code (two share a parcel with a land item as well)."""
    stalled, land = rectified(cur, "stalled", "150200", 3), rectified(cur, "land", "150200", 2)
    for item in stalled:
        cur.execute("update stalled set credit_code = '91150200MA0TEST01X' where item_id = $i", {"i": item})
    for item, parcel in zip(stalled[:2], ("BT-TEST-1", "BT-TEST-2"), strict=True):
        cur.execute("update stalled set parcel_code = $p where item_id = $i", {"p": parcel, "i": item})
    for item, parcel in zip(land, ("BT-TEST-1", "BT-TEST-2"), strict=True):
        cur.execute("update land set parcel_code = $p where item_id = $i", {"p": parcel, "i": item})
    spans.refresh(cur, [*stalled, *land])  # as an import does with the rows it writes (PostgreSQL keeps the keys)
    return stalled, land


def recomputed(cur, league: str | None, day: date = LAST) -> dict[str, tuple[float, float, int]]:
    """(reported, counted once, shared) per resource, from the raw rows (the status on `day` replayed from
    item_event), in Python."""
    found = cur.execute(
        """
        select f.item_id, coalesce(l.area_mu, s.land_mu), coalesce(l.parcel_code, s.parcel_code), s.credit_code,
               s.energy_tce, s.water_t
        from item_fact f
        left join land l on l.item_id = f.item_id
        left join stalled s on s.item_id = f.item_id
        where f.ledger in ('land', 'stalled') and f.found_date <= $d
          and (select e.status from item_event e where e.item_id = f.item_id and e.event_date <= $d
               order by e.event_date desc, e.seq desc limit 1) in ('已整改', '已销号')
          and (cast($league as varchar) is null or f.league_code = $league)
        """,
        {"d": day, "league": league},
    ).fetchall()
    parcels, firms = defaultdict(list), defaultdict(list)
    for item, area, parcel, code, energy, water in found:
        parcels[parcel or item].append(float(area))
        if energy is not None or water is not None:
            firms[code or item].append((energy, water))
    out = {"盘活土地": (sum(map(sum, parcels.values())), sum(map(max, parcels.values())), _shared(parcels))}
    for name, n in (("腾出能耗", 0), ("腾出用水", 1)):
        values = {k: [float(v[n]) for v in vs if v[n] is not None] for k, vs in firms.items()}
        reported = sum(sum(v) for v in values.values())
        once = sum(max(v) for v in values.values() if v)
        out[name] = (reported, once, _shared(firms))
    return out


def _shared(groups: dict) -> int:
    return sum(len(v) > 1 for v in groups.values())


@pytest.mark.parametrize("league", [None, "150200"])
def test_totals_count_each_parcel_and_enterprise_once_as_independent_arithmetic_does(either, league) -> None:
    overlap(either)
    got = queries.counted_once(Scope(league, None, LAST)).set_index("resource")
    expected = recomputed(either, league)
    assert list(got.index) == ["盘活土地", "腾出能耗", "腾出用水"]
    for resource, (reported, once, shared) in expected.items():
        row = got.loc[resource]
        assert row.reported == pytest.approx(reported) and row.counted_once == pytest.approx(once)
        assert row.removed == pytest.approx(reported - once) and row.shared == shared
    assert got.loc["腾出能耗"].removed > 0 and got.loc["盘活土地"].shared >= 2  # the overlap built above shows


def test_an_item_lists_its_siblings_in_other_ledgers_by_parcel_and_by_enterprise(either) -> None:
    stalled, land = overlap(either)
    siblings = queries.entity_siblings(stalled[0])
    assert set(zip(siblings.item_id, siblings.link, strict=True)) == {
        (land[0], "宗地编号 BT-TEST-1"),
        (stalled[1], "统一社会信用代码 91150200MA0TEST01X"),
        (stalled[2], "统一社会信用代码 91150200MA0TEST01X"),
    }
    assert list(queries.entity_siblings(land[1]).item_id) == [stalled[1]]


def test_the_bulletin_states_released_resources_counted_once_and_the_double_counting_removed(
    tmp_path, demo_db, monkeypatch
) -> None:
    from reports.bulletin_content import bulletin_for
    from tests.test_recheck import text_of

    asof = date(2023, 6, 8)
    db = read_database(copy_database(demo_db, tmp_path), monkeypatch)
    with rules.install(duckdb.connect(str(db))) as con:
        expected = recomputed(con, None, asof)
    land_removed = (expected["盘活土地"][0] - expected["盘活土地"][1]) / 15
    text = text_of(bulletin_for(17, asof, date(2023, 2, 14)))
    assert f"已整改问题盘活土地{expected['盘活土地'][1] / 15:,.1f}公顷" in text
    assert f"已剔除重复计算的土地{land_removed:,.1f}公顷（{expected['盘活土地'][2]}宗地块重复登记）" in text


def test_the_item_view_lists_the_siblings_with_links(tmp_path, demo_db, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    db = read_database(copy_database(demo_db, tmp_path), monkeypatch)
    with rules.install(duckdb.connect(str(db))) as con:
        stalled, land = overlap(con)
    at = AppTest.from_file(str(ROOT / "pages" / "ledgers.py"), default_timeout=60)
    at.query_params["item"] = stalled[0]
    at.run()
    assert not at.exception
    shown = next(d.value for d in at.dataframe if "相同的" in d.value.columns)
    assert sorted(shown["相同的"]) == ["宗地编号 BT-TEST-1", *["统一社会信用代码 91150200MA0TEST01X"] * 2]
    assert f"ledgers?item={land[0]}" in set(shown["条目"])
