-- Parks to 再整合再优化: few built projects, few enterprises, or low output per mu, with the numbers that
-- triggered each rule, for the projects completed by the end of the ranking year.
-- projects: valid built projects (land > 0 and all quantities present); enterprises: distinct enterprises
-- among the park's built projects, taken from the project name before 年产 (the ledger has no enterprise
-- column yet); output_per_mu = Σ产值 / Σ用地 of the valid projects; output_benchmark = the land-weighted
-- mean of their league thresholds for 亩均产值 (each project's category), output_share = the ratio.
-- Params: $league, $park, $asof, $year (null: the latest completion year not after $asof), $rules (struct
--         of min_projects, min_enterprises, min_output_share; null: rules.flag_rules()).
-- Columns: park_id, name, league_code, league_name, year, projects, enterprises, land_mu, output_per_mu,
--          output_benchmark, output_share, few_projects (projects < min_projects), few_enterprises
--          (enterprises < min_enterprises), low_output (output_share < min_output_share), triggers.
-- Grain: one row per park in scope, most rules triggered first, then by name.
with settings as (
    select
        coalesce($year, (select least(max(year), year($asof::date)) from built_project)) as rank_year,
        coalesce($rules, rules.flag_rules()) as r
),
projects as (
    select
        b.park_id,
        coalesce(nullif(regexp_extract(b.name, '^(.+?)年产', 1), ''), b.name) as enterprise,
        rules.valid_project(b.land_mu, b.investment_wan, b.output_wan, b.tax_wan, b.floor_area_m2) as valid,
        b.land_mu::double as land_mu,
        b.output_wan::double as output_wan,
        t.min_value as output_min
    from built_project b
    join park p using (park_id)
    left join control_threshold t
        on t.league_code = p.league_code
        and t.industry_category = b.industry_category
        and t.indicator = 'output_per_mu'
    where b.year <= (select rank_year from settings)
),
parks as (
    select
        k.park_id,
        k.name,
        k.league_code,
        l.name as league_name,
        count(pr.park_id) filter (where pr.valid) as projects,
        count(distinct pr.enterprise) as enterprises,
        sum(pr.land_mu) filter (where pr.valid) as land_mu,
        rules.output_per_mu(sum(pr.output_wan) filter (where pr.valid), sum(pr.land_mu) filter (where pr.valid))
            as output_per_mu,
        sum(pr.land_mu * pr.output_min) filter (where pr.valid)
            / sum(pr.land_mu) filter (where pr.valid and pr.output_min is not null) as output_benchmark
    from park k
    join league l on l.league_code = k.league_code
    left join projects pr on pr.park_id = k.park_id
    where ($league is null or k.league_code = $league)
      and ($park is null or k.park_id = $park)
    group by k.park_id, k.name, k.league_code, l.name
),
flagged as (
    select
        p.*,
        p.output_per_mu / nullif(p.output_benchmark, 0) as output_share,
        p.projects < s.r.min_projects as few_projects,
        p.enterprises < s.r.min_enterprises as few_enterprises,
        coalesce(p.output_per_mu / nullif(p.output_benchmark, 0) < s.r.min_output_share, false) as low_output,
        s.rank_year
    from parks p
    cross join settings s
)
select
    park_id,
    name,
    league_code,
    league_name,
    rank_year as year,
    projects,
    enterprises,
    land_mu,
    output_per_mu,
    output_benchmark,
    output_share,
    few_projects,
    few_enterprises,
    low_output,
    few_projects::int + few_enterprises::int + low_output::int as triggers
from flagged
order by triggers desc, name
