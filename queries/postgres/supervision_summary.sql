-- supervision_summary on PostgreSQL: the same rows as queries/progress/supervision_summary.sql (its comments say what they mean); here a where around the window for qualify, the rates divided as doubles.
-- Each league's found, rectified and overdue items are sums of kpi_change (kept in step by ledger/kept/kpis.py), its
-- extended items counted from the approved extensions.
with counted as (
    select league_code, sum(found) as found, sum(rectified) as rectified, sum(overdue) as overdue
    from kpi_change
    where day <= $asof
    group by league_code
),
extended as (
    select f.league_code, count(distinct r.item_id) as extended
    from deadline_request r
    join item_fact f using (item_id)
    where r.decision = '批准' and r.decided_date <= $asof and f.found_date <= $asof
    group by f.league_code
),
per_league as (
    select league_code, c.found::bigint, c.rectified::bigint, c.overdue::bigint, e.extended
    from counted c
    left join extended e using (league_code)
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
