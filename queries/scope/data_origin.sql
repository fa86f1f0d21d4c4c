-- How many items in scope are demo data (no import batch) and how many were imported.
-- Params: $league, $park.
-- Columns: demo_items, imported_items, imported_leagues (comma-separated names). Grain: one row.
select
    count(*) filter (where i.batch_id is null) as demo_items,
    count(*) filter (where i.batch_id is not null) as imported_items,
    string_agg(distinct l.name, '、' order by l.name) filter (where i.batch_id is not null)
        as imported_leagues
from item i
join park p using (park_id)
join league l using (league_code)
where ($league is null or p.league_code = $league)
  and ($park is null or i.park_id = $park)
