-- ledger_units on PostgreSQL: the same rows as queries/ledgers/ledger_units.sql (its comments say what they mean),
-- counted from item_fact (its league is its park's) through the index item_fact_units, without a join to the parks.
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
