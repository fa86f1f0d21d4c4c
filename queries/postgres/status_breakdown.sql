-- status_breakdown on PostgreSQL: the same rows as queries/overview/status_breakdown.sql (its comments say what they
-- mean). The region's or a league's counts per status are sums of kpi_change (kept in step by ledger/kept/kpis.py); one
-- park's are counted from rules.items_at as there.
with counted as (
    select k.ledger, s.status, sum(s.items) as items
    from kpi_change k
    cross join lateral (
        values ('待整改', k.status_open), ('整改中', k.status_working), ('已整改', k.status_applied),
               ('已销号', k.status_closed)
    ) as s (status, items)
    where k.day <= $asof and ($league is null or k.league_code = $league) and $park is null
    group by k.ledger, s.status
    union all
    select ledger, status, count(*)
    from rules.items_at($asof)
    where $park is not null and park_id = $park and ($league is null or league_code = $league)
    group by ledger, status
)
select d.ledger, d.name, x.status, x.items::bigint as items
from counted x
join ledger_def d using (ledger)
where x.items > 0
order by d.sort, x.status
