-- Parks on the 动态管理 ladder by $asof: each park in scope with a decision on or before that date, its latest
-- step (the latest decision's; ties by number), how many decisions, and the next follow-up date still to come.
-- Params: $league, $park, $asof.
-- Columns: park_id, park_name, league_code, league_name, step, decided_date, doc_no, decisions, next_follow_up.
-- Grain: one row per park on the ladder, the highest latest step first, then league and park.
with decisions as (
    select
        a.*,
        row_number() over (partition by a.park_id order by a.decided_date desc, a.action_id desc) as latest
    from park_action a
    where a.decided_date <= $asof::date
)
select
    d.park_id,
    p.name as park_name,
    p.league_code,
    l.name as league_name,
    d.step,
    d.decided_date,
    d.doc_no,
    (select count(*) from decisions c where c.park_id = d.park_id) as decisions,
    (select min(c.follow_up_date) from decisions c where c.park_id = d.park_id and c.follow_up_date > $asof::date)
        as next_follow_up
from decisions d
join park p on p.park_id = d.park_id
join league l on l.league_code = p.league_code
where d.latest = 1
  and ($league is null or p.league_code = $league)
  and ($park is null or d.park_id = $park)
order by
    case d.step when '约谈' then 1 when '通报' then 2 when '限期整改' then 3 else 4 end desc,
    p.league_code,
    d.park_id
