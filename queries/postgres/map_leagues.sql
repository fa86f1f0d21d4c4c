-- map_leagues on PostgreSQL: the same rows as queries/idle_map/map_leagues.sql (its comments say what they mean).
-- Each league's figures are sums of kpi_change (kept in step by ledger/kept/kpis.py): open = found − rectified, idle land
-- = the 闲置土地 and 批而未供 area found less that rectified; the rate divided as doubles.
with counted as (
    select
        league_code,
        sum(found) as found,
        sum(rectified) as rectified,
        sum(overdue) as overdue,
        sum(found_area_mu - rectified_area_mu) filter (where category in ('land_idle', 'land_unsupplied'))
            as idle_land_mu
    from kpi_change
    where day <= $asof and ($league is null or league_code = $league) and $user_park is null
    group by league_code
)
select
    l.league_code,
    l.name,
    l.seat_lat,
    l.seat_lon,
    coalesce(x.found, 0)::bigint as found,
    coalesce(x.rectified, 0)::bigint as rectified,
    coalesce(x.found - x.rectified, 0)::bigint as open_items,
    coalesce(x.overdue, 0)::bigint as overdue,
    x.rectified::double precision / nullif(x.found, 0) as completion_rate,
    coalesce(x.idle_land_mu, 0)::double precision as idle_land_mu
from league l
left join counted x using (league_code)
where ($league is null or l.league_code = $league) and $user_park is null  -- a park's user: no league rows
order by l.league_code
