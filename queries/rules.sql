-- The campaign's rules, each defined once: every query (queries/**/*.sql), the derived tables (ledger/spans.py)
-- and the demo generator (ledger/demo/) call them as rules.<name>. They live in an in-memory catalog `rules`
-- attached to each database instance when it is opened (ledger/rules.py install), never in the database file,
-- so changing a rule needs no schema version; every cursor of the connection sees them.
-- Scalar rules first (they read no table), then the table rules, each after the ones it uses.
attach if not exists ':memory:' as rules (read_only false);  -- writable even beside a read-only file

-- 整改完成: an item counts as rectified in every figure when its status is 已整改 or 已销号 (已整改 awaits the
-- office's 销号 review). Python: ledger/vocabulary.py RECTIFIED.
create or replace macro rules.rectified(status) as status in ('已整改', '已销号');

-- 超期: not rectified and its 整改时限 (the deadline in force, see deadline_at) passed before as_of.
create or replace macro rules.overdue(status, deadline, as_of) as
    not rules.rectified(status) and coalesce(deadline < as_of, false);

-- A built project counts in the indicators (is judged, ranked, scored) only with land area (> 0) and all four
-- quantities; the others are 数据缺失 and are never divided by.
create or replace macro rules.valid_project(land_mu, investment_wan, output_wan, tax_wan, floor_area_m2) as
    coalesce(
        land_mu > 0
        and investment_wan is not null
        and output_wan is not null
        and tax_wan is not null
        and floor_area_m2 is not null,
        false
    );

-- The four indicators of a project (or of a park, given its sums): 亩均产值 = 产值 / 用地, 亩均税收 = 税收 / 用地,
-- 投资强度 = 投资 / 用地 (万元/亩), 容积率 = 建筑面积 / (用地 × 666.67 m² per 亩).
create or replace macro rules.output_per_mu(output_wan, land_mu) as output_wan / land_mu;
create or replace macro rules.tax_per_mu(tax_wan, land_mu) as tax_wan / land_mu;
create or replace macro rules.investment_intensity(investment_wan, land_mu) as investment_wan / land_mu;
create or replace macro rules.plot_ratio(floor_area_m2, land_mu) as floor_area_m2 / (land_mu * 666.67);

-- One indicator by its key (the control_threshold.indicator values).
create or replace macro rules.indicator_value(indicator, investment_wan, output_wan, tax_wan, floor_area_m2, land_mu) as
    case indicator
        when 'investment_intensity' then rules.investment_intensity(investment_wan, land_mu)
        when 'output_per_mu' then rules.output_per_mu(output_wan, land_mu)
        when 'tax_per_mu' then rules.tax_per_mu(tax_wan, land_mu)
        when 'plot_ratio' then rules.plot_ratio(floor_area_m2, land_mu)
    end;

-- An indicator's score from its ratio to the threshold: min(ratio, 1.5) × 100, so 100 = exactly at the
-- threshold and 150 at most. if(...) rather than least(): least() skips nulls, and a missing ratio stays missing.
create or replace macro rules.capped_score(ratio) as if(ratio > 1.5, 1.5, ratio) * 100;

-- The composite 亩均效益 score's default weights (the rankings page's sliders start from them: queries.
-- DEFAULT_WEIGHTS is tested equal to this).
create or replace macro rules.default_weights() as
    {'tax_per_mu': 40, 'output_per_mu': 30, 'investment_intensity': 20, 'plot_ratio': 10};

-- When a park is listed for 再整合再优化 (park_flags.sql): fewer valid built projects than min_projects, fewer
-- enterprises than min_enterprises, or 亩均产值 below min_output_share of its land-weighted threshold.
create or replace macro rules.flag_rules() as
    {'min_projects': 5, 'min_enterprises': 5, 'min_output_share': 1.0::double};

-- The score's weights (a struct of four; null: the default weights) as doubles with their total (null when 0).
create or replace macro rules.score_weights(weights) as table
select
    w['tax_per_mu']::double as w_tax,
    w['output_per_mu']::double as w_output,
    w['investment_intensity']::double as w_investment,
    w['plot_ratio']::double as w_plot,
    nullif(w['tax_per_mu'] + w['output_per_mu'] + w['investment_intensity'] + w['plot_ratio'], 0)::double as w_total
from (select coalesce(weights, rules.default_weights()) as w);

-- Each league's 控制性指标 for one industry category as one row (the thresholds' long table, pivoted).
create or replace macro rules.threshold_row() as table
select
    league_code,
    industry_category,
    max(min_value) filter (where indicator = 'investment_intensity') as investment_min,
    max(min_value) filter (where indicator = 'output_per_mu') as output_min,
    max(min_value) filter (where indicator = 'tax_per_mu') as tax_min,
    max(min_value) filter (where indicator = 'plot_ratio') as plot_min,
    string_agg(distinct basis, '、') as basis
from control_threshold
group by league_code, industry_category;

-- 倒逼腾退 candidates of the ranking of rank_year: every valid built project completed before that year (those
-- completed in it are 当年投产, not yet judged) with each indicator below its league's threshold for its
-- category. One row per project and indicator that falls short.
create or replace macro rules.shortfalls(rank_year) as table
select
    b.project_id,
    t.indicator,
    rules.indicator_value(
        t.indicator,
        b.investment_wan::double,
        b.output_wan::double,
        b.tax_wan::double,
        b.floor_area_m2::double,
        b.land_mu::double
    ) as value,
    t.min_value as threshold,
    t.basis
from built_project b
join park p using (park_id)
join control_threshold t on t.league_code = p.league_code and t.industry_category = b.industry_category
where rules.valid_project(b.land_mu, b.investment_wan, b.output_wan, b.tax_wan, b.floor_area_m2)
  and b.year < rank_year
  and value < t.min_value;

-- Each item with its league and its category (the published figures count by these), computed from the
-- ledgers; the item_fact table stores them for all items, where ledger/spans.py keeps them in step.
-- ids: the items to compute (a list), or null for all; every table is narrowed to them before the joins, so one
-- item's facts cost a few scans rather than eight joins over whole tables (a workflow action writes them).
create or replace macro rules.item_facts_of(ids) as table
select
    i.*,
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
    end as category,
    coalesce(l.area_mu, s.land_mu, bp.land_mu) as area_mu,
    coalesce(fd.balance_wan, f.investment_wan) as amount_wan,
    fd.returned_wan,
    pa.approval_count,
    cs.current_status,                        -- the status in force now (the latest event's), and since when
    cs.current_from,
    cs.first_rectified                        -- the first date of a rectified event
from (from item where ids is null or list_contains(ids, item_id)) i
join park p using (park_id)
left join (from land where ids is null or list_contains(ids, item_id)) l using (item_id)
left join (from stalled where ids is null or list_contains(ids, item_id)) s using (item_id)
left join (from infrastructure where ids is null or list_contains(ids, item_id)) f using (item_id)
left join (from idle_fund where ids is null or list_contains(ids, item_id)) fd using (item_id)
left join (from pending_approval where ids is null or list_contains(ids, item_id)) pa using (item_id)
left join (from indicator where ids is null or list_contains(ids, item_id)) ind using (item_id)
left join (
    from built_project
    where ids is null or project_id in (select project_id from indicator where list_contains(ids, item_id))
) bp on bp.project_id = ind.project_id
left join (
    select
        item_id,
        arg_max(status, seq) as current_status,
        max(event_date) as current_from,
        min(event_date) filter (where rules.rectified(status)) as first_rectified
    from item_event
    where ids is null or list_contains(ids, item_id)
    group by item_id
) cs on cs.item_id = i.item_id;

-- Status of every item by a date: its last event on or before that date, looked up in its status spans.
create or replace macro rules.status_at(as_of) as table
select item_id, status, valid_from as status_date
from status_span
where valid_from <= as_of and (valid_to > as_of or valid_to is null);

-- The deadline in force on a date: the latest 延期 approved by then, else the ledger's own 整改时限.
create or replace macro rules.deadline_at(as_of) as table
select item_id, arg_max(new_deadline, decided_at) as deadline, count(*) as extensions
from deadline_request
where decision = '批准' and decided_date <= as_of
group by item_id;

-- Every item found by a date, with its status then and whether it counts as rectified or overdue.
-- All progress figures are counted from this.
create or replace macro rules.items_at(as_of) as table
select
    x.* exclude (original_deadline, extensions),
    rules.rectified(x.status) as is_rectified,
    rules.overdue(x.status, x.deadline, as_of) as is_overdue,
    x.original_deadline,
    x.extensions
from (
    select
        f.* replace (coalesce(d.deadline, f.deadline) as deadline),
        f.deadline as original_deadline,
        coalesce(d.extensions, 0) as extensions
    from (
        -- the status now, for the items whose status has not changed since as_of (no join) ...
        select * exclude (current_status, current_from), current_status as status
        from item_fact
        where found_date <= as_of and current_from <= as_of
        union all
        -- ... and for the others the span in force on as_of, which has ended since (none: 待整改)
        select f.* exclude (current_status, current_from), coalesce(s.status, '待整改') as status
        from (from item_fact where found_date <= as_of and (current_from > as_of or current_from is null)) f
        left join (
            select item_id, status from status_span where valid_from <= as_of and valid_to > as_of
        ) s using (item_id)
    ) f
    left join rules.deadline_at(as_of) d using (item_id)
) x;

-- The 台账 page's rows of one ledger: items in scope on a date with park and league names, narrowed by
-- the page's filters, each off when null (phase: found within that phase; search: words in title or id); the
-- columns every ledger list starts with (queries/ledgers/ledger_*.sql add their ledger's own).
create or replace macro rules.ledger_rows(ledger_key, league, park, as_of, status_is, overdue_only, unit, phase_key, search) as table
select
    x.item_id,
    x.title,
    x.league_code,
    l.name as league_name,
    x.park_id,
    p.name as park_name,
    x.found_date,
    x.responsible_unit,
    x.measure,
    x.deadline,
    x.status,
    x.is_overdue as overdue,
    case when x.is_overdue then datediff('day', x.deadline, as_of) end as overdue_days
from rules.items_at(as_of) x
join park p on p.park_id = x.park_id
join league l on l.league_code = x.league_code
where x.ledger = ledger_key
  and (league is null or x.league_code = league)
  and (park is null or x.park_id = park)
  and (status_is is null or x.status = status_is)
  and (overdue_only is null or not overdue_only or x.is_overdue)
  and (unit is null or x.responsible_unit = unit)
  and (phase_key is null or x.found_date between
          (select start_date from phase where phase_id = phase_key)
          and (select end_date from phase where phase_id = phase_key))
  and (search is null or contains(lower(x.title || ' ' || x.item_id), lower(trim(search))));

-- 督办三色 (#28): the numbers of the supervision rules, here only (README 督办闭环; Python reads them through
-- ledger.rules.value_of). due_days N: 蓝 when the deadline in force is within N days; idle_days M: 黄 when no
-- progress was recorded for M days; returns: 黄 when returned this many times; ack_days K: a 督办单 not
-- acknowledged after K working days escalates (ledger/supervision.py counts the working days).
create or replace macro rules.supervision_rules() as
    {'due_days': 15, 'idle_days': 60, 'returns': 2, 'ack_days': 3};

-- The 督办 light of every open (not yet rectified) item found by a date, highest first: 红 overdue; 黄 behind its
-- plan (no event for idle_days days, counted from its finding when it has none; a 延期 asked and refused; or
-- returned `returns` times); 蓝 its deadline within due_days days; null: on course. light_reason says why.
create or replace macro rules.lights_at(as_of) as table
select
    x.item_id,
    x.ledger,
    x.league_code,
    x.park_id,
    x.responsible_unit,
    x.status,
    x.deadline,
    case
        when x.is_overdue then '红'
        when x.idle_days >= r.idle_days or x.refused > 0 or x.returns >= r.returns then '黄'
        when x.deadline <= as_of + r.due_days then '蓝'
    end as light,
    case
        when x.is_overdue then '超期 ' || datediff('day', x.deadline, as_of) || ' 天'
        when x.returns >= r.returns then '被退回 ' || x.returns || ' 次'
        when x.refused > 0 then '延期申请未获批准'
        when x.idle_days >= r.idle_days then x.idle_days || ' 天无进展'
        when x.deadline <= as_of + r.due_days then datediff('day', as_of, x.deadline) || ' 天内到期'
    end as light_reason
from (
    select
        x.*,
        datediff('day', coalesce(s.status_date, x.found_date), as_of) as idle_days,  -- a span starts at each event
        coalesce(n.returns, 0) as returns,
        coalesce(d.refused, 0) as refused
    from rules.items_at(as_of) x
    left join rules.status_at(as_of) s using (item_id)
    left join (
        select item_id, count(*) as returns from item_event
        where status = '整改中' and reason is not null and event_date <= as_of group by item_id
    ) n using (item_id)
    left join (
        select item_id, count(*) as refused from deadline_request
        where decision = '不予批准' and decided_date <= as_of group by item_id
    ) d using (item_id)
    where not x.is_rectified
) x
cross join (
    select s['due_days'] as due_days, s['idle_days'] as idle_days, s['returns'] as returns
    from (select rules.supervision_rules() as s)
) r;

-- 《闲置土地处置办法》(reference/land_rules.csv), #28 part "schedule". A land item's clock starts on the agreed
-- start of development (约定动工开发日期, else the ledger's 闲置起始) for 闲置土地, or on the day development halted
-- for a parcel developed in part that counts as idle (partly_idle); other land is on no clock (null). One full
-- calendar year on, the parcel is idle land and 闲置费 is due (up to 20 % of the land price); two full years on,
-- the path is 无偿收回. Calendar years: 29 February plus a year is 28 February.
create or replace macro rules.idle_fee_date(clock_start) as cast(clock_start + interval 1 year as date);
create or replace macro rules.idle_recovery_date(clock_start) as cast(clock_start + interval 2 year as date);
create or replace macro rules.idle_fee_cap(land_price_wan) as land_price_wan * 0.2;

-- Developed in part counts as idle under one third of the area or under 25 % of the investment (exactly one third
-- or 25 % is not under); a missing figure decides nothing.
create or replace macro rules.partly_idle(area_mu, developed_mu, total_investment_wan, invested_wan) as
    coalesce(developed_mu * 3 < area_mu, false) or coalesce(invested_wan * 4 < total_investment_wan, false);

create or replace macro rules.idle_clock_start(
    land_kind, idle_since, agreed_start, area_mu, developed_mu, total_investment_wan, invested_wan, halted_since
) as
    case
        when halted_since is not null then
            case when rules.partly_idle(area_mu, developed_mu, total_investment_wan, invested_wan) then halted_since end
        when land_kind = '闲置土地' then coalesce(agreed_start, idle_since)
    end;

-- Where a parcel's clock stands on a date: 无偿收回, 征缴闲置费 or 未满一年 (null: on no clock).
create or replace macro rules.idle_stage(clock_start, as_of) as
    case
        when clock_start is null then null
        when rules.idle_recovery_date(clock_start) <= as_of then '无偿收回'
        when rules.idle_fee_date(clock_start) <= as_of then '征缴闲置费'
        else '未满一年'
    end;

-- 用电核验 (#30): an enterprise's monthly electricity (utility_use, keyed by 统一社会信用代码) against what its items
-- claim (queries/recheck/utility_flags.sql). Near zero: below this many kWh in a month, no plant is producing.
create or replace macro rules.near_zero_kwh() as cast(1000 as double);
-- Months after an enterprise's 复产/盘活 (its first rectified event) that must show real use.
create or replace macro rules.revival_months() as 3;
-- A 低效 project's reported output per 万kWh more than this many times the average of the other projects of its
-- industry (at least two with use on record) is more than its electricity can have produced.
create or replace macro rules.output_per_kwh_times() as cast(5 as double);

-- 动态管理 (#29, queries/dynamic/): parks judged over the years the data covers, with the composite score of
-- park_rankings.sql at the default weights, ranked region-wide and within their peers.
-- Peer tier of a league: 蒙东 (赤峰, 通辽, 呼伦贝尔, 兴安盟, 锡林郭勒) and 蒙西 (the others) are ranked apart, as
-- Zhejiang ranks its east and west separately.
create or replace macro rules.league_tier(league_code) as
    if(league_code in ('150400', '150500', '150700', '152200', '152500'), '蒙东', '蒙西');

-- 末位组: a park ranked region-wide in the last 20 % of the parks with a score that year (place 1 = best).
create or replace macro rules.bottom_group(place, ranked) as coalesce(place > 0.8 * ranked, false);

-- The years a park is judged over: the year itself and the two before it.
create or replace macro rules.judged_years() as 3;

-- 入园项目少、亩均产值低: fewer valid projects than flag_rules' min_projects and 亩均产值 below min_output_share of
-- its land-weighted threshold (park_flags.sql's few_projects and low_output together).
create or replace macro rules.few_and_low(projects, output_share) as
    coalesce(
        projects < rules.flag_rules()['min_projects'] and output_share < rules.flag_rules()['min_output_share'],
        false
    );

-- 再整合再优化 candidate: in the 末位组 in at least 2 of its judged years, or few_and_low.
create or replace macro rules.readjust_candidate(bottom_years, few_and_low) as
    coalesce(bottom_years >= 2, false) or few_and_low;

-- 亩均评价 of projects (#29, queries/grades/): each rule can be switched off by the query's parameters.
-- Track a project is graded within: by land (50 亩 and more / under 50 亩) or by scale (规上: 产值 2000 万元 and more,
-- the 规模以上工业企业 line; else 规下).
create or replace macro rules.project_track(track, land_mu, output_wan) as
    case track
        when 'scale' then if(output_wan >= 2000, '规上', '规下')
        else if(land_mu >= 50, '50亩及以上', '50亩以下')
    end;

-- 园区 (and 项目) grades by place: among those graded (park_rankings.sql says who is), the first 20 % by rank
-- (position 1 = best, ties share it) are A, to 60 % B, to 90 % C, the rest D; the others '不定等级'.
create or replace macro rules.rank_grade(graded, grade_position, graded_count) as
    case
        when not graded then '不定等级'
        when 10 * (grade_position - 1) < 2 * graded_count then 'A'
        when 10 * (grade_position - 1) < 6 * graded_count then 'B'
        when 10 * (grade_position - 1) < 9 * graded_count then 'C'
        else 'D'
    end;

-- The grade a score earns before the quotas: A ≥ 120, B ≥ 100 (at the thresholds), C ≥ 80, else D.
create or replace macro rules.score_grade(score) as
    case when score >= 120 then 'A' when score >= 100 then 'B' when score >= 80 then 'C' else 'D' end;

-- 保护期: a project in production for fewer years than this is not graded D (the query's default).
create or replace macro rules.protect_years() as 3;

-- Quotas within a track: A at most 20 % (the lowest-scored A's become B), D at least 5 %, rounded up (the
-- lowest-scored unprotected projects become D).
create or replace macro rules.quota_a() as 0.2;
create or replace macro rules.quota_d() as 0.05;
