-- 督办单 sent to the units in scope by $asof, newest first, with where each stands on $asof: 已签收, 待签收 or
-- 逾期未签收 (not acknowledged by its ack_due), and how many of its items are still open then.
-- Params: $league, $park (a park's user sees the orders to its park), $asof.
-- Columns: order_id, year, number, league_code, league_name, park_id, park_name, sent_by, sent_at, reply_due,
--          ack_due, note, acknowledged_by, acknowledged_at, escalated_at, state, items, red, yellow, still_open.
-- Grain: one row per order.
with named as (
    select o.order_id, count(*) as items,
           count(*) filter (where o.light = '红') as red,
           count(*) filter (where o.light = '黄') as yellow,
           count(x.item_id) as still_open
    from supervision_order_item o
    left join (select item_id from rules.items_at($asof) where not is_rectified) x on x.item_id = o.item_id
    group by o.order_id
)
select
    s.order_id,
    s.year,
    s.number,
    s.league_code,
    l.name as league_name,
    s.park_id,
    p.name as park_name,
    s.sent_by,
    s.sent_at,
    s.reply_due,
    s.ack_due,
    s.note,
    case when s.acknowledged_at::date <= $asof then s.acknowledged_by end as acknowledged_by,
    case when s.acknowledged_at::date <= $asof then s.acknowledged_at end as acknowledged_at,
    case when s.escalated_at::date <= $asof then s.escalated_at end as escalated_at,
    case
        when s.acknowledged_at::date <= $asof then '已签收'
        when s.ack_due < $asof then '逾期未签收'
        else '待签收'
    end as state,
    n.items,
    n.red,
    n.yellow,
    n.still_open
from supervision_order s
join league l on l.league_code = s.league_code
left join park p on p.park_id = s.park_id
join named n on n.order_id = s.order_id
where s.sent_at::date <= $asof
  and ($league is null or s.league_code = $league)
  and ($park is null or s.park_id = $park)
order by s.sent_at desc, s.order_id desc
