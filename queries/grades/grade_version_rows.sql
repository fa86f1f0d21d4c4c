-- The rows of one frozen version of the 亩均评价 in scope, as they were copied when it was made.
-- Params: $league, $park, $version.
-- Columns: version_id, project_id, name, park_id, park_name, league_code, credit_code, power_account, track,
--          final_score, grade, adjustment, year, kind.
-- Grain: one row per project in scope, by track, then score (highest first), then id.
select r.*, v.year, v.kind
from grade_version_row r
join grade_version v using (version_id)
where r.version_id = $version
  and ($league is null or r.league_code = $league)
  and ($park is null or r.park_id = $park)
order by r.track, r.final_score desc, r.project_id
