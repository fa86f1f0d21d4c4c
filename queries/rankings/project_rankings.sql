-- Built projects completed by the end of the ranking year, ranked by $metric, each indicator set
-- against its league's threshold for its category, with the composite 亩均效益 score and grade.
-- Indicators, valid projects, indicator scores and weights: the rules of queries/rules.sql. A project that is
-- not rules.valid_project is status 数据缺失: its indicators are null (never divided by), it has no rank and no
-- grade. Indicator score = rules.capped_score(value / threshold) (null stays null); score = Σ weight × indicator
-- score / Σ weights; the *_points columns add up to score.
-- rank: 1 = highest value, ties broken by project name then id, among the valid projects in scope.
-- grade: among valid projects completed before the ranking year (those completed in it are 当年投产 and
-- 不定等级), by q = projects with a strictly higher score / graded projects: A q < 20%, B q < 60%,
-- C q < 90%, D otherwise; equal scores, equal grades.
-- Params: $league, $park, $asof, $year (null: the latest completion year not after $asof), $metric (one
--         of score, output_per_mu, tax_per_mu, investment_intensity, plot_ratio; null: score), $weights
--         (struct of tax_per_mu, output_per_mu, investment_intensity, plot_ratio; null: rules.default_weights()).
-- Columns: project_id, name, park_id, park_name, league_code, industry_category, year, land_mu,
--          investment_wan, output_wan, tax_wan, floor_area_m2, output_per_mu, tax_per_mu,
--          investment_intensity, plot_ratio, output_min, tax_min, investment_min, plot_min, output_score,
--          tax_score, investment_score, plot_score, tax_points, output_points, investment_points,
--          plot_points, score, value, rank, status (数据缺失 / 当年投产 / 正常), grade.
-- Grain: one row per built project in scope completed by the ranking year, by rank then name.
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
        b.project_id,
        b.name,
        b.park_id,
        p.name as park_name,
        p.league_code,
        b.industry_category,
        b.year,
        b.land_mu::double as land_mu,
        b.investment_wan::double as investment_wan,
        b.output_wan::double as output_wan,
        b.tax_wan::double as tax_wan,
        b.floor_area_m2::double as floor_area_m2,
        rules.valid_project(b.land_mu, b.investment_wan, b.output_wan, b.tax_wan, b.floor_area_m2) as valid,
        t.output_min,
        t.tax_min,
        t.investment_min,
        t.plot_min
    from built_project b
    join park p using (park_id)
    left join rules.threshold_row() t on t.league_code = p.league_code and t.industry_category = b.industry_category
    where b.year <= (select rank_year from settings)
      and ($league is null or p.league_code = $league)
      and ($park is null or b.park_id = $park)
),
indicators as (
    select
        pr.*,
        case when pr.valid then rules.output_per_mu(pr.output_wan, pr.land_mu) end as output_per_mu,
        case when pr.valid then rules.tax_per_mu(pr.tax_wan, pr.land_mu) end as tax_per_mu,
        case when pr.valid then rules.investment_intensity(pr.investment_wan, pr.land_mu) end as investment_intensity,
        case when pr.valid then rules.plot_ratio(pr.floor_area_m2, pr.land_mu) end as plot_ratio
    from projects pr
),
vs_min as (
    select
        i.*,
        i.output_per_mu / nullif(i.output_min, 0) as output_vs_min,
        i.tax_per_mu / nullif(i.tax_min, 0) as tax_vs_min,
        i.investment_intensity / nullif(i.investment_min, 0) as investment_vs_min,
        i.plot_ratio / nullif(i.plot_min, 0) as plot_vs_min
    from indicators i
),
scored as (
    select
        v.*,
        rules.capped_score(v.output_vs_min) as output_score,
        rules.capped_score(v.tax_vs_min) as tax_score,
        rules.capped_score(v.investment_vs_min) as investment_score,
        rules.capped_score(v.plot_vs_min) as plot_score
    from vs_min v
),
composite as (
    select
        s.*,
        w.w_tax * s.tax_score / w.w_total as tax_points,
        w.w_output * s.output_score / w.w_total as output_points,
        w.w_investment * s.investment_score / w.w_total as investment_points,
        w.w_plot * s.plot_score / w.w_total as plot_points,
        (
            w.w_tax * s.tax_score
            + w.w_output * s.output_score
            + w.w_investment * s.investment_score
            + w.w_plot * s.plot_score
        ) / w.w_total as score
    from scored s
    cross join weights w
),
valued as (
    select
        c.*,
        case (select metric from settings)
            when 'score' then c.score
            when 'output_per_mu' then c.output_per_mu
            when 'tax_per_mu' then c.tax_per_mu
            when 'investment_intensity' then c.investment_intensity
            when 'plot_ratio' then c.plot_ratio
        end as value,
        case
            when not c.valid then '数据缺失'
            when c.year = (select rank_year from settings) then '当年投产'
            else '正常'
        end as status,
        c.valid and c.year < (select rank_year from settings) and c.score is not null as graded
    from composite c
),
ranked as (
    select
        v.*,
        case
            when v.value is not null
                then row_number() over (order by v.value desc nulls last, v.name, v.project_id)
        end as rank,
        rank() over (partition by v.graded order by v.score desc) as grade_position,
        count(*) over (partition by v.graded) as graded_projects
    from valued v
)
select
    project_id,
    name,
    park_id,
    park_name,
    league_code,
    industry_category,
    year,
    land_mu,
    investment_wan,
    output_wan,
    tax_wan,
    floor_area_m2,
    output_per_mu,
    tax_per_mu,
    investment_intensity,
    plot_ratio,
    output_min,
    tax_min,
    investment_min,
    plot_min,
    output_score,
    tax_score,
    investment_score,
    plot_score,
    tax_points,
    output_points,
    investment_points,
    plot_points,
    score,
    value,
    rank,
    status,
    rules.rank_grade(graded, grade_position, graded_projects) as grade
from ranked
order by rank nulls last, name, project_id
