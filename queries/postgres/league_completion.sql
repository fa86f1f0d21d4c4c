-- league_completion on PostgreSQL: the same rows as queries/overview/league_completion.sql (its comments say what
-- they mean). Each league's counts are sums of kpi_change (kept in step by ledger/kept/kpis.py); the rate divided as
-- doubles.
with counted as (
    select league_code, sum(found) as found, sum(rectified) as rectified, sum(overdue) as overdue
    from kpi_change
    where day <= $asof
    group by league_code
)
select
    l.league_code,
    l.name,
    coalesce(x.found, 0)::bigint as found,
    coalesce(x.rectified, 0)::bigint as rectified,
    coalesce(x.overdue, 0)::bigint as overdue,
    x.rectified::double precision / nullif(x.found, 0) as completion_rate
from league l
left join counted x using (league_code)
where ($league is null or l.league_code = $league) and $user_park is null  -- a park's user: no league rows
order by l.league_code
