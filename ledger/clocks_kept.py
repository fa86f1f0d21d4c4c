"""PostgreSQL only: the 法定时限 page's kept rows (ledger/postgres/kept.sql, part "clocks"): clock_span, the stretches
of time each land parcel is on the law's clock, derived from land, land_development, item_fact and status_span.
Rebuilt with the other kept tables (spans.rebuild_kept) and kept in step by spans.refresh in the same transaction
as every write that changes an item (workflow, import, demo)."""

from ledger.vocabulary import OPEN
from ledger.writing import PgCursor

# A parcel's days on which its being on the clock can change: the day it is first listed (its clock's start or its
# found date, whichever is later) and the start of each later status span. On each of those days it is on the clock
# unless the span in force (none: 待整改) is rectified; each such day starts a row that lasts until the next day.
CLOCK_SPANS = f"""
with clocks as materialized (
    select
        f.item_id, f.league_code, f.park_id, f.found_date, l.land_kind, l.area_mu,
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
        c.item_id, c.league_code, c.park_id, c.land_kind, c.area_mu, c.partly_developed, c.clock_start,
        c.land_price_wan, d.day, lead(d.day) over (partition by d.item_id order by d.day) as next_day,
        rules.rectified(coalesce(s.status, '{OPEN}')) as rectified
    from days d
    join listed c using (item_id)
    left join status_span s
      on s.item_id = d.item_id and s.valid_from <= d.day and (s.valid_to > d.day or s.valid_to is null)
)
select
    item_id, league_code, park_id, day, next_day, land_kind, area_mu, partly_developed, clock_start, land_price_wan
from states
where not rectified
"""


def rebuild(con: PgCursor) -> None:
    """clock_span refilled from the truth."""
    con.execute("delete from clock_span")
    con.execute(f"insert into clock_span {CLOCK_SPANS.format(items='true')}")


def refresh(con: PgCursor, ids: list[str], prune: bool) -> None:
    """The rows of these items (and, with prune, of items no longer in item_fact) made again from their new facts
    and spans (spans.refresh has just replaced them)."""
    gone = " or item_id not in (select item_id from item_fact)" if prune else ""
    con.execute(f"delete from clock_span where item_id = any($ids){gone}", {"ids": ids})
    con.execute(f"insert into clock_span {CLOCK_SPANS.format(items='f.item_id = any($ids)')}", {"ids": ids})
