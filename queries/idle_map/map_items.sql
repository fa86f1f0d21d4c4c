-- Items of the map's three ledgers (land, stalled, infrastructure) found by $asof in the scope, with their
-- coordinates (null when the ledger gave none) and map status on $asof: rectified, overdue or open (as
-- items_at defines them).
-- Params: $league, $park, $asof.
-- Columns: item_id, ledger, title, park_id, park_name, league_code, kind, area_mu, amount_wan, status,
--          map_status, deadline, responsible_unit, lat, lon.
-- Grain: one row per item, by ledger (land, stalled, infrastructure) then item id.
select
    f.item_id,
    f.ledger,
    f.title,
    f.park_id,
    p.name as park_name,
    f.league_code,
    case f.ledger
        when 'land' then l.land_kind
        when 'stalled' then s.kind || if(s.zombie, '（僵尸企业）', '')
        else coalesce(r.facility_type, '基础设施') || '·' || r.build_status
    end as kind,
    f.area_mu::double as area_mu,
    f.amount_wan::double as amount_wan,
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
order by list_position(['land', 'stalled', 'infrastructure'], f.ledger), f.item_id
