-- 我的待办 on $asof: the items in scope not yet 已销号, overdue first, then by the deadline in force; returned
-- items (latest action a 退回) carry the reason. Also the basis of the 督办单 (due within 7 days or overdue).
-- Params: $league, $park, $asof, $unit (one responsible unit's items; null: all).
-- Columns: item_id, ledger_name, title, league_name, park_name, responsible_unit, status, deadline,
--          original_deadline, extensions, days_left (negative: days overdue), is_overdue, returned_reason,
--          is_returned, is_waiting, is_due (named by a 督办单: overdue or due within 7 days, not waiting for review),
--          pending_extension.
-- Grain: one row per open item. The page asks for its most urgent rows and its counts (queries/todo.py), not all.
with returned as (  -- items whose latest event by $asof (its status span then) is a 退回 (整改中 with a reason)
    select e.item_id, e.reason
    from (from item_event where status = '整改中' and reason is not null) e
    join status_span s on s.item_id = e.item_id and s.seq = e.seq
    -- the span in force on $asof, written with the event's date (a span begins on or after its event's date) so that
    -- the optimizer joins the few 退回 events first instead of filtering all the spans by date
    where $asof between greatest(s.valid_from, e.event_date) and coalesce(s.valid_to - 1, greatest(e.event_date, $asof))
)
select
    x.item_id,
    d.name as ledger_name,
    x.title,
    l.name as league_name,
    p.name as park_name,
    x.responsible_unit,
    x.status,
    x.deadline,
    x.original_deadline,
    x.extensions,
    datediff('day', $asof::date, x.deadline) as days_left,
    x.is_overdue,
    e.reason as returned_reason,
    e.reason is not null as is_returned,
    x.status = '已整改' as is_waiting,  -- 销号 applied for (or filed as 已整改), waiting for review
    x.status <> '已整改' and (x.is_overdue or coalesce(datediff('day', $asof::date, x.deadline) <= 7, false))
        as is_due,  -- 7: reports.orders.DUE_DAYS
    exists (select 1 from deadline_request r where r.item_id = x.item_id and r.decision is null) as pending_extension
from rules.items_at($asof) x
join park p on p.park_id = x.park_id
join league l on l.league_code = x.league_code
join ledger_def d on d.ledger = x.ledger
left join returned e on e.item_id = x.item_id
where x.status <> '已销号'
  and ($league is null or x.league_code = $league)
  and ($park is null or x.park_id = $park)
  and ($unit is null or x.responsible_unit = $unit)
order by x.is_overdue desc, x.deadline nulls last, x.item_id
