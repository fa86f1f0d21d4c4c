-- The items of one 督办单 as it was issued (light and reason when sent) and their status and light on $asof.
-- Params: $league, $park (the order must be to a unit in scope), $asof, $order.
-- Columns: item_id, ledger_name, title, park_name, responsible_unit, deadline, light_sent, reason_sent, status,
--          light_now, reason_now.
-- Grain: one row per item of the order.
select
    o.item_id,
    d.name as ledger_name,
    i.title,
    p.name as park_name,
    i.responsible_unit,
    coalesce(x.deadline, i.deadline) as deadline,
    o.light as light_sent,
    o.light_reason as reason_sent,
    coalesce(t.status, '待整改') as status,
    x.light as light_now,
    x.light_reason as reason_now
from supervision_order s
join supervision_order_item o on o.order_id = s.order_id
join item i on i.item_id = o.item_id
join park p on p.park_id = i.park_id
join ledger_def d on d.ledger = i.ledger
left join rules.status_at($asof) t on t.item_id = o.item_id
left join rules.lights_at($asof) x on x.item_id = o.item_id
where s.order_id = $order
  and ($league is null or s.league_code = $league)
  and ($park is null or s.park_id = $park)
order by o.light, coalesce(x.deadline, i.deadline) nulls last, o.item_id
