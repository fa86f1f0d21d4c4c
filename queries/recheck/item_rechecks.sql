-- One item's 回头看 record for its history: each draw that sampled it, the inspection and the reopening it caused.
-- Params: $item, $league, $park (an item outside them gives no rows).
-- Columns: draw_id, drawn_at, drawn_by, seed, inspector, due_date, result, notes, inspected_by, inspected_at,
--          reopen_seq, files.
-- Grain: one row per draw that sampled the item, oldest first.
select
    t.draw_id,
    d.drawn_at,
    d.drawn_by,
    d.seed,
    t.inspector,
    t.due_date,
    t.result,
    t.notes,
    t.inspected_by,
    t.inspected_at,
    t.reopen_seq,
    (select count(*) from recheck_file r where r.draw_id = t.draw_id and r.item_id = t.item_id) as files
from recheck_task t
join recheck_draw d on d.draw_id = t.draw_id
join item i on i.item_id = t.item_id
join park p on p.park_id = i.park_id
where t.item_id = $item
  and ($league is null or p.league_code = $league)
  and ($park is null or i.park_id = $park)
order by t.draw_id
