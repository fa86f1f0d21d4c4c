-- Open items past their 整改时限 on $asof, most overdue first.
-- Params: $league, $park, $asof, $ledger (one ledger's items; null: all six).
-- Columns: item_id, ledger, ledger_name, title, park_id, park_name, league_code, league_name,
--          responsible_unit, deadline (in force, after approved 延期), days_overdue, status, extensions (approved
--          延期 of the item by $asof, 0 for none), is_extended (extensions > 0).
-- Grain: one row per overdue item, by days overdue (desc) then item id. The 超期清单 asks for its first rows and its
-- counts (queries/overdue.py), not all.
select
    f.item_id,
    f.ledger,
    g.name as ledger_name,
    f.title,
    f.park_id,
    p.name as park_name,
    f.league_code,
    l.name as league_name,
    f.responsible_unit,
    f.deadline,
    date_diff('day', f.deadline, $asof) as days_overdue,
    f.status,
    f.extensions,
    f.extensions > 0 as is_extended
from rules.items_at($asof) f
join ledger_def g using (ledger)
join park p using (park_id)
join league l on l.league_code = f.league_code
where f.is_overdue
  and ($league is null or f.league_code = $league)
  and ($park is null or f.park_id = $park)
  and ($ledger is null or f.ledger = $ledger)
order by days_overdue desc, f.item_id
