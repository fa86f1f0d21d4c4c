-- Each league's 控制性指标 per industry category, one column per indicator (demo values are estimates).
-- basis: the basis of 投资强度, 亩均产值 and 亩均税收; plot_ratio_basis: that of 容积率 (the 2008 national
-- standard, or a league's stricter one).
-- Params: $league.
-- Columns: league_code, league_name, industry_category, investment_intensity, output_per_mu, tax_per_mu,
--          plot_ratio, basis, plot_ratio_basis.
-- Grain: one row per league and category, by league code then the six categories' fixed order.
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
    coalesce(list_position(['农畜产品加工', '能源化工', '新型化工', '冶金', '生物医药', '装备制造'], t.industry_category), 99),
    t.industry_category
