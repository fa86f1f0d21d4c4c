-- retreat_candidates on PostgreSQL: the same rows as queries/rankings/retreat_candidates.sql (its comments say what they mean); here the candidates of every year kept in project_shortfall (ledger/kept/rankings.py) taken for the years before the ranking's, their items' status looked up for them alone (rules.status_at: a span in force, else 待整改) instead of every item's (rules.items_at), array_position for list_position, a select for FROM-first, extract for year().
with settings as (
    select coalesce($year, (select least(max(year), extract(year from $asof::date)) from built_project)) as rank_year
),
checked as (
    select
        s.*,
        array_position(array['investment_intensity', 'output_per_mu', 'tax_per_mu', 'plot_ratio'], s.indicator) as sort
    from project_shortfall s
    where s.year < (select rank_year from settings)
      and ($league is null or s.league_code = $league)
      and ($park is null or s.park_id = $park)
)
select
    b.project_id,
    b.name,
    b.park_id,
    p.name as park_name,
    p.league_code,
    l.name as league_name,
    b.industry_category,
    b.year,
    b.land_mu::double precision as land_mu,
    s.indicator,
    s.value,
    s.threshold,
    s.threshold - s.value as gap,
    (s.threshold - s.value) / nullif(s.threshold, 0) as gap_share,
    count(*) over (partition by b.project_id) as failed_indicators,
    s.basis,
    ledger.item_id,
    ledger.status as item_status
from checked s
join built_project b using (project_id)
join park p on p.park_id = b.park_id
join league l on l.league_code = p.league_code
left join (  -- the status on $asof of the candidates' items found by then, as rules.items_at gives it
    select ind.project_id, f.item_id, coalesce(st.status, '待整改') as status
    from indicator ind
    join item_fact f on f.item_id = ind.item_id and f.ledger = 'indicator' and f.found_date <= $asof::date
    left join rules.status_at($asof::date) st on st.item_id = f.item_id
    where ind.project_id in (select project_id from checked)
) ledger using (project_id)
order by failed_indicators desc, park_name, b.name, b.project_id, s.sort
