-- 园区指标低效项目台账: the scope's low-yield built projects found by $asof with their status on that date,
-- narrowed by the page's filters (each filter is off when its parameter is null). Overdue = not
-- 已整改/已销号 on $asof and deadline before $asof, as on the overview. The project's own figures come
-- from built_project (value and threshold of the indicator that fell short).
-- Params: $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search.
-- Columns: item_id, title, league_code, league_name, park_id, park_name, found_date, responsible_unit, measure,
--          deadline, status, overdue, overdue_days, project_name, industry_category, indicator, value,
--          threshold, land_mu, output_wan.
-- Grain: one row per item, by league, park and item id.
select
    x.*,  -- rules.ledger_rows: the columns every ledger list starts with
    d.project_name,
    d.industry_category,
    d.indicator,
    d.value,
    d.threshold,
    d.land_mu::double as land_mu,
    d.output_wan::double as output_wan
from rules.ledger_rows('indicator', $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search) x
join (  -- the ledger's own row with its project's figures: one row per item, as the other ledgers' own tables
    select i.item_id, i.indicator, i.value, i.threshold, b.name as project_name, b.industry_category, b.land_mu,
           b.output_wan
    from indicator i
    join built_project b on b.project_id = i.project_id
) d on d.item_id = x.item_id
order by x.league_code, x.park_id, x.item_id
