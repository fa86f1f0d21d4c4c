-- 反弹: of the 回头看 tasks inspected by $asof, the share found 不属实 (the item reopened), by league and ledger.
-- Params: $league, $park, $asof (draws made and inspections recorded on or before it).
-- Columns: league_code, league_name, ledger, ledger_name, sampled, inspected, relapses, relapse_rate (% of
--          inspected, one decimal; null before any inspection).
-- Grain: one row per league and ledger that has any task drawn by $asof, by league code then ledger order.
with done as (
    select t.league_code, t.ledger, i.park_id,
        case when cast(t.inspected_at as date) <= $asof then t.result end as result
    from recheck_task t
    join recheck_draw d on d.draw_id = t.draw_id
    join item i on i.item_id = t.item_id
    where cast(d.drawn_at as date) <= $asof
)
select
    t.league_code,
    l.name as league_name,
    t.ledger,
    g.name as ledger_name,
    count(*) as sampled,
    count(t.result) as inspected,
    count(*) filter (where t.result = '不属实') as relapses,
    round(100.0 * count(*) filter (where t.result = '不属实') / nullif(count(t.result), 0), 1) as relapse_rate
from done t
join league l on l.league_code = t.league_code
join ledger_def g on g.ledger = t.ledger
where ($league is null or t.league_code = $league)
  and ($park is null or t.park_id = $park)
group by t.league_code, l.name, t.ledger, g.name, g.sort
order by t.league_code, g.sort
