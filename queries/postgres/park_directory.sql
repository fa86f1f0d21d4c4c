-- park_directory on PostgreSQL: the same rows as queries/park/park_directory.sql (its comments say what they mean); here strpos for contains, the group by spelled out, the rate divided as doubles.
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
)
select
    g.park_id,
    g.name,
    g.league_code,
    g.league_name,
    g.county,
    g.level,
    g.park_type,
    count(x.item_id) as found,
    count(x.item_id) filter (where not x.is_rectified) as open_items,
    count(x.item_id) filter (where x.is_overdue) as overdue,
    count(x.item_id) filter (where x.is_rectified)::double precision / nullif(count(x.item_id), 0) as completion_rate,
    g.matches
from page g
left join rules.items_at($asof) x on x.park_id = g.park_id
group by g.park_id, g.name, g.league_code, g.league_name, g.county, g.level, g.park_type, g.matches
order by g.league_code, g.park_id
