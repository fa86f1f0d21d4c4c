-- retreat_candidate_counts on PostgreSQL: the same rows as queries/rankings/retreat_candidate_counts.sql (its comments say what they mean); here the candidates counted from their numbers kept per park and year (park_year_total), listed and rectified from the changes of their 园区指标 items kept per park, year and day (candidate_change; ledger/kept/rankings.py), extract for year().
with settings as (
    select coalesce($year, (select least(max(year), extract(year from $asof::date)) from built_project)) as rank_year
),
candidates as (  -- the candidates completed before the ranking year: those kept for the year before it
    select s.league_code, sum(s.candidates) as candidates
    from park_year_total s
    where s.year = least((select rank_year from settings) - 1, (select max(year) from park_year_total))
      and ($league is null or s.league_code = $league)
      and ($park is null or s.park_id = $park)
    group by s.league_code
    having sum(s.candidates) > 0
),
ledger as (
    select c.league_code, sum(c.listed) as listed, sum(c.rectified) as rectified
    from candidate_change c
    where c.year < (select rank_year from settings)
      and c.day <= $asof::date
      and ($league is null or c.league_code = $league)
      and ($park is null or c.park_id = $park)
    group by c.league_code
)
select
    c.league_code,
    c.candidates::bigint as candidates,
    coalesce(l.listed, 0)::bigint as listed,
    coalesce(l.rectified, 0)::bigint as rectified
from candidates c
left join ledger l using (league_code)
order by c.league_code
