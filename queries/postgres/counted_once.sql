-- counted_once on PostgreSQL: the same rows as queries/recheck/counted_once.sql (its comments say what they mean); for the region and a league summed from the kept once_change (ledger/kept/counts.py: the rectified items' resources up to $asof, with key and figures for the items another item shares a key with, so only those are grouped), for one park counted from its items as there.
with kept as (  -- the region or a league: per key and figures, how many items are rectified on $asof and their sums
    select
        parcel, enterprise, area_mu, energy_tce, water_t,
        sum(items) as items, sum(area_sum) as area_sum, sum(energy_sum) as energy_sum, sum(water_sum) as water_sum
    from once_change
    where $park is null
      and day <= $asof
      and ($league is null or league_code = $league)
    group by parcel, enterprise, area_mu, energy_tce, water_t
    having sum(items) > 0
),
kept_parcels as (
    select sum(items) as items, sum(items * area_mu) - max(area_mu) as removed
    from kept
    where parcel is not null
    group by parcel
),
kept_enterprises as (
    select
        sum(items) as items,
        sum(items * energy_tce) - max(energy_tce) as energy_removed,
        sum(items * water_t) - max(water_t) as water_removed
    from kept
    where enterprise is not null
    group by enterprise
),
kept_totals as (
    select
        1 as sort, coalesce(sum(area_sum), 0) as reported,
        (select coalesce(sum(removed), 0) from kept_parcels) as removed,
        (select count(*) from kept_parcels where items > 1) as shared
    from kept
    union all
    select
        2, coalesce(sum(energy_sum), 0), (select coalesce(sum(energy_removed), 0) from kept_enterprises),
        (select count(*) from kept_enterprises where items > 1)
    from kept
    union all
    select
        3, coalesce(sum(water_sum), 0), (select coalesce(sum(water_removed), 0) from kept_enterprises),
        (select count(*) from kept_enterprises where items > 1)
    from kept
),
keyed as (  -- one park: its items as the DuckDB query keys them
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
    where $park is not null
      and x.is_rectified
      and x.ledger in ('land', 'stalled')
      and ($league is null or x.league_code = $league)
      and x.park_id = $park
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
park_totals as (
    select 1 as sort, coalesce(sum(reported), 0) as reported,
        coalesce(sum(reported), 0) - coalesce(sum(once), 0) as removed, count(*) filter (where items > 1) as shared
    from parcels
    union all
    select 2, coalesce(sum(energy), 0), coalesce(sum(energy), 0) - coalesce(sum(energy_once), 0),
        count(*) filter (where items > 1)
    from enterprises
    union all
    select 3, coalesce(sum(water), 0), coalesce(sum(water), 0) - coalesce(sum(water_once), 0),
        count(*) filter (where items > 1)
    from enterprises
),
totals as (
    select * from kept_totals where $park is null
    union all
    select * from park_totals where $park is not null
)
select
    r.resource,
    r.unit,
    t.reported::double precision as reported,
    (t.reported - t.removed)::double precision as counted_once,
    t.removed::double precision as removed,
    t.shared
from totals t
join (values (1, '盘活土地', '亩'), (2, '腾出能耗', '吨标准煤'), (3, '腾出用水', '吨')) r(sort, resource, unit) using (sort)
order by t.sort
