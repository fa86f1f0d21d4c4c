"""PostgreSQL only: the kept rows of the 法定时限 and 回头看 pages (ledger/postgres/kept.sql, part "clocks"):
clock_span, the stretches of time each land parcel is on the law's clock (from land, land_development, item_fact and
status_span), with clock_change, their counts and sums per league, stage and day; item_closed with its sums
closed_count, the items closed now per league, ledger and day (from item_fact). Rebuilt with the other kept tables
(ledger.kept.rebuild) and kept in step by spans.refresh in the same transaction as every write that changes an item
(workflow, import, demo)."""

from ledger.kept.sums import add_sums
from ledger.vocabulary import CLOSED, OPEN
from ledger.writing import PgCursor

# A parcel's days on which its being on the clock can change: the day it is first listed (its clock's start or its
# found date, whichever is later) and the start of each later status span. On each of those days it is on the clock
# unless the span in force (none: 待整改) is rectified; each such day starts a row that lasts until the next day.
CLOCK_SPANS = f"""
with clocks as materialized (
    select
        f.item_id, f.title, f.league_code, f.park_id, f.found_date, l.land_kind, l.area_mu,
        d.halted_since is not null as partly_developed, d.land_price_wan,
        rules.idle_clock_start(
            l.land_kind, l.idle_since, d.agreed_start, l.area_mu,
            d.developed_mu, d.total_investment_wan, d.invested_wan, d.halted_since
        ) as clock_start
    from item_fact f
    join land l using (item_id)
    left join land_development d using (item_id)
    where {{items}}
),
listed as materialized (
    select c.*, case when c.found_date > c.clock_start then c.found_date else c.clock_start end as listed_from
    from clocks c
    where c.clock_start is not null and c.found_date is not null
),
days as (
    select item_id, listed_from as day from listed
    union
    select s.item_id, s.valid_from from status_span s join listed c using (item_id) where s.valid_from > c.listed_from
),
states as (
    select
        c.item_id, c.title, c.league_code, c.park_id, c.land_kind, c.area_mu, c.partly_developed, c.clock_start,
        c.land_price_wan, d.day, lead(d.day) over (partition by d.item_id order by d.day) as next_day,
        rules.rectified(coalesce(s.status, '{OPEN}')) as rectified
    from days d
    join listed c using (item_id)
    left join status_span s
      on s.item_id = d.item_id and s.valid_from <= d.day and (s.valid_to > d.day or s.valid_to is null)
)
select
    item_id, title, league_code, park_id, day, next_day, land_kind, area_mu, partly_developed, clock_start,
    land_price_wan
from states
where not rectified
"""
# What the clock_span rows in `stretches` (a CTE) add to clock_change, times {sign}: each row adds its parcel to its
# stage on valid_from, moves it on each milestone (闲置费 due, 无偿收回) inside the row from the stage of the day
# before to the stage of the day, and takes it from its last day's stage on valid_to.
CLOCK_MOVES = """
select r.league_code, m.stage, m.day, m.sign * {sign} as parcels,
       r.partly_developed::int * m.sign * {sign} as partly_developed,
       coalesce(r.area_mu, 0) * m.sign * {sign} as area_mu,
       coalesce(rules.idle_fee_cap(r.land_price_wan), 0) * m.sign * {sign} as fee_cap_wan
from stretches r
cross join lateral (
    select rules.idle_fee_date(r.clock_start) as fee, rules.idle_recovery_date(r.clock_start) as recovery
) d
cross join lateral (
    select d.fee > r.valid_from and (r.valid_to is null or d.fee < r.valid_to) as fee_inside,
           d.recovery > r.valid_from and (r.valid_to is null or d.recovery < r.valid_to) as recovery_inside
) i
cross join lateral (
    values
        (r.valid_from, rules.idle_stage(r.clock_start, r.valid_from), 1, true),
        (r.valid_to, rules.idle_stage(r.clock_start, r.valid_to - 1), -1, r.valid_to is not null),
        (d.fee, rules.idle_stage(r.clock_start, d.fee - 1), -1, i.fee_inside),
        (d.fee, rules.idle_stage(r.clock_start, d.fee), 1, i.fee_inside),
        (d.recovery, rules.idle_stage(r.clock_start, d.recovery - 1), -1, i.recovery_inside),
        (d.recovery, rules.idle_stage(r.clock_start, d.recovery), 1, i.recovery_inside)
) m(day, stage, sign, applies)
where m.applies
"""
# The changes in `moves` summed per league, stage and day and added to clock_change
ADD_TO_CLOCKS = add_sums(
    "clock_change", ("league_code", "stage", "day"), ("parcels", "partly_developed", "area_mu", "fee_cap_wan")
)
CLOSED_ITEMS = f"""
select item_id, league_code, park_id, ledger, current_from
from item_fact f
where current_status = '{CLOSED}' and {{items}}
"""
# The item rows in `moves` (a CTE: one for each closed item added, minus one for each taken back) added to
# closed_count
ADD_TO_CLOSED = add_sums("closed_count", ("league_code", "ledger", "closed_on"), ("items",))


def rebuild(con: PgCursor) -> None:
    """This part's kept tables refilled from the truth."""
    for table in ("clock_span", "clock_change", "item_closed", "closed_count"):
        con.execute(f"delete from {table}")
    con.execute(f"insert into clock_span {CLOCK_SPANS.format(items='true')}")
    moves = CLOCK_MOVES.format(sign=1)
    con.execute(f"with stretches as (select * from clock_span), moves as ({moves}) {ADD_TO_CLOCKS}")
    con.execute(f"insert into item_closed {CLOSED_ITEMS.format(items='true')}")
    con.execute(f"with moves as (select *, 1 as items from item_closed) {ADD_TO_CLOSED}")


def refresh(con: PgCursor, ids: list[str], prune: bool) -> None:
    """The rows of these items (and, with prune, of items no longer in item_fact) taken back and made again from
    their new facts and spans (spans.refresh has just replaced them), in one statement per table: clock_change and
    closed_count move by the difference."""
    gone = " or item_id not in (select item_id from item_fact)" if prune else ""
    con.execute(
        f"""
        with old as (delete from clock_span where item_id = any($ids){gone} returning *),
        new as (insert into clock_span {CLOCK_SPANS.format(items="f.item_id = any($ids)")} returning *),
        moves as (
            select * from (with stretches as (select * from new) {CLOCK_MOVES.format(sign=1)}) added
            union all
            select * from (with stretches as (select * from old) {CLOCK_MOVES.format(sign=-1)}) taken
        )
        {ADD_TO_CLOCKS}
        """,
        {"ids": ids},
    )
    con.execute(
        f"""
        with old as (delete from item_closed where item_id = any($ids){gone} returning *),
        new as (insert into item_closed {CLOSED_ITEMS.format(items="f.item_id = any($ids)")} returning *),
        moves as (
            select league_code, ledger, closed_on, 1 as items from new
            union all
            select league_code, ledger, closed_on, -1 from old
        )
        {ADD_TO_CLOSED}
        """,
        {"ids": ids},
    )
