-- 我的待办 on $asof: the items in scope not yet 已销号, overdue first, then by the deadline in force; returned
-- items (latest action a 退回) carry the reason. Also the basis of the 督办单 (due within 7 days or overdue).
-- Params: $league, $park, $asof.
-- Columns: item_id, ledger_name, title, league_name, park_name, responsible_unit, status, deadline,
--          original_deadline, extensions, days_left (negative: days overdue), is_overdue, returned_reason,
--          pending_extension.
-- Grain: one row per open item.
with last as (  -- each item's latest event by $asof (its status span then), where it is 整改中: a 退回's reason
    select e.item_id, e.status, e.reason
    from status_span s
    join item_event e on e.item_id = s.item_id and e.seq = s.seq
    where s.valid_from <= $asof and (s.valid_to > $asof or s.valid_to is null) and s.status = '整改中'
)
select
    x.item_id,
    d.name as ledger_name,
    x.title,
    l.name as league_name,
    p.name as park_name,
    x.responsible_unit,
    x.status,
    x.deadline,
    x.original_deadline,
    x.extensions,
    datediff('day', $asof::date, x.deadline) as days_left,
    x.is_overdue,
    case when e.status = '整改中' then e.reason end as returned_reason,
    exists (select 1 from deadline_request r where r.item_id = x.item_id and r.decision is null) as pending_extension
from items_at($asof) x
join park p on p.park_id = x.park_id
join league l on l.league_code = x.league_code
join ledger_def d on d.ledger = x.ledger
left join last e on e.item_id = x.item_id
where x.status <> '已销号'
  and ($league is null or x.league_code = $league)
  and ($park is null or x.park_id = $park)
order by x.is_overdue desc, x.deadline nulls last, x.item_id
