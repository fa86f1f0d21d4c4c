-- The campaign's phases with their state on the 数据截至 date.
-- Params: $asof.
-- Columns: phase_id, name, start_date, end_date, state (已完成 / 进行中 / 未开始). Grain: one row per phase.
select
    phase_id,
    name,
    start_date,
    end_date,
    case
        when $asof > end_date then '已完成'
        when $asof >= start_date then '进行中'
        else '未开始'
    end as state
from phase
order by sort
