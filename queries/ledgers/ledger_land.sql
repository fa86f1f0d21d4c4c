-- 土地台账 (批而未供 / 闲置土地 / 低效用地): the scope's land items found by $asof with their status on that date,
-- narrowed by the page's filters (each filter is off when its parameter is null). Overdue = not
-- 已整改/已销号 on $asof and deadline before $asof, as on the overview.
-- Params: $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search.
-- Columns: item_id, title, league_code, league_name, park_id, park_name, found_date, responsible_unit, measure,
--          deadline, status, overdue, overdue_days, land_kind, area_mu, approved_date, idle_since, cause,
--          disposal.
-- Grain: one row per item, by league, park and item id.
select
    x.*,  -- rules.ledger_rows: the columns every ledger list starts with
    d.land_kind,
    d.area_mu::double as area_mu,
    d.approved_date,
    d.idle_since,
    d.cause,
    d.disposal
from rules.ledger_rows('land', $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search) x
join land d on d.item_id = x.item_id
order by x.league_code, x.park_id, x.item_id
