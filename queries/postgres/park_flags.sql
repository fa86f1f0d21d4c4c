-- park_flags on PostgreSQL: the same rows as queries/rankings/park_flags.sql (its comments say what they mean); here substring for regexp_extract, jsonb fields for the struct's, extract for year().
with settings as (
    select
        coalesce($year, (select least(max(year), extract(year from $asof::date)) from built_project)) as rank_year,
        coalesce($rules, rules.flag_rules()) as r
),
projects as (
    select
        b.park_id,
        coalesce(nullif(substring(b.name from '^(.+?)年产'), ''), b.name) as enterprise,
        rules.valid_project(b.land_mu, b.investment_wan, b.output_wan, b.tax_wan, b.floor_area_m2) as valid,
        b.land_mu::double precision as land_mu,
        b.output_wan::double precision as output_wan,
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
        p.projects < (s.r ->> 'min_projects')::double precision as few_projects,
        p.enterprises < (s.r ->> 'min_enterprises')::double precision as few_enterprises,
        coalesce(p.output_per_mu / nullif(p.output_benchmark, 0) < (s.r ->> 'min_output_share')::double precision, false) as low_output,
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
