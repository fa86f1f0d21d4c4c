-- Parks flagged for 补课/返工: no self-inspection ledger filed by the survey's end (as known on $asof).
-- Params: $league, $park, $asof.
-- Columns: park_id, park_name, league_code, league_name, filed_date (null: not filed by $asof),
--          state (逾期补报 / 未报送).
-- Grain: one row per flagged park, by park id.
select
    p.park_id,
    p.name as park_name,
    p.league_code,
    l.name as league_name,
    case when f.filed_date <= $asof then f.filed_date end as filed_date,
    case when f.filed_date <= $asof then '逾期补报' else '未报送' end as state
from park p
join league l using (league_code)
left join park_filing f using (park_id)
where ($league is null or p.league_code = $league)
  and ($park is null or p.park_id = $park)
  and $asof >= (select start_date from phase where phase_id = 'survey')
  and (f.filed_date is null or f.filed_date > (select end_date from phase where phase_id = 'survey')
       or f.filed_date > $asof)
order by p.park_id
