-- unit_ledger_matrix on PostgreSQL: the same rows as queries/progress/unit_ledger_matrix.sql (its comments say what
-- they mean). The counts are sums of the figures ledger/kept/kpis.py keeps: the region's leagues from kpi_change, the
-- parks of a league (or one park) from their latest mark on or before $asof (park_kpi_mark) plus their changes since
-- (park_kpi_change); the rate divided as doubles.
with units as (
    select
        case when $league is null then l.league_code else p.park_id end as unit_id,
        case when $league is null then l.name else p.name end as unit_name,
        p.park_id
    from park p
    join league l using (league_code)
    where ($league is null or p.league_code = $league)
      and ($park is null or p.park_id = $park)
),
latest as (
    select max(mark) as mark from kpi_mark where mark <= $asof
),
park_figures as (
    select park_id, ledger, found, rectified, overdue
    from park_kpi_mark
    where mark = (select mark from latest)
    union all
    select park_id, ledger, found, rectified, overdue
    from park_kpi_change
    where day <= $asof and day > coalesce((select mark from latest), '-infinity')
),
counted as (
    select league_code as unit_id, ledger, sum(found) as found, sum(rectified) as rectified, sum(overdue) as overdue
    from kpi_change
    where day <= $asof and $league is null and $park is null
    group by league_code, ledger
    union all
    select u.unit_id, k.ledger, sum(k.found), sum(k.rectified), sum(k.overdue)
    from park_figures k
    join units u using (park_id)
    where $league is not null or $park is not null
    group by u.unit_id, k.ledger
),
named as (
    select distinct unit_id, unit_name from units
)
select
    u.unit_id,
    u.unit_name,
    g.ledger,
    g.name as ledger_name,
    coalesce(x.found, 0)::bigint as found,
    coalesce(x.rectified, 0)::bigint as rectified,
    coalesce(x.overdue, 0)::bigint as overdue,
    x.rectified::double precision / nullif(x.found, 0) as completion_rate
from named u
cross join ledger_def g
left join counted x on x.unit_id = u.unit_id and x.ledger = g.ledger
order by u.unit_id, g.sort
