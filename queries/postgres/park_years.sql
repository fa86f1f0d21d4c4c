-- park_years on PostgreSQL: the same rows as queries/dynamic/park_years.sql (its comments say what they mean); here each park's figures of each year (score, ranks, grade, 末位组 years) kept in park_year_rank (ledger/kept/rankings.py: they depend only on the projects completed by then), extract for year().
select
    k.park_id,
    k.name,
    k.league_code,
    l.name as league_name,
    k.level,
    rules.league_tier(k.league_code) as tier,
    r.year,
    r.projects,
    r.output_share,
    r.score,
    r.rank,
    r.ranked,
    r.level_rank,
    r.level_ranked,
    r.tier_rank,
    r.tier_ranked,
    r.grade,
    p.rank as prev_rank,
    p.rank - r.rank as rank_change,
    r.bottom,
    r.bottom_years,
    rules.few_and_low(r.projects, r.output_share) as few_and_low,
    rules.readjust_candidate(r.bottom_years, rules.few_and_low(r.projects, r.output_share)) as candidate
from park_year_rank r
join park k on k.park_id = r.park_id
join league l on l.league_code = k.league_code
left join park_year_rank p on p.park_id = r.park_id and p.year = r.year - 1
where r.year <= extract(year from $asof::date)
  and ($league is null or k.league_code = $league)
  and ($park is null or r.park_id = $park)
  and ($year is null or r.year = $year)
order by r.park_id, r.year
