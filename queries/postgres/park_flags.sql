-- park_flags on PostgreSQL: the same rows as queries/rankings/park_flags.sql (its comments say what they mean); here each park's figures of the year kept in park_year_total (ledger/kept/rankings.py), jsonb fields for the struct's, extract for year().
with settings as (
    select
        coalesce($year, (select least(max(year), extract(year from $asof::date)) from built_project)) as rank_year,
        coalesce($rules, rules.flag_rules()) as r
),
parks as (  -- each park's figures kept for the ranking year (park_year_total: the latest's after the latest)
    select
        k.park_id,
        k.name,
        k.league_code,
        l.name as league_name,
        coalesce(s.projects, 0) as projects,
        coalesce(s.enterprises, 0) as enterprises,
        s.land_mu,
        rules.output_per_mu(s.output_wan, s.land_mu) as output_per_mu,
        s.output_benchmark
    from park k
    join league l on l.league_code = k.league_code
    left join park_year_total s
        on s.park_id = k.park_id
        and s.year = least((select rank_year from settings), (select max(year) from park_year_total))
    where ($league is null or k.league_code = $league)
      and ($park is null or k.park_id = $park)
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
