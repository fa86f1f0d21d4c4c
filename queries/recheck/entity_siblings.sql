-- The same parcel or enterprise in other ledgers: the items sharing $item's 宗地编号 (土地, 停产停建) or
-- 统一社会信用代码 (停产企业, 园区指标's projects), each with what links them.
-- Params: $item, $league, $park (siblings outside them are not shown).
-- Columns: item_id, ledger_name, title, park_name, status, link.
-- Grain: one row per sibling item and link, by item id.
with codes as (
    select item_id, '宗地编号' as kind, parcel_code as code from land where parcel_code is not null
    union all
    select item_id, '宗地编号', parcel_code from stalled where parcel_code is not null
    union all
    select item_id, '统一社会信用代码', credit_code from stalled where credit_code is not null
    union all
    select n.item_id, '统一社会信用代码', b.credit_code
    from indicator n join built_project b on b.project_id = n.project_id
    where b.credit_code is not null
)
select
    o.item_id,
    g.name as ledger_name,
    f.title,
    p.name as park_name,
    f.current_status as status,
    m.kind || ' ' || m.code as link
from codes m
join codes o on o.kind = m.kind and o.code = m.code and o.item_id <> m.item_id
join item_fact f on f.item_id = o.item_id
join ledger_def g on g.ledger = f.ledger
join park p on p.park_id = f.park_id
where m.item_id = $item
  and ($league is null or f.league_code = $league)
  and ($park is null or f.park_id = $park)
order by o.item_id, link
