-- light_counts on PostgreSQL: the same rows as queries/supervision/light_counts.sql (its comments say what they
-- mean). The region's and a league's counts are sums of todo_change and kpi_change (kept in step by
-- ledger/kept/lights.py); one park's are counted from its todo_span rows in force on $asof and
-- summed from park_kpi_change; red_share divided as a double.
with counted as (
    select
        league_code, sum(open) as open_items, sum(red) as red, sum(yellow) as yellow, sum(blue) as blue
    from todo_change
    where day <= $asof and $park is null
      and ($league is null or league_code = $league)
      and ($ledger is null or ledger = $ledger)
    group by league_code
    union all
    select
        league_code,
        count(*) filter (where not rules.rectified(status)),
        count(*) filter (where light_rank = 1),
        count(*) filter (where light_rank = 2),
        count(*) filter (where light_rank = 3)
    from todo_span
    where $park is not null and park_id = $park
      and valid_from <= $asof and (valid_to > $asof or valid_to is null)
      and ($ledger is null or ledger = $ledger)
    group by league_code
),
found as (
    select league_code, sum(found) as items
    from kpi_change
    where day <= $asof and $park is null
      and ($league is null or league_code = $league)
      and ($ledger is null or ledger = $ledger)
    group by league_code
    union all
    select league_code, sum(found)
    from park_kpi_change
    where day <= $asof and $park is not null and park_id = $park
      and ($ledger is null or ledger = $ledger)
    group by league_code
)
select
    l.league_code,
    l.name as league_name,
    coalesce(c.open_items, 0)::bigint as open_items,
    coalesce(c.red, 0)::bigint as red,
    coalesce(c.yellow, 0)::bigint as yellow,
    coalesce(c.blue, 0)::bigint as blue,
    coalesce(c.red::double precision / nullif(f.items, 0), 0) as red_share
from league l
left join counted c using (league_code)
left join found f using (league_code)
where ($league is null or l.league_code = $league)
order by l.league_code
