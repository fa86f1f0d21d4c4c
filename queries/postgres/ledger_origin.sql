-- ledger_origin on PostgreSQL: the same rows as queries/scope/ledger_origin.sql (its comments say what they mean); the
-- demo and imported items summed from the kept park_item_count (ledger/kept/counts.py) instead of counting every item,
-- the batches read from the imported items alone (the partial index item_fact_batch: an import's items are few beside
-- the demo's).
with counted as (
    select c.league_code, sum(c.items) as items, sum(c.imported) as imported
    from park_item_count c
    where c.ledger = $ledger
      and ($league is null or c.league_code = $league)
      and ($park is null or c.park_id = $park)
    group by c.league_code
    having sum(c.items) > 0
),
batches as (
    select
        f.league_code,
        array_agg(distinct f.batch_id order by f.batch_id) as ids,
        max(cast(b.imported_at as date)) as last_import
    from item_fact f
    left join import_batch b using (batch_id)
    where f.ledger = $ledger
      and f.batch_id is not null
      and ($league is null or f.league_code = $league)
      and ($park is null or f.park_id = $park)
    group by f.league_code
)
select
    c.league_code,
    l.name as league_name,
    (c.items - c.imported)::bigint as demo_items,
    c.imported::bigint as imported_items,
    nullif(array_to_string(x.ids, '、'), '') as batches,
    x.last_import
from counted c
join league l using (league_code)
left join batches x using (league_code)
order by c.league_code
