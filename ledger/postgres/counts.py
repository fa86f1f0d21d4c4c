"""Counts PostgreSQL mode keeps for what every page asks (#26, part "common"; the tables are in kept.sql): items per
park, ledger and found date (demo or imported, with coordinates or not) and the survey registers per park and survey
date, so that the region's banner, map counts and survey figures are sums over a few ten thousand rows instead of a
pass over a million items. ledger/spans.py calls rebuild() with every kept table and refresh() in every write
transaction that changes items."""

from ledger.writing import PgCursor

# Each item's coordinates, from its ledger's own table (only the map's three ledgers have them)
COORDINATES = """
    select item_id, lat is not null and lon is not null as placed from land
    union all
    select item_id, lat is not null and lon is not null from stalled
    union all
    select item_id, lat is not null and lon is not null from infrastructure
"""
# The items of the parks that `parks` selects, counted per park, ledger and found date
PARK_ITEM_COUNT = f"""
insert into park_item_count
select
    f.park_id, min(f.league_code), f.ledger, f.found_date,
    count(*), count(*) filter (where f.batch_id is not null), count(*) filter (where c.placed)
from item_fact f
left join ({COORDINATES}) c using (item_id)
where {{parks}}
group by f.park_id, f.ledger, f.found_date
"""
# The survey registers per park and survey date, each figure as queries/overview/survey_registers.sql counts it
SURVEY_COUNT = """
insert into survey_count
select p.park_id, p.league_code, s.surveyed_date, sum(s.infra), sum(s.incomplete), sum(s.unfinished), sum(s.stopped)
from (
    select park_id, surveyed_date, 1 as infra, (not procedures_complete)::int as incomplete,
        (build_status <> '已建成投运')::int as unfinished, 0 as stopped
    from infra_survey
    union all
    select park_id, surveyed_date, 0, 0, 0, (stopped_since <= surveyed_date - interval '1 year')::int
    from stopped_enterprise
) s
join park p using (park_id)
group by p.park_id, p.league_code, s.surveyed_date
"""


def rebuild(con: PgCursor) -> None:
    """park_item_count and survey_count refilled from item_fact, the ledgers and the survey registers."""
    for table in ("park_item_count", "survey_count"):
        con.execute(f"delete from {table}")
    con.execute(PARK_ITEM_COUNT.format(parks="true"))
    con.execute(SURVEY_COUNT)


# The parks whose counts a refresh redoes: those of the items refreshed and, with prune, every park whose kept item
# count is no longer item_fact's (an item removed or moved away from a park no refreshed item is in lowers it: a
# count per park by index instead of a recount of every item).
CHANGED_PARKS = """
select park_id from item_fact where item_id = any($ids)
{pruned}
"""
PRUNED_PARKS = """
union
select park_id
from (select park_id, count(*) as items from item_fact group by park_id) now
full join (select park_id, sum(items) as items from park_item_count group by park_id) kept using (park_id)
where now.items is distinct from kept.items
"""


def refresh(con: PgCursor, ids: list[str], prune: bool) -> None:
    """park_item_count in step with these items' new facts (spans.refresh rebuilt them just before): the counts of
    their parks (with prune, also of every park that lost items) redone. survey_count changes with no write."""
    parks = [r[0] for r in con.execute(CHANGED_PARKS.format(pruned=PRUNED_PARKS if prune else ""), {"ids": ids})]
    con.execute("delete from park_item_count where park_id = any($parks)", {"parks": parks})
    con.execute(PARK_ITEM_COUNT.format(parks="f.park_id = any($parks)"), {"parks": parks})
