-- Every ledger item of the scope found by $asof with its status on that date (for the park profile's list,
-- a page at a time by ledger_sort and item_id, and its Excel export); status and overdue as items_at defines them.
-- Params: $league, $park, $asof.
-- Columns: item_id, ledger, ledger_name, category_name, title, status, overdue, found_date, deadline,
--          responsible_unit, measure, area_mu, amount_wan, ledger_sort.
-- Grain: one row per item, by ledger order then item id.
select
    f.item_id,
    f.ledger,
    g.name as ledger_name,
    c.name as category_name,
    f.title,
    f.status,
    f.is_overdue as overdue,
    f.found_date,
    f.deadline,
    f.responsible_unit,
    f.measure,
    f.area_mu::double as area_mu,
    f.amount_wan::double as amount_wan,
    g.sort as ledger_sort
from rules.items_at($asof) f
join ledger_def g using (ledger)
join category_def c using (category)
where ($league is null or f.league_code = $league)
  and ($park is null or f.park_id = $park)
order by g.sort, f.item_id
