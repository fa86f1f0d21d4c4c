-- Items of the scope found by $asof, counted per ledger and status on that date.
-- Params: $league, $park, $asof.
-- Columns: ledger, name, status, items. Grain: one row per ledger and status present, in display order.
select
    d.ledger,
    d.name,
    x.status,
    count(*) as items
from rules.items_at($asof) x
join ledger_def d using (ledger)
where ($league is null or x.league_code = $league)
  and ($park is null or x.park_id = $park)
group by d.ledger, d.name, d.sort, x.status
order by d.sort, status
