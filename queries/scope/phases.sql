-- The campaign's phases with their state on the 数据截至 date.
-- Params: $asof.
-- Columns: phase_id, name, start_date, end_date, state (已结束 / 进行中 / 未开始: the calendar, not the work;
-- a phase that has ended is 已结束, never 已完成, whatever share of its work was done). Grain: one row per phase.
select
    phase_id,
    name,
    start_date,
    end_date,
    case
        when $asof > end_date then '已结束'
        when $asof >= start_date then '进行中'
        else '未开始'
    end as state
from phase
order by sort
