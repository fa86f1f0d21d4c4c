-- 销号审核: items whose latest action is an application (已整改), oldest application first.
-- Params: $league, $park.
-- Columns: item_id, ledger_name, title, league_name, park_name, responsible_unit, applied_by, applied_at, note,
--          measure, evidence_files (not withdrawn), returns (how often it was returned before).
-- Grain: one row per waiting item.
with last as (  -- each item's latest event: the one its status span still in force holds
    select e.item_id, e.seq, e.status, e.actor, e.recorded_at, e.note, e.measure
    from status_span s
    join item_event e on e.item_id = s.item_id and e.seq = s.seq
    where s.valid_to is null and s.status = '已整改'
)
select
    i.item_id,
    d.name as ledger_name,
    i.title,
    l.name as league_name,
    p.name as park_name,
    i.responsible_unit,
    coalesce(x.actor, '（台账报送）') as applied_by,
    x.recorded_at as applied_at,
    x.note,
    x.measure,
    (select count(*) from evidence e where e.item_id = i.item_id and e.withdrawn_at is null) as evidence_files,
    (select count(*) from item_event r where r.item_id = i.item_id and r.reason is not null) as returns
from last x
join item i using (item_id)
join park p using (park_id)
join league l using (league_code)
join ledger_def d using (ledger)
where x.status = '已整改' and x.actor is not null
  and ($league is null or p.league_code = $league)
  and ($park is null or i.park_id = $park)
order by x.recorded_at, i.item_id
