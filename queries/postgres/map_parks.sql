-- map_parks on PostgreSQL: the same rows as queries/idle_map/map_parks.sql (its comments say what they mean); here the group by spelled out.
with open_items as (
    select
        item_id,
        park_id,
        ledger,
        area_mu::double precision as area_mu,
        amount_wan::double precision as amount_wan,
        ledger in ('land', 'stalled', 'infrastructure') as is_asset,
        is_overdue as is_late
    from rules.items_at($asof)
    where not is_rectified
      and ($league is null or league_code = $league)
      and ($park is null or park_id = $park)
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
    count(o.item_id) filter (where o.is_asset) as open_assets,
    count(o.item_id) filter (where o.is_asset and o.is_late) as overdue_assets,
    coalesce(sum(o.area_mu) filter (where o.ledger = 'land'), 0) as open_land_mu,
    coalesce(sum(o.area_mu) filter (where o.ledger = 'stalled'), 0) as open_stalled_mu,
    coalesce(sum(o.amount_wan) filter (where o.ledger = 'infrastructure'), 0) as open_infra_wan,
    count(o.item_id) as open_items,
    count(o.item_id) filter (where o.is_late) as overdue
from park p
join league l using (league_code)
left join open_items o using (park_id)
where ($league is null or p.league_code = $league)
  and ($park is null or p.park_id = $park)
group by p.park_id, p.name, p.league_code, l.name, p.level, p.park_type, p.lat, p.lon
order by p.park_id
