"""Counts PostgreSQL mode keeps for what every page asks (#26, part "common"; the tables are in kept.sql): items per
park, ledger and found date (demo or imported, with coordinates or not), the survey registers per park and survey
date, and the rectified land, energy and water with what counting each parcel and enterprise once needs, so that the
region's banner, map counts, survey figures and counted-once totals are sums over a few ten thousand rows instead of
a pass over a million items. ledger.kept calls rebuild() with every kept table and refresh() in every write
transaction that changes items, after the KPI tables (the rectified changes come from item_kpi_change)."""

from ledger.kept.sums import add_sums
from ledger.writing import PgCursor

# Each item's coordinates, from its ledger's own table (only the map's three ledgers have them)
COORDINATES = """
    select item_id, lat is not null and lon is not null as placed from land
    union all
    select item_id, lat is not null and lon is not null from stalled
    union all
    select item_id, lat is not null and lon is not null from infrastructure
"""
# Each item of those `items` selects with what park_item_count counts of it
ITEM_COUNT = f"""
select
    f.item_id, f.park_id, f.league_code, f.ledger, f.found_date,
    (f.batch_id is not null)::int, coalesce(c.placed, false)::int
from item_fact f
left join ({COORDINATES}) c using (item_id)
where {{items}}
"""
# The item counts in `moves` (a CTE) added to park_item_count in key order (writers sharing rows lock them in order)
ADD_TO_PARK_COUNT = add_sums(
    "park_item_count", ("park_id", "ledger", "found_date"), ("items", "imported", "placed"),
    also={"league_code": "min(league_code)"},
)  # fmt: skip
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
    """Every table of this module refilled from item_fact, the ledgers, the survey registers and item_kpi_change."""
    for table in ("item_count", "park_item_count", "survey_count"):
        con.execute(f"delete from {table}")
    con.execute(f"insert into item_count {ITEM_COUNT.format(items='true')}")
    con.execute(f"with moves as (select *, 1 as items from item_count) {ADD_TO_PARK_COUNT}")
    con.execute(SURVEY_COUNT)
    rebuild_statuses(con)
    rebuild_once(con)


# Items an import removed (no longer in item_fact) that the kept counts still hold. They were in a park that a
# refreshed item is in (or was in), or in a park whose kept item count is no longer item_fact's: a count per park by
# index instead of looking for every kept item in item_fact.
GONE = """
with parks as (
    select park_id from item_fact where item_id = any($ids)
    union
    select park_id from item_count where item_id = any($ids)
    union
    select park_id
    from (select park_id, count(*) as items from item_fact group by park_id) now
    full join (select park_id, sum(items) as items from park_item_count group by park_id) kept using (park_id)
    where now.items is distinct from kept.items
)
select c.item_id from item_count c
where c.park_id in (select park_id from parks) and not exists (select from item_fact f where f.item_id = c.item_id)
"""


def refresh(con: PgCursor, ids: list[str], prune: bool) -> None:
    """Every table of this module in step with these items' new facts (spans.refresh rebuilt them just before, and
    item_kpi_change): what these items and (with prune) the items gone counted taken back, what these items count
    now added. survey_count changes with no write."""
    ids = sorted({*ids, *(r[0] for r in con.execute(GONE, {"ids": ids}))}) if prune else ids
    con.execute(
        f"""
        with old as (delete from item_count where item_id = any($ids) returning *),
        new as (insert into item_count {ITEM_COUNT.format(items="f.item_id = any($ids)")} returning *),
        moves as (
            select park_id, league_code, ledger, found_date, 1 as items, imported, placed from new
            union all
            select park_id, league_code, ledger, found_date, -1, -imported, -placed from old
        )
        {ADD_TO_PARK_COUNT}
        """,
        {"ids": ids},
    )
    refresh_statuses(con, ids)
    refresh_once(con, ids)


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
ONCE_KEY = ("league_code", "day", "parcel", "enterprise", "area_mu", "energy_tce", "water_t")
ONCE_GROUP = ", ".join(ONCE_KEY)
ONCE_SUMS = ("items", "area_sum", "energy_sum", "water_sum")
ADD_TO_ONCE = add_sums("once_change", ONCE_KEY, ONCE_SUMS)  # the item changes in `moves`
# Items whose key a refreshed item now shares but whose kept changes do not carry it yet: a key held by a single item
# besides the refreshed ones was that item's alone (a key held by two or more was carried by all of them already)
NEWLY_SHARED = """
select min(o.item_id)
from once_key o
where o.parcel in (select parcel from once_key where item_id = any($ids)) and not o.item_id = any($ids)
group by o.parcel
having count(*) = 1
union
select min(o.item_id)
from once_key o
where o.enterprise in (select enterprise from once_key where item_id = any($ids)) and not o.item_id = any($ids)
group by o.enterprise
having count(*) = 1
"""


def rebuild_once(con: PgCursor) -> None:
    """once_key, item_once_change and once_change refilled from item_fact, the ledgers and item_kpi_change."""
    for table in ("once_key", "item_once_change", "once_change"):
        con.execute(f"delete from {table}")
    con.execute(ONCE_KEYS.format(items="true"))
    con.execute(f"insert into item_once_change {ITEM_ONCE_CHANGES.format(items='true')}")
    con.execute(f"with moves as (select * from item_once_change) {ADD_TO_ONCE}")


def refresh_once(con: PgCursor, ids: list[str]) -> None:
    """The keys of these items made again (an item gone keeps none); their changes, and those of the items that now
    share a key with them, taken back and made again: once_change moves by the difference."""
    con.execute("delete from once_key where item_id = any($ids)", {"ids": ids})
    con.execute(ONCE_KEYS.format(items="f.item_id = any($ids)"), {"ids": ids})
    redo = sorted({*ids, *(r[0] for r in con.execute(NEWLY_SHARED, {"ids": ids}))})
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


# The columns each ledger's list sums above its table (charts/ledgers.py sum_fields), as value_1..3 of the kept
# status changes: query column → (value, the figure in the ledger's own tables)
LEDGER_VALUES = {
    "land": {"area_mu": ("value_1", "l.area_mu")},
    "stalled": {"land_mu": ("value_1", "s.land_mu"), "energy_tce": ("value_2", "s.energy_tce"),
                "water_t": ("value_3", "s.water_t")},
    "infrastructure": {"investment_wan": ("value_1", "r.investment_wan")},
    "idle_fund": {"balance_wan": ("value_1", "d.balance_wan"), "returned_wan": ("value_2", "d.returned_wan")},
    "pending_approval": {"approval_count": ("value_1", "a.approval_count")},
    "indicator": {"land_mu": ("value_1", "b.land_mu"), "output_wan": ("value_2", "b.output_wan")},
}  # fmt: skip


def _ledger_value(value: str) -> str:
    """value_1..3 of an item: its ledger's figure of that place (0 where none)."""
    cases = " ".join(
        f"when '{ledger}' then {figure}"
        for ledger, columns in LEDGER_VALUES.items()
        for kept, figure in columns.values()
        if kept == value
    )
    return f"coalesce(case k.ledger {cases} end, 0)"


# Each item's status and overdue by day (the running sums of its item_kpi_change rows, kept just before), with its
# ledger figures (value_1..3) and those figures again while it is overdue (overdue_1..3: the 只看超期 totals), as
# changes: a day's state added on that day and taken back on the item's next day (a day that changes neither keeps
# no row)
ITEM_STATUS_CHANGES = f"""
with states as (
    select
        item_id, park_id, league_code, ledger, day, lead(day) over w as until,
        case
            when sum(status_open) over w = 1 then '待整改'
            when sum(status_working) over w = 1 then '整改中'
            when sum(status_applied) over w = 1 then '已整改'
            when sum(status_closed) over w = 1 then '已销号'
        end as status,
        sum(overdue) over w as overdue
    from item_kpi_change
    where {{items}}
    window w as (partition by item_id order by day)
),
valued as (
    select k.*, {_ledger_value("value_1")} as value_1, {_ledger_value("value_2")} as value_2,
        {_ledger_value("value_3")} as value_3
    from states k
    left join land l on k.ledger = 'land' and l.item_id = k.item_id
    left join stalled s on k.ledger = 'stalled' and s.item_id = k.item_id
    left join infrastructure r on k.ledger = 'infrastructure' and r.item_id = k.item_id
    left join idle_fund d on k.ledger = 'idle_fund' and d.item_id = k.item_id
    left join pending_approval a on k.ledger = 'pending_approval' and a.item_id = k.item_id
    left join indicator i on k.ledger = 'indicator' and i.item_id = k.item_id
    left join built_project b on b.project_id = i.project_id
)
select item_id, park_id, league_code, ledger, status, day, sum(items), sum(overdue), sum(value_1), sum(value_2),
    sum(value_3), sum(overdue_1), sum(overdue_2), sum(overdue_3)
from (
    select item_id, park_id, league_code, ledger, status, day, 1 as items, overdue, value_1, value_2, value_3,
        overdue * value_1 as overdue_1, overdue * value_2 as overdue_2, overdue * value_3 as overdue_3
    from valued
    union all
    select item_id, park_id, league_code, ledger, status, until, -1, -overdue, -value_1, -value_2, -value_3,
        -overdue * value_1, -overdue * value_2, -overdue * value_3
    from valued
    where until is not null
) moves
group by item_id, park_id, league_code, ledger, status, day
having sum(items) <> 0 or sum(overdue) <> 0
"""
STATUS_KEY = ("league_code", "ledger", "status", "day")
STATUS_GROUP = ", ".join(STATUS_KEY)
STATUS_SUMS = ("items", "overdue", "value_1", "value_2", "value_3", "overdue_1", "overdue_2", "overdue_3")
ADD_TO_LEDGER_STATUS = add_sums("ledger_status_change", STATUS_KEY, STATUS_SUMS)


def rebuild_statuses(con: PgCursor) -> None:
    """item_status_change and ledger_status_change refilled from item_kpi_change and the ledgers."""
    for table in ("item_status_change", "ledger_status_change"):
        con.execute(f"delete from {table}")
    con.execute(f"insert into item_status_change {ITEM_STATUS_CHANGES.format(items='true')}")
    con.execute(f"with moves as (select * from item_status_change) {ADD_TO_LEDGER_STATUS}")


def refresh_statuses(con: PgCursor, ids: list[str]) -> None:
    """The status changes of these items taken back and made again from item_kpi_change (an item gone has none)."""
    negated = ", ".join(f"-{c} as {c}" for c in STATUS_SUMS)
    con.execute(
        f"""
        with old as (delete from item_status_change where item_id = any($ids) returning *),
        new as (insert into item_status_change {ITEM_STATUS_CHANGES.format(items="item_id = any($ids)")} returning *),
        moves as (
            select {STATUS_GROUP}, {", ".join(STATUS_SUMS)} from new
            union all
            select {STATUS_GROUP}, {negated} from old
        )
        {ADD_TO_LEDGER_STATUS}
        """,
        {"ids": ids},
    )
