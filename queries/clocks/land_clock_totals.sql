-- The parcels on a clock on $asof (land_clocks.sql says which and why) counted per league and stage: the 法定时限
-- page's cards (per stage) and its table per league, from one query.
-- Params: $league, $park, $asof.
-- Columns: league_code, league_name, stage, rows (parcels), fee_this_month, fee_next_month, recovery_this_month,
--          recovery_next_month (parcels reaching that milestone in $asof's month or the next), partly_developed
--          (parcels developed in part), fee_cap_wan (闲置费 caps summed, no price: 0), area_mu.
-- Grain: one row per league and stage with parcels, by league code and stage.
with clocks as (
    select
        f.item_id,
        f.park_id,
        f.league_code,
        l.area_mu,
        d.halted_since is not null as partly_developed,
        rules.idle_clock_start(
            l.land_kind, l.idle_since, d.agreed_start, l.area_mu,
            d.developed_mu, d.total_investment_wan, d.invested_wan, d.halted_since
        ) as clock_start,
        d.land_price_wan
    from rules.items_at($asof) f
    join land l using (item_id)
    left join land_development d using (item_id)
    where not f.is_rectified
      and ($league is null or f.league_code = $league)
      and ($park is null or f.park_id = $park)
),
dated as (
    select
        c.*,
        rules.idle_fee_date(c.clock_start) as fee_date,
        rules.idle_recovery_date(c.clock_start) as recovery_date,
        cast(date_trunc('month', $asof) as date) as this_month,
        cast(date_trunc('month', $asof) + interval 1 month as date) as next_month,
        cast(date_trunc('month', $asof) + interval 2 month as date) as after_next
    from clocks c
    where c.clock_start <= $asof
)
select
    x.league_code,
    g.name as league_name,
    rules.idle_stage(x.clock_start, $asof) as stage,
    count(*) as rows,
    count_if(x.fee_date >= x.this_month and x.fee_date < x.next_month) as fee_this_month,
    count_if(x.fee_date >= x.next_month and x.fee_date < x.after_next) as fee_next_month,
    count_if(x.recovery_date >= x.this_month and x.recovery_date < x.next_month) as recovery_this_month,
    count_if(x.recovery_date >= x.next_month and x.recovery_date < x.after_next) as recovery_next_month,
    count_if(x.partly_developed) as partly_developed,
    coalesce(sum(rules.idle_fee_cap(x.land_price_wan)), 0)::double as fee_cap_wan,
    coalesce(sum(x.area_mu), 0)::double as area_mu
from dated x
join park p on p.park_id = x.park_id
join league g on g.league_code = x.league_code
group by x.league_code, g.name, stage
order by x.league_code, stage
