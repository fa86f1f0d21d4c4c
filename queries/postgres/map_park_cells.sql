-- map_park_cells on PostgreSQL: the same rows as queries/idle_map/map_park_cells.sql (its comments say what they mean); here each park's open assets summed from the kept park_kpi_change (ledger/kept/kpis.py: not rectified = found - rectified, overdue only counts open items) instead of reading every item, the group by spelled out, mode() within group, an ordered array_agg sliced for list(…)[1:3].
with open_items as (
    select
        k.park_id,
        sum(k.found - k.rectified) as open_assets,
        sum(k.overdue) as overdue_assets,
        sum(k.found_area_mu - k.rectified_area_mu) filter (where k.ledger = 'land') as open_land_mu
    from park_kpi_change k
    where k.day <= $asof
      and k.ledger in ('land', 'stalled', 'infrastructure')
      and ($league is null or k.league_code = $league)
      and ($park is null or k.park_id = $park)
    group by k.park_id
),
per_park as (
    select
        p.park_id,
        p.name,
        p.league_code,
        p.lat,
        p.lon,
        floor(p.lat / coalesce($cell, 0.5)) as cell_lat,
        floor(p.lon / coalesce($cell, 0.5)) as cell_lon,
        coalesce(o.open_assets, 0) as open_assets,
        coalesce(o.overdue_assets, 0) as overdue_assets,
        coalesce(o.open_land_mu, 0)::double precision as open_land_mu
    from park p
    left join open_items o using (park_id)
    where p.lat is not null and p.lon is not null
      and ($league is null or p.league_code = $league)
      and ($park is null or p.park_id = $park)
),
cells as (
    select
        cell_lat::integer as cell_lat,
        cell_lon::integer as cell_lon,
        avg(lat) as lat,
        avg(lon) as lon,
        count(*) as parks,
        sum(open_assets)::bigint as open_assets,
        sum(overdue_assets)::bigint as overdue_assets,
        sum(open_land_mu)::double precision as open_land_mu,
        mode() within group (order by league_code) as league_code,  -- the league of most of the cell's parks
        count(distinct league_code) as leagues,
        (array_agg(name order by open_assets desc, park_id))[1:3] as largest
    from per_park
    group by cell_lat, cell_lon
)
select
    c.cell_lat,
    c.cell_lon,
    c.lat,
    c.lon,
    c.parks,
    c.open_assets,
    c.overdue_assets,
    c.open_land_mu,
    c.league_code,
    l.name as league_name,
    c.leagues,
    c.largest
from cells c
join league l using (league_code)
order by c.cell_lat, c.cell_lon
