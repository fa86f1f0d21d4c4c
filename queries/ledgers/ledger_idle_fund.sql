-- 沉淀资金台账: the scope's idle-fund items found by $asof with their status on that date, narrowed by
-- the page's filters (each filter is off when its parameter is null). Overdue = not 已整改/已销号 on
-- $asof and deadline before $asof, as on the overview. returned_wan (收回上缴) counts only once the
-- item is rectified on $asof (null before).
-- Params: $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search.
-- Columns: item_id, title, league_code, league_name, park_id, park_name, found_date, responsible_unit, measure,
--          deadline, status, overdue, overdue_days, source, nature, fund_year, balance_wan, returned_wan.
-- Grain: one row per item, by league, park and item id.
select
    x.*,  -- rules.ledger_rows: the columns every ledger list starts with
    d.source,
    d.nature,
    d.fund_year,
    d.balance_wan::double as balance_wan,
    case when rules.rectified(x.status) then d.returned_wan::double end as returned_wan
from rules.ledger_rows('idle_fund', $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search) x
join idle_fund d on d.item_id = x.item_id
order by x.league_code, x.park_id, x.item_id
