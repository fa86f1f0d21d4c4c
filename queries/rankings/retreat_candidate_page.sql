-- One page of the 倒逼腾退 candidates (queries/rankings/retreat_candidates.sql, whose comments say what the rows
-- and columns mean): every row of the projects $offset + 1 … $offset + $page_size in its order (failing most
-- first, then park name, project name, project id), of the leagues $leagues; the rankings page shows one page of a
-- list the nation has some hundred thousand of (retreat_candidate_counts counts them all).
-- Params: $league, $park, $asof, $year (null: the latest completion year not after $asof), $leagues (league codes
--         joined by commas; null: every league), $page_size (null: 50), $offset (null: 0; in projects).
-- Columns: project_id, name, park_id, park_name, league_code, league_name, industry_category, year,
--          land_mu, indicator, value, threshold, gap, gap_share, failed_indicators, basis, item_id, item_status
--          (as retreat_candidates.sql).
-- Grain: one row per project on the page and indicator below its threshold, in retreat_candidates.sql's order.
with settings as (
    select coalesce($year, (select least(max(year), year($asof::date)) from built_project)) as rank_year
),
candidates as (
    select
        s.*,
        b.name,
        b.park_id,
        p.name as park_name,
        p.league_code,
        count(*) over (partition by s.project_id) as failed_indicators
    from rules.shortfalls((select rank_year from settings)) s
    join built_project b using (project_id)
    join park p on p.park_id = b.park_id
    where ($league is null or p.league_code = $league)
      and ($park is null or b.park_id = $park)
      and ($leagues is null or list_contains(string_split($leagues, ','), p.league_code))
),
page as (
    select distinct project_id, failed_indicators, park_name, name
    from candidates
    order by failed_indicators desc, park_name, name, project_id
    limit coalesce($page_size, 50) offset coalesce($offset, 0)
)
select
    b.project_id,
    b.name,
    b.park_id,
    c.park_name,
    c.league_code,
    l.name as league_name,
    b.industry_category,
    b.year,
    b.land_mu::double as land_mu,
    c.indicator,
    c.value,
    c.threshold,
    c.threshold - c.value as gap,
    (c.threshold - c.value) / nullif(c.threshold, 0) as gap_share,
    c.failed_indicators,
    c.basis,
    ledger.item_id,
    ledger.status as item_status
from candidates c
join page using (project_id)
join built_project b using (project_id)
join league l on l.league_code = c.league_code
left join (  -- the status on $asof of the page's projects' items found by then
    select ind.project_id, x.item_id, x.status
    from indicator ind
    join (from rules.items_at($asof::date) where ledger = 'indicator') x using (item_id)
    where ind.project_id in (select project_id from page)
) ledger using (project_id)
order by
    c.failed_indicators desc,
    c.park_name,
    b.name,
    b.project_id,
    list_position(['investment_intensity', 'output_per_mu', 'tax_per_mu', 'plot_ratio'], c.indicator)
