"""The overview's and the comparisons' figures kept as changes by day (PostgreSQL): item_kpi_change (each item's
changes), their sums kpi_change (per league), park_kpi_change (per park), rectified_first_change, the monthly marks
park_kpi_mark, and overdue_span (each item's overdue stretches). ledger/postgres/kept.sql says what the tables hold."""

from ledger.kept.sums import add_sums
from ledger.vocabulary import APPLIED, CLOSED, OPEN, WORKING
from ledger.writing import PgCursor

# PostgreSQL only: each item's changes of the overview's figures by day (ledger/postgres/kept.sql explains the
# tables). An item counts from its found_date; its status on a day is the span in force (none: 待整改), its deadline
# the latest extension approved by then (rules.deadline_at) else its own, overdue as rules.overdue: so its figures
# change only on its found date, the start of a span, the day an extension is approved and the day after a
# deadline. The figures on each of those days, minus those of the day before in the list, are its changes.
# COUNTED_MEASURES are the figures rules.items_at gives (items found by the day); rectified_any counts the item as
# rectified whenever its status is, found by then or not, as rectification_curve counts status spans (a span can
# start before a found date that an import moved later).
COUNTED_MEASURES = (
    "found", "rectified", "overdue", "status_open", "status_working", "status_applied", "status_closed",
    "found_area_mu", "rectified_area_mu", "found_amount_wan", "rectified_amount_wan", "returned_wan",
    "found_approvals", "rectified_approvals",
)  # fmt: skip
KPI_MEASURES = (*COUNTED_MEASURES, "rectified_any")
# The figures of the items that `{items}` selects (a condition on item_fact f) on each day their figures may change,
# as CTEs ending in `figures`, which item_kpi_change (ITEM_KPI_CHANGES) and overdue_span (OVERDUE_SPANS) both read.
ITEM_FIGURES = f"""
ext as (
    select r.item_id, r.decided_date, r.decided_at, r.new_deadline
    from deadline_request r
    where r.decision = '批准' and r.decided_date is not null and r.decided_at is not null
      and r.new_deadline is not null and r.item_id in (select f.item_id from item_fact f where {{items}})
),
days as (
    select f.item_id, f.found_date as day from item_fact f where {{items}}
    union
    select s.item_id, s.valid_from from status_span s join item_fact f using (item_id) where {{items}}
    union
    select e.item_id, e.decided_date from ext e join item_fact f using (item_id) where e.decided_date > f.found_date
    union
    select f.item_id, f.deadline + 1 from item_fact f where {{items}} and f.deadline + 1 > f.found_date
    union
    select e.item_id, e.new_deadline + 1 from ext e join item_fact f using (item_id)
    where e.new_deadline + 1 > f.found_date
),
states as materialized (  -- once per item and day: the figures below read the status many times
    select
        d.item_id, d.day, f.league_code, f.park_id, f.ledger, f.category, f.area_mu, f.amount_wan, f.returned_wan,
        f.approval_count, f.first_rectified,
        d.day >= f.found_date as counted,
        coalesce(s.status, '{OPEN}') as status,
        coalesce((select e.new_deadline from ext e where e.item_id = d.item_id and e.decided_date <= d.day
                  order by e.decided_at desc limit 1), f.deadline) as deadline
    from days d
    join item_fact f using (item_id)
    left join status_span s
      on s.item_id = d.item_id and s.valid_from <= d.day and (s.valid_to > d.day or s.valid_to is null)
),
figures as materialized (
    select
        item_id, day, league_code, park_id, ledger, category, first_rectified, area_mu, deadline,
        counted::int as found,
        (counted and rules.rectified(status))::int as rectified,
        (counted and rules.overdue(status, deadline, day))::int as overdue,
        (counted and status = '{OPEN}')::int as status_open,
        (counted and status = '{WORKING}')::int as status_working,
        (counted and status = '{APPLIED}')::int as status_applied,
        (counted and status = '{CLOSED}')::int as status_closed,
        case when counted then coalesce(area_mu, 0) else 0 end as found_area_mu,
        case when counted and rules.rectified(status) then coalesce(area_mu, 0) else 0 end as rectified_area_mu,
        case when counted then coalesce(amount_wan, 0) else 0 end as found_amount_wan,
        case when counted and rules.rectified(status) then coalesce(amount_wan, 0) else 0 end
            as rectified_amount_wan,
        case when counted and rules.rectified(status) then coalesce(returned_wan, 0) else 0 end as returned_wan,
        case when counted then coalesce(approval_count, 0) else 0 end::bigint as found_approvals,
        case when counted and rules.rectified(status) then coalesce(approval_count, 0) else 0 end::bigint
            as rectified_approvals,
        rules.rectified(status)::int as rectified_any
    from states
)"""
ITEM_KPI_CHANGES = f"""
select item_id, day, league_code, park_id, ledger, category, first_rectified,
       {", ".join(f"{m} - coalesce(lag({m}) over w, 0) as {m}" for m in KPI_MEASURES)}
from figures
window w as (partition by item_id order by day)
"""
# An item is overdue from a day in its list until the next one (the last: for as long as nothing changes).
OVERDUE_SPANS = """
select item_id, league_code, park_id, ledger, category, area_mu, deadline, day as valid_from, valid_to
from (select *, lead(day) over (partition by item_id order by day) as valid_to from figures) f
where overdue = 1
"""
# The sums of the item changes in `moves` (a CTE) per league, ledger, category and day, added to kpi_change, and per
# park, ledger, category and day, added to park_kpi_change, in key order (concurrent writers lock the rows they
# share in the same order: no deadlock).
ADD_TO_KPIS = add_sums("kpi_change", ("league_code", "ledger", "category", "day"), KPI_MEASURES)
ADD_TO_PARK_KPIS = add_sums(
    "park_kpi_change", ("park_id", "ledger", "category", "day"), KPI_MEASURES, also={"league_code": "min(league_code)"}
)
# The rectified changes in `moves` per league, category, the item's first rectified date and day, added to
# rectified_first_change (phase_progress: items rectified by a date that were first rectified before a phase).
ADD_TO_FIRSTS = add_sums(
    "rectified_first_change",
    ("league_code", "category", "first_rectified", "day"),
    ("rectified",),
    where="rectified <> 0",
)
# The changes in `moves` per park and ledger added to every mark on or after their day (park_kpi_mark: each park's
# figures on the first day of each month, so that a date's figures are the latest mark plus the changes since).
ADD_TO_MARKS = f"""
insert into park_kpi_mark
select m.mark, x.park_id, min(x.league_code), x.ledger, {", ".join(f"sum(x.{m})" for m in KPI_MEASURES)}
from moves x
join kpi_mark m on m.mark >= x.day
group by m.mark, x.park_id, x.ledger
having {" or ".join(f"sum(x.{m}) <> 0" for m in KPI_MEASURES)}  -- a write moves a few figures: only their marks
order by m.mark, x.park_id, x.ledger
on conflict (mark, park_id, ledger) do update set
    {", ".join(f"{m} = park_kpi_mark.{m} + excluded.{m}" for m in KPI_MEASURES)}
"""
# The marks: the first day of every month from the earliest change's to the latest's (a change dated after the last
# mark is read as a change since it until the next rebuild).
MARKS = """
insert into kpi_mark
select generate_series(date_trunc('month', min(day)::timestamp), max(day)::timestamp, interval '1 month')::date
from park_kpi_change
"""
ITEM_KEPT = ("item_kpi_change", "overdue_span")  # each item's own rows
SUMMED_KEPT = ("kpi_change", "park_kpi_change", "rectified_first_change", "kpi_mark", "park_kpi_mark")


def rebuild(con: PgCursor) -> None:
    """item_kpi_change, overdue_span and the sums of item_kpi_change rebuilt from item_fact, status_span and
    deadline_request (each item's figures computed once for both of its tables)."""
    for table in (*ITEM_KEPT, *SUMMED_KEPT):
        con.execute(f"delete from {table}")
    con.execute(
        f"""
        with {ITEM_FIGURES.format(items="true")},
        spans as (insert into overdue_span {OVERDUE_SPANS} returning 1)
        insert into item_kpi_change {ITEM_KPI_CHANGES}
        """
    )
    for add in (ADD_TO_KPIS, ADD_TO_PARK_KPIS, ADD_TO_FIRSTS):
        con.execute(f"with moves as (select * from item_kpi_change) {add}")
    con.execute(MARKS)
    con.execute(f"with moves as (select * from park_kpi_change) {ADD_TO_MARKS}")


def refresh(con: PgCursor, ids: list[str], prune: bool) -> None:
    """The changes and overdue spans of these items (and, with prune, of items no longer in item_fact) taken back and
    made again from their new spans and facts, in one statement: the sums move by the difference."""
    gone = " or item_id not in (select item_id from item_fact)" if prune else ""
    negated = ", ".join(f"-{m} as {m}" for m in KPI_MEASURES)
    con.execute(
        f"""
        with old as (delete from item_kpi_change where item_id = any($ids){gone} returning *),
        old_spans as (delete from overdue_span where item_id = any($ids){gone} returning 1),
        {ITEM_FIGURES.format(items="f.item_id = any($ids)")},
        new as (insert into item_kpi_change {ITEM_KPI_CHANGES} returning *),
        new_spans as (insert into overdue_span {OVERDUE_SPANS} returning 1),
        moves as (
            select league_code, park_id, ledger, category, first_rectified, day, {", ".join(KPI_MEASURES)} from new
            union all
            select league_code, park_id, ledger, category, first_rectified, day, {negated} from old
        ),
        parks as ({ADD_TO_PARK_KPIS} returning 1),
        firsts as ({ADD_TO_FIRSTS} returning 1),
        marks as ({ADD_TO_MARKS} returning 1)
        {ADD_TO_KPIS}
        """,
        {"ids": ids},
    )
