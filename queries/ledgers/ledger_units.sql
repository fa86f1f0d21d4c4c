-- The responsible units (责任单位) of the scope's items of one ledger found by $asof, for the page's filter
-- (all ledgers when $ledger is null).
-- Params: $league, $park, $asof, $ledger.
-- Columns: responsible_unit, items. Grain: one row per unit, by name.
select
    i.responsible_unit,
    count(*) as items
from item i
join park p on p.park_id = i.park_id
where i.found_date <= $asof
  and i.responsible_unit is not null
  and ($ledger is null or i.ledger = $ledger)
  and ($league is null or p.league_code = $league)
  and ($park is null or i.park_id = $park)
group by i.responsible_unit
order by i.responsible_unit
