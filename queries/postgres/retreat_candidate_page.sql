-- retreat_candidate_page on PostgreSQL: the same rows as queries/rankings/retreat_candidate_page.sql (its comments say what they mean); here the page's projects read in the order kept in candidate_project's indexes and their rows from project_shortfall (ledger/kept/rankings.py: each year's candidates, a ranking of Y taking those completed before Y) instead of every project's rules.shortfalls sorted, the page's items' status looked up for them alone (rules.status_at: a span in force, else 待整改) instead of every item's (rules.items_at), string_to_array for string_split, array_position for list_position, extract for year().
with settings as (
    select coalesce($year, (select least(max(year), extract(year from $asof::date)) from built_project)) as rank_year
),
page as (
    select c.project_id, c.failed_indicators, c.park_name
    from candidate_project c
    where c.year < (select rank_year from settings)
      and ($league is null or c.league_code = $league)
      and ($park is null or c.park_id = $park)
      and ($leagues is null or c.league_code = any(string_to_array($leagues, ',')))
    order by c.failed_indicators desc, c.park_name, c.name, c.project_id
    limit coalesce($page_size, 50) offset coalesce($offset, 0)
)
select
    b.project_id,
    b.name,
    b.park_id,
    c.park_name,
    s.league_code,
    l.name as league_name,
    b.industry_category,
    b.year,
    b.land_mu::double precision as land_mu,
    s.indicator,
    s.value,
    s.threshold,
    s.threshold - s.value as gap,
    (s.threshold - s.value) / nullif(s.threshold, 0) as gap_share,
    c.failed_indicators,
    s.basis,
    ledger.item_id,
    ledger.status as item_status
from page c
join project_shortfall s using (project_id)
join built_project b using (project_id)
join league l on l.league_code = s.league_code
left join (  -- the status on $asof of the page's projects' items found by then, as rules.items_at gives it
    select ind.project_id, f.item_id, coalesce(st.status, '待整改') as status
    from indicator ind
    join item_fact f on f.item_id = ind.item_id and f.ledger = 'indicator' and f.found_date <= $asof::date
    left join rules.status_at($asof::date) st on st.item_id = f.item_id
    where ind.project_id in (select project_id from page)
) ledger using (project_id)
order by
    c.failed_indicators desc,
    c.park_name,
    b.name,
    b.project_id,
    array_position(array['investment_intensity', 'output_per_mu', 'tax_per_mu', 'plot_ratio'], s.indicator)
