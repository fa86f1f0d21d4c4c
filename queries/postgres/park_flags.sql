-- park_flags on PostgreSQL: the same rows as queries/rankings/park_flags.sql (its comments say what they mean); here the parks' sums by completion year kept in park_year_project (ledger/rankings_kept.py: its enterprises are those first seen that year, so that they add up) added up to the year, jsonb fields for the struct's, extract for year().
with settings as (
    select
        coalesce($year, (select least(max(year), extract(year from $asof::date)) from built_project)) as rank_year,
        coalesce($rules, rules.flag_rules()) as r
),
parks as (  -- each park's kept sums by completion year (ledger/rankings_kept.py) added up to the ranking year
    select
        k.park_id,
        k.name,
        k.league_code,
        l.name as league_name,
        coalesce(sum(s.projects), 0)::bigint as projects,
        coalesce(sum(s.enterprises), 0)::bigint as enterprises,
        sum(s.land_mu)::double precision as land_mu,
        rules.output_per_mu(sum(s.output_wan)::double precision, sum(s.land_mu)::double precision) as output_per_mu,
        (sum(s.benchmark_points) / sum(s.benchmark_land))::double precision as output_benchmark
    from park k
    join league l on l.league_code = k.league_code
    left join park_year_project s on s.park_id = k.park_id and s.year <= (select rank_year from settings)
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
