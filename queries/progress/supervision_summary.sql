-- Per league, the numbers the 督导通报 judges by on $asof: completion against the region's,
-- overdue items, and the survey filings and mobilization milestones still outstanding on $asof (a park that
-- filed late, or a step done late, is no longer listed once it is done).
-- Params: $asof, $league (null: all 12; a league: that league's row, region_rate still over all). $user_park: the one park a park's user may see (null: no such limit).
-- Columns: league_code, league_name, found, rectified, completion_rate, region_rate, overdue, parks,
--          parks_unfiled, milestones_open, extended (items whose deadline an approved 延期 moved).
-- Grain: one row per league (all 12, or the one of $league), by code.
with per_league as (
    select
        league_code,
        count(*) as found,
        count(*) filter (where is_rectified) as rectified,
        count(*) filter (where is_overdue) as overdue,
        count(*) filter (where extensions > 0) as extended
    from rules.items_at($asof)
    group by league_code
),
filings as (
    select
        p.league_code,
        count(*) as parks,
        count(*) filter (
            where $asof > (select end_date from phase where phase_id = 'survey')
              and (f.filed_date is null or f.filed_date > $asof)
        ) as parks_unfiled
    from park p
    left join park_filing f using (park_id)
    group by p.league_code
),
milestones as (
    select
        league_code,
        count(*) filter (where $asof > planned_date and (done_date is null or done_date > $asof))
            as milestones_open
    from league_milestone
    group by league_code
)
select
    l.league_code,
    l.name as league_name,
    coalesce(i.found, 0) as found,
    coalesce(i.rectified, 0) as rectified,
    i.rectified / nullif(i.found, 0) as completion_rate,
    sum(i.rectified) over () / nullif(sum(i.found) over (), 0) as region_rate,
    coalesce(i.overdue, 0) as overdue,
    f.parks,
    f.parks_unfiled,
    coalesce(m.milestones_open, 0) as milestones_open,
    coalesce(i.extended, 0) as extended
from league l
left join per_league i using (league_code)
left join filings f using (league_code)
left join milestones m using (league_code)
qualify ($league is null or l.league_code = $league) and $user_park is null  -- a park's user: no league rows
order by l.league_code
