-- Completion per unit one level below the scope (leagues of the region, or parks of a league) and ledger.
-- Params: $league, $park, $asof.
-- Columns: unit_id, unit_name, ledger, ledger_name, found, rectified, overdue, completion_rate.
-- Grain: one row per unit and ledger (every unit of the level, zeros where it has no items), by unit then ledger.
with units as (
    select
        case when $league is null then l.league_code else p.park_id end as unit_id,
        case when $league is null then l.name else p.name end as unit_name,
        p.park_id
    from park p
    join league l using (league_code)
    where ($league is null or p.league_code = $league)
      and ($park is null or p.park_id = $park)
)
select
    u.unit_id,
    u.unit_name,
    g.ledger,
    g.name as ledger_name,
    count(x.item_id) as found,
    count(x.item_id) filter (where x.is_rectified) as rectified,
    count(x.item_id) filter (where x.is_overdue) as overdue,
    count(x.item_id) filter (where x.is_rectified) / nullif(count(x.item_id), 0) as completion_rate
from units u
cross join ledger_def g
left join rules.items_at($asof) x on x.park_id = u.park_id and x.ledger = g.ledger
group by u.unit_id, u.unit_name, g.ledger, g.name, g.sort
order by u.unit_id, g.sort
