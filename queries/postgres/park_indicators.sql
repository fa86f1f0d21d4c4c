-- park_indicators on PostgreSQL: the same rows as queries/park/park_indicators.sql (its comments say what they mean); here each park's figures of the data year kept in park_year_total (ledger/kept/rankings.py), case for if(), extract for year().
with settings as (
    select least(max(year), extract(year from $asof::date)) as data_year from built_project
),
parks as (  -- each park's figures kept for the data year (park_year_total)
    select
        p.park_id,
        p.name,
        p.league_code,
        p.industry_category,
        coalesce(s.projects, 0) as projects,
        coalesce(s.missing_projects, 0) as missing_projects,
        s.land_mu,
        rules.output_per_mu(s.output_wan, s.land_mu) as output_per_mu,
        rules.tax_per_mu(s.tax_wan, s.land_mu) as tax_per_mu,
        rules.investment_intensity(s.investment_wan, s.land_mu) as investment_intensity,
        rules.plot_ratio(s.floor_area_m2, s.land_mu) as plot_ratio
    from park p
    left join park_year_total s on s.park_id = p.park_id and s.year = (select data_year from settings)
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
        case
            when k.tax_per_mu is not null then row_number() over (order by k.tax_per_mu desc nulls last, k.name)
        end as tax_rank,
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
