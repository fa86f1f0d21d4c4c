-- ledger_indicator on PostgreSQL: the same rows as queries/ledgers/ledger_indicator.sql (its comments say what they mean),
-- from the same rules.ledger_rows (PostgreSQL's reads item_fact: a page in the ledger's order walks an index and
-- stops); the ledger's own row is a subquery of its own (offset 0): joined, PostgreSQL guessed one item in 19 had
-- a row and sorted them all instead of walking the index.
select
    x.*,  -- rules.ledger_rows: the columns every ledger list starts with
    d.project_name,
    d.industry_category,
    d.indicator,
    d.value,
    d.threshold,
    d.land_mu::double precision as land_mu,
    d.output_wan::double precision as output_wan
from rules.ledger_rows('indicator', $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search) x
cross join lateral (
    select i.indicator, i.value, i.threshold, b.name as project_name, b.industry_category, b.land_mu, b.output_wan
    from indicator i join built_project b on b.project_id = i.project_id
    where i.item_id = x.item_id offset 0
) d
order by x.league_code, x.park_id, x.item_id
