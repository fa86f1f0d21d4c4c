-- data_origin on PostgreSQL: the same row as queries/scope/data_origin.sql (its comments say what it means), summed from the kept park_item_count (ledger/kept/counts.py) instead of counting every item.
with counted as (
    select c.league_code, c.ledger, sum(c.items) as items, sum(c.imported) as imported
    from park_item_count c
    where ($league is null or c.league_code = $league)
      and ($park is null or c.park_id = $park)
    group by c.league_code, c.ledger
)
select
    coalesce(sum(c.items - c.imported), 0)::bigint as demo_items,
    coalesce(sum(c.imported), 0)::bigint as imported_items,
    string_agg(distinct l.name || d.name || '台账', '、' order by l.name || d.name || '台账')
        filter (where c.imported > 0) as imported_parts
from counted c
join league l using (league_code)
join ledger_def d using (ledger)
