-- One KPI row per ledger for the scope on $asof: found, rectified, completion rate, open, overdue.
-- Params: $league, $park, $asof.
-- Columns: ledger, name, found, rectified, open, overdue, completion_rate (0..1, null when nothing found).
-- Grain: one row per ledger (all 6), in display order.
with scoped as (
    select *
    from rules.items_at($asof)
    where ($league is null or league_code = $league)
      and ($park is null or park_id = $park)
)
select
    d.ledger,
    d.name,
    count(x.item_id) as found,
    count(x.item_id) filter (where x.is_rectified) as rectified,
    count(x.item_id) filter (where not x.is_rectified) as open,
    count(x.item_id) filter (where x.is_overdue) as overdue,
    count(x.item_id) filter (where x.is_rectified) / nullif(count(x.item_id), 0) as completion_rate
from ledger_def d
left join scoped x using (ledger)
group by d.ledger, d.name, d.sort
order by d.sort
