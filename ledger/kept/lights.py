"""PostgreSQL only: each item's to-do state (我的待办) and 督办 light over date ranges (todo_span) and their counts by
day (todo_change), kept in step with item_fact, status_span, item_event and deadline_request in the same transaction
as every write (ledger.kept rebuild and refresh call this module); ledger/postgres/kept.sql says what
the tables hold and which views read them.

An item's state on a date D (rules.items_at and rules.lights_at on that date: its status, deadline in force,
overdue, light) changes only on its found date, the start of a status span, 60 days after the status date
(idle: 黄), 15 days before a deadline (蓝), 7 days before it (due: the 督办单's 7 days), the day after it (overdue:
红), and the day an extension is decided (a new deadline, or refused: 黄); returns are events, so they start a
span. The state on each of those days, compared with that of the day before in the list, starts a new span when it
differs; the spans of an item that is 已销号 are left out (it is off every list)."""

from ledger.writing import PgCursor

TODO_STATE = ("status", "idle_from", "deadline", "extensions", "returns", "refused", "returned_reason", "light",
              "is_overdue", "is_due")  # fmt: skip
# The state of every item in {items} (a condition on item_fact f) on each day it may change, as spans.
TODO_SPANS = f"""
with rule as (
    select (s ->> 'idle_days')::int as idle_days, (s ->> 'due_days')::int as due_days
    from (select rules.supervision_rules() as s) c
),
decided as (  -- every decided extension of the items: an approved one moves the deadline, a refused one is 黄
    select r.item_id, r.decision, r.decided_date, r.decided_at, r.new_deadline
    from deadline_request r
    where r.decision is not null and r.decided_date is not null
      and r.item_id in (select f.item_id from item_fact f where {{items}})
),
extended as (  -- from each day an extension was approved: the deadline in force and the approvals (deadline_at)
    select item_id, from_day, lead(from_day) over (partition by item_id order by from_day) as to_day, deadline,
           extensions
    from (
        select
            a.item_id,
            a.decided_date as from_day,
            (array_agg(b.new_deadline order by b.decided_at desc)
                filter (where b.decided_at is not null and b.new_deadline is not null))[1] as deadline,
            count(*) as extensions
        from (select distinct item_id, decided_date from decided where decision = '批准') a
        join decided b on b.item_id = a.item_id and b.decision = '批准' and b.decided_date <= a.decided_date
        group by a.item_id, a.decided_date
    ) a
),
refusals as (  -- from each day an extension was refused: how many were refused by then
    select
        item_id, decided_date as from_day, lead(decided_date) over w as to_day,
        (sum(count(*)) over w)::bigint as refused
    from decided
    where decision = '不予批准'
    group by item_id, decided_date
    window w as (partition by item_id order by decided_date)
),
returns as (  -- from each day the item was returned (退回: 整改中 with a reason): how many times by then
    select item_id, event_date as from_day, lead(event_date) over w as to_day, (sum(count(*)) over w)::bigint as returns
    from item_event
    where status = '整改中' and reason is not null
      and item_id in (select f.item_id from item_fact f where {{items}})
    group by item_id, event_date
    window w as (partition by item_id order by event_date)
),
deadlines as (  -- every deadline an item may have: its own and each approved one
    select f.item_id, f.deadline from item_fact f where {{items}} and f.deadline is not null
    union
    select item_id, new_deadline from decided where decision = '批准' and new_deadline is not null
),
days as (
    select f.item_id, f.found_date as day from item_fact f where {{items}}
    union
    select f.item_id, f.found_date + rule.idle_days from item_fact f, rule where {{items}}
    union
    select s.item_id, s.valid_from + shift.days
    from status_span s join item_fact f using (item_id), rule, lateral (values (0), (rule.idle_days)) shift (days)
    where {{items}}
    union
    select d.item_id, d.deadline + shift.days
    from deadlines d, rule, lateral (values (-rule.due_days), (-7), (1)) shift (days)  -- 7: reports.orders.DUE_DAYS
    union
    select item_id, decided_date from decided
),
states as materialized (  -- once per item and day: the light below reads the state many times
    select
        d.item_id, d.day, f.league_code, f.park_id, f.ledger, f.responsible_unit,
        coalesce(s.status, '待整改') as status,
        coalesce(s.valid_from, f.found_date) as idle_from,
        coalesce(x.deadline, f.deadline) as deadline,
        coalesce(x.extensions, 0) as extensions,
        coalesce(n.returns, 0) as returns,
        coalesce(q.refused, 0) as refused,
        e.reason as returned_reason
    from days d
    join item_fact f using (item_id)
    left join status_span s
      on s.item_id = d.item_id and s.valid_from <= d.day and (s.valid_to > d.day or s.valid_to is null)
    left join item_event e on e.item_id = s.item_id and e.seq = s.seq and e.status = '整改中' and e.reason is not null
    left join extended x
      on x.item_id = d.item_id and x.from_day <= d.day and (x.to_day > d.day or x.to_day is null)
    left join refusals q
      on q.item_id = d.item_id and q.from_day <= d.day and (q.to_day > d.day or q.to_day is null)
    left join returns n
      on n.item_id = d.item_id and n.from_day <= d.day and (n.to_day > d.day or n.to_day is null)
    where d.day >= f.found_date
),
lit as (
    select
        *,
        rules.overdue(status, deadline, day) as is_overdue,
        case when not rules.rectified(status) then
            rules.light(rules.overdue(status, deadline, day), day - idle_from, refused, returns, deadline, day)
        end as light,
        status <> '已整改' and (rules.overdue(status, deadline, day) or coalesce(deadline - day <= 7, false))
            as is_due
    from states
),
starts as (  -- the days whose state differs from the day before in the list's
    select * from (
        select *, {" or ".join(f"{c} is distinct from lag({c}) over w" for c in TODO_STATE)} as new_state
        from lit
        window w as (partition by item_id order by day)
    ) l
    where new_state
)
select * from (
    select
        item_id, day as valid_from, lead(day) over (partition by item_id order by day) as valid_to,
        league_code, park_id, ledger, responsible_unit, {", ".join(TODO_STATE)},
        returned_reason is not null as is_returned,
        case light when '红' then 1 when '黄' then 2 when '蓝' then 3 end as light_rank
    from starts
) spans
where status <> '已销号'
"""
TODO_MEASURES = ("open", "red", "yellow", "blue", "todo", "overdue", "returned", "waiting", "due")
# A span's counts, each 0 or 1: open (not rectified: lights_at's items), its light, on 我的待办 (every span), overdue,
# returned, waiting for review (已整改), due for a 督办单.
SPAN_COUNTS = """
    (not rules.rectified(status))::int as open, coalesce(light_rank = 1, false)::int as red,
    coalesce(light_rank = 2, false)::int as yellow, coalesce(light_rank = 3, false)::int as blue, 1 as todo,
    is_overdue::int as overdue, is_returned::int as returned, (status = '已整改')::int as waiting, is_due::int as due
"""
# The counts that spans (a CTE with a column sign: 1 for spans added, -1 for spans taken back) add on their first
# day and take away on the day they end, summed per league, ledger, unit and day and added to todo_change, in key
# order (concurrent writers lock the rows they share in the same order: no deadlock).
ADD_TO_TODO_CHANGE = f"""
, moves as (
    select league_code, ledger, responsible_unit, valid_from as day, sign, {SPAN_COUNTS} from spans
    union all
    select league_code, ledger, responsible_unit, valid_to, -sign, {SPAN_COUNTS} from spans where valid_to is not null
)
insert into todo_change
select league_code, ledger, responsible_unit, day, {", ".join(f"sum(sign * {m})" for m in TODO_MEASURES)}
from moves
group by league_code, ledger, responsible_unit, day
order by league_code, ledger, responsible_unit, day
on conflict (league_code, ledger, responsible_unit, day) do update set
    {", ".join(f"{m} = todo_change.{m} + excluded.{m}" for m in TODO_MEASURES)}
"""


def rebuild(con: PgCursor) -> None:
    """todo_span and todo_change refilled from item_fact, status_span, item_event and deadline_request."""
    for table in ("todo_span", "todo_change"):
        con.execute(f"delete from {table}")
    con.execute(f"insert into todo_span {TODO_SPANS.format(items='true')}")
    con.execute(f"with spans as (select *, 1 as sign from todo_span) {ADD_TO_TODO_CHANGE}")


def refresh(con: PgCursor, ids: list[str], prune: bool) -> None:
    """The spans of these items (and, with prune, of items no longer in item_fact) taken back and made again from
    their new facts, spans, events and extensions, in one statement: todo_change moves by the difference."""
    gone = " or item_id not in (select item_id from item_fact)" if prune else ""
    con.execute(
        f"""
        with old as (delete from todo_span where item_id = any($ids){gone} returning *),
        new as (insert into todo_span {TODO_SPANS.format(items="f.item_id = any($ids)")} returning *),
        spans as (select *, 1 as sign from new union all select *, -1 from old)
        {ADD_TO_TODO_CHANGE}
        """,
        {"ids": ids},
    )
