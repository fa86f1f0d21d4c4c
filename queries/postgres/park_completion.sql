-- park_completion on PostgreSQL: the same rows as queries/overview/park_completion.sql (its comments say what they
-- mean). Each park's counts are sums of park_kpi_change (kept in step by ledger/spans.py), a league's parks found by
-- its league_code (item_fact takes an item's league from its park); the rate divided as doubles.
with parks as (
    select park_id, name, league_code
    from park
    where ($league is null or league_code = $league) and ($user_park is null or park_id = $user_park)
),
counted as (
    select k.park_id, sum(k.found) as found, sum(k.rectified) as rectified, sum(k.overdue) as overdue
    from park_kpi_change k
    where k.day <= $asof
      and ($league is null or k.league_code = $league)
      and ($user_park is null or k.park_id = $user_park)
    group by k.park_id
)
select
    p.park_id,
    p.name,
    p.league_code,
    coalesce(x.found, 0)::bigint as found,
    coalesce(x.rectified, 0)::bigint as rectified,
    coalesce(x.overdue, 0)::bigint as overdue,
    x.rectified::double precision / nullif(x.found, 0) as completion_rate
from parks p
left join counted x using (park_id)
order by p.park_id
