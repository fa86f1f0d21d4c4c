-- The status history of one item (every item_event), for its timeline: each status holds from its event
-- date until the next event (end_date null for the last one). after_asof marks changes later than $asof.
-- Params: $item, $asof, $league, $park (an item outside them gives no rows).
-- Columns: seq, event_date, status, note, end_date, after_asof, actor (null: demo data or import), recorded_at,
--          measure, reason.
-- Grain: one row per event, by seq; no rows when the id is unknown.
select
    seq,
    event_date,
    status,
    note,
    lead(event_date) over (order by seq) as end_date,
    event_date > $asof as after_asof,
    actor,
    recorded_at,
    measure,
    reason
from item_event
where item_id = $item
  and item_id in (
      select i.item_id from item i join park p using (park_id)
      where ($league is null or p.league_code = $league) and ($park is null or i.park_id = $park)
  )
order by seq
