-- The responsible units (责任单位) of the scope's items of one ledger found by $asof, for the page's filter
-- (all ledgers when $ledger is null). From item_fact (its league is its park's): no join to the parks, and on
-- PostgreSQL the index item_fact_units answers it.
-- Params: $league, $park, $asof, $ledger.
-- Columns: responsible_unit, items. Grain: one row per unit, by name.
select
    f.responsible_unit,
    count(*) as items
from item_fact f
where f.found_date <= $asof
  and f.responsible_unit is not null
  and ($ledger is null or f.ledger = $ledger)
  and ($league is null or f.league_code = $league)
  and ($park is null or f.park_id = $park)
group by f.responsible_unit
order by f.responsible_unit
