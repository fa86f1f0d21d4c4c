-- 回头看 inspection tasks in scope: each sampled item with its draw, inspector, due date and result.
-- Params: $league, $park, $asof (a task not inspected by its due date before $asof is overdue).
-- Columns: draw_id, seed, item_id, title, ledger_name, league_code, league_name, park_name, weight, inspector,
--          due_date, result, notes, inspected_by, inspected_at, is_overdue.
-- Grain: one row per task, newest draw first, then by league, ledger and item id.
select
    t.draw_id,
    d.seed,
    t.item_id,
    i.title,
    g.name as ledger_name,
    t.league_code,
    l.name as league_name,
    p.name as park_name,
    t.weight,
    t.inspector,
    t.due_date,
    t.result,
    t.notes,
    t.inspected_by,
    t.inspected_at,
    t.result is null and t.due_date < $asof as is_overdue
from recheck_task t
join recheck_draw d on d.draw_id = t.draw_id
join item i on i.item_id = t.item_id
join park p on p.park_id = i.park_id
join league l on l.league_code = t.league_code
join ledger_def g on g.ledger = t.ledger
where ($league is null or t.league_code = $league)
  and ($park is null or i.park_id = $park)
order by t.draw_id desc, g.sort, t.league_code, t.item_id
