-- ledger_idle_fund on PostgreSQL: the same rows as queries/ledgers/ledger_idle_fund.sql (its comments say what they mean); here rules.ledger_rows spelled out over item_fact (each item's status on $asof from rules.item_state_at), so that a page in the ledger's order walks an index and stops, and totals read no park or league row.
select
    f.item_id,
    f.title,
    f.league_code,
    g.name as league_name,
    f.park_id,
    p.name as park_name,
    f.found_date,
    f.responsible_unit,
    f.measure,
    x.deadline,
    x.status,
    x.is_overdue as overdue,
    case when x.is_overdue then ($asof - x.deadline)::bigint end as overdue_days,
    d.source,
    d.nature,
    d.fund_year,
    d.balance_wan::double precision as balance_wan,
    case when rules.rectified(x.status) then d.returned_wan::double precision end as returned_wan
from item_fact f
cross join lateral rules.item_state_at(f.item_id, f.current_from, f.current_status, f.deadline, $asof) x
left join park p on p.park_id = f.park_id
left join league g on g.league_code = f.league_code
cross join lateral (  -- a subquery of its own (offset 0): joined, PostgreSQL guessed one item in 19 had a row
    -- and sorted them all instead of walking the index
    select * from idle_fund l where l.item_id = f.item_id offset 0
) d
where f.ledger = 'idle_fund'
  and f.found_date <= $asof
  and ($league is null or f.league_code = $league)
  and ($park is null or f.park_id = $park)
  and ($status is null or x.status = $status)
  and ($overdue_only is null or not $overdue_only or x.is_overdue)
  and ($unit is null or f.responsible_unit = $unit)
  and ($phase is null or f.found_date between (select start_date from phase where phase_id = $phase)
                                          and (select end_date from phase where phase_id = $phase))
  and ($search is null or strpos(lower(f.title || ' ' || f.item_id), lower(trim($search))) > 0)
order by f.league_code, f.park_id, f.item_id
