-- The lit items (红, 黄, 蓝) in scope on $asof, 红 first, then 黄 and 蓝, each by deadline: 我的待办's 督办 list
-- and the items a 督办单 is made from.
-- Params: $league, $park, $asof, $ledger (null: all ledgers), $light (one light; null: all three).
-- Columns: item_id, ledger_name, title, league_code, league_name, park_id, park_name, responsible_unit, status,
--          deadline, light, light_reason, light_rank (1 红, 2 黄, 3 蓝).
-- Grain: one row per lit open item.
select
    x.item_id,
    d.name as ledger_name,
    i.title,
    x.league_code,
    l.name as league_name,
    x.park_id,
    p.name as park_name,
    x.responsible_unit,
    x.status,
    x.deadline,
    x.light,
    x.light_reason,
    case x.light when '红' then 1 when '黄' then 2 else 3 end as light_rank
from rules.lights_at($asof) x
join item i on i.item_id = x.item_id
join park p on p.park_id = x.park_id
join league l on l.league_code = x.league_code
join ledger_def d on d.ledger = x.ledger
where x.light is not null
  and ($league is null or x.league_code = $league)
  and ($park is null or x.park_id = $park)
  and ($ledger is null or x.ledger = $ledger)
  and ($light is null or x.light = $light)
order by light_rank, x.deadline nulls last, x.item_id
