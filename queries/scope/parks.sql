-- Parks of a league (all parks when $league is null) for the scope bar and URL checks.
-- Params: $league, $park (a user limited to one park sees only it).
-- Columns: park_id, name, league_code, level, park_type. Grain: one row per park, by id.
select park_id, name, league_code, level, park_type
from park
where ($league is null or league_code = $league) and ($park is null or park_id = $park)
order by park_id
