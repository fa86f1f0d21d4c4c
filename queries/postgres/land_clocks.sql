-- PostgreSQL: the parcels on a clock on $asof read from the kept clock_span (ledger/postgres/kept.sql: each parcel's
-- stretches on its clock, kept in step with the ledgers and statuses by every write) instead of every item's status
-- on $asof through rules.items_at: the same rows as queries/clocks/land_clocks.sql, which says what they mean.
-- Params: $league, $park, $asof.
with clocks as (
    select
        s.item_id,
        s.title,
        s.park_id,
        s.league_code,
        s.land_kind,
        s.area_mu,
        s.partly_developed,
        s.clock_start,
        s.land_price_wan
    from clock_span s
    where daterange(s.valid_from, s.valid_to) @> $asof
      and ($league is null or s.league_code = $league)
      and ($park is null or s.park_id = $park)
),
months as materialized (  -- once, not for each parcel
    select
        date_trunc('month', $asof)::date as this_month,
        (date_trunc('month', $asof) + interval '1 month')::date as next_month,
        (date_trunc('month', $asof) + interval '2 months')::date as after_next
),
dated as (
    select
        c.*,
        rules.idle_fee_date(c.clock_start) as fee_date,
        rules.idle_recovery_date(c.clock_start) as recovery_date,
        m.this_month,
        m.next_month,
        m.after_next
    from clocks c
    cross join months m
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
    $asof - x.clock_start as idle_days,
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
