-- 园区档案's directory when no park is chosen: one page of the parks in scope whose name, county, id or league
-- matches $search, with their items on $asof. The page is cut before the join, so only its rows travel; the
-- status replay (items_at) still runs over every item in scope: about 0.8 s at 3,240 parks and 990k items.
-- Params: $league, $park, $asof, $search (words; null: all), $page_size (null: 20), $offset (null: 0).
-- Columns: park_id, name, league_code, league_name, county, level, park_type, found, open_items, overdue,
--          completion_rate (null when nothing found), matches (parks matching in all pages).
-- Grain: one row per park of the page, by league code then park id.
with matching as (
    select p.park_id, p.name, p.league_code, l.name as league_name, p.county, p.level, p.park_type
    from park p
    join league l using (league_code)
    where ($league is null or p.league_code = $league)
      and ($park is null or p.park_id = $park)
      and ($search is null or contains(
          lower(p.name || ' ' || coalesce(p.county, '') || ' ' || p.park_id || ' ' || l.name), lower(trim($search))
      ))
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
    count(x.item_id) filter (where x.is_rectified) / nullif(count(x.item_id), 0) as completion_rate,
    g.matches
from page g
left join rules.items_at($asof) x on x.park_id = g.park_id
group by all
order by g.league_code, g.park_id
