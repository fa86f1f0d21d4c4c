-- control_thresholds on PostgreSQL: the same rows as queries/rankings/control_thresholds.sql (its comments say what they mean); here array_position for DuckDB's list_position.
select
    t.league_code,
    l.name as league_name,
    t.industry_category,
    max(t.min_value) filter (where t.indicator = 'investment_intensity') as investment_intensity,
    max(t.min_value) filter (where t.indicator = 'output_per_mu') as output_per_mu,
    max(t.min_value) filter (where t.indicator = 'tax_per_mu') as tax_per_mu,
    max(t.min_value) filter (where t.indicator = 'plot_ratio') as plot_ratio,
    string_agg(distinct t.basis, '、' order by t.basis) filter (where t.indicator <> 'plot_ratio') as basis,
    max(t.basis) filter (where t.indicator = 'plot_ratio') as plot_ratio_basis
from control_threshold t
join league l using (league_code)
where $league is null or t.league_code = $league
group by t.league_code, l.name, t.industry_category
order by
    t.league_code,
    coalesce(array_position(array['农畜产品加工', '能源化工', '新型化工', '冶金', '生物医药', '装备制造'], t.industry_category), 99),
    t.industry_category
