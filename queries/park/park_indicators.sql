-- Park indicators from the built projects completed by the end of the data year (as the rankings' default
-- year: $asof's year, or the latest completion year before it when $asof's year has none), against the
-- 控制性指标 of the park's league for the park's industry category, and each park's rank on 亩均税收.
-- The indicators (queries/rules.sql) over the sums of the park's valid projects, as on the rankings page; the
-- others are 数据缺失 (missing_projects) and are never divided by.
-- tax_rank: 1 = highest 亩均税收 among all parks, ties by park name; null for a park without a valid project.
-- Params: $park (null: every park), $league (null: every league), $asof.
-- Columns: park_id, name, league_code, industry_category, year (the data year), projects, missing_projects,
--          land_mu, output_per_mu, tax_per_mu, investment_intensity, plot_ratio, output_min, tax_min,
--          investment_min, plot_min, basis (of 投资强度, 亩均产值, 亩均税收), plot_basis (of 容积率), tax_rank,
--          ranked_parks.
-- Grain: one row per park (ranks always among all parks), by park id.
with settings as (
    select least(max(year), year($asof::date)) as data_year from built_project
),
projects as (
    select
        park_id,
        rules.valid_project(land_mu, investment_wan, output_wan, tax_wan, floor_area_m2) as valid,
        land_mu::double as land_mu,
        investment_wan::double as investment_wan,
        output_wan::double as output_wan,
        tax_wan::double as tax_wan,
        floor_area_m2::double as floor_area_m2
    from built_project
    where year <= (select data_year from settings)
),
parks as (
    select
        p.park_id,
        p.name,
        p.league_code,
        p.industry_category,
        count(b.park_id) filter (where b.valid) as projects,
        count(b.park_id) filter (where not b.valid) as missing_projects,
        sum(b.land_mu) filter (where b.valid) as land_mu,
        rules.output_per_mu(sum(b.output_wan) filter (where b.valid), sum(b.land_mu) filter (where b.valid))
            as output_per_mu,
        rules.tax_per_mu(sum(b.tax_wan) filter (where b.valid), sum(b.land_mu) filter (where b.valid)) as tax_per_mu,
        rules.investment_intensity(sum(b.investment_wan) filter (where b.valid), sum(b.land_mu) filter (where b.valid))
            as investment_intensity,
        rules.plot_ratio(sum(b.floor_area_m2) filter (where b.valid), sum(b.land_mu) filter (where b.valid))
            as plot_ratio
    from park p
    left join projects b using (park_id)
    group by p.park_id, p.name, p.league_code, p.industry_category
),
ranked as (
    select
        k.*,
        t.output_min,
        t.tax_min,
        t.investment_min,
        t.plot_min,
        (
            select string_agg(distinct c.basis, '、' order by c.basis)
            from control_threshold c
            where c.league_code = k.league_code
              and c.industry_category = k.industry_category
              and c.indicator <> 'plot_ratio'
        ) as basis,
        (
            select max(c.basis)
            from control_threshold c
            where c.league_code = k.league_code
              and c.industry_category = k.industry_category
              and c.indicator = 'plot_ratio'
        ) as plot_basis,
        if(
            k.tax_per_mu is null, null, row_number() over (order by k.tax_per_mu desc nulls last, k.name)
        ) as tax_rank,
        count(k.tax_per_mu) over () as ranked_parks
    from parks k
    left join rules.threshold_row() t using (league_code, industry_category)
)
select
    park_id,
    name,
    league_code,
    industry_category,
    (select data_year from settings) as year,
    projects,
    missing_projects,
    land_mu,
    output_per_mu,
    tax_per_mu,
    investment_intensity,
    plot_ratio,
    output_min,
    tax_min,
    investment_min,
    plot_min,
    basis,
    plot_basis,
    tax_rank,
    ranked_parks
from ranked
where ($park is null or park_id = $park) and ($league is null or league_code = $league)
order by park_id
