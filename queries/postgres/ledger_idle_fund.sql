-- ledger_idle_fund on PostgreSQL: the same rows as queries/ledgers/ledger_idle_fund.sql (its comments say what they mean),
-- from the same rules.ledger_rows (PostgreSQL's reads item_fact: a page in the ledger's order walks an index and
-- stops); the ledger's own row is a subquery of its own (offset 0): joined, PostgreSQL guessed one item in 19 had
-- a row and sorted them all instead of walking the index.
select
    x.*,  -- rules.ledger_rows: the columns every ledger list starts with
    d.source,
    d.nature,
    d.fund_year,
    d.balance_wan::double precision as balance_wan,
    case when rules.rectified(x.status) then d.returned_wan::double precision end as returned_wan
from rules.ledger_rows('idle_fund', $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search) x
cross join lateral (select * from idle_fund l where l.item_id = x.item_id offset 0) d
order by x.league_code, x.park_id, x.item_id
