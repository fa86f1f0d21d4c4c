-- overdue_parks on PostgreSQL: the same rows as queries/progress/overdue_parks.sql (its comments say what they mean).
-- The land items overdue on $asof are read from overdue_span (each item's overdue spans with the 整改时限 then in
-- force, kept in step by ledger/kept/kpis.py) instead of a pass over every item; their kind and area are item_fact's,
-- which for a land item are its land row's (闲置土地: category land_idle), so no join with every land row; days
-- overdue by date subtraction.
select
    s.park_id,
    p.name as park_name,
    s.league_code,
    l.name as league_name,
    count(*) as overdue_land,
    count(*) filter (where s.category = 'land_idle') as overdue_idle,
    coalesce(sum(s.area_mu), 0) as overdue_area_mu,
    max($asof - s.deadline) as max_days_overdue
from overdue_span s
join park p using (park_id)
join league l on l.league_code = s.league_code
where s.ledger = 'land'
  and s.valid_from <= $asof
  and (s.valid_to > $asof or s.valid_to is null)
  and ($league is null or s.league_code = $league)
  and ($park is null or s.park_id = $park)
group by s.park_id, p.name, s.league_code, l.name
order by overdue_area_mu desc, s.park_id
