-- One parcel, one enterprise, counted once: the land revitalised and the energy and water released by the items
-- rectified by $asof (土地 and 停产停建 ledgers), as the ledgers report them (each item its own) and with each parcel
-- (宗地编号) and each enterprise (统一社会信用代码) counted once (the largest figure any of its items reports), so a
-- total can say how much double counting it removed. Items without a code count as themselves.
-- Params: $league, $park, $asof.
-- Columns: resource, unit, reported, counted_once, removed, shared (parcels or enterprises in more than one item).
-- Grain: three rows in this order: 盘活土地 (亩), 腾出能耗 (吨标准煤), 腾出用水 (吨).
with keyed as (
    select
        x.item_id,
        x.area_mu,
        coalesce(l.parcel_code, s.parcel_code, x.item_id) as parcel,
        coalesce(s.credit_code, x.item_id) as enterprise,
        s.energy_tce,
        s.water_t
    from rules.items_at($asof) x
    left join land l on l.item_id = x.item_id
    left join stalled s on s.item_id = x.item_id
    where x.is_rectified
      and x.ledger in ('land', 'stalled')
      and ($league is null or x.league_code = $league)
      and ($park is null or x.park_id = $park)
),
parcels as (
    select parcel, count(*) as items, sum(area_mu) as reported, max(area_mu) as once
    from keyed
    group by parcel
),
enterprises as (
    select enterprise, count(*) as items, sum(energy_tce) as energy, max(energy_tce) as energy_once,
        sum(water_t) as water, max(water_t) as water_once
    from keyed
    where energy_tce is not null or water_t is not null
    group by enterprise
),
totals as (
    select 1 as sort, '盘活土地' as resource, '亩' as unit, coalesce(sum(reported), 0) as reported,
        coalesce(sum(once), 0) as counted_once, count(*) filter (where items > 1) as shared
    from parcels
    union all
    select 2, '腾出能耗', '吨标准煤', coalesce(sum(energy), 0), coalesce(sum(energy_once), 0),
        count(*) filter (where items > 1)
    from enterprises
    union all
    select 3, '腾出用水', '吨', coalesce(sum(water), 0), coalesce(sum(water_once), 0), count(*) filter (where items > 1)
    from enterprises
)
select
    resource,
    unit,
    cast(reported as double) as reported,
    cast(counted_once as double) as counted_once,
    cast(reported - counted_once as double) as removed,
    shared
from totals
order by sort
