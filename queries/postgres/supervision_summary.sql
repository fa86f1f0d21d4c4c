-- supervision_summary on PostgreSQL: the same rows as queries/progress/supervision_summary.sql (its comments say what they mean); here a where around the window for qualify, the rates divided as doubles.
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
select * from (
select
    l.league_code,
    l.name as league_name,
    coalesce(i.found, 0) as found,
    coalesce(i.rectified, 0) as rectified,
    i.rectified::double precision / nullif(i.found, 0) as completion_rate,
    sum(i.rectified) over ()::double precision / nullif(sum(i.found) over (), 0) as region_rate,
    coalesce(i.overdue, 0) as overdue,
    f.parks,
    f.parks_unfiled,
    coalesce(m.milestones_open, 0) as milestones_open,
    coalesce(i.extended, 0) as extended
from league l
left join per_league i using (league_code)
left join filings f using (league_code)
left join milestones m using (league_code)
) s
where ($league is null or s.league_code = $league) and $user_park is null  -- a park's user: no league rows
order by s.league_code
