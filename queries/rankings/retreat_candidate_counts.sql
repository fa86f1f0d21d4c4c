-- How many 倒逼腾退 candidates a ranking year has per league (the rule: rules.shortfalls, as retreat_candidates
-- lists them), without listing them: the page's figures need only the counts.
-- Params: $league, $park, $asof, $year (null: the latest completion year not after $asof).
-- Columns: league_code, candidates (projects), listed (their 园区指标 item found by $asof), rectified (that item
--          已整改 or 已销号 on $asof).
-- Grain: one row per league with at least one candidate, by league code.
with settings as (
    select coalesce($year, (select least(max(year), year($asof::date)) from built_project)) as rank_year
),
candidates as (
    select distinct s.project_id, p.league_code
    from rules.shortfalls((select rank_year from settings)) s
    join built_project b using (project_id)
    join park p on p.park_id = b.park_id
    where ($league is null or p.league_code = $league)
      and ($park is null or b.park_id = $park)
)
select
    c.league_code,
    count(*) as candidates,
    count(ledger.item_id) as listed,
    count(ledger.item_id) filter (where rules.rectified(ledger.status)) as rectified
from candidates c
left join (
    select ind.project_id, x.item_id, x.status
    from indicator ind
    join (
        from rules.items_at($asof::date)
        where ledger = 'indicator'
          and item_id in (select item_id from indicator where project_id in (select project_id from candidates))
    ) x using (item_id)
) ledger using (project_id)
group by c.league_code
order by c.league_code
