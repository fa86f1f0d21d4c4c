-- The campaign's rules on PostgreSQL: every macro of queries/rules.sql (their one definition and their
-- comments) as an SQL function of the same name in the schema `rules`, with the same meaning, so that a query
-- written rules.items_at($asof) runs unchanged on both engines. Scalar macros are scalar functions; table macros
-- are set-returning functions with the same columns in the same order. Change a rule there and here together:
-- tests/test_pg_queries.py compares every query's rows on both engines.
-- Differences from DuckDB spelled out: arg_max → the first of an ordered array_agg; if() → case; a struct →
-- jsonb; a list → text[]; a select-list alias is not visible in where (repeated); `/` of two integers would
-- divide as integers (the arguments are double precision); a SQL function's parameters are written with its
-- name (ledger_rows.league) where a column of the same name could shadow them.
create schema if not exists rules;

create or replace function rules.rectified(status text) returns boolean
language sql immutable as $$ select status in ('已整改', '已销号') $$;

create or replace function rules.overdue(status text, deadline date, as_of date) returns boolean
language sql immutable as $$ select not rules.rectified(status) and coalesce(deadline < as_of, false) $$;

create or replace function rules.valid_project(
    land_mu double precision,
    investment_wan double precision,
    output_wan double precision,
    tax_wan double precision,
    floor_area_m2 double precision
) returns boolean
language sql immutable as $$
    select coalesce(
        land_mu > 0
        and investment_wan is not null
        and output_wan is not null
        and tax_wan is not null
        and floor_area_m2 is not null,
        false
    )
$$;

create or replace function rules.output_per_mu(output_wan double precision, land_mu double precision)
returns double precision language sql immutable as $$ select output_wan / land_mu $$;

create or replace function rules.tax_per_mu(tax_wan double precision, land_mu double precision)
returns double precision language sql immutable as $$ select tax_wan / land_mu $$;

create or replace function rules.investment_intensity(investment_wan double precision, land_mu double precision)
returns double precision language sql immutable as $$ select investment_wan / land_mu $$;

create or replace function rules.plot_ratio(floor_area_m2 double precision, land_mu double precision)
returns double precision language sql immutable as $$ select floor_area_m2 / (land_mu * 666.67) $$;

create or replace function rules.indicator_value(
    indicator text,
    investment_wan double precision,
    output_wan double precision,
    tax_wan double precision,
    floor_area_m2 double precision,
    land_mu double precision
) returns double precision
language sql immutable as $$
    select case indicator
        when 'investment_intensity' then rules.investment_intensity(investment_wan, land_mu)
        when 'output_per_mu' then rules.output_per_mu(output_wan, land_mu)
        when 'tax_per_mu' then rules.tax_per_mu(tax_wan, land_mu)
        when 'plot_ratio' then rules.plot_ratio(floor_area_m2, land_mu)
    end
$$;

create or replace function rules.capped_score(ratio double precision) returns double precision
language sql immutable as $$ select case when ratio > 1.5 then 1.5 else ratio end * 100 $$;

create or replace function rules.default_weights() returns jsonb
language sql immutable as $$
    select '{"tax_per_mu": 40, "output_per_mu": 30, "investment_intensity": 20, "plot_ratio": 10}'::jsonb
$$;

create or replace function rules.flag_rules() returns jsonb
language sql immutable as $$
    select '{"min_projects": 5, "min_enterprises": 5, "min_output_share": 1.0}'::jsonb
$$;

create or replace function rules.score_weights(weights jsonb)
returns table (
    w_tax double precision,
    w_output double precision,
    w_investment double precision,
    w_plot double precision,
    w_total double precision
)
language sql immutable rows 1 as $$  -- one row: the planner's default guess of 1,000 made JIT compile for seconds
    select
        (w ->> 'tax_per_mu')::double precision,
        (w ->> 'output_per_mu')::double precision,
        (w ->> 'investment_intensity')::double precision,
        (w ->> 'plot_ratio')::double precision,
        nullif(
            (w ->> 'tax_per_mu')::double precision + (w ->> 'output_per_mu')::double precision
            + (w ->> 'investment_intensity')::double precision + (w ->> 'plot_ratio')::double precision,
            0
        )
    from (select coalesce(weights, rules.default_weights()) as w) s
$$;

create or replace function rules.threshold_row()
returns table (
    league_code text,
    industry_category text,
    investment_min double precision,
    output_min double precision,
    tax_min double precision,
    plot_min double precision,
    basis text
)
language sql stable as $$
    select
        t.league_code,
        t.industry_category,
        max(t.min_value) filter (where t.indicator = 'investment_intensity'),
        max(t.min_value) filter (where t.indicator = 'output_per_mu'),
        max(t.min_value) filter (where t.indicator = 'tax_per_mu'),
        max(t.min_value) filter (where t.indicator = 'plot_ratio'),
        string_agg(distinct t.basis, '、')
    from control_threshold t
    group by t.league_code, t.industry_category
$$;

create or replace function rules.shortfalls(rank_year numeric)
returns table (project_id text, indicator text, value double precision, threshold double precision, basis text)
language sql stable as $$
    select * from (
        select
            b.project_id,
            t.indicator,
            rules.indicator_value(
                t.indicator, b.investment_wan, b.output_wan, b.tax_wan, b.floor_area_m2, b.land_mu
            ) as value,
            t.min_value as threshold,
            t.basis
        from built_project b
        join park p using (park_id)
        join control_threshold t on t.league_code = p.league_code and t.industry_category = b.industry_category
        where rules.valid_project(b.land_mu, b.investment_wan, b.output_wan, b.tax_wan, b.floor_area_m2)
          and b.year < shortfalls.rank_year
    ) s
    where s.value < s.threshold
$$;

create or replace function rules.item_facts_of(ids text[])
returns setof item_fact
language sql stable as $$
    select
        i.item_id, i.ledger, i.park_id, i.title, i.found_date, i.deadline, i.responsible_unit, i.measure,
        i.closed_date, i.evidence, i.batch_id,
        p.league_code,
        case i.ledger
            when 'land' then case l.land_kind
                when '闲置土地' then 'land_idle'
                when '批而未供' then 'land_unsupplied'
                else 'land_inefficient' end
            when 'stalled' then case
                when s.kind = '停建项目' then 'stalled_project'
                when s.zombie then 'stalled_zombie'
                else 'stalled_long' end
            when 'infrastructure' then case f.build_status
                when '长期未建成' then 'infra_half_finished'
                when '建成未投运' then 'infra_not_operating'
                else 'infra_procedures' end
            else i.ledger
        end,
        coalesce(l.area_mu, s.land_mu, bp.land_mu),
        coalesce(fd.balance_wan, f.investment_wan),
        fd.returned_wan,
        pa.approval_count,
        cs.current_status,
        cs.current_from,
        cs.first_rectified
    from (select * from item where ids is null or item_id = any (ids)) i
    join park p using (park_id)
    left join (select * from land where ids is null or item_id = any (ids)) l using (item_id)
    left join (select * from stalled where ids is null or item_id = any (ids)) s using (item_id)
    left join (select * from infrastructure where ids is null or item_id = any (ids)) f using (item_id)
    left join (select * from idle_fund where ids is null or item_id = any (ids)) fd using (item_id)
    left join (select * from pending_approval where ids is null or item_id = any (ids)) pa using (item_id)
    left join (select * from indicator where ids is null or item_id = any (ids)) ind using (item_id)
    left join (
        select * from built_project
        where ids is null or project_id in (select project_id from indicator where item_id = any (ids))
    ) bp on bp.project_id = ind.project_id
    left join (
        select
            e.item_id,
            (array_agg(e.status order by e.seq desc) filter (where e.seq is not null and e.status is not null))[1]
                as current_status,
            max(e.event_date) as current_from,
            min(e.event_date) filter (where rules.rectified(e.status)) as first_rectified
        from item_event e
        where ids is null or e.item_id = any (ids)
        group by e.item_id
    ) cs on cs.item_id = i.item_id
$$;

create or replace function rules.status_at(as_of date)
returns table (item_id text, status text, status_date date)
language sql stable as $$
    select s.item_id, s.status, s.valid_from
    from status_span s
    where s.valid_from <= as_of and (s.valid_to > as_of or s.valid_to is null)
$$;

create or replace function rules.deadline_at(as_of date)
returns table (item_id text, deadline date, extensions bigint)
language sql stable as $$
    select
        r.item_id,
        (array_agg(r.new_deadline order by r.decided_at desc)
            filter (where r.decided_at is not null and r.new_deadline is not null))[1],
        count(*)
    from deadline_request r
    where r.decision = '批准' and r.decided_date <= as_of
    group by r.item_id
$$;

create or replace function rules.items_at(as_of date)
returns table (
    item_id text,
    ledger text,
    park_id text,
    title text,
    found_date date,
    deadline date,
    responsible_unit text,
    measure text,
    closed_date date,
    evidence text,
    batch_id integer,
    league_code text,
    category text,
    area_mu numeric,
    amount_wan numeric,
    returned_wan numeric,
    approval_count integer,
    first_rectified date,
    status text,
    is_rectified boolean,
    is_overdue boolean,
    original_deadline date,
    extensions bigint
)
language sql stable as $$
    select
        f.item_id, f.ledger, f.park_id, f.title, f.found_date,
        coalesce(d.deadline, f.deadline),
        f.responsible_unit, f.measure, f.closed_date, f.evidence, f.batch_id, f.league_code, f.category,
        f.area_mu, f.amount_wan, f.returned_wan, f.approval_count, f.first_rectified,
        f.status,
        rules.rectified(f.status),
        rules.overdue(f.status, coalesce(d.deadline, f.deadline), items_at.as_of),
        f.deadline,
        coalesce(d.extensions, 0)
    from (
        -- the status now, for the items whose status has not changed since as_of (no join) ...
        select n.*, n.current_status as status
        from item_fact n
        where n.found_date <= items_at.as_of and n.current_from <= items_at.as_of
        union all
        -- ... and for the others the span in force on as_of, which has ended since (none: 待整改)
        select o.*, coalesce(s.status, '待整改') as status
        from (
            select * from item_fact
            where found_date <= items_at.as_of and (current_from > items_at.as_of or current_from is null)
        ) o
        left join (
            select sp.item_id, sp.status from status_span sp
            where sp.valid_from <= items_at.as_of and sp.valid_to > items_at.as_of
        ) s using (item_id)
    ) f
    left join rules.deadline_at(items_at.as_of) d using (item_id)
$$;

-- One item's status, deadline in force and overdue on as_of, as rules.items_at gives them: its current status (kept in
-- item_fact) when it has not changed since as_of, else the span in force (none: 待整改); its own deadline unless an
-- extension was approved by then. PostgreSQL only: the ledger lists (queries/postgres/ledger_*.sql) join it per row
-- of item_fact (a lateral call, inlined), so that a page in the list's order walks an index and stops.
create or replace function rules.item_state_at(
    item text, current_from date, current_status text, own_deadline date, as_of date
)
returns table (status text, deadline date, is_overdue boolean)
language sql stable as $$
    select s.status, t.deadline, rules.overdue(s.status, t.deadline, item_state_at.as_of)
    from (
        select case when item_state_at.current_from <= item_state_at.as_of then item_state_at.current_status
            else coalesce(
                (select sp.status from status_span sp
                 where sp.item_id = item_state_at.item and sp.valid_from <= item_state_at.as_of
                   and sp.valid_to > item_state_at.as_of),
                '待整改') end as status
    ) s,
    (
        select coalesce((array_agg(r.new_deadline order by r.decided_at desc)
            filter (where r.decided_at is not null and r.new_deadline is not null))[1], item_state_at.own_deadline)
            as deadline
        from deadline_request r
        where r.item_id = item_state_at.item and r.decision = '批准' and r.decided_date <= item_state_at.as_of
    ) t
$$;

create or replace function rules.ledger_rows(
    ledger_key text,
    league text,
    park text,
    as_of date,
    status_is text,
    overdue_only boolean,
    unit text,
    phase_key text,
    search text
)
returns table (
    item_id text,
    title text,
    league_code text,
    league_name text,
    park_id text,
    park_name text,
    found_date date,
    responsible_unit text,
    measure text,
    deadline date,
    status text,
    overdue boolean,
    overdue_days bigint
)
language sql stable as $$  -- over item_fact, each item's state from item_state_at (inlined, as is this function):
    -- a page in the ledger's order walks item_fact_ledger_order and stops
    select
        f.item_id, f.title, f.league_code, g.name, f.park_id, p.name, f.found_date, f.responsible_unit, f.measure,
        x.deadline, x.status, x.is_overdue, case when x.is_overdue then (ledger_rows.as_of - x.deadline)::bigint end
    from item_fact f
    cross join lateral rules.item_state_at(f.item_id, f.current_from, f.current_status, f.deadline, ledger_rows.as_of) x
    left join park p on p.park_id = f.park_id
    left join league g on g.league_code = f.league_code
    where f.ledger = ledger_rows.ledger_key
      and f.found_date <= ledger_rows.as_of
      and (ledger_rows.league is null or f.league_code = ledger_rows.league)
      and (ledger_rows.park is null or f.park_id = ledger_rows.park)
      and (ledger_rows.status_is is null or x.status = ledger_rows.status_is)
      and (ledger_rows.overdue_only is null or not ledger_rows.overdue_only or x.is_overdue)
      and (ledger_rows.unit is null or f.responsible_unit = ledger_rows.unit)
      and (ledger_rows.phase_key is null or f.found_date between
              (select start_date from phase where phase_id = ledger_rows.phase_key)
              and (select end_date from phase where phase_id = ledger_rows.phase_key))
      and (ledger_rows.search is null
           or strpos(lower(f.title || ' ' || f.item_id), lower(trim(ledger_rows.search))) > 0)
$$;

-- 督办三色 (#28): queries/rules.sql says what these are; the numbers here are the same as there.
create or replace function rules.supervision_rules() returns jsonb
language sql immutable as $$
    select '{"due_days": 15, "idle_days": 60, "returns": 2, "ack_days": 3}'::jsonb
$$;

-- One open item's light on as_of and why: lights_at's two cases on their own, so that the to-do spans kept for the
-- lists and counts (ledger/kept/lights.py) light an item exactly as lights_at does.
create or replace function rules.light(
    is_overdue boolean, idle_days integer, refused bigint, returns bigint, deadline date, as_of date
) returns text
language sql immutable as $$
    select case
        when light.is_overdue then '红'
        when light.idle_days >= (rules.supervision_rules() ->> 'idle_days')::int or light.refused > 0
             or light.returns >= (rules.supervision_rules() ->> 'returns')::int then '黄'
        when light.deadline <= light.as_of + (rules.supervision_rules() ->> 'due_days')::int then '蓝'
    end
$$;

create or replace function rules.light_reason(
    is_overdue boolean, idle_days integer, refused bigint, returns bigint, deadline date, as_of date
) returns text
language sql immutable as $$
    select case
        when light_reason.is_overdue then '超期 ' || (light_reason.as_of - light_reason.deadline) || ' 天'
        when light_reason.returns >= (rules.supervision_rules() ->> 'returns')::int
            then '被退回 ' || light_reason.returns || ' 次'
        when light_reason.refused > 0 then '延期申请未获批准'
        when light_reason.idle_days >= (rules.supervision_rules() ->> 'idle_days')::int
            then light_reason.idle_days || ' 天无进展'
        when light_reason.deadline <= light_reason.as_of + (rules.supervision_rules() ->> 'due_days')::int
            then (light_reason.deadline - light_reason.as_of) || ' 天内到期'
    end
$$;

create or replace function rules.lights_at(as_of date)
returns table (
    item_id text,
    ledger text,
    league_code text,
    park_id text,
    responsible_unit text,
    status text,
    deadline date,
    light text,
    light_reason text
)
language sql stable as $$
    select
        x.item_id, x.ledger, x.league_code, x.park_id, x.responsible_unit, x.status, x.deadline,
        rules.light(x.is_overdue, x.idle_days, x.refused, x.returns, x.deadline, lights_at.as_of),
        rules.light_reason(x.is_overdue, x.idle_days, x.refused, x.returns, x.deadline, lights_at.as_of)
    from (
        select
            i.*,
            lights_at.as_of - coalesce(s.status_date, i.found_date) as idle_days,
            coalesce(n.returns, 0) as returns,
            coalesce(d.refused, 0) as refused
        from rules.items_at(lights_at.as_of) i
        left join rules.status_at(lights_at.as_of) s on s.item_id = i.item_id
        left join (
            select e.item_id, count(*) as returns from item_event e
            where e.status = '整改中' and e.reason is not null and e.event_date <= lights_at.as_of
            group by e.item_id
        ) n on n.item_id = i.item_id
        left join (
            select q.item_id, count(*) as refused from deadline_request q
            where q.decision = '不予批准' and q.decided_date <= lights_at.as_of
            group by q.item_id
        ) d on d.item_id = i.item_id
        where not i.is_rectified
    ) x
$$;

-- 《闲置土地处置办法》's clocks (#28 part "schedule"): see queries/rules.sql.
create or replace function rules.idle_fee_date(clock_start date) returns date
language sql immutable as $$ select (clock_start + interval '1 year')::date $$;

create or replace function rules.idle_recovery_date(clock_start date) returns date
language sql immutable as $$ select (clock_start + interval '2 years')::date $$;

create or replace function rules.idle_fee_cap(land_price_wan numeric) returns numeric
language sql immutable as $$ select land_price_wan * 0.2 $$;

create or replace function rules.partly_idle(
    area_mu numeric, developed_mu numeric, total_investment_wan numeric, invested_wan numeric
) returns boolean
language sql immutable as $$
    select coalesce(developed_mu * 3 < area_mu, false) or coalesce(invested_wan * 4 < total_investment_wan, false)
$$;

create or replace function rules.idle_clock_start(
    land_kind text,
    idle_since date,
    agreed_start date,
    area_mu numeric,
    developed_mu numeric,
    total_investment_wan numeric,
    invested_wan numeric,
    halted_since date
) returns date
language sql immutable as $$
    select case
        when halted_since is not null then
            case when rules.partly_idle(area_mu, developed_mu, total_investment_wan, invested_wan) then halted_since end
        when land_kind = '闲置土地' then coalesce(agreed_start, idle_since)
    end
$$;

create or replace function rules.idle_stage(clock_start date, as_of date) returns text
language sql immutable as $$
    select case
        when clock_start is null then null
        when rules.idle_recovery_date(clock_start) <= as_of then '无偿收回'
        when rules.idle_fee_date(clock_start) <= as_of then '征缴闲置费'
        else '未满一年'
    end
$$;

-- 用电核验 (#30): the twins of queries/rules.sql's near_zero_kwh, revival_months and output_per_kwh_times.
create or replace function rules.near_zero_kwh() returns double precision
language sql immutable as $$ select 1000.0::double precision $$;

create or replace function rules.revival_months() returns integer
language sql immutable as $$ select 3 $$;

create or replace function rules.output_per_kwh_times() returns double precision
language sql immutable as $$ select 5.0::double precision $$;

-- 动态管理 (#29): the rules of queries/rules.sql's section of that name.
create or replace function rules.league_tier(league_code text) returns text
language sql immutable as $$
    select case when league_code in ('150400', '150500', '150700', '152200', '152500') then '蒙东' else '蒙西' end
$$;

create or replace function rules.bottom_group(place double precision, ranked double precision) returns boolean
language sql immutable as $$ select coalesce(place > 0.8 * ranked, false) $$;

create or replace function rules.judged_years() returns integer
language sql immutable as $$ select 3 $$;

create or replace function rules.few_and_low(projects double precision, output_share double precision)
returns boolean
language sql immutable as $$
    select coalesce(
        projects < (rules.flag_rules() ->> 'min_projects')::double precision
        and output_share < (rules.flag_rules() ->> 'min_output_share')::double precision,
        false
    )
$$;

create or replace function rules.readjust_candidate(bottom_years double precision, few_and_low boolean)
returns boolean
language sql immutable as $$ select coalesce(bottom_years >= 2, false) or few_and_low $$;

-- 亩均评价 of projects (#29): the rules of queries/rules.sql's section of that name.
create or replace function rules.project_track(track text, land_mu double precision, output_wan double precision)
returns text
language sql immutable as $$
    select case track
        when 'scale' then case when output_wan >= 2000 then '规上' else '规下' end
        else case when land_mu >= 50 then '50亩及以上' else '50亩以下' end
    end
$$;

create or replace function rules.rank_grade(graded boolean, grade_position bigint, graded_count bigint) returns text
language sql immutable as $$
    select case
        when not graded then '不定等级'
        when 10 * (grade_position - 1) < 2 * graded_count then 'A'
        when 10 * (grade_position - 1) < 6 * graded_count then 'B'
        when 10 * (grade_position - 1) < 9 * graded_count then 'C'
        else 'D'
    end
$$;

create or replace function rules.score_grade(score double precision) returns text
language sql immutable as $$
    select case when score >= 120 then 'A' when score >= 100 then 'B' when score >= 80 then 'C' else 'D' end
$$;

create or replace function rules.protect_years() returns integer language sql immutable as $$ select 3 $$;

create or replace function rules.quota_a() returns double precision language sql immutable as $$ select 0.2 $$;

create or replace function rules.quota_d() returns double precision language sql immutable as $$ select 0.05 $$;
