-- Items of the scope found by $asof, counted per ledger and status on that date.
-- Params: $league, $park, $asof.
-- Columns: ledger, name, status, items. Grain: one row per ledger and status present, in display order.
select
    d.ledger,
    d.name,
    coalesce(s.status, '待整改') as status,
    count(*) as items
from item_facts f
join ledger_def d using (ledger)
left join status_at($asof) s using (item_id)
where f.found_date <= $asof
  and ($league is null or f.league_code = $league)
  and ($park is null or f.park_id = $park)
group by d.ledger, d.name, d.sort, coalesce(s.status, '待整改')
order by d.sort, status
