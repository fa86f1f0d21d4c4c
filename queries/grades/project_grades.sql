-- 亩均评价 of projects for a year: every valid built project in production before that year graded A/B/C/D within
-- its track, by the rules of queries/rules.sql, each switchable here: the score is the composite of
-- project_rankings.sql at the default weights less the year's 扣分 records (project_penalty); the grade by score
-- (rules.score_grade); the veto ($veto): a 安全事故 or 环境事故 recorded for the year caps it at C; the quotas
-- ($quotas, within a track): A at most rules.quota_a() (the lowest-scored A's become B), D at least
-- rules.quota_d() rounded up (the lowest-scored unprotected projects become D); protection ($protect_years, 0 =
-- off): a project in production for fewer years (the year less its completion year) is not graded D (C instead).
-- Tracks (rules.project_track): $track 'land' (50 亩) or 'scale' (规上/规下). The quotas count the whole region's
-- track, so a project's grade does not change with the scope; the scope only narrows the rows returned.
-- Params: $league, $park, $asof, $year (null: the latest completion year not after $asof), $track (null: land),
--         $veto (null: on), $protect_years (null: rules.protect_years()), $quotas (null: on).
-- Columns: project_id, name, park_id, park_name, league_code, league_name, year, completed, track, score,
--          deduction, final_score, vetoed, veto_source, protected, score_grade, grade, adjustment, credit_code,
--          power_account.
-- Grain: one row per graded project in scope, by track, then final score (highest first), then id.
with settings as (
    select
        coalesce($year, (select least(max(year), year($asof::date)) from built_project)) as grade_year,
        coalesce($track, 'land') as track,
        coalesce($veto, true) as veto,
        coalesce($protect_years, rules.protect_years()) as protect_years,
        coalesce($quotas, true) as quotas
),
weights as (
    select * from rules.score_weights(rules.default_weights())
),
penalties as (
    select
        pp.project_id,
        sum(pp.points) filter (where pp.kind = '扣分') as deduction,
        count(*) filter (where pp.kind in ('安全事故', '环境事故')) > 0 as accident,
        string_agg(pp.kind || '：' || pp.source, '；' order by pp.penalty_id)
            filter (where pp.kind in ('安全事故', '环境事故')) as accident_source
    from project_penalty pp
    where pp.year = (select grade_year from settings)
    group by pp.project_id
),
scored as (
    select
        b.project_id,
        b.name,
        b.park_id,
        p.league_code,
        b.year as completed,
        rules.project_track((select track from settings), b.land_mu::double, b.output_wan::double) as track,
        (
            w.w_tax * rules.capped_score(b.tax_wan::double / b.land_mu::double / nullif(t.tax_min, 0))
            + w.w_output * rules.capped_score(b.output_wan::double / b.land_mu::double / nullif(t.output_min, 0))
            + w.w_investment
                * rules.capped_score(b.investment_wan::double / b.land_mu::double / nullif(t.investment_min, 0))
            + w.w_plot * rules.capped_score(rules.plot_ratio(b.floor_area_m2::double, b.land_mu::double)
                / nullif(t.plot_min, 0))
        ) / w.w_total as score,
        coalesce(pe.deduction, 0) as deduction,
        coalesce(pe.accident, false) and (select veto from settings) as vetoed,
        pe.accident_source as veto_source,
        (select grade_year from settings) - b.year < (select protect_years from settings) as protected
    from built_project b
    join park p using (park_id)
    join rules.threshold_row() t on t.league_code = p.league_code and t.industry_category = b.industry_category
    cross join weights w
    left join penalties pe on pe.project_id = b.project_id
    where rules.valid_project(b.land_mu, b.investment_wan, b.output_wan, b.tax_wan, b.floor_area_m2)
      and b.year < (select grade_year from settings)
),
capped as (
    select
        s.*,
        s.score - s.deduction as final_score,
        rules.score_grade(s.score - s.deduction) as score_grade,
        case
            when s.vetoed and rules.score_grade(s.score - s.deduction) in ('A', 'B') then 'C'
            else rules.score_grade(s.score - s.deduction)
        end as capped_grade
    from scored s
    where s.score is not null
),
placed as (
    select
        c.*,
        count(*) over (partition by c.track) as track_projects,
        row_number() over (partition by c.track, c.capped_grade = 'A' order by c.final_score desc, c.project_id)
            as a_place,
        count(*) filter (where c.capped_grade = 'D' and not c.protected) over (partition by c.track) as d_now,
        row_number() over (
            partition by c.track, c.capped_grade <> 'D' and not c.protected order by c.final_score, c.project_id
        ) as low_place
    from capped c
),
quota as (
    select
        q.*,
        case
            when not (select quotas from settings) then q.capped_grade
            when q.capped_grade = 'A' and q.a_place > floor(rules.quota_a() * q.track_projects) then 'B'
            when q.capped_grade <> 'D' and not q.protected
                and q.low_place <= ceil(rules.quota_d() * q.track_projects) - q.d_now then 'D'
            else q.capped_grade
        end as quota_grade
    from placed q
),
graded as (
    select
        g.*,
        case when g.quota_grade = 'D' and g.protected and (select protect_years from settings) > 0 then 'C'
            else g.quota_grade end as grade
    from quota g
)
select
    g.project_id,
    g.name,
    g.park_id,
    k.name as park_name,
    g.league_code,
    l.name as league_name,
    (select grade_year from settings) as year,
    g.completed,
    g.track,
    g.score,
    g.deduction,
    g.final_score,
    g.vetoed,
    g.veto_source,
    g.protected and (select protect_years from settings) > 0 as protected,
    g.score_grade,
    g.grade,
    case
        when g.vetoed and g.capped_grade <> g.score_grade then '否决：' || g.veto_source || '，最高定为 C'
        when g.quota_grade <> g.capped_grade and g.quota_grade = 'B' then 'A 类名额已满（不超过 20%），定为 B'
        when g.quota_grade <> g.capped_grade and g.quota_grade = 'D' then 'D 类不足 5%，按得分补足'
        when g.grade <> g.quota_grade then '投产未满保护期，不定为 D'
        when g.deduction > 0 then '扣分 ' || cast(g.deduction as varchar)
        else ''
    end as adjustment,
    ea.credit_code,
    ea.power_account
from graded g
join park k on k.park_id = g.park_id
join league l on l.league_code = g.league_code
left join enterprise_account ea on ea.project_id = g.project_id
where ($league is null or g.league_code = $league)
  and ($park is null or g.park_id = $park)
order by g.track, g.final_score desc, g.project_id
