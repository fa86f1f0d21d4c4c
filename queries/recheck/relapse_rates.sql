-- 反弹: of the 回头看 tasks inspected, the share found 不属实 (the item reopened), by league and ledger.
-- Params: $league, $park.
-- Columns: league_code, league_name, ledger, ledger_name, sampled, inspected, relapses, relapse_rate (% of
--          inspected, one decimal; null before any inspection).
-- Grain: one row per league and ledger that has any task, by league code then ledger order.
select
    t.league_code,
    l.name as league_name,
    t.ledger,
    g.name as ledger_name,
    count(*) as sampled,
    count(t.result) as inspected,
    count(*) filter (where t.result = '不属实') as relapses,
    round(100.0 * count(*) filter (where t.result = '不属实') / nullif(count(t.result), 0), 1) as relapse_rate
from recheck_task t
join item i on i.item_id = t.item_id
join league l on l.league_code = t.league_code
join ledger_def g on g.ledger = t.ledger
where ($league is null or t.league_code = $league)
  and ($park is null or i.park_id = $park)
group by t.league_code, l.name, t.ledger, g.name, g.sort
order by t.league_code, g.sort
