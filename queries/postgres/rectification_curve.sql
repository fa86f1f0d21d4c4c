-- rectification_curve on PostgreSQL: the same rows as queries/progress/rectification_curve.sql (its comments say what
-- they mean). The found items and the rectified status spans are the changes ledger/kept/kpis.py keeps (found and
-- rectified_any: an item counts while its status is rectified, found by then or not, as the spans count there): per
-- ledger and day from kpi_change for the region or a league, from park_kpi_change for one park, a few thousand rows
-- instead of every item's spans; a lateral join to the next point for DuckDB's asof join, PostgreSQL's intervals.
with points as (
    select cast(d as date) as as_of_date
    from generate_series(
        date_trunc('week', (select min(start_date) from phase)::timestamp) + interval '6 day',
        cast($asof as timestamp),
        interval '7 day'
    ) as t(d)
    union
    select $asof
),
changes as (
    select ledger, day, sum(found) as found, sum(rectified_any) as rectified
    from kpi_change
    where day <= $asof and ($league is null or league_code = $league) and $park is null
    group by ledger, day
    union all
    select ledger, day, sum(found), sum(rectified_any)
    from park_kpi_change
    where day <= $asof and park_id = $park and ($league is null or league_code = $league) and $park is not null
    group by ledger, day
),
bucketed as (
    select p.as_of_date, x.ledger, sum(x.found) as found, sum(x.rectified) as rectified
    from changes x
    cross join lateral (select min(q.as_of_date) as as_of_date from points q where x.day <= q.as_of_date) p
    where p.as_of_date is not null
    group by p.as_of_date, x.ledger
)
select
    p.as_of_date,
    g.ledger,
    g.name,
    (sum(coalesce(b.found, 0)) over w)::bigint as found,
    (sum(coalesce(b.rectified, 0)) over w)::bigint as rectified
from points p
cross join ledger_def g
left join bucketed b on b.as_of_date = p.as_of_date and b.ledger = g.ledger
window w as (partition by g.ledger order by p.as_of_date)
order by p.as_of_date, g.sort
