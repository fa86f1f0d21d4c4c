-- todo_items on PostgreSQL: the same rows as queries/workflow/todo_items.sql (its comments say what they mean), read
-- from the todo_span rows in force on $asof (kept in step by ledger/kept/lights.py), whose order an index keeps, so
-- that a page reads its own rows only (its totals: queries/postgres/totals/todo_items.sql); the overdue ones only
-- when todo_change counts some on $asof (before the first deadline the index would be read through every overdue
-- span of later dates for none).
select
    x.item_id,
    d.name as ledger_name,
    i.title,
    l.name as league_name,
    p.name as park_name,
    x.responsible_unit,
    x.status,
    x.deadline,
    i.deadline as original_deadline,
    x.extensions,
    x.deadline - $asof as days_left,
    x.is_overdue,
    x.returned_reason,
    x.is_returned,
    x.status = '已整改' as is_waiting,
    x.is_due,
    exists (select 1 from deadline_request r where r.item_id = x.item_id and r.decision is null) as pending_extension
from todo_span x
join item i on i.item_id = x.item_id
join park p on p.park_id = x.park_id
join league l on l.league_code = x.league_code
join ledger_def d on d.ledger = x.ledger
where x.valid_from <= $asof and (x.valid_to > $asof or x.valid_to is null)
  and x.is_overdue <= (select coalesce(sum(c.overdue), 0) > 0 from todo_change c
                       where c.day <= $asof and ($league is null or c.league_code = $league)
                         and ($unit is null or c.responsible_unit = $unit))
  and ($league is null or x.league_code = $league)
  and ($park is null or x.park_id = $park)
  and ($unit is null or x.responsible_unit = $unit)
order by x.is_overdue desc, x.deadline nulls last, x.item_id
