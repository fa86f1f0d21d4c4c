-- Parks ranked for a year by $metric (the composite 亩均效益 score or one indicator), from the built
-- projects completed by the end of that year, with the previous year's rank, the league median, the
-- score's breakdown and the A/B/C/D grade.
-- Park indicators: the rules of queries/rules.sql over the sums of the park's valid projects (rules.
-- valid_project); the others are 数据缺失 (missing_projects) and are never divided by.
-- Indicator score of a project = rules.capped_score(value / its league's threshold for its category); a
-- park's indicator score is the land-weighted mean of its projects' scores; score = Σ weight × indicator
-- score / Σ weights; the *_points columns add up to score.
-- rank: 1 = highest value, ties broken by park name; parks without a valid project are unranked (null).
-- grade: among parks with at least 3 valid projects (the others 不定等级), by q = parks with a strictly
-- higher score / graded parks: A q < 20%, B q < 60%, C q < 90%, D otherwise; equal scores, equal grades.
-- Params: $league, $asof, $year (null: the latest completion year not after $asof), $metric (one of $user_park: the one park a park's user may see (null: no such limit).
--         score, output_per_mu, tax_per_mu, investment_intensity, plot_ratio; null: score), $weights
--         (struct of tax_per_mu, output_per_mu, investment_intensity, plot_ratio; null: rules.default_weights()).
-- Columns: park_id, name, league_code, league_name, year, projects, new_projects, missing_projects,
--          land_mu, output_per_mu, tax_per_mu, investment_intensity, plot_ratio, output_score, tax_score,
--          investment_score, plot_score, tax_points, output_points, investment_points, plot_points, score,
--          value, rank, prev_rank, rank_change (prev_rank - rank, > 0 = moved up), league_median,
--          vs_median (value / league_median - 1), grade.
-- Grain: one row per park in scope (the parks of $league, every park when null), by rank then name.
with settings as (
    select
        coalesce($year, (select least(max(year), year($asof::date)) from built_project)) as rank_year,
        coalesce($metric, 'score') as metric,
        $weights as w
),
weights as (
    select * from rules.score_weights((select w from settings))
),
projects as (
    select
        b.park_id,
        b.year,
        rules.valid_project(b.land_mu, b.investment_wan, b.output_wan, b.tax_wan, b.floor_area_m2) as valid,
        b.land_mu::double as land_mu,
        b.investment_wan::double as investment_wan,
        b.output_wan::double as output_wan,
        b.tax_wan::double as tax_wan,
        b.floor_area_m2::double as floor_area_m2,
        rules.output_per_mu(b.output_wan::double, nullif(b.land_mu::double, 0)) / nullif(t.output_min, 0)
            as output_vs_min,
        rules.tax_per_mu(b.tax_wan::double, nullif(b.land_mu::double, 0)) / nullif(t.tax_min, 0) as tax_vs_min,
        rules.investment_intensity(b.investment_wan::double, nullif(b.land_mu::double, 0))
            / nullif(t.investment_min, 0) as investment_vs_min,
        rules.plot_ratio(b.floor_area_m2::double, nullif(b.land_mu::double, 0)) / nullif(t.plot_min, 0)
            as plot_vs_min
    from built_project b
    join park p using (park_id)
    left join rules.threshold_row() t on t.league_code = p.league_code and t.industry_category = b.industry_category
),
project_scores as (
    select
        pr.*,
        rules.capped_score(pr.output_vs_min) as output_score,
        rules.capped_score(pr.tax_vs_min) as tax_score,
        rules.capped_score(pr.investment_vs_min) as investment_score,
        rules.capped_score(pr.plot_vs_min) as plot_score
    from projects pr
),
park_year as (
    select
        y.rank_year,
        k.park_id,
        k.name,
        k.league_code,
        count(pr.park_id) filter (where pr.valid) as projects,
        count(pr.park_id) filter (where pr.valid and pr.year = y.rank_year) as new_projects,
        count(pr.park_id) filter (where not pr.valid) as missing_projects,
        sum(pr.land_mu) filter (where pr.valid) as land_mu,
        rules.output_per_mu(sum(pr.output_wan) filter (where pr.valid), sum(pr.land_mu) filter (where pr.valid))
            as output_per_mu,
        rules.tax_per_mu(sum(pr.tax_wan) filter (where pr.valid), sum(pr.land_mu) filter (where pr.valid))
            as tax_per_mu,
        rules.investment_intensity(
            sum(pr.investment_wan) filter (where pr.valid), sum(pr.land_mu) filter (where pr.valid)
        ) as investment_intensity,
        rules.plot_ratio(sum(pr.floor_area_m2) filter (where pr.valid), sum(pr.land_mu) filter (where pr.valid))
            as plot_ratio,
        sum(pr.land_mu * pr.output_score) filter (where pr.valid)
            / sum(pr.land_mu) filter (where pr.valid and pr.output_score is not null) as output_score,
        sum(pr.land_mu * pr.tax_score) filter (where pr.valid)
            / sum(pr.land_mu) filter (where pr.valid and pr.tax_score is not null) as tax_score,
        sum(pr.land_mu * pr.investment_score) filter (where pr.valid)
            / sum(pr.land_mu) filter (where pr.valid and pr.investment_score is not null) as investment_score,
        sum(pr.land_mu * pr.plot_score) filter (where pr.valid)
            / sum(pr.land_mu) filter (where pr.valid and pr.plot_score is not null) as plot_score
    from (select rank_year from settings union all select rank_year - 1 from settings) y
    cross join park k
    left join project_scores pr on pr.park_id = k.park_id and pr.year <= y.rank_year
    where $league is null or k.league_code = $league
    group by y.rank_year, k.park_id, k.name, k.league_code
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
        median(v.value) over (partition by v.rank_year, v.league_code) as league_median,
        rank() over (partition by v.rank_year, v.graded order by v.score desc) as grade_position,
        count(*) over (partition by v.rank_year, v.graded) as graded_parks
    from valued v
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
