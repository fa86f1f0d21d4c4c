-- The status history of one item (every item_event), for its timeline: each status holds from its event
-- date until the next event (end_date null for the last one). after_asof marks changes later than $asof.
-- Params: $item, $asof.
-- Columns: seq, event_date, status, note, end_date, after_asof.
-- Grain: one row per event, by seq; no rows when the id is unknown.
select
    seq,
    event_date,
    status,
    note,
    lead(event_date) over (order by seq) as end_date,
    event_date > $asof as after_asof
from item_event
where item_id = $item
order by seq
