-- map_parks on PostgreSQL: the same rows as queries/idle_map/map_parks.sql (its comments say what they mean). Each
-- park's open items and their land and investment are sums of park_kpi_change (kept in step by ledger/spans.py):
-- found less rectified; overdue items are open ones.
with parks as (
    select p.park_id, p.name, p.league_code, l.name as league_name, p.level, p.park_type, p.lat, p.lon
    from park p
    join league l using (league_code)
    where ($league is null or p.league_code = $league)
      and ($park is null or p.park_id = $park)
),
counted as (
    select
        k.park_id,
        sum(k.found - k.rectified) filter (where k.ledger in ('land', 'stalled', 'infrastructure')) as open_assets,
        sum(k.overdue) filter (where k.ledger in ('land', 'stalled', 'infrastructure')) as overdue_assets,
        sum(k.found_area_mu - k.rectified_area_mu) filter (where k.ledger = 'land') as open_land_mu,
        sum(k.found_area_mu - k.rectified_area_mu) filter (where k.ledger = 'stalled') as open_stalled_mu,
        sum(k.found_amount_wan - k.rectified_amount_wan) filter (where k.ledger = 'infrastructure')
            as open_infra_wan,
        sum(k.found - k.rectified) as open_items,
        sum(k.overdue) as overdue
    from park_kpi_change k
    where k.day <= $asof and ($league is null or k.league_code = $league) and ($park is null or k.park_id = $park)
    group by k.park_id
)
select
    p.park_id,
    p.name,
    p.league_code,
    p.league_name,
    p.level,
    p.park_type,
    p.lat,
    p.lon,
    coalesce(x.open_assets, 0)::bigint as open_assets,
    coalesce(x.overdue_assets, 0)::bigint as overdue_assets,
    coalesce(x.open_land_mu, 0)::double precision as open_land_mu,
    coalesce(x.open_stalled_mu, 0)::double precision as open_stalled_mu,
    coalesce(x.open_infra_wan, 0)::double precision as open_infra_wan,
    coalesce(x.open_items, 0)::bigint as open_items,
    coalesce(x.overdue, 0)::bigint as overdue
from parks p
left join counted x using (park_id)
order by p.park_id
