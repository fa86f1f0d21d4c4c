-- The years a ranking can be made for on the 数据截至 date: from the first completion year of a built
-- project to the latest one that is not after $asof (the default ranking year).
-- Params: $asof.
-- Columns: first_year, last_year (both null when there are no built projects). Grain: one row.
select
    min(year) as first_year,
    least(max(year), year($asof::date)) as last_year
from built_project
