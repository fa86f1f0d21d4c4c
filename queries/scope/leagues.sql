-- The 12 盟市 for the scope bar.
-- Params: $league (null: all 12; a league: only it, for a user limited to it).
-- Columns: league_code, name, short_name. Grain: one row per league, by code.
select league_code, name, short_name
from league
where $league is null or league_code = $league
order by league_code
