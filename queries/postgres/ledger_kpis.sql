-- ledger_kpis on PostgreSQL: the same rows as queries/overview/ledger_kpis.sql (its comments say what they mean).
-- The region's or a league's counts are sums of kpi_change (kept in step by ledger/kept/kpis.py); one park's are counted
-- from rules.items_at as there; the rate divided as doubles.
with counted as (
    select ledger, sum(found) as found, sum(rectified) as rectified, sum(overdue) as overdue
    from kpi_change
    where day <= $asof and ($league is null or league_code = $league) and $park is null
    group by ledger
    union all
    select ledger, count(*), count(*) filter (where is_rectified), count(*) filter (where is_overdue)
    from rules.items_at($asof)
    where $park is not null and park_id = $park and ($league is null or league_code = $league)
    group by ledger
)
select
    d.ledger,
    d.name,
    coalesce(x.found, 0)::bigint as found,
    coalesce(x.rectified, 0)::bigint as rectified,
    coalesce(x.found - x.rectified, 0)::bigint as open,
    coalesce(x.overdue, 0)::bigint as overdue,
    x.rectified::double precision / nullif(x.found, 0) as completion_rate
from ledger_def d
left join counted x using (ledger)
order by d.sort
