-- 沉淀资金台账: the scope's idle-fund items found by $asof with their status on that date, narrowed by
-- the page's filters (each filter is off when its parameter is null). Overdue = not 已整改/已销号 on
-- $asof and deadline before $asof, as on the overview. returned_wan (收回上缴) counts only once the
-- item is rectified on $asof (null before).
-- Params: $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search.
-- Columns: item_id, title, league_code, league_name, park_id, park_name, found_date, responsible_unit, measure,
--          deadline, status, overdue, overdue_days, source, nature, fund_year, balance_wan, returned_wan.
-- Grain: one row per item, by league, park and item id.
with found as (
    select
        i.*,
        p.name as park_name,
        p.league_code,
        l.name as league_name,
        coalesce(s.status, '待整改') as status,
        coalesce(s.status, '待整改') not in ('已整改', '已销号') and coalesce(i.deadline < $asof, false) as overdue
    from item i
    join park p on p.park_id = i.park_id
    join league l on l.league_code = p.league_code
    left join status_at($asof) s on s.item_id = i.item_id
    where i.ledger = 'idle_fund'
      and i.found_date <= $asof
      and ($league is null or p.league_code = $league)
      and ($park is null or i.park_id = $park)
)
select
    x.item_id,
    x.title,
    x.league_code,
    x.league_name,
    x.park_id,
    x.park_name,
    x.found_date,
    x.responsible_unit,
    x.measure,
    x.deadline,
    x.status,
    x.overdue,
    case when x.overdue then datediff('day', x.deadline, $asof::date) end as overdue_days,
    d.source,
    d.nature,
    d.fund_year,
    d.balance_wan::double as balance_wan,
    case when x.status in ('已整改', '已销号') then d.returned_wan::double end as returned_wan
from found x
join idle_fund d on d.item_id = x.item_id
where ($status is null or x.status = $status)
  and ($overdue_only is null or not $overdue_only or x.overdue)
  and ($unit is null or x.responsible_unit = $unit)
  and ($phase is null or x.found_date between
          (select start_date from phase where phase_id = $phase)
          and (select end_date from phase where phase_id = $phase))
  and ($search is null or contains(lower(x.title || ' ' || x.item_id), lower(trim($search))))
order by x.league_code, x.park_id, x.item_id
