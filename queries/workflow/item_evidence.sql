-- The 佐证材料 of one item, newest first (the files themselves are in data/evidence/ by sha256), withdrawn ones
-- included (withdrawn_at not null: kept for the record, no longer evidence).
-- Params: $item, $league, $park (an item outside them gives no rows).
-- Columns: sha256, file_name, size_bytes, mime, uploaded_by, uploaded_at, event_seq, event_status, withdrawn_by,
--          withdrawn_at, withdrawn_reason.
-- Grain: one row per file of the item.
select
    e.sha256,
    e.file_name,
    e.size_bytes,
    e.mime,
    e.uploaded_by,
    e.uploaded_at,
    e.event_seq,
    ev.status as event_status,
    e.withdrawn_by,
    e.withdrawn_at,
    e.withdrawn_reason
from evidence e
join item i using (item_id)
join park p using (park_id)
left join item_event ev on ev.item_id = e.item_id and ev.seq = e.event_seq
where e.item_id = $item
  and ($league is null or p.league_code = $league)
  and ($park is null or i.park_id = $park)
order by e.uploaded_at desc, e.file_name
