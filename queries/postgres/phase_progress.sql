-- phase_progress on PostgreSQL: the same rows as queries/progress/phase_progress.sql (its comments say what they
-- mean). The items found and rectified by a date are sums of the changes ledger/kept/kpis.py keeps (kpi_change for the
-- region or a league, park_kpi_change for one park); of the rectified, those first rectified before a phase began
-- are sums of rectified_first_change over the first rectified dates before it (one park: its items' own changes in
-- item_kpi_change), and done in 集中整治 is the rectified less them.
with ph as (
    select *, least($asof, end_date) as until from phase
),
kpis as (
    select category, day, found, rectified
    from kpi_change
    where ($league is null or league_code = $league) and $park is null
    union all
    select category, day, found, rectified
    from park_kpi_change
    where park_id = $park and ($league is null or league_code = $league) and $park is not null
),
firsts as (
    select category, first_rectified, day, rectified
    from rectified_first_change
    where ($league is null or league_code = $league) and $park is null
    union all
    select category, first_rectified, day, rectified
    from item_kpi_change
    where item_id in (select item_id from item_fact where park_id = $park)
      and ($league is null or league_code = $league) and $park is not null
),
rect_earlier as (
    select coalesce(sum(rectified), 0) as earlier
    from firsts
    where first_rectified < (select start_date from ph where phase_id = 'rectification')
      and day <= (select until from ph where phase_id = 'rectification')
),
rect_phase as (
    select
        coalesce(sum(found), 0) as target,
        coalesce(sum(rectified), 0) - (select earlier from rect_earlier) as done,
        (select earlier from rect_earlier) as earlier
    from kpis
    where day <= (select until from ph where phase_id = 'rectification')
),
long_term as (
    select
        coalesce(sum(found), 0) as target,
        coalesce(sum(rectified), 0) as done,
        (
            select coalesce(sum(f.rectified), 0) from firsts f
            where f.first_rectified < (select start_date from ph where phase_id = 'long_term')
              and f.day <= $asof
              and f.category in ('stalled_long', 'stalled_zombie', 'stalled_project', 'infra_half_finished',
                                 'infra_not_operating')
        ) as earlier
    from kpis
    where day <= $asof
      and category in ('stalled_long', 'stalled_zombie', 'stalled_project', 'infra_half_finished',
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
    (case ph.phase_id
        when 'mobilization' then (select target from milestones)
        when 'survey' then (select target from filings)
        when 'rectification' then (select target from rect_phase)
        else (select target from long_term)
    end)::bigint as target,
    (case ph.phase_id
        when 'mobilization' then (select done from milestones)
        when 'survey' then (select done from filings)
        when 'rectification' then (select done from rect_phase)
        else (select done from long_term)
    end)::bigint as done,
    (case ph.phase_id
        when 'rectification' then (select earlier from rect_phase)
        when 'long_term' then (select earlier from long_term)
        else 0
    end)::bigint as earlier,
    case ph.phase_id
        when 'mobilization' then '项部署任务按期完成'
        when 'survey' then '个园区按期报送自查台账'
        when 'rectification' then '项在集中整治期内整改'
        else '项长期停产、僵尸、停建及半拉子问题已盘活'
    end as unit
from ph
order by ph.sort
