-- 倒逼腾退 candidates of a ranking year: built projects completed before that year (those completed in it
-- are 当年投产, not yet judged, as they are not graded) whose indicator is below their league's threshold for
-- their category, with the gap. Projects without land area (null or 0) or with a missing quantity are
-- 数据缺失 and are not judged here (never divided by). These are the 园区指标 ledger's low-yield projects:
-- item_id and item_status name the project's item and its status on $asof (null: not in the ledger by then).
-- Indicators: 投资强度 = 投资 / 用地, 亩均产值 = 产值 / 用地, 亩均税收 = 税收 / 用地 (万元/亩),
-- 容积率 = 建筑面积 / (用地 × 666.67 m²).
-- Params: $league, $park, $asof, $year (null: the latest completion year not after $asof).
-- Columns: project_id, name, park_id, park_name, league_code, league_name, industry_category, year,
--          land_mu, indicator, value, threshold, gap (threshold - value), gap_share (gap / threshold),
--          failed_indicators (indicators this project falls short on), basis, item_id, item_status.
-- Grain: one row per project and indicator below its threshold, projects failing most first, then by
--        park name, project name and the indicators' order (投资强度, 亩均产值, 亩均税收, 容积率).
with settings as (
    select coalesce($year, (select least(max(year), year($asof::date)) from built_project)) as rank_year
),
projects as (
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
        b.investment_wan::double as investment_wan,
        b.output_wan::double as output_wan,
        b.tax_wan::double as tax_wan,
        b.floor_area_m2::double as floor_area_m2
    from built_project b
    join park p using (park_id)
    join league l on l.league_code = p.league_code
    where b.land_mu > 0
      and b.investment_wan is not null
      and b.output_wan is not null
      and b.tax_wan is not null
      and b.floor_area_m2 is not null
      and b.year < (select rank_year from settings)
      and ($league is null or p.league_code = $league)
      and ($park is null or b.park_id = $park)
),
checked as (
    select
        pr.*,
        t.indicator,
        t.min_value as threshold,
        t.basis,
        case t.indicator
            when 'investment_intensity' then pr.investment_wan / pr.land_mu
            when 'output_per_mu' then pr.output_wan / pr.land_mu
            when 'tax_per_mu' then pr.tax_wan / pr.land_mu
            when 'plot_ratio' then pr.floor_area_m2 / (pr.land_mu * 666.67)
        end as value,
        list_position(['investment_intensity', 'output_per_mu', 'tax_per_mu', 'plot_ratio'], t.indicator) as sort
    from projects pr
    join control_threshold t on t.league_code = pr.league_code and t.industry_category = pr.industry_category
)
select
    project_id,
    name,
    park_id,
    park_name,
    league_code,
    league_name,
    industry_category,
    year,
    land_mu,
    indicator,
    value,
    threshold,
    threshold - value as gap,
    (threshold - value) / nullif(threshold, 0) as gap_share,
    count(*) over (partition by project_id) as failed_indicators,
    basis,
    ledger.item_id,
    ledger.status as item_status
from checked
left join (
    select ind.project_id, x.item_id, x.status
    from indicator ind
    join (from rules.items_at($asof::date) where ledger = 'indicator') x using (item_id)
) ledger using (project_id)
where value < threshold
order by failed_indicators desc, park_name, name, project_id, sort
