-- 待批项目 waiting on $asof: every approval step accepted by then and not yet done, of a project open on $asof, with
-- the department deciding it, its time limit, how long it has waited, and its place among that department's
-- waits (1 = waiting longest).
-- Params: $league, $park, $asof.
-- Columns: item_id, title, park_id, park_name, league_code, league_name, step, approval_item, department,
--          authority_level, accepted_date, time_limit_days, due_date (accepted + limit), days_waiting, over_limit
--          (waited longer than the limit), days_over (0 when within it), rank_in_department.
-- Grain: one row per waiting step, by department then rank.
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
    date_diff('day', s.accepted_date, $asof) as days_waiting,
    date_diff('day', s.accepted_date, $asof) > s.time_limit_days as over_limit,
    greatest(date_diff('day', s.accepted_date, $asof) - s.time_limit_days, 0) as days_over,
    row_number() over (
        partition by s.department order by date_diff('day', s.accepted_date, $asof) desc, s.item_id
    ) as rank_in_department
from approval_step s
join rules.items_at($asof) f using (item_id)
join park p on p.park_id = f.park_id
join league l on l.league_code = f.league_code
where not f.is_rectified
  and s.accepted_date <= $asof
  and (s.done_date is null or s.done_date > $asof)
  and ($league is null or f.league_code = $league)
  and ($park is null or f.park_id = $park)
order by s.department, rank_in_department
