-- 待批项目台账: the scope's pending projects found by $asof with their status on that date, narrowed by
-- the page's filters (each filter is off when its parameter is null). Overdue = not 已整改/已销号 on
-- $asof and deadline before $asof, as on the overview.
-- Params: $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search.
-- Columns: item_id, title, league_code, league_name, park_id, park_name, found_date, responsible_unit, measure,
--          deadline, status, overdue, overdue_days, project_stage, approval_item, approval_count,
--          approval_authority, acceptance.
-- Grain: one row per item, by league, park and item id.
select
    x.*,  -- rules.ledger_rows: the columns every ledger list starts with
    d.project_stage,
    d.approval_item,
    d.approval_count,
    d.approval_authority,
    d.acceptance
from rules.ledger_rows('pending_approval', $league, $park, $asof, $status, $overdue_only, $unit, $phase, $search) x
join pending_approval d on d.item_id = x.item_id
order by x.league_code, x.park_id, x.item_id
