-- 停产企业和停建项目台账: the scope's stalled enterprises and halted projects found by $asof with their
-- status on that date, narrowed by the page's filters (each filter is off when its parameter is
-- null). Overdue = not 已整改/已销号 on $asof and deadline before $asof, as on the overview.
-- Params: $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search.
-- Columns: item_id, title, league_code, league_name, park_id, park_name, found_date, responsible_unit, measure,
--          deadline, status, overdue, overdue_days, kind, zombie, stopped_since, land_mu, energy_tce, water_t,
--          reason, mode.
-- Grain: one row per item, by league, park and item id.
select
    x.*,  -- rules.ledger_rows: the columns every ledger list starts with
    d.kind,
    d.zombie,
    d.stopped_since,
    d.land_mu::double as land_mu,
    d.energy_tce::double as energy_tce,
    d.water_t::double as water_t,
    d.reason,
    d.mode
from rules.ledger_rows('stalled', $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search) x
join stalled d on d.item_id = x.item_id
order by x.league_code, x.park_id, x.item_id
