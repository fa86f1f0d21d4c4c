-- ledger_stalled on PostgreSQL: the same rows as queries/ledgers/ledger_stalled.sql (its comments say what they mean),
-- from the same rules.ledger_rows (PostgreSQL's reads item_fact: a page in the ledger's order walks an index and
-- stops); the ledger's own row is a subquery of its own (offset 0): joined, PostgreSQL guessed one item in 19 had
-- a row and sorted them all instead of walking the index.
select
    x.*,  -- rules.ledger_rows: the columns every ledger list starts with
    d.kind,
    d.zombie,
    d.stopped_since,
    d.land_mu::double precision as land_mu,
    d.energy_tce::double precision as energy_tce,
    d.water_t::double precision as water_t,
    d.reason,
    d.mode
from rules.ledger_rows('stalled', $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search) x
cross join lateral (select * from stalled l where l.item_id = x.item_id offset 0) d
order by x.league_code, x.park_id, x.item_id
