-- PostgreSQL: the steps waiting on $asof (approval_step by its done date, or a park's or league's projects first)
-- and only their projects' status on $asof looked up, as rules.items_at gives it, instead of every item's: the same
-- rows as queries/clocks/approval_waits.sql, which says what they mean.
-- Params: $league, $park, $asof.
select
    s.item_id,
    f.title,
    f.park_id,
    p.name as park_name,
    f.league_code,
    l.name as league_name,
    s.step,
    s.approval_item,
    s.department,
    s.authority_level,
    s.accepted_date,
    s.time_limit_days,
    s.accepted_date + s.time_limit_days as due_date,
    $asof - s.accepted_date as days_waiting,
    $asof - s.accepted_date > s.time_limit_days as over_limit,
    greatest($asof - s.accepted_date - s.time_limit_days, 0) as days_over,
    row_number() over (partition by s.department order by $asof - s.accepted_date desc, s.item_id) as rank_in_department
from approval_step s
join item_fact f using (item_id)
join park p on p.park_id = f.park_id
join league l on l.league_code = f.league_code
where s.accepted_date <= $asof
  and (s.done_date is null or s.done_date > $asof)
  and f.found_date <= $asof
  and ($league is null or f.league_code = $league)
  and ($park is null or f.park_id = $park)
  and not rules.rectified(
      case
          when f.current_from <= $asof then f.current_status
          else coalesce(
              (select sp.status from status_span sp
               where sp.item_id = f.item_id and sp.valid_from <= $asof and sp.valid_to > $asof),
              '待整改'
          )
      end
  )
order by s.department, rank_in_department
