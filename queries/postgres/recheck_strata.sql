-- PostgreSQL: the region's and a league's counts summed from the kept closed_count (ledger/postgres/kept.sql: the
-- items closed now per league, ledger and day), less the closed items waiting for an inspection (item_closed); one
-- park's counted from its items. The same rows as queries/recheck/recheck_strata.sql, which says what they mean.
-- Params: $league, $park, $closed_from, $closed_to.
with closed as (
    select c.league_code, c.ledger, sum(c.items) as items
    from closed_count c
    where $park is null
      and c.closed_on between $closed_from and $closed_to
      and ($league is null or c.league_code = $league)
    group by c.league_code, c.ledger
),
held as (  -- closed in the period and waiting for an inspection: not in the population
    select i.league_code, i.ledger, count(*) as items
    from item_closed i
    where $park is null
      and i.item_id in (select t.item_id from recheck_task t where t.result is null)
      and i.closed_on between $closed_from and $closed_to
      and ($league is null or i.league_code = $league)
    group by i.league_code, i.ledger
),
kept as (
    select c.league_code, c.ledger, c.items - coalesce(h.items, 0) as items
    from closed c
    left join held h on h.league_code is not distinct from c.league_code and h.ledger is not distinct from c.ledger
),
one_park as (
    select f.league_code, f.ledger, count(*) as items
    from item_fact f
    where $park is not null
      and f.park_id = $park
      and f.current_status = '已销号'
      and f.current_from between $closed_from and $closed_to
      and ($league is null or f.league_code = $league)
      and not exists (select 1 from recheck_task t where t.item_id = f.item_id and t.result is null)
    group by f.league_code, f.ledger
)
select league_code, ledger, items from kept where items > 0
union all
select league_code, ledger, items from one_park
order by league_code, ledger
