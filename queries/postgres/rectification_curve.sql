-- rectification_curve on PostgreSQL: the same rows as queries/progress/rectification_curve.sql (its comments say what they mean); here a lateral join to the next point for DuckDB's asof join, PostgreSQL's intervals, the group by spelled out.
with scoped as (
    select item_id, ledger, found_date
    from item_facts
    where ($league is null or league_code = $league)
      and ($park is null or park_id = $park)
),
points as (
    select cast(d as date) as as_of_date
    from generate_series(
        date_trunc('week', (select min(start_date) from phase)::timestamp) + interval '6 day',
        cast($asof as timestamp),
        interval '7 day'
    ) as t(d)
    union
    select $asof
),
rectified as (
    select s.ledger, p.valid_from, p.valid_to, count(*) as n
    from status_span p
    join scoped s using (item_id)
    where rules.rectified(p.status)
    group by s.ledger, p.valid_from, p.valid_to
),
deltas as (
    select ledger, found_date as d, 1 as found_delta, 0 as rect_delta
    from scoped
    union all
    select ledger, valid_from, 0, n
    from rectified
    union all
    select ledger, valid_to, 0, -n
    from rectified
    where valid_to is not null
),
bucketed as (
    select p.as_of_date, x.ledger, sum(x.found_delta) as found, sum(x.rect_delta) as rectified
    from deltas x
    cross join lateral (select min(q.as_of_date) as as_of_date from points q where x.d <= q.as_of_date) p
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
