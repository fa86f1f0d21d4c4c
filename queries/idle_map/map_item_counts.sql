-- How many items of the map's three ledgers (land, stalled, infrastructure) were found by $asof in the scope, and
-- how many of them have coordinates: what the item layers would draw, counted without replaying any status
-- (so the map can decide whether to ask for the items at all).
-- Params: $league, $park, $asof.
-- Columns: ledger, items, placed.
-- Grain: one row per ledger of the three (zeros where none), in map order.
with found as (
    select i.ledger, coalesce(l.lat, s.lat, r.lat) is not null and coalesce(l.lon, s.lon, r.lon) is not null as placed
    from item i
    join park p using (park_id)
    left join land l using (item_id)
    left join stalled s using (item_id)
    left join infrastructure r using (item_id)
    where i.ledger in ('land', 'stalled', 'infrastructure')
      and i.found_date <= $asof
      and ($league is null or p.league_code = $league)
      and ($park is null or i.park_id = $park)
)
select k.ledger, count(f.ledger) as items, count(f.ledger) filter (where f.placed) as placed
from (values ('land', 1), ('stalled', 2), ('infrastructure', 3)) k(ledger, position)
left join found f using (ledger)
group by k.ledger, k.position
order by k.position
