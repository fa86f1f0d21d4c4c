-- PostgreSQL: the same rows as queries/supervision/supervision_orders.sql (which says what they mean), with the
-- status on $asof, as rules.items_at gives it, looked up for the items of the orders in scope only instead of every
-- item's.
-- Params: $league, $park, $asof.
with named as (
    select o.order_id, count(*) as items,
           count(*) filter (where o.light = '红') as red,
           count(*) filter (where o.light = '黄') as yellow,
           count(x.item_id) as still_open
    from supervision_order_item o
    left join item_fact x
      on x.item_id = o.item_id
     and x.found_date <= $asof
     and not rules.rectified(
         case
             when x.current_from <= $asof then x.current_status
             else coalesce(
                 (select sp.status from status_span sp
                  where sp.item_id = x.item_id and sp.valid_from <= $asof and sp.valid_to > $asof),
                 '待整改'
             )
         end
     )
    where o.order_id in (
        select s.order_id from supervision_order s
        where s.sent_at::date <= $asof
          and ($league is null or s.league_code = $league)
          and ($park is null or s.park_id = $park)
    )
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
