-- PostgreSQL: the region's and a league's parcels, area, caps and parts developed summed from the kept clock_change
-- (ledger/postgres/kept.sql: their changes per league, stage and day), the month counts from the parcels on a clock
-- whose milestone falls in the two months (clock_span by clock start); one park's counted from its clock_span rows.
-- The same rows as queries/clocks/land_clock_totals.sql, which says what they mean.
-- Params: $league, $park, $asof.
with on_clock as (  -- the parcels on a clock on $asof: one park's, or (region, league) those with a milestone soon
    select
        s.league_code,
        s.partly_developed,
        s.area_mu,
        s.land_price_wan,
        rules.idle_stage(s.clock_start, $asof) as stage,
        rules.idle_fee_date(s.clock_start) as fee_date,
        rules.idle_recovery_date(s.clock_start) as recovery_date,
        date_trunc('month', $asof)::date as this_month,
        (date_trunc('month', $asof) + interval '1 month')::date as next_month,
        (date_trunc('month', $asof) + interval '2 months')::date as after_next
    from clock_span s
    where daterange(s.valid_from, s.valid_to) @> $asof
      and ($league is null or s.league_code = $league)
      and ($park is null or s.park_id = $park)
      and (
          $park is not null
          -- (region, league) a milestone in [this month, the month after next): its clock started a year or two before
          or s.clock_start >= (date_trunc('month', $asof) - interval '1 year')::date
          and s.clock_start < (date_trunc('month', $asof) + interval '2 months' - interval '1 year')::date
          or s.clock_start >= (date_trunc('month', $asof) - interval '2 years')::date
          and s.clock_start < (date_trunc('month', $asof) + interval '2 months' - interval '2 years')::date
      )
),
flagged as (
    select
        league_code,
        stage,
        count(*) as rows,
        count(*) filter (where fee_date >= this_month and fee_date < next_month) as fee_this_month,
        count(*) filter (where fee_date >= next_month and fee_date < after_next) as fee_next_month,
        count(*) filter (where recovery_date >= this_month and recovery_date < next_month) as recovery_this_month,
        count(*) filter (where recovery_date >= next_month and recovery_date < after_next) as recovery_next_month,
        count(*) filter (where partly_developed) as partly_developed,
        coalesce(sum(rules.idle_fee_cap(land_price_wan)), 0) as fee_cap_wan,
        coalesce(sum(area_mu), 0) as area_mu
    from on_clock
    group by league_code, stage
),
kept as (
    select
        league_code,
        stage,
        sum(parcels) as rows,
        sum(partly_developed) as partly_developed,
        sum(fee_cap_wan) as fee_cap_wan,
        sum(area_mu) as area_mu
    from clock_change
    where $park is null
      and day <= $asof
      and ($league is null or league_code = $league)
    group by league_code, stage
    having sum(parcels) <> 0
),
totals as (
    select
        k.league_code, k.stage, k.rows,
        coalesce(f.fee_this_month, 0) as fee_this_month,
        coalesce(f.fee_next_month, 0) as fee_next_month,
        coalesce(f.recovery_this_month, 0) as recovery_this_month,
        coalesce(f.recovery_next_month, 0) as recovery_next_month,
        k.partly_developed, k.fee_cap_wan, k.area_mu
    from kept k
    left join flagged f on f.league_code = k.league_code and f.stage = k.stage
    union all
    select
        league_code, stage, rows, fee_this_month, fee_next_month, recovery_this_month, recovery_next_month,
        partly_developed, fee_cap_wan, area_mu
    from flagged
    where $park is not null
)
select
    t.league_code,
    g.name as league_name,
    t.stage,
    t.rows,
    t.fee_this_month,
    t.fee_next_month,
    t.recovery_this_month,
    t.recovery_next_month,
    t.partly_developed,
    t.fee_cap_wan::double precision as fee_cap_wan,
    t.area_mu::double precision as area_mu
from totals t
join league g on g.league_code = t.league_code
order by t.league_code, t.stage
