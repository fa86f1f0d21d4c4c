-- The 12 盟市 for the scope bar.
-- Params: none.
-- Columns: league_code, name, short_name. Grain: one row per league, by code.
select league_code, name, short_name
from league
order by league_code
