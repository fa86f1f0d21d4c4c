"""The national database: the demo ledgers multiplied to all of China's development zones (~2,700 parks, ~1M items).

Every park is copied factor_parks times (copy 0 is the original; the others get an id like P005-07, a name with
（副本07） and a coordinate a few kilometres away in the same league), and every park copy holds factor_items
copies of its items, events, details, built projects and survey registers. Every id, parcel code and coordinate
is made distinct, so the 纸面整改 checks find in the copies exactly the cases the demo data plants, and no false
duplicates. All in DuckDB SQL (insert … select from range()), from an attached demo database.

`python -m bench.national --out /work/national/v6.duckdb [--parks 34 --items 34]`
"""

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from auth.store import auth_path, seed_demo_accounts
from ledger import SCHEMA, rules, spans
from ledger.demo import build_demo

# Tables copied unchanged (one region's reference data, and what the schema itself inserts is left alone).
AS_IS = ["league", "phase", "import_batch", "control_threshold", "league_milestone"]
# Tables of one row per item: copied once per (park copy, item copy), with the item id tagged.
PER_ITEM = ["item_event", "pending_approval", "idle_fund", "evidence", "land_development", "approval_step"]
PLACED = ["land", "infrastructure", "stalled"]  # per item, with a coordinate (and land, stalled: a parcel code)


def build(target: Path, *, factor_parks: int = 34, factor_items: int = 34, source: Path | None = None) -> dict:
    """Build the national database at target from source (default: a fresh demo database); the row count per
    table, and the build's seconds under "seconds"."""
    if factor_parks < 1 or factor_items < 1:
        raise ValueError("factor_parks and factor_items must be at least 1")
    start = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if source is None:
            source = Path(tmp) / "demo.duckdb"
            build_demo(source)
        part = target.with_name(target.name + ".building")
        part.unlink(missing_ok=True)
        con = duckdb.connect(str(part))
        try:
            con.execute(SCHEMA.read_text(encoding="utf-8"))
            rules.install(con)
            con.execute("attach $path as src (read_only)", {"path": str(source)})
            _copy(con, factor_parks, factor_items)
            _make_coordinates_distinct(con)
            _after_copy(con)
            counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in _tables(con)}
            con.execute("detach src")
            con.execute("checkpoint")
        finally:
            con.close()
        shutil.move(part, target)
    seed_demo_accounts(auth_path(target))  # the demo accounts (demo-admin …) sign in to it as to the demo
    counts["seconds"] = round(time.perf_counter() - start, 1)
    return counts


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() order by table_name"
    ).fetchall()]  # fmt: skip


def _copy(con: duckdb.DuckDBPyConnection, parks: int, items: int) -> None:
    width = len(str(max(parks, items) - 1))
    # One row per (park copy k, item copy j); tag is what every id of that copy gets (none for the original),
    # dlat/dlon move a park copy on a golden-angle spiral around its original, and an item copy a little more.
    con.execute(
        """
        create temp table copies as
        select k, j,
            case when k = 0 then '' else '-' || lpad(k::varchar, $w, '0') end as ptag,
            case when k = 0 and j = 0 then '' else '-' || lpad(k::varchar, $w, '0') || lpad(j::varchar, $w, '0')
                end as tag,
            case when k = 0 then '' else '（副本' || lpad(k::varchar, $w, '0') || '）' end as pname,
            case when j = 0 then '' else '（' || j || '）' end as iname,
            0.06 * sqrt(k) * sin(k * 2.39996) as park_dlat,
            0.08 * sqrt(k) * cos(k * 2.39996) as park_dlon,
            0.06 * sqrt(k) * sin(k * 2.39996) + 0.004 * sqrt(j) * sin(j * 2.39996) as dlat,
            0.08 * sqrt(k) * cos(k * 2.39996) + 0.005 * sqrt(j) * cos(j * 2.39996) as dlon
        from range($parks) a(k), range($items) b(j)
        """,
        {"w": width, "parks": parks, "items": items},
    )
    con.execute("create temp table park_copies as select distinct k, ptag, pname, park_dlat, park_dlon from copies")
    for table in AS_IS:
        con.execute(f"insert into {table} select * from src.{table}")
    con.execute(
        """insert into park select p.* replace (
            p.park_id || c.ptag as park_id, p.name || c.pname as name,
            p.approved_area_ha * $items as approved_area_ha,
            round(p.lat + c.park_dlat, 6) as lat, round(p.lon + c.park_dlon, 6) as lon)
        from src.park p, park_copies c""",
        {"items": items},
    )
    con.execute(
        "insert into park_filing select f.* replace (f.park_id || c.ptag as park_id)"
        " from src.park_filing f, park_copies c"
    )
    # The park copy of an item copy: a park's k-th copy holds the k-th copies of its items (every j).
    con.execute(
        """insert into built_project select b.* replace (
            b.project_id || c.tag as project_id, b.park_id || c.ptag as park_id, b.name || c.iname as name)
        from src.built_project b, copies c"""
    )
    con.execute(
        """insert into item select i.* replace (
            i.item_id || c.tag as item_id, i.park_id || c.ptag as park_id, i.title || c.iname as title)
        from src.item i, copies c"""
    )
    for table in PER_ITEM:
        con.execute(
            f"insert into {table} select t.* replace (t.item_id || c.tag as item_id) from src.{table} t, copies c"
        )
    con.execute(
        """insert into deadline_request select d.* replace (
            d.request_id + (c.k * $items + c.j) * (select coalesce(max(request_id), 0) from src.deadline_request)
                as request_id,
            d.item_id || c.tag as item_id)
        from src.deadline_request d, copies c""",
        {"items": items},
    )
    for table in PLACED:
        parcel = ", t.parcel_code || c.tag as parcel_code" if table != "infrastructure" else ""
        con.execute(
            f"""insert into {table} select t.* replace (t.item_id || c.tag as item_id{parcel},
                round(t.lat + c.dlat, 5) as lat, round(t.lon + c.dlon, 5) as lon)
            from src.{table} t, copies c"""
        )
    con.execute(
        """insert into indicator select t.* replace (t.item_id || c.tag as item_id, t.project_id || c.tag as project_id)
        from src.indicator t, copies c"""
    )
    con.execute(
        """insert into infra_survey select t.* replace (t.project_id || c.tag as project_id,
            t.park_id || c.ptag as park_id, t.name || c.iname as name, t.item_id || c.tag as item_id)
        from src.infra_survey t, copies c"""
    )
    con.execute(
        """insert into stopped_enterprise select t.* replace (t.enterprise_id || c.tag as enterprise_id,
            t.park_id || c.ptag as park_id, t.name || c.iname as name, t.item_id || c.tag as item_id)
        from src.stopped_enterprise t, copies c"""
    )


def _make_coordinates_distinct(con: duckdb.DuckDBPyConnection) -> None:
    """Rounding can land two copies on one point: move every later one a metre north per rank, until none share."""
    union = " union all ".join(f"select '{t}' as tab, item_id as id, lat, lon from {t}" for t in PLACED)
    for points, tables in (("select 'park' as tab, park_id as id, lat, lon from park", ["park"]), (union, PLACED)):
        for _ in range(5):
            con.execute(
                f"""create or replace temp table moved as
                select tab, id, row_number() over (partition by lat, lon order by tab, id) - 1 as rn
                from ({points}) where lat is not null
                qualify count(*) over (partition by lat, lon) > 1"""
            )
            if not con.execute("select count(*) from moved where rn > 0").fetchone()[0]:
                break
            for table in tables:
                key = "park_id" if table == "park" else "item_id"
                con.execute(
                    f"""update {table} t set lat = round(t.lat + m.rn * 0.00001, 6) from moved m
                    where m.tab = '{table}' and m.id = t.{key} and m.rn > 0"""
                )


def _after_copy(con: duckdb.DuckDBPyConnection) -> None:
    """Derived tables the schema keeps in step with the copied ones."""
    spans.refresh(con)


def main() -> None:
    parser = argparse.ArgumentParser(description="生成全国规模的基准测试数据库(演示数据的园区与台账按倍数复制)")
    parser.add_argument("--out", type=Path, required=True, help="数据库文件, 如 /work/national/v6.duckdb")
    parser.add_argument("--parks", type=int, default=34, help="园区复制倍数(81 × 34 = 2,754 个园区)")
    parser.add_argument("--items", type=int, default=34, help="每个园区副本中台账条目的复制倍数")
    parser.add_argument("--source", type=Path, default=None, help="来源数据库, 默认新生成一份演示数据库")
    args = parser.parse_args()
    counts = build(args.out, factor_parks=args.parks, factor_items=args.items, source=args.source)
    print(f"全国规模数据库已生成: {args.out} (用时 {counts['seconds']} 秒)")
    for table, n in counts.items():
        if table != "seconds":
            print(f"  {table:<20}{n:>12,}")


if __name__ == "__main__":
    main()
