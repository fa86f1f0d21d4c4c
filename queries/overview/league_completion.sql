-- The 12 盟市 compared on completion rate on $asof (all ledgers together), for the drill-down chart.
-- Params: $asof, $league (null: all 12; a league: only its row). $user_park: the one park a park's user may see (null: no such limit).
-- Columns: league_code, name, found, rectified, overdue, completion_rate (null when nothing found).
-- Grain: one row per league, by code.
select
    l.league_code,
    l.name,
    count(x.item_id) as found,
    count(x.item_id) filter (where x.is_rectified) as rectified,
    count(x.item_id) filter (where x.is_overdue) as overdue,
    count(x.item_id) filter (where x.is_rectified) / nullif(count(x.item_id), 0) as completion_rate
from league l
left join rules.items_at($asof) x using (league_code)
where ($league is null or l.league_code = $league) and $user_park is null  -- a park's user: no league rows
group by l.league_code, l.name
order by l.league_code
