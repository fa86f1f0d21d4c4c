-- Plan against actual for each phase on $asof. 宣传动员: league milestones done on time; 排查摸底: parks
-- that filed their ledger by the survey's end; 集中整治: items found by the phase's end and rectified
-- within the phase (09-01..12-31); 长效盘活: long-stopped and zombie enterprises, halted projects and
-- half-finished or idle infrastructure revitalised (the three-year target, counted cumulatively).
-- state is the calendar (已结束 / 进行中 / 未开始, as phases.sql), never a claim that the work is complete.
-- earlier: items already counted by the cumulative numbers (curve, 已整改 cards, deck) but not in done,
-- because they were rectified before the phase began (集中整治: rectified during 排查摸底, so the curve on
-- 12-31 shows done + earlier); for 长效盘活 the items revitalised before 2023-01-01, which done includes.
-- Params: $league, $park, $asof.
-- Columns: phase_id, name, start_date, end_date, state, target, done, earlier, unit.
-- Grain: one row per phase, in phase order.
with ph as (
    select *, least($asof, end_date) as until from phase
),
-- The status on a date from items_at (the current status where it has not changed since, a span lookup for the
-- others); first_rectified: the first date of an event 已整改 or 已销号 (kept in item_fact).
rect_phase as (
    select
        count(*) as target,
        count(*) filter (where x.is_rectified and x.first_rectified >= p.start_date) as done,
        count(*) filter (where x.is_rectified and x.first_rectified < p.start_date) as earlier
    from rules.items_at((select until from ph where phase_id = 'rectification')) x
    cross join (select * from ph where phase_id = 'rectification') p
    where ($league is null or x.league_code = $league)
      and ($park is null or x.park_id = $park)
),
long_term as (
    select
        count(*) as target,
        count(*) filter (where x.is_rectified) as done,
        count(*) filter (
            where x.is_rectified and x.first_rectified < (select start_date from ph where phase_id = 'long_term')
        ) as earlier
    from rules.items_at($asof) x
    where ($league is null or x.league_code = $league)
      and ($park is null or x.park_id = $park)
      and x.category in ('stalled_long', 'stalled_zombie', 'stalled_project', 'infra_half_finished',
                         'infra_not_operating')
),
milestones as (
    select
        count(*) as target,
        count(*) filter (where m.done_date <= m.planned_date and m.done_date <= $asof) as done
    from league_milestone m
    where $league is null or m.league_code = $league
),
filings as (
    select
        count(*) as target,
        count(*) filter (where f.filed_date <= (select until from ph where phase_id = 'survey')) as done
    from park p
    left join park_filing f using (park_id)
    where ($league is null or p.league_code = $league)
      and ($park is null or p.park_id = $park)
)
select
    ph.phase_id,
    ph.name,
    ph.start_date,
    ph.end_date,
    case when $asof > ph.end_date then '已结束' when $asof >= ph.start_date then '进行中' else '未开始' end as state,
    case ph.phase_id
        when 'mobilization' then (select target from milestones)
        when 'survey' then (select target from filings)
        when 'rectification' then (select target from rect_phase)
        else (select target from long_term)
    end as target,
    case ph.phase_id
        when 'mobilization' then (select done from milestones)
        when 'survey' then (select done from filings)
        when 'rectification' then (select done from rect_phase)
        else (select done from long_term)
    end as done,
    case ph.phase_id
        when 'rectification' then (select earlier from rect_phase)
        when 'long_term' then (select earlier from long_term)
        else 0
    end as earlier,
    case ph.phase_id
        when 'mobilization' then '项部署任务按期完成'
        when 'survey' then '个园区按期报送自查台账'
        when 'rectification' then '项在集中整治期内整改'
        else '项长期停产、僵尸、停建及半拉子问题已盘活'
    end as unit
from ph
order by ph.sort
