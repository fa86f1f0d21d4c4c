-- retreat_candidates on PostgreSQL: the same rows as queries/rankings/retreat_candidates.sql (its comments say what they mean); here array_position for list_position, a select for FROM-first, extract for year().
with settings as (
    select coalesce($year, (select least(max(year), extract(year from $asof::date)) from built_project)) as rank_year
),
checked as (
    select
        s.*,
        array_position(array['investment_intensity', 'output_per_mu', 'tax_per_mu', 'plot_ratio'], s.indicator) as sort
    from rules.shortfalls((select rank_year from settings)) s
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
left join (
    select ind.project_id, x.item_id, x.status
    from indicator ind
    join (select * from rules.items_at($asof::date) where ledger = 'indicator') x using (item_id)
) ledger using (project_id)
where ($league is null or p.league_code = $league)
  and ($park is null or b.park_id = $park)
order by failed_indicators desc, park_name, b.name, b.project_id, s.sort
