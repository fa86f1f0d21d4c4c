-- 基础设施存量资产台账: the scope's infrastructure items found by $asof with their status on that date,
-- narrowed by the page's filters (each filter is off when its parameter is null). Overdue = not
-- 已整改/已销号 on $asof and deadline before $asof, as on the overview.
-- Params: $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search.
-- Columns: item_id, title, league_code, league_name, park_id, park_name, found_date, responsible_unit, measure,
--          deadline, status, overdue, overdue_days, facility_type, investment_wan, build_status,
--          procedures_complete.
-- Grain: one row per item, by league, park and item id.
select
    x.*,  -- rules.ledger_rows: the columns every ledger list starts with
    d.facility_type,
    d.investment_wan::double as investment_wan,
    d.build_status,
    d.procedures_complete
from rules.ledger_rows('infrastructure', $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search) x
join infrastructure d on d.item_id = x.item_id
order by x.league_code, x.park_id, x.item_id
