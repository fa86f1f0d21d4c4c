-- ledger_origin on PostgreSQL: the same rows as queries/scope/ledger_origin.sql (its comments say what they mean); here an ordered array_agg for list_sort(list(distinct …)).
select
    p.league_code,
    l.name as league_name,
    count(*) filter (where i.batch_id is null) as demo_items,
    count(*) filter (where i.batch_id is not null) as imported_items,
    nullif(array_to_string(array_agg(distinct i.batch_id order by i.batch_id) filter (where i.batch_id is not null), '、'), '')
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
