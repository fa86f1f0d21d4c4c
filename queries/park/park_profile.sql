-- The facts of one park for its profile page (园区档案).
-- Params: $park, $league (a park outside $league gives no row).
-- Columns: park_id, name, league_code, league_name, county, level, park_type, catalogue_code, approved_year,
--          approved_area_ha, leading_industries, industry_category, lat, lon.
-- Grain: one row (none when $park is null or unknown).
select
    p.park_id,
    p.name,
    p.league_code,
    l.name as league_name,
    p.county,
    p.level,
    p.park_type,
    p.catalogue_code,
    p.approved_year,
    p.approved_area_ha,
    p.leading_industries,
    p.industry_category,
    p.lat,
    p.lon
from park p
join league l using (league_code)
where p.park_id = $park
  and ($league is null or p.league_code = $league)
