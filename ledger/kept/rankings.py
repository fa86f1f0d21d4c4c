"""PostgreSQL only: the rankings' kept tables (ledger/postgres/kept.sql, part "rankings"), filled from the built
projects, the thresholds and the items' kept changes, and kept in step with every write that changes items.

Built projects, control_threshold and park are written in PostgreSQL only by the copy command and the demo build
(both through install_kept: every kept table rebuilt), so park_year_total, park_year_rank, project_shortfall and
candidate_project are only ever rebuilt (a write path that changed them would call rebuild in its transaction). The
园区指标 items of candidate projects change with the workflow and imports: their changes follow item_kpi_change
(ledger/kept/kpis.py) in the same transaction, by the same take-back-and-add as the overview's figures.
"""

from ledger.kept.sums import add_sums
from ledger.writing import PgCursor

TABLES = (
    "park_year_total",
    "park_year_rank",
    "project_shortfall",
    "candidate_project",
    "candidate_item_change",
    "candidate_change",
)
# Each park's built projects completed by the end of each year from the first completion to the latest (every park,
# every year): what park_rankings, park_flags, park_indicators, park_years and retreat_candidate_counts read for a
# ranking year (their comments say what each figure is; the rules are queries/rules.sql), and the valid projects
# completed in the year itself (new_projects). The sums are exact (numeric) so that parks with the same projects
# have the same figures and tie.
PARK_YEARS = """
insert into park_year_total
with projects as (
    select
        b.park_id,
        b.year,
        p.league_code,
        coalesce(nullif(substring(b.name from '^(.+?)年产'), ''), b.name) as enterprise,
        rules.valid_project(b.land_mu, b.investment_wan, b.output_wan, b.tax_wan, b.floor_area_m2) as valid,
        b.project_id in (select project_id from project_shortfall) as candidate,
        b.land_mu,  -- numeric: the sums below are exact
        b.investment_wan,
        b.output_wan,
        b.tax_wan,
        b.floor_area_m2,
        t.output_min,
        rules.capped_score(
            rules.output_per_mu(b.output_wan::double precision, nullif(b.land_mu::double precision, 0))
            / nullif(t.output_min, 0)
        ) as output_score,
        rules.capped_score(
            rules.tax_per_mu(b.tax_wan::double precision, nullif(b.land_mu::double precision, 0))
            / nullif(t.tax_min, 0)
        ) as tax_score,
        rules.capped_score(
            rules.investment_intensity(b.investment_wan::double precision, nullif(b.land_mu::double precision, 0))
            / nullif(t.investment_min, 0)
        ) as investment_score,
        rules.capped_score(
            rules.plot_ratio(b.floor_area_m2::double precision, nullif(b.land_mu::double precision, 0))
            / nullif(t.plot_min, 0)
        ) as plot_score
    from built_project b
    join park p using (park_id)
    left join rules.threshold_row() t on t.league_code = p.league_code and t.industry_category = b.industry_category
    where b.year is not null
),
firsts as (  -- how many enterprises had their first project in the park completed each year
    select park_id, year, count(*) as enterprises
    from (select park_id, enterprise, min(year) as year from projects group by park_id, enterprise) e
    group by park_id, year
),
sums as (
    select
        park_id,
        year,
        min(league_code) as league_code,
        count(*) filter (where valid) as projects,
        count(*) filter (where not valid) as missing_projects,
        count(*) filter (where candidate) as candidates,
        sum(land_mu) filter (where valid) as land_mu,
        sum(investment_wan) filter (where valid) as investment_wan,
        sum(output_wan) filter (where valid) as output_wan,
        sum(tax_wan) filter (where valid) as tax_wan,
        sum(floor_area_m2) filter (where valid) as floor_area_m2,
        sum((land_mu::double precision * output_score)::numeric) filter (where valid) as output_points,
        sum(land_mu) filter (where valid and output_score is not null) as output_land,
        sum((land_mu::double precision * tax_score)::numeric) filter (where valid) as tax_points,
        sum(land_mu) filter (where valid and tax_score is not null) as tax_land,
        sum((land_mu::double precision * investment_score)::numeric) filter (where valid) as investment_points,
        sum(land_mu) filter (where valid and investment_score is not null) as investment_land,
        sum((land_mu::double precision * plot_score)::numeric) filter (where valid) as plot_points,
        sum(land_mu) filter (where valid and plot_score is not null) as plot_land,
        sum((land_mu::double precision * output_min)::numeric) filter (where valid) as benchmark_points,
        sum(land_mu) filter (where valid and output_min is not null) as benchmark_land
    from projects
    group by park_id, year
),
totals as (  -- exact sums to each year's end
    select
        k.park_id,
        y.year,
        k.league_code,
        coalesce(s.projects, 0) as new_projects,
        sum(coalesce(s.projects, 0)) over w as projects,
        sum(coalesce(s.missing_projects, 0)) over w as missing_projects,
        sum(coalesce(f.enterprises, 0)) over w as enterprises,
        sum(coalesce(s.candidates, 0)) over w as candidates,
        sum(s.land_mu) over w as land_mu,
        sum(s.investment_wan) over w as investment_wan,
        sum(s.output_wan) over w as output_wan,
        sum(s.tax_wan) over w as tax_wan,
        sum(s.floor_area_m2) over w as floor_area_m2,
        sum(s.output_points) over w as output_points,
        sum(s.output_land) over w as output_land,
        sum(s.tax_points) over w as tax_points,
        sum(s.tax_land) over w as tax_land,
        sum(s.investment_points) over w as investment_points,
        sum(s.investment_land) over w as investment_land,
        sum(s.plot_points) over w as plot_points,
        sum(s.plot_land) over w as plot_land,
        sum(s.benchmark_points) over w as benchmark_points,
        sum(s.benchmark_land) over w as benchmark_land
    from (
        select g.year::integer as year
        from generate_series((select min(year) from sums), (select max(year) from sums)) g(year)
    ) y
    cross join park k
    left join sums s on s.park_id = k.park_id and s.year = y.year
    left join firsts f on f.park_id = k.park_id and f.year = y.year
    window w as (partition by k.park_id order by y.year)
)
select
    park_id, year, league_code, new_projects, projects, missing_projects, enterprises, candidates,
    land_mu::double precision,
    investment_wan::double precision,
    output_wan::double precision,
    tax_wan::double precision,
    floor_area_m2::double precision,
    (output_points / output_land)::double precision,
    (tax_points / tax_land)::double precision,
    (investment_points / investment_land)::double precision,
    (plot_points / plot_land)::double precision,
    (benchmark_points / benchmark_land)::double precision
from totals
"""
# 动态管理 (queries/dynamic/park_years.sql, whose comments say what each column is): every park's composite score at
# the default weights in every year from the first completion to the latest, its ranks (region, level, tier), grade
# and 末位组 years. A year's figures depend only on the projects completed by then, so they are judged once.
PARK_RANKS = """
insert into park_year_rank
with weights as (
    select * from rules.score_weights(rules.default_weights())
),
park_year as (
    select
        s.year,
        s.park_id,
        s.projects,
        rules.output_per_mu(s.output_wan, s.land_mu) / nullif(s.output_benchmark, 0) as output_share,
        s.output_score,
        s.tax_score,
        s.investment_score,
        s.plot_score
    from park_year_total s
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
        case when s.score is not null
            then row_number() over (partition by s.year order by s.score desc nulls last, s.name) end
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
bottoms as (  -- the years in the 末位组 among each park's judged years: every park has a row for every year
    select
        r.park_id, r.year, r.projects, r.output_share, r.score, r.rank, r.ranked, r.level_rank, r.level_ranked,
        r.tier_rank, r.tier_ranked,
        rules.rank_grade(r.graded, r.grade_position, r.graded_parks) as grade,
        rules.bottom_group(r.rank, r.ranked) as bottom,
        count(*) filter (where rules.bottom_group(r.rank, r.ranked)) over (
            partition by r.park_id order by r.year range between rules.judged_years() - 1 preceding and current row
        ) as bottom_years
    from ranked r
)
select * from bottoms
"""
# rules.shortfalls of every completion year (the year after the latest includes them all), with where and when.
SHORTFALLS = """
insert into project_shortfall
select s.project_id, s.indicator, s.value, s.threshold, s.basis, b.park_id, p.league_code, b.year
from rules.shortfalls((select max(year) + 1 from built_project)) s
join built_project b using (project_id)
join park p on p.park_id = b.park_id
"""
# Each candidate project once with its number of shortfalls and the names retreat_candidates orders it by.
CANDIDATE_PROJECTS = """
insert into candidate_project
select s.project_id, count(*), p.name, b.name, s.park_id, s.league_code, s.year
from project_shortfall s
join built_project b using (project_id)
join park p on p.park_id = s.park_id
group by s.project_id, p.name, b.name, s.park_id, s.league_code, s.year
"""
# The listed (found) and rectified changes of the 园区指标 items in {items} whose project is a candidate.
CANDIDATE_ITEM_CHANGES = """
select k.item_id, b.park_id, p.league_code, b.year, k.day, k.found, k.rectified
from item_kpi_change k
join indicator i using (item_id)
join built_project b using (project_id)
join park p on p.park_id = b.park_id
where k.ledger = 'indicator' and (k.found <> 0 or k.rectified <> 0) and {items}
  and exists (select from project_shortfall s where s.project_id = b.project_id)
"""
# The item changes in `moves` (a CTE) added to candidate_change in key order (concurrent writers: no deadlock).
ADD_TO_CANDIDATES = add_sums(
    "candidate_change", ("park_id", "year", "day"), ("listed", "rectified"), also={"league_code": "min(league_code)"}
)


def rebuild(con: PgCursor) -> None:
    """The rankings' kept tables refilled from the truth (after item_kpi_change: the candidates' items read it)."""
    for table in TABLES:
        con.execute(f"delete from {table}")
    con.execute(SHORTFALLS)
    con.execute(CANDIDATE_PROJECTS)
    con.execute(PARK_YEARS)
    con.execute(PARK_RANKS)
    con.execute(f"insert into candidate_item_change {CANDIDATE_ITEM_CHANGES.format(items='true')}")
    con.execute(f"with moves as (select * from candidate_item_change) {ADD_TO_CANDIDATES}")


def refresh_items(con: PgCursor, ids: list[str], prune: bool) -> None:
    """The candidates' item changes of these items (and, with prune, of items no longer in item_fact) taken back and
    made again from item_kpi_change as it now is (refreshed first): candidate_change moves by the difference."""
    gone = " or item_id not in (select item_id from item_fact)" if prune else ""
    con.execute(
        f"""
        with old as (delete from candidate_item_change where item_id = any($ids){gone} returning *),
        new as (
            insert into candidate_item_change {CANDIDATE_ITEM_CHANGES.format(items="k.item_id = any($ids)")}
            returning *
        ),
        moves as (
            select park_id, league_code, year, day, listed, rectified from new
            union all
            select park_id, league_code, year, day, -listed, -rectified from old
        )
        {ADD_TO_CANDIDATES}
        """,
        {"ids": ids},
    )
