-- park_completion on PostgreSQL: the same rows as queries/overview/park_completion.sql (its comments say what they
-- mean). Each park's counts are sums of the figures ledger/kept/kpis.py keeps: its latest mark on or before $asof
-- (park_kpi_mark) plus its changes since (park_kpi_change); a league's parks found by their league_code (item_fact
-- takes an item's league from its park); the rate divided as doubles.
with latest as (
    select max(mark) as mark from kpi_mark where mark <= $asof
),
figures as (
    select park_id, found, rectified, overdue
    from park_kpi_mark
    where mark = (select mark from latest)
      and ($league is null or league_code = $league) and ($user_park is null or park_id = $user_park)
    union all
    select park_id, found, rectified, overdue
    from park_kpi_change
    where day <= $asof and day > coalesce((select mark from latest), '-infinity')
      and ($league is null or league_code = $league) and ($user_park is null or park_id = $user_park)
),
counted as (
    select park_id, sum(found) as found, sum(rectified) as rectified, sum(overdue) as overdue
    from figures
    group by park_id
)
select
    p.park_id,
    p.name,
    p.league_code,
    coalesce(x.found, 0)::bigint as found,
    coalesce(x.rectified, 0)::bigint as rectified,
    coalesce(x.overdue, 0)::bigint as overdue,
    x.rectified::double precision / nullif(x.found, 0) as completion_rate
from park p
left join counted x using (park_id)
where ($league is null or p.league_code = $league) and ($user_park is null or p.park_id = $user_park)
order by p.park_id
