-- map_parks on PostgreSQL: the same rows as queries/idle_map/map_parks.sql (its comments say what they mean). Each
-- park's open items and their land and investment are sums of the figures ledger/kept/kpis.py keeps: its latest mark on
-- or before $asof (park_kpi_mark) plus its changes since (park_kpi_change); open = found less rectified, and
-- overdue items are open ones.
with latest as (
    select max(mark) as mark from kpi_mark where mark <= $asof
),
figures as (
    select
        park_id, ledger, found, rectified, overdue, found_area_mu, rectified_area_mu, found_amount_wan,
        rectified_amount_wan
    from park_kpi_mark
    where mark = (select mark from latest)
      and ($league is null or league_code = $league) and ($park is null or park_id = $park)
    union all
    select
        park_id, ledger, found, rectified, overdue, found_area_mu, rectified_area_mu, found_amount_wan,
        rectified_amount_wan
    from park_kpi_change
    where day <= $asof and day > coalesce((select mark from latest), '-infinity')
      and ($league is null or league_code = $league) and ($park is null or park_id = $park)
),
counted as (
    select
        park_id,
        sum(found - rectified) filter (where ledger in ('land', 'stalled', 'infrastructure')) as open_assets,
        sum(overdue) filter (where ledger in ('land', 'stalled', 'infrastructure')) as overdue_assets,
        sum(found_area_mu - rectified_area_mu) filter (where ledger = 'land') as open_land_mu,
        sum(found_area_mu - rectified_area_mu) filter (where ledger = 'stalled') as open_stalled_mu,
        sum(found_amount_wan - rectified_amount_wan) filter (where ledger = 'infrastructure') as open_infra_wan,
        sum(found - rectified) as open_items,
        sum(overdue) as overdue
    from figures
    group by park_id
)
select
    p.park_id,
    p.name,
    p.league_code,
    l.name as league_name,
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
from park p
join league l using (league_code)
left join counted x using (park_id)
where ($league is null or p.league_code = $league)
  and ($park is null or p.park_id = $park)
order by p.park_id
