-- 宣传动员 milestones of each league (deployment meeting, implementation plan) and their state on $asof.
-- Params: $league, $asof.
-- Columns: league_code, league_name, milestone, name, planned_date, done_date,
--          state (按时完成 / 逾期完成 / 逾期未完成 / 未到期).
-- Grain: one row per league and milestone, by league code then milestone.
select
    m.league_code,
    l.name as league_name,
    m.milestone,
    m.name,
    m.planned_date,
    case when m.done_date <= $asof then m.done_date end as done_date,
    case
        when m.done_date <= $asof and m.done_date <= m.planned_date then '按时完成'
        when m.done_date <= $asof then '逾期完成'
        when $asof > m.planned_date then '逾期未完成'
        else '未到期'
    end as state
from league_milestone m
join league l using (league_code)
where $league is null or m.league_code = $league
order by m.league_code, case m.milestone when 'meeting' then 1 else 2 end
