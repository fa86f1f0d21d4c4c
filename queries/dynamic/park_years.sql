-- Each park's composite 亩均效益 score, rank and grade for every year the built projects cover (动态管理): the
-- score of park_rankings.sql at the default weights (rules.default_weights()) over the projects completed by
-- the end of each year, ranked region-wide, within its level (国家级 / 自治区级) and within its league's tier
-- (rules.league_tier), with the 末位组 (rules.bottom_group), the years in it among the judged years
-- (rules.judged_years) and the 再整合再优化 candidates (rules.readjust_candidate). Ranks and the bottom group
-- are region-wide judgements, so they do not change with the scope; the scope only narrows the rows returned.
-- rank: 1 = highest score, ties broken by park name, among the parks with a score that year.
-- grade: as park_rankings.sql (among parks with ≥ 3 valid projects, A q < 20 %, B < 60 %, C < 90 %, else D).
-- output_share: Σ产值 / Σ用地 of the valid projects over the land-weighted 亩均产值 threshold (park_flags.sql).
-- Params: $league, $park, $asof (years up to year($asof)), $year (null: every year; else that year's rows only).
-- Columns: park_id, name, league_code, league_name, level, tier, year, projects, output_share, score, rank,
--          ranked, level_rank, level_ranked, tier_rank, tier_ranked, grade, prev_rank, rank_change
--          (prev_rank - rank, > 0 = moved up), bottom, bottom_years, few_and_low, candidate.
-- Grain: one row per park in scope and year, by park then year.
with years as (  -- every year from the first completion to the latest one not after $asof (ranking_years.sql)
    select g.year::integer as year
    from generate_series(
        (select min(year) from built_project),
        (select least(max(year), year($asof::date)) from built_project)
    ) as g(year)
),
weights as (
    select * from rules.score_weights(rules.default_weights())
),
projects as (
    select
        b.park_id,
        b.year,
        rules.valid_project(b.land_mu, b.investment_wan, b.output_wan, b.tax_wan, b.floor_area_m2) as valid,
        b.land_mu::double as land_mu,
        b.output_wan::double as output_wan,
        t.output_min,
        rules.capped_score(
            rules.output_per_mu(b.output_wan::double, nullif(b.land_mu::double, 0)) / nullif(t.output_min, 0)
        ) as output_score,
        rules.capped_score(
            rules.tax_per_mu(b.tax_wan::double, nullif(b.land_mu::double, 0)) / nullif(t.tax_min, 0)
        ) as tax_score,
        rules.capped_score(
            rules.investment_intensity(b.investment_wan::double, nullif(b.land_mu::double, 0))
            / nullif(t.investment_min, 0)
        ) as investment_score,
        rules.capped_score(
            rules.plot_ratio(b.floor_area_m2::double, nullif(b.land_mu::double, 0)) / nullif(t.plot_min, 0)
        ) as plot_score
    from built_project b
    join park p using (park_id)
    left join rules.threshold_row() t on t.league_code = p.league_code and t.industry_category = b.industry_category
),
park_year as (
    select
        y.year,
        k.park_id,
        count(pr.park_id) filter (where pr.valid) as projects,
        rules.output_per_mu(sum(pr.output_wan) filter (where pr.valid), sum(pr.land_mu) filter (where pr.valid))
            / nullif(
                sum(pr.land_mu * pr.output_min) filter (where pr.valid)
                / sum(pr.land_mu) filter (where pr.valid and pr.output_min is not null),
                0
            ) as output_share,
        sum(pr.land_mu * pr.output_score) filter (where pr.valid)
            / sum(pr.land_mu) filter (where pr.valid and pr.output_score is not null) as output_score,
        sum(pr.land_mu * pr.tax_score) filter (where pr.valid)
            / sum(pr.land_mu) filter (where pr.valid and pr.tax_score is not null) as tax_score,
        sum(pr.land_mu * pr.investment_score) filter (where pr.valid)
            / sum(pr.land_mu) filter (where pr.valid and pr.investment_score is not null) as investment_score,
        sum(pr.land_mu * pr.plot_score) filter (where pr.valid)
            / sum(pr.land_mu) filter (where pr.valid and pr.plot_score is not null) as plot_score
    from years y
    cross join park k
    left join projects pr on pr.park_id = k.park_id and pr.year <= y.year
    group by y.year, k.park_id
),
scored as (
    select
        py.year,
        py.park_id,
        k.name,
        k.league_code,
        k.level,
        rules.league_tier(k.league_code) as tier,
        py.projects,
        py.output_share,
        (
            w.w_tax * py.tax_score
            + w.w_output * py.output_score
            + w.w_investment * py.investment_score
            + w.w_plot * py.plot_score
        ) / w.w_total as score,
        py.projects >= 3 and py.output_score is not null and py.tax_score is not null
            and py.investment_score is not null and py.plot_score is not null as graded
    from park_year py
    join park k on k.park_id = py.park_id
    cross join weights w
),
ranked as (
    select
        s.*,
        case when s.score is not null then row_number() over (partition by s.year order by s.score desc nulls last, s.name) end
            as rank,
        count(s.score) over (partition by s.year) as ranked,
        case when s.score is not null
            then row_number() over (partition by s.year, s.level order by s.score desc nulls last, s.name) end
            as level_rank,
        count(s.score) over (partition by s.year, s.level) as level_ranked,
        case when s.score is not null
            then row_number() over (partition by s.year, s.tier order by s.score desc nulls last, s.name) end
            as tier_rank,
        count(s.score) over (partition by s.year, s.tier) as tier_ranked,
        rank() over (partition by s.year, s.graded order by s.score desc) as grade_position,
        count(*) over (partition by s.year, s.graded) as graded_parks
    from scored s
),
judged as (
    select
        r.*,
        rules.bottom_group(r.rank, r.ranked) as bottom,
        (
            select count(*)
            from ranked b
            where b.park_id = r.park_id
              and b.year > r.year - rules.judged_years()
              and b.year <= r.year
              and rules.bottom_group(b.rank, b.ranked)
        ) as bottom_years
    from ranked r
    where ($league is null or r.league_code = $league)
      and ($park is null or r.park_id = $park)
      and ($year is null or r.year = $year)
)
select
    j.park_id,
    j.name,
    j.league_code,
    l.name as league_name,
    j.level,
    j.tier,
    j.year,
    j.projects,
    j.output_share,
    j.score,
    j.rank,
    j.ranked,
    j.level_rank,
    j.level_ranked,
    j.tier_rank,
    j.tier_ranked,
    rules.rank_grade(j.graded, j.grade_position, j.graded_parks) as grade,
    p.rank as prev_rank,
    p.rank - j.rank as rank_change,
    j.bottom,
    j.bottom_years,
    rules.few_and_low(j.projects, j.output_share) as few_and_low,
    rules.readjust_candidate(j.bottom_years, rules.few_and_low(j.projects, j.output_share)) as candidate
from judged j
join league l on l.league_code = j.league_code
left join ranked p on p.park_id = j.park_id and p.year = j.year - 1
order by j.park_id, j.year
