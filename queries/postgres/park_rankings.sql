-- park_rankings on PostgreSQL: the same rows as queries/rankings/park_rankings.sql (its comments say what they mean); here each park's figures of the year kept in park_year_total (ledger/kept/rankings.py), each league's median joined from a percentile_cont per group (PostgreSQL has no median window), extract for year().
with settings as (
    select
        coalesce($year, (select least(max(year), extract(year from $asof::date)) from built_project)) as rank_year,
        coalesce($metric, 'score') as metric,
        $weights as w
),
weights as (
    select * from rules.score_weights((select w from settings))
),
park_year as (  -- each park's figures kept for the year (park_year_total: the latest's after the latest)
    select
        y.rank_year,
        k.park_id,
        k.name,
        k.league_code,
        coalesce(s.projects, 0) as projects,
        coalesce(case when s.year = y.rank_year then s.new_projects end, 0) as new_projects,
        coalesce(s.missing_projects, 0) as missing_projects,
        s.land_mu,
        rules.output_per_mu(s.output_wan, s.land_mu) as output_per_mu,
        rules.tax_per_mu(s.tax_wan, s.land_mu) as tax_per_mu,
        rules.investment_intensity(s.investment_wan, s.land_mu) as investment_intensity,
        rules.plot_ratio(s.floor_area_m2, s.land_mu) as plot_ratio,
        s.output_score,
        s.tax_score,
        s.investment_score,
        s.plot_score
    from (select rank_year from settings union all select rank_year - 1 from settings) y
    cross join park k
    left join park_year_total s
        on s.park_id = k.park_id and s.year = least(y.rank_year, (select max(year) from park_year_total))
    where $league is null or k.league_code = $league
),
scored as (
    select
        py.*,
        w.w_tax * py.tax_score / w.w_total as tax_points,
        w.w_output * py.output_score / w.w_total as output_points,
        w.w_investment * py.investment_score / w.w_total as investment_points,
        w.w_plot * py.plot_score / w.w_total as plot_points,
        (
            w.w_tax * py.tax_score
            + w.w_output * py.output_score
            + w.w_investment * py.investment_score
            + w.w_plot * py.plot_score
        ) / w.w_total as score
    from park_year py
    cross join weights w
),
valued as (
    select
        s.*,
        case (select metric from settings)
            when 'score' then s.score
            when 'output_per_mu' then s.output_per_mu
            when 'tax_per_mu' then s.tax_per_mu
            when 'investment_intensity' then s.investment_intensity
            when 'plot_ratio' then s.plot_ratio
        end as value,
        s.projects >= 3 and s.score is not null as graded
    from scored s
),
ranked as (
    select
        v.*,
        case
            when v.value is not null
                then row_number() over (partition by v.rank_year order by v.value desc nulls last, v.name)
        end as rank,
        m.league_median,
        rank() over (partition by v.rank_year, v.graded order by v.score desc) as grade_position,
        count(*) over (partition by v.rank_year, v.graded) as graded_parks
    from valued v
    left join (
        select rank_year, league_code, percentile_cont(0.5) within group (order by value) as league_median
        from valued
        group by rank_year, league_code
    ) m on m.rank_year = v.rank_year and m.league_code = v.league_code
)
select
    c.park_id,
    c.name,
    c.league_code,
    l.name as league_name,
    c.rank_year as year,
    c.projects,
    c.new_projects,
    c.missing_projects,
    c.land_mu,
    c.output_per_mu,
    c.tax_per_mu,
    c.investment_intensity,
    c.plot_ratio,
    c.output_score,
    c.tax_score,
    c.investment_score,
    c.plot_score,
    c.tax_points,
    c.output_points,
    c.investment_points,
    c.plot_points,
    c.score,
    c.value,
    c.rank,
    p.rank as prev_rank,
    p.rank - c.rank as rank_change,
    c.league_median,
    c.value / nullif(c.league_median, 0) - 1 as vs_median,
    rules.rank_grade(c.graded, c.grade_position, c.graded_parks) as grade
from ranked c
join league l on l.league_code = c.league_code
left join ranked p on p.park_id = c.park_id and p.rank_year = c.rank_year - 1
where c.rank_year = (select rank_year from settings)
  and ($user_park is null or c.park_id = $user_park)  -- a park's own user sees its own row (with its rank)
order by c.rank nulls last, c.name
