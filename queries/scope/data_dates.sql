-- The date range the ledgers cover: first finding and last recorded status change.
-- Params: none.
-- Columns: first_date, last_date. Grain: one row.
select min(event_date) as first_date, max(event_date) as last_date
from item_event
