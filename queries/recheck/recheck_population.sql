-- 回头看's population: the items in scope closed (已销号, and still so) between $closed_from and $closed_to, not
-- waiting for an inspection already, with what their risk weight is made of (ledger/recheck.py weight()). The
-- draw runs this text on its write cursor (either engine), so it stays plain SQL with typed NULL parameters.
-- Params: $league, $park, $closed_from, $closed_to.
-- Columns: item_id, league_code, ledger, closed_on, days_to_close, evidence_files, suspect.
-- Grain: one row per item, by league, ledger and item id (the draw's strata in a fixed order).
select
    f.item_id,
    f.league_code,
    f.ledger,
    f.current_from as closed_on,
    f.current_from - f.found_date as days_to_close,
    (select count(*) from evidence e where e.item_id = f.item_id and e.withdrawn_at is null)
        + case when coalesce(trim(f.evidence), '') = '' then 0 else 1 end as evidence_files,
    coalesce(f.closed_date < f.found_date, false)
        or exists (select 1 from land l where l.item_id = f.item_id and l.revitalised_mu > l.area_mu) as suspect
from item_fact f
where f.current_status = '已销号'
  and f.current_from between cast($closed_from as date) and cast($closed_to as date)
  and (cast($league as varchar) is null or f.league_code = $league)
  and (cast($park as varchar) is null or f.park_id = $park)
  and not exists (select 1 from recheck_task t where t.item_id = f.item_id and t.result is null)
order by f.league_code, f.ledger, f.item_id
