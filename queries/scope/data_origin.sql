-- How many items in scope are demo data (no import batch) and how many were imported, and from where.
-- Params: $league, $park.
-- Columns: demo_items, imported_items, imported_parts (e.g. 包头市土地台账、…, null when none). Grain: one row.
select
    count(*) filter (where i.batch_id is null) as demo_items,
    count(*) filter (where i.batch_id is not null) as imported_items,
    string_agg(distinct l.name || d.name || '台账', '、' order by l.name || d.name || '台账')
        filter (where i.batch_id is not null) as imported_parts
from item i
join park p using (park_id)
join league l using (league_code)
join ledger_def d using (ledger)
where ($league is null or p.league_code = $league)
  and ($park is null or i.park_id = $park)
