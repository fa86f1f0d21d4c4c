-- 倒逼腾退 candidates of a ranking year (the rule: rules.shortfalls in queries/rules.sql), with the gap. These
-- are the 园区指标 ledger's low-yield projects: item_id and item_status name the project's item and its status on
-- $asof (null: not in the ledger by then).
-- Params: $league, $park, $asof, $year (null: the latest completion year not after $asof).
-- Columns: project_id, name, park_id, park_name, league_code, league_name, industry_category, year,
--          land_mu, indicator, value, threshold, gap (threshold - value), gap_share (gap / threshold),
--          failed_indicators (indicators this project falls short on), basis, item_id, item_status.
-- Grain: one row per project and indicator below its threshold, projects failing most first, then by
--        park name, project name and the indicators' order (投资强度, 亩均产值, 亩均税收, 容积率).
with settings as (
    select coalesce($year, (select least(max(year), year($asof::date)) from built_project)) as rank_year
),
checked as (
    select
        s.*,
        list_position(['investment_intensity', 'output_per_mu', 'tax_per_mu', 'plot_ratio'], s.indicator) as sort
    from rules.shortfalls((select rank_year from settings)) s
)
select
    b.project_id,
    b.name,
    b.park_id,
    p.name as park_name,
    p.league_code,
    l.name as league_name,
    b.industry_category,
    b.year,
    b.land_mu::double as land_mu,
    s.indicator,
    s.value,
    s.threshold,
    s.threshold - s.value as gap,
    (s.threshold - s.value) / nullif(s.threshold, 0) as gap_share,
    count(*) over (partition by b.project_id) as failed_indicators,
    s.basis,
    ledger.item_id,
    ledger.status as item_status
from checked s
join built_project b using (project_id)
join park p on p.park_id = b.park_id
join league l on l.league_code = p.league_code
left join (
    select ind.project_id, x.item_id, x.status
    from indicator ind
    join (from rules.items_at($asof::date) where ledger = 'indicator') x using (item_id)
) ledger using (project_id)
where ($league is null or p.league_code = $league)
  and ($park is null or b.park_id = $park)
order by failed_indicators desc, park_name, b.name, b.project_id, s.sort
