-- PostgreSQL: the same rows as queries/recheck/utility_flags.sql (which says what they mean), with the 停产企业 read
-- only in scope and only those whose code has use on record (the region's every 停产企业 item was read for each
-- page, even with no use on record).
-- Params: $league, $park.
with used as (
    select credit_code, extract(year from month) * 12 + extract(month from month) as m, electricity_kwh as kwh
    from utility_use
),
firm as materialized (  -- 停产企业 items in scope whose code has use on record, the month they were revived (first
    -- rectified) and the month of their status
    select f.item_id, s.credit_code as code, f.current_status,
        extract(year from f.first_rectified) * 12 + extract(month from f.first_rectified) as revived,
        extract(year from f.current_from) * 12 + extract(month from f.current_from) as closed
    from item_fact f
    join stalled s on s.item_id = f.item_id
    where s.credit_code is not null and s.kind = '停产企业' and f.first_rectified is not null
      and s.credit_code in (select credit_code from utility_use)
      and ($league is null or f.league_code = $league)
      and ($park is null or f.park_id = $park)
),
revived_idle as (
    select f.item_id, 'revived_idle' as rule, count(*) as months, max(u.kwh) as kwh,
        rules.near_zero_kwh() as reference
    from firm f
    join used u on u.credit_code = f.code and u.m > f.revived and u.m <= f.revived + rules.revival_months()
    group by f.item_id
    having count(*) = rules.revival_months() and max(u.kwh) < rules.near_zero_kwh()
),
after_close as (
    select f.item_id, u.m, u.kwh, max(u.m) over (partition by f.item_id) as last_m
    from firm f
    join used u on u.credit_code = f.code and u.m > f.closed
    where f.current_status = '已销号'
),
relapsed as (
    select item_id, 'relapse' as rule, count(*) filter (where m >= last_m - 1) as months,
        max(kwh) filter (where m >= last_m - 1) as kwh, max(kwh) filter (where m < last_m - 1) as reference
    from after_close
    group by item_id
    having count(*) filter (where m >= last_m - 1) = 2
       and max(kwh) filter (where m >= last_m - 1) < rules.near_zero_kwh()
       and max(kwh) filter (where m < last_m - 1) >= rules.near_zero_kwh()
),
project as (  -- each 低效 project's year of use and its output per 万kWh
    select n.item_id, b.industry_category, count(*) as months, sum(u.electricity_kwh) as kwh,
        b.output_wan / (sum(u.electricity_kwh) / 10000.0) as per_kwh
    from indicator n
    join built_project b on b.project_id = n.project_id
    join utility_use u on u.credit_code = b.credit_code and extract(year from u.month) = b.year
    where b.output_wan > 0
    group by n.item_id, b.industry_category, b.output_wan
    having sum(u.electricity_kwh) > 0
),
unbacked as (
    select a.item_id, 'output_unbacked' as rule, a.months, a.kwh, avg(o.per_kwh) as reference
    from project a
    join project o on o.industry_category = a.industry_category and o.item_id <> a.item_id
    group by a.item_id, a.months, a.kwh, a.per_kwh
    having count(*) >= 2 and a.per_kwh > rules.output_per_kwh_times() * avg(o.per_kwh)
),
hits as (
    select item_id, rule, months, kwh, reference, 1 as sort from revived_idle
    union all
    select item_id, rule, months, kwh, reference, 2 from relapsed
    union all
    select item_id, rule, months, kwh, reference, 3 from unbacked
)
select
    h.rule,
    case h.rule when 'revived_idle' then '复产后用电近零' when 'relapse' then '销号后用电回落' else '产值与用电不符' end
        as rule_name,
    h.item_id,
    f.title,
    f.league_code,
    l.name as league_name,
    p.name as park_name,
    h.months,
    cast(h.kwh as double precision) as kwh,
    cast(h.reference as double precision) as reference
from hits h
join item_fact f on f.item_id = h.item_id
join park p on p.park_id = f.park_id
join league l on l.league_code = f.league_code
where ($league is null or f.league_code = $league)
  and ($park is null or f.park_id = $park)
order by h.sort, h.item_id
