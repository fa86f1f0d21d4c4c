-- park_directory on PostgreSQL: the same rows as queries/park/park_directory.sql (its comments say what they mean),
-- the page's parks counted from park_kpi_change (sums of the changes ledger/kept/kpis.py keeps: no pass over the items in
-- scope); strpos for contains, the rate divided as doubles.
with matching as (
    select p.park_id, p.name, p.league_code, l.name as league_name, p.county, p.level, p.park_type
    from park p
    join league l using (league_code)
    where ($league is null or p.league_code = $league)
      and ($park is null or p.park_id = $park)
      and ($search is null or strpos(
          lower(p.name || ' ' || coalesce(p.county, '') || ' ' || p.park_id || ' ' || l.name), lower(trim($search))
      ) > 0)
),
page as (
    select *, count(*) over () as matches
    from matching
    order by league_code, park_id
    limit coalesce($page_size, 20) offset coalesce($offset, 0)
),
counted as (
    select k.park_id, sum(k.found) as found, sum(k.rectified) as rectified, sum(k.overdue) as overdue
    from park_kpi_change k
    join page g using (park_id)
    where k.day <= $asof
    group by k.park_id
)
select
    g.park_id,
    g.name,
    g.league_code,
    g.league_name,
    g.county,
    g.level,
    g.park_type,
    coalesce(x.found, 0)::bigint as found,
    coalesce(x.found - x.rectified, 0)::bigint as open_items,
    coalesce(x.overdue, 0)::bigint as overdue,
    x.rectified::double precision / nullif(x.found, 0) as completion_rate,
    g.matches
from page g
left join counted x using (park_id)
order by g.league_code, g.park_id
