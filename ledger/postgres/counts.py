"""Counts PostgreSQL mode keeps for what every page asks (#26, part "common"; the tables are in kept.sql): items per
park, ledger and found date (demo or imported, with coordinates or not), the survey registers per park and survey
date, and the rectified land, energy and water with what counting each parcel and enterprise once needs, so that the
region's banner, map counts, survey figures and counted-once totals are sums over a few ten thousand rows instead of
a pass over a million items. ledger/spans.py calls rebuild() with every kept table and refresh() in every write
transaction that changes items, after the KPI tables (the rectified changes come from item_kpi_change)."""

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
    rebuild_once(con)


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
    refresh_once(con, ids, prune)


# Each land and stalled item's keys as queries/recheck/counted_once.sql groups them
ONCE_KEYS = """
insert into once_key
select
    f.item_id,
    coalesce(l.parcel_code, s.parcel_code, f.item_id),
    case when s.energy_tce is not null or s.water_t is not null then coalesce(s.credit_code, f.item_id) end
from item_fact f
left join land l using (item_id)
left join stalled s using (item_id)
where f.ledger in ('land', 'stalled') and {items}
"""
# The rectified changes (item_kpi_change, kept just before) of the items `items` selects, with their resources; the
# keys and figures kept only where another item holds the same key (once_key)
ITEM_ONCE_CHANGES = """
select
    k.item_id, k.league_code, k.day, m.parcel, m.enterprise,
    case when m.shared then f.area_mu end,
    case when m.shared then s.energy_tce end,
    case when m.shared then s.water_t end,
    k.rectified,
    k.rectified * coalesce(f.area_mu, 0),
    k.rectified * coalesce(s.energy_tce, 0),
    k.rectified * coalesce(s.water_t, 0)
from item_kpi_change k
join once_key q using (item_id)
join item_fact f using (item_id)
left join stalled s using (item_id)
cross join lateral (
    select
        p.parcel, e.enterprise, p.parcel is not null or e.enterprise is not null as shared
    from (select case when exists (select from once_key o where o.parcel = q.parcel and o.item_id <> q.item_id)
                      then q.parcel end as parcel) p,
         (select case when exists (select from once_key o where o.enterprise = q.enterprise and o.item_id <> q.item_id)
                      then q.enterprise end as enterprise) e
) m
where k.rectified <> 0 and {items}
"""
ONCE_GROUP = "league_code, day, parcel, enterprise, area_mu, energy_tce, water_t"
ONCE_SUMS = ("items", "area_sum", "energy_sum", "water_sum")
# The item changes in `moves` (a CTE) added to once_change in key order (writers sharing rows lock them in one order)
ADD_TO_ONCE = f"""
insert into once_change
select {ONCE_GROUP}, {", ".join(f"sum({c})" for c in ONCE_SUMS)}
from moves
group by {ONCE_GROUP}
order by {ONCE_GROUP}
on conflict ({ONCE_GROUP}) do update set
    {", ".join(f"{c} = once_change.{c} + excluded.{c}" for c in ONCE_SUMS)}
"""
# Items whose key a refreshed item now shares but whose kept changes do not carry it yet (the key was theirs alone)
NEWLY_SHARED = """
select c.item_id
from once_key n
join once_key o on o.parcel = n.parcel and o.item_id <> n.item_id
join item_once_change c on c.item_id = o.item_id and c.parcel is null
where n.item_id = any($ids)
union
select c.item_id
from once_key n
join once_key o on o.enterprise = n.enterprise and o.item_id <> n.item_id
join item_once_change c on c.item_id = o.item_id and c.enterprise is null
where n.item_id = any($ids)
"""
# The keys of items no longer in item_fact (an import removed them), deleted: every item with kept changes has a key,
# so these are the items whose changes a prune takes back
PRUNED_KEYS = """
delete from once_key k where not exists (select from item_fact f where f.item_id = k.item_id) returning k.item_id
"""


def rebuild_once(con: PgCursor) -> None:
    """once_key, item_once_change and once_change refilled from item_fact, the ledgers and item_kpi_change."""
    for table in ("once_key", "item_once_change", "once_change"):
        con.execute(f"delete from {table}")
    con.execute(ONCE_KEYS.format(items="true"))
    con.execute(f"insert into item_once_change {ITEM_ONCE_CHANGES.format(items='true')}")
    con.execute(f"with moves as (select * from item_once_change) {ADD_TO_ONCE}")


def refresh_once(con: PgCursor, ids: list[str], prune: bool) -> None:
    """The keys of these items made again (with prune, those of items gone deleted); their changes, those of items
    gone and those of the items that now share a key with them taken back and made again: once_change moves by the
    difference."""
    gone = [r[0] for r in con.execute(PRUNED_KEYS)] if prune else []
    con.execute("delete from once_key where item_id = any($ids)", {"ids": ids})
    con.execute(ONCE_KEYS.format(items="f.item_id = any($ids)"), {"ids": ids})
    redo = sorted({*ids, *gone, *(r[0] for r in con.execute(NEWLY_SHARED, {"ids": ids}))})
    negated = ", ".join(f"-{c} as {c}" for c in ONCE_SUMS)
    con.execute(
        f"""
        with old as (delete from item_once_change where item_id = any($redo) returning *),
        new as (insert into item_once_change {ITEM_ONCE_CHANGES.format(items="k.item_id = any($redo)")} returning *),
        moves as (
            select {ONCE_GROUP}, {", ".join(ONCE_SUMS)} from new
            union all
            select {ONCE_GROUP}, {negated} from old
        )
        {ADD_TO_ONCE}
        """,
        {"redo": redo},
    )
