-- item_lights on PostgreSQL: the same rows as queries/supervision/item_lights.sql (its comments say what they mean),
-- read from the todo_span rows in force on $asof (kept in step by ledger/kept/lights.py), whose light_rank, deadline
-- and item_id an index keeps in the list's order, so that a page reads its own rows only; from the first light that
-- todo_change counts some item of on $asof (before the first deadline has passed the index would be read through
-- every 红 span of later dates for none, and to its end before the first light). The reason as rules.light_reason
-- words it on $asof.
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
  and x.light_rank >= (  -- the first light (of the one asked for, if any) that todo_change counts items of
      select case when sum(c.red) > 0 and coalesce($light, '红') = '红' then 1
                  when sum(c.yellow) > 0 and coalesce($light, '黄') = '黄' then 2
                  when sum(c.blue) > 0 and coalesce($light, '蓝') = '蓝' then 3 end
      from todo_change c
      where c.day <= $asof and ($league is null or c.league_code = $league)
        and ($ledger is null or c.ledger = $ledger))
  and ($league is null or x.league_code = $league)
  and ($park is null or x.park_id = $park)
  and ($ledger is null or x.ledger = $ledger)
  and ($light is null or x.light = $light)
order by x.light_rank, x.deadline nulls last, x.item_id
