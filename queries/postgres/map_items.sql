-- map_items on PostgreSQL: the same rows as queries/idle_map/map_items.sql (its comments say what they mean); here array_position for list_position, case for if().
select
    f.item_id,
    f.ledger,
    f.title,
    f.park_id,
    p.name as park_name,
    f.league_code,
    case f.ledger
        when 'land' then l.land_kind
        when 'stalled' then s.kind || case when s.zombie then '（僵尸企业）' else '' end
        else coalesce(r.facility_type, '基础设施') || '·' || r.build_status
    end as kind,
    f.area_mu::double precision as area_mu,
    f.amount_wan::double precision as amount_wan,
    f.status,
    case when f.is_rectified then 'rectified' when f.is_overdue then 'overdue' else 'open' end as map_status,
    f.deadline,
    f.responsible_unit,
    coalesce(l.lat, s.lat, r.lat) as lat,
    coalesce(l.lon, s.lon, r.lon) as lon
from rules.items_at($asof) f
join park p using (park_id)
left join land l using (item_id)
left join stalled s using (item_id)
left join infrastructure r using (item_id)
where f.ledger in ('land', 'stalled', 'infrastructure')
  and ($league is null or f.league_code = $league)
  and ($park is null or f.park_id = $park)
order by array_position(array['land', 'stalled', 'infrastructure'], f.ledger), f.item_id
