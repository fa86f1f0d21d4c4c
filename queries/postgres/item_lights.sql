-- item_lights on PostgreSQL: the same rows as queries/supervision/item_lights.sql (its comments say what they mean),
-- read from the todo_span rows in force on $asof (kept in step by ledger/lights_kept.py), whose light_rank, deadline
-- and item_id an index keeps in the list's order, so that a page reads its own rows only; the reason as
-- rules.light_reason words it on $asof.
select
    x.item_id,
    d.name as ledger_name,
    i.title,
    x.league_code,
    l.name as league_name,
    x.park_id,
    p.name as park_name,
    x.responsible_unit,
    x.status,
    x.deadline,
    x.light,
    rules.light_reason(x.is_overdue, $asof - x.idle_from, x.refused, x.returns, x.deadline, $asof) as light_reason,
    x.light_rank
from todo_span x
join item i on i.item_id = x.item_id
join park p on p.park_id = x.park_id
join league l on l.league_code = x.league_code
join ledger_def d on d.ledger = x.ledger
where x.light_rank is not null
  and x.valid_from <= $asof and (x.valid_to > $asof or x.valid_to is null)
  and ($league is null or x.league_code = $league)
  and ($park is null or x.park_id = $park)
  and ($ledger is null or x.ledger = $ledger)
  and ($light is null or x.light = $light)
order by x.light_rank, x.deadline nulls last, x.item_id
