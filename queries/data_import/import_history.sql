-- Imports recorded in import_batch, newest first (limited to the scope's league when one is chosen).
-- Params: $league.
-- Columns: batch_id, imported_at, league_name, ledger_name, file_name, rows, imported_by, sha256.
-- Grain: one row per import batch.
select
    b.batch_id,
    b.imported_at,
    l.name as league_name,
    d.name as ledger_name,
    b.file_name,
    b.rows,
    b.imported_by,
    b.sha256
from import_batch b
left join league l using (league_code)
left join ledger_def d using (ledger)
where $league is null or b.league_code = $league
order by b.batch_id desc
