-- 督办三色 per league on $asof: how many open items are 红, 黄 and 蓝 (rules.lights_at), every league listed.
-- Params: $league, $park, $asof, $ledger (one ledger's items; null: all).
-- Columns: league_code, league_name, open_items, red, yellow, blue, red_share (red of all items found by $asof).
-- Grain: one row per league in scope.
with found as (
    select p.league_code, count(*) as items
    from item i join park p on p.park_id = i.park_id
    where i.found_date <= $asof
      and ($park is null or i.park_id = $park)
      and ($ledger is null or i.ledger = $ledger)
    group by p.league_code
)
select
    l.league_code,
    l.name as league_name,
    count(x.item_id) as open_items,
    count(x.item_id) filter (where x.light = '红') as red,
    count(x.item_id) filter (where x.light = '黄') as yellow,
    count(x.item_id) filter (where x.light = '蓝') as blue,
    coalesce(count(x.item_id) filter (where x.light = '红') / max(f.items)::double, 0) as red_share
from league l
left join rules.lights_at($asof) x
    on x.league_code = l.league_code
    and ($park is null or x.park_id = $park)
    and ($ledger is null or x.ledger = $ledger)
left join found f on f.league_code = l.league_code
where ($league is null or l.league_code = $league)
group by l.league_code, l.name
order by l.league_code
