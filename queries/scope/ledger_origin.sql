-- Where one ledger's items in scope come from, league by league: demo data, or the import batches that
-- replaced it (the 台账 page's caption and its Excel export say which part is real).
-- Params: $league, $park, $ledger.
-- Columns: league_code, league_name, demo_items, imported_items, batches (e.g. 1、3; null when none),
-- last_import (date of the latest batch, null when none). Grain: one row per league with items of the ledger.
select
    p.league_code,
    l.name as league_name,
    count(*) filter (where i.batch_id is null) as demo_items,
    count(*) filter (where i.batch_id is not null) as imported_items,
    nullif(array_to_string(list_sort(list(distinct i.batch_id) filter (where i.batch_id is not null)), '、'), '')
        as batches,
    max(cast(b.imported_at as date)) as last_import
from item i
join park p using (park_id)
join league l using (league_code)
left join import_batch b using (batch_id)
where i.ledger = $ledger
  and ($league is null or p.league_code = $league)
  and ($park is null or i.park_id = $park)
group by p.league_code, l.name
order by p.league_code
