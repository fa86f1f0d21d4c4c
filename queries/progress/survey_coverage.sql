-- 排查摸底 coverage per league: parks that filed their self-inspection ledger by the survey's end,
-- later (补课), or not at all, as known on $asof.
-- Params: $league, $park, $asof.
-- Columns: league_code, league_name, parks, filed_on_time, filed_late, not_filed, coverage (on time / parks).
-- Grain: one row per league in scope, by code.
with survey as (
    select end_date from phase where phase_id = 'survey'
),
parks as (
    select
        p.park_id,
        p.league_code,
        case
            when f.filed_date <= $asof and f.filed_date <= (select end_date from survey) then 'on_time'
            when f.filed_date <= $asof then 'late'
            else 'none'
        end as filing
    from park p
    left join park_filing f using (park_id)
    where ($league is null or p.league_code = $league)
      and ($park is null or p.park_id = $park)
)
select
    l.league_code,
    l.name as league_name,
    count(*) as parks,
    count(*) filter (where filing = 'on_time') as filed_on_time,
    count(*) filter (where filing = 'late') as filed_late,
    count(*) filter (where filing = 'none') as not_filed,
    count(*) filter (where filing = 'on_time') / count(*) as coverage
from parks
join league l using (league_code)
group by l.league_code, l.name
order by l.league_code
