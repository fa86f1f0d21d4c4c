-- ledger_land on PostgreSQL: the same rows as queries/ledgers/ledger_land.sql (its comments say what they mean),
-- from the same rules.ledger_rows (PostgreSQL's reads item_fact: a page in the ledger's order walks an index and
-- stops); the ledger's own row is a subquery of its own (offset 0): joined, PostgreSQL guessed one item in 19 had
-- a row and sorted them all instead of walking the index.
select
    x.*,  -- rules.ledger_rows: the columns every ledger list starts with
    d.land_kind,
    d.area_mu::double precision as area_mu,
    d.approved_date,
    d.idle_since,
    d.cause,
    d.disposal
from rules.ledger_rows('land', $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search) x
cross join lateral (select * from land l where l.item_id = x.item_id offset 0) d
order by x.league_code, x.park_id, x.item_id
