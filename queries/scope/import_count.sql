-- How many ledger files have been imported (0: every ledger is demo data). Asked before sign-in; no figures.
-- Params: none.
-- Columns: batches. Grain: one row.
select count(*) as batches
from import_batch
