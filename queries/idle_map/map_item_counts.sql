-- How many items of the map's three ledgers (land, stalled, infrastructure) were found by $asof in the scope, and
-- how many of them have coordinates: what the item layers would draw, counted without replaying any status
-- (so the map can decide whether to ask for the items at all). The items and their league come from item_fact
-- (no park join), their coordinates from their ledger's own table.
-- Params: $league, $park, $asof.
-- Columns: ledger, items, placed.
-- Grain: one row per ledger of the three (zeros where none), in map order.
with coordinates as (
    select item_id, lat is not null and lon is not null as placed from land
    union all
    select item_id, lat is not null and lon is not null from stalled
    union all
    select item_id, lat is not null and lon is not null from infrastructure
),
found as (
    select f.ledger, coalesce(c.placed, false) as placed
    from item_fact f
    left join coordinates c using (item_id)
    where f.ledger in ('land', 'stalled', 'infrastructure')
      and f.found_date <= $asof
      and ($league is null or f.league_code = $league)
      and ($park is null or f.park_id = $park)
)
select k.ledger, count(f.ledger) as items, count(f.ledger) filter (where f.placed) as placed
from (values ('land', 1), ('stalled', 2), ('infrastructure', 3)) k(ledger, position)
left join found f using (ledger)
group by k.ledger, k.position
order by k.position
