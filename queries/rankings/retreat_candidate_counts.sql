-- How many 倒逼腾退 candidates a ranking year has per league, counted as retreat_candidates lists them (built
-- projects completed before that year, with land area and every quantity, below their league's threshold for
-- their category on at least one indicator), without listing them: the page's figures need only the counts.
-- Params: $league, $park, $asof, $year (null: the latest completion year not after $asof).
-- Columns: league_code, candidates (projects), listed (their 园区指标 item found by $asof), rectified (that item
--          已整改 or 已销号 on $asof).
-- Grain: one row per league with at least one candidate, by league code.
with settings as (
    select coalesce($year, (select least(max(year), year($asof::date)) from built_project)) as rank_year
),
projects as (
    select
        b.project_id,
        p.league_code,
        b.industry_category,
        b.land_mu::double as land_mu,
        b.investment_wan::double as investment_wan,
        b.output_wan::double as output_wan,
        b.tax_wan::double as tax_wan,
        b.floor_area_m2::double as floor_area_m2
    from built_project b
    join park p using (park_id)
    where b.land_mu > 0
      and b.investment_wan is not null
      and b.output_wan is not null
      and b.tax_wan is not null
      and b.floor_area_m2 is not null
      and b.year < (select rank_year from settings)
      and ($league is null or p.league_code = $league)
      and ($park is null or b.park_id = $park)
),
candidates as (
    select distinct pr.project_id, pr.league_code
    from projects pr
    join control_threshold t on t.league_code = pr.league_code and t.industry_category = pr.industry_category
    where case t.indicator
        when 'investment_intensity' then pr.investment_wan / pr.land_mu
        when 'output_per_mu' then pr.output_wan / pr.land_mu
        when 'tax_per_mu' then pr.tax_wan / pr.land_mu
        when 'plot_ratio' then pr.floor_area_m2 / (pr.land_mu * 666.67)
    end < t.min_value
)
select
    c.league_code,
    count(*) as candidates,
    count(ledger.item_id) as listed,
    count(ledger.item_id) filter (where ledger.status in ('已整改', '已销号')) as rectified
from candidates c
left join (
    select ind.project_id, x.item_id, x.status
    from indicator ind
    join (
        from rules.items_at($asof::date)
        where ledger = 'indicator'
          and item_id in (select item_id from indicator where project_id in (select project_id from candidates))
    ) x using (item_id)
) ledger using (project_id)
group by c.league_code
order by c.league_code
