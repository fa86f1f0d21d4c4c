-- 回头看's population (recheck_population.sql: the items in scope closed between $closed_from and $closed_to, not
-- waiting for an inspection already) counted per stratum of the draw: what the draw form says before a draw,
-- without fetching the items.
-- Params: $league, $park, $closed_from, $closed_to.
-- Columns: league_code, ledger, items.
-- Grain: one row per league and ledger with items, by league and ledger.
select f.league_code, f.ledger, count(*) as items
from item_fact f
where f.current_status = '已销号'
  and f.current_from between cast($closed_from as date) and cast($closed_to as date)
  and ($league is null or f.league_code = $league)
  and ($park is null or f.park_id = $park)
  and not exists (select 1 from recheck_task t where t.item_id = f.item_id and t.result is null)
group by f.league_code, f.ledger
order by f.league_code, f.ledger
