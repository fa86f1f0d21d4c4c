-- The parks of a league (all parks when $league is null) compared on completion rate on $asof.
-- Params: $league, $asof. $user_park: the one park a park's user may see (null: no such limit).
-- Columns: park_id, name, league_code, found, rectified, overdue, completion_rate (null when nothing found).
-- Grain: one row per park, by id.
select
    p.park_id,
    p.name,
    p.league_code,
    count(x.item_id) as found,
    count(x.item_id) filter (where x.is_rectified) as rectified,
    count(x.item_id) filter (where x.is_overdue) as overdue,
    count(x.item_id) filter (where x.is_rectified) / nullif(count(x.item_id), 0) as completion_rate
from park p
left join rules.items_at($asof) x using (park_id)
where ($league is null or p.league_code = $league) and ($user_park is null or p.park_id = $user_park)
group by p.park_id, p.name, p.league_code
order by p.park_id
