-- The action register of 动态管理: every decision on a park in scope (ledger/park_actions.py writes them), with
-- the step's place on the ladder (1 约谈 … 6 整合) and the park's and league's names.
-- Params: $league, $park.
-- Columns: action_id, park_id, park_name, league_code, league_name, step, step_order, decided_date, decider,
--          doc_no, follow_up_date, note, recorded_by, recorded_at.
-- Grain: one row per decision, by park then decision date then number.
select
    a.action_id,
    a.park_id,
    p.name as park_name,
    p.league_code,
    l.name as league_name,
    a.step,
    case a.step
        when '约谈' then 1
        when '通报' then 2
        when '限期整改' then 3
        when '降级' then 4
        when '调整出序列' then 5
        when '整合' then 6
    end as step_order,
    a.decided_date,
    a.decider,
    a.doc_no,
    a.follow_up_date,
    a.note,
    a.recorded_by,
    a.recorded_at
from park_action a
join park p on p.park_id = a.park_id
join league l on l.league_code = p.league_code
where ($league is null or p.league_code = $league)
  and ($park is null or a.park_id = $park)
order by a.park_id, a.decided_date, a.action_id
