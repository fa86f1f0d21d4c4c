-- map_item_counts on PostgreSQL: the same rows as queries/idle_map/map_item_counts.sql (its comments say what they mean), summed from the kept park_item_count (ledger/kept/counts.py) instead of reading every item.
with found as (
    select c.ledger, sum(c.items) as items, sum(c.placed) as placed
    from park_item_count c
    where c.ledger in ('land', 'stalled', 'infrastructure')
      and c.found_date <= $asof
      and ($league is null or c.league_code = $league)
      and ($park is null or c.park_id = $park)
    group by c.ledger
)
select k.ledger, coalesce(f.items, 0)::bigint as items, coalesce(f.placed, 0)::bigint as placed
from (values ('land', 1), ('stalled', 2), ('infrastructure', 3)) k(ledger, position)
left join found f using (ledger)
order by k.position
