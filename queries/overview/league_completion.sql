-- The 12 盟市 compared on completion rate on $asof (all ledgers together), for the drill-down chart.
-- Params: $asof.
-- Columns: league_code, name, found, rectified, overdue, completion_rate (null when nothing found).
-- Grain: one row per league, by code.
with scoped as (
    select
        f.item_id,
        f.league_code,
        f.deadline,
        coalesce(s.status in ('已整改', '已销号'), false) as is_rectified
    from item_facts f
    left join status_at($asof) s using (item_id)
    where f.found_date <= $asof
)
select
    l.league_code,
    l.name,
    count(x.item_id) as found,
    count(x.item_id) filter (where x.is_rectified) as rectified,
    count(x.item_id) filter (where not x.is_rectified and x.deadline < $asof) as overdue,
    count(x.item_id) filter (where x.is_rectified) / nullif(count(x.item_id), 0) as completion_rate
from league l
left join scoped x using (league_code)
group by l.league_code, l.name
order by l.league_code
