-- Parks with overdue land on $asof: open items of the land ledger (批而未供, 闲置土地, 低效用地) past their
-- 整改时限 in force (as items_at defines is_overdue), counted per park; the scenario's "which parks have
-- overdue idle land".
-- Params: $league, $park, $asof.
-- Columns: park_id, park_name, league_code, league_name, overdue_land (items), overdue_idle (of them 闲置土地),
--          overdue_area_mu, max_days_overdue.
-- Grain: one row per park with at least one overdue land item, by overdue area (desc) then park id.
select
    f.park_id,
    p.name as park_name,
    f.league_code,
    l.name as league_name,
    count(*) as overdue_land,
    count(*) filter (where d.land_kind = '闲置土地') as overdue_idle,
    coalesce(sum(d.area_mu), 0) as overdue_area_mu,
    max(date_diff('day', f.deadline, $asof)) as max_days_overdue
from rules.items_at($asof) f
join land d using (item_id)
join park p using (park_id)
join league l on l.league_code = f.league_code
where f.is_overdue
  and f.ledger = 'land'
  and ($league is null or f.league_code = $league)
  and ($park is null or f.park_id = $park)
group by f.park_id, p.name, f.league_code, l.name
order by overdue_area_mu desc, f.park_id
