-- The 12 盟市 on $asof with the three measures the map colours them by (all ledgers for items and rate;
-- idle land = 闲置土地 and 批而未供 items not yet rectified). Found, rectified and overdue as items_at defines.
-- Params: $asof, $league (null: all 12; a league: only its row). $user_park: the one park a park's user may see (null: no such limit).
-- Columns: league_code, name, seat_lat, seat_lon, found, rectified, open_items, overdue, completion_rate (null
--          when nothing found), idle_land_mu.
-- Grain: one row per league (all 12, zeros where none), by code.
with scoped as (
    select item_id, league_code, category, area_mu::double as area_mu, is_rectified, is_overdue
    from rules.items_at($asof)
)
select
    l.league_code,
    l.name,
    l.seat_lat,
    l.seat_lon,
    count(x.item_id) as found,
    count(x.item_id) filter (where x.is_rectified) as rectified,
    count(x.item_id) filter (where not x.is_rectified) as open_items,
    count(x.item_id) filter (where x.is_overdue) as overdue,
    count(x.item_id) filter (where x.is_rectified) / nullif(count(x.item_id), 0) as completion_rate,
    coalesce(
        sum(x.area_mu) filter (where not x.is_rectified and x.category in ('land_idle', 'land_unsupplied')), 0
    ) as idle_land_mu
from league l
left join scoped x using (league_code)
where ($league is null or l.league_code = $league) and $user_park is null  -- a park's user: no league rows
group by l.league_code, l.name, l.seat_lat, l.seat_lon
order by l.league_code
