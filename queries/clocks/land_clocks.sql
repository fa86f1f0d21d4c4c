-- The law's clocks of idle land on $asof (《闲置土地处置办法》: rules.idle_* in queries/rules.sql): every land item open
-- on $asof whose clock has started (闲置土地 from its agreed start of development, else 闲置起始; a parcel developed
-- in part from its halt, when under 1/3 of the area or 25 % of the investment), its two milestones, and which of
-- them falls in $asof's month or the next.
-- Params: $league, $park, $asof.
-- Columns: item_id, title, park_id, park_name, league_code, league_name, land_kind, area_mu, partly_developed,
--          clock_start, fee_date (闲置费 due), recovery_date (无偿收回), stage (未满一年 / 征缴闲置费 / 无偿收回),
--          idle_days, land_price_wan, fee_cap_wan (20 % of the price; null: no price), milestone (the one falling in
--          $asof's month or the next, null: none), milestone_date, fee_this_month, fee_next_month,
--          recovery_this_month, recovery_next_month (booleans, for counts per league).
-- Grain: one row per land item on a clock, those reaching a milestone in the two months first (by its date), then
--        by item id.
with clocks as (
    select
        f.item_id,
        f.title,
        f.park_id,
        f.league_code,
        l.land_kind,
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
),
flagged as (
    select
        d.*,
        d.fee_date >= d.this_month and d.fee_date < d.next_month as fee_this_month,
        d.fee_date >= d.next_month and d.fee_date < d.after_next as fee_next_month,
        d.recovery_date >= d.this_month and d.recovery_date < d.next_month as recovery_this_month,
        d.recovery_date >= d.next_month and d.recovery_date < d.after_next as recovery_next_month
    from dated d
)
select
    x.item_id,
    x.title,
    x.park_id,
    p.name as park_name,
    x.league_code,
    g.name as league_name,
    x.land_kind,
    x.area_mu,
    x.partly_developed,
    x.clock_start,
    x.fee_date,
    x.recovery_date,
    rules.idle_stage(x.clock_start, $asof) as stage,
    date_diff('day', x.clock_start, $asof) as idle_days,
    x.land_price_wan,
    rules.idle_fee_cap(x.land_price_wan) as fee_cap_wan,
    case
        when x.fee_this_month or x.fee_next_month then '征缴闲置费'
        when x.recovery_this_month or x.recovery_next_month then '无偿收回'
    end as milestone,
    case
        when x.fee_this_month or x.fee_next_month then x.fee_date
        when x.recovery_this_month or x.recovery_next_month then x.recovery_date
    end as milestone_date,
    x.fee_this_month,
    x.fee_next_month,
    x.recovery_this_month,
    x.recovery_next_month
from flagged x
join park p on p.park_id = x.park_id
join league g on g.league_code = x.league_code
order by milestone_date nulls last, x.item_id
