-- The figures PostgreSQL mode keeps for the region-wide views (#26): derived from the ledgers, item_event and the
-- workflow tables only, never copied or backed up as data. They are (re)created from this file and refilled from the
-- truth by `python -m ledger migrate` (ledger/migrate.py install_kept) whenever KEPT_VERSION (ledger/postgres) is not
-- the one kept_tables records, so that changing them needs no schema version; after that every write keeps them in
-- step in its own transaction (ledger/spans.py refresh). tests/test_pg_kpis.py compares them with a rebuild and with
-- the figures the queries count from every item.
create table kept_tables (version varchar not null);

-- The figures rules.items_at($asof) gives each item, kept as changes by date so that any date's figures are a sum
-- over a few thousand rows instead of a pass over a million items. An item's row for a day holds how its
-- contribution to each figure changed on that day (found, rectified, overdue, its status, the quantities found and
-- rectified); the figures at D are the sums of the changes dated D or earlier. item_kpi_change holds each item's own
-- changes (so that a write can take back exactly what the item added before); kpi_change their sums per league,
-- ledger, category and day (the region's and a league's views), park_kpi_change per park, ledger, category and day
-- (the views that compare parks).
create table item_kpi_change (
    item_id              varchar not null,
    day                  date not null,
    league_code          varchar,
    park_id              varchar,
    ledger               varchar,
    category             varchar,
    first_rectified      date,                   -- the item's (item_fact), keying rectified_first_change
    found                integer not null,
    rectified            integer not null,
    overdue              integer not null,
    status_open          integer not null,
    status_working       integer not null,
    status_applied       integer not null,
    status_closed        integer not null,
    found_area_mu        decimal(18, 4) not null,
    rectified_area_mu    decimal(18, 4) not null,
    found_amount_wan     decimal(18, 2) not null,
    rectified_amount_wan decimal(18, 2) not null,
    returned_wan         decimal(18, 2) not null,
    found_approvals      bigint not null,
    rectified_approvals  bigint not null,
    rectified_any        integer not null        -- rectified by status, found by then or not (rectification_curve)
);
create index item_kpi_change_item on item_kpi_change (item_id);
create table kpi_change (
    league_code          varchar,
    ledger               varchar,
    category             varchar,
    day                  date not null,
    found                bigint not null,
    rectified            bigint not null,
    overdue              bigint not null,
    status_open          bigint not null,
    status_working       bigint not null,
    status_applied       bigint not null,
    status_closed        bigint not null,
    found_area_mu        decimal(24, 4) not null,
    rectified_area_mu    decimal(24, 4) not null,
    found_amount_wan     decimal(24, 2) not null,
    rectified_amount_wan decimal(24, 2) not null,
    returned_wan         decimal(24, 2) not null,
    found_approvals      bigint not null,
    rectified_approvals  bigint not null,
    rectified_any        bigint not null,
    unique nulls not distinct (league_code, ledger, category, day)
);
create table park_kpi_change (
    park_id              varchar,
    league_code          varchar,
    ledger               varchar,
    category             varchar,
    day                  date not null,
    found                bigint not null,
    rectified            bigint not null,
    overdue              bigint not null,
    status_open          bigint not null,
    status_working       bigint not null,
    status_applied       bigint not null,
    status_closed        bigint not null,
    found_area_mu        decimal(24, 4) not null,
    rectified_area_mu    decimal(24, 4) not null,
    found_amount_wan     decimal(24, 2) not null,
    rectified_amount_wan decimal(24, 2) not null,
    returned_wan         decimal(24, 2) not null,
    found_approvals      bigint not null,
    rectified_approvals  bigint not null,
    rectified_any        bigint not null,
    unique nulls not distinct (park_id, ledger, category, day)
);

-- Part "parks": what the views comparing parks and leagues need beyond the sums above (ledger/kept/kpis.py keeps them
-- in step with item_kpi_change, in the same statement). rectified_first_change: item_kpi_change's rectified changes
-- summed per league, category, the item's first rectified date (item_fact.first_rectified) and day, so that "items
-- rectified on D that were first rectified before a phase began" (phase_progress) is a sum over the few dates
-- before the phase. overdue_span: each item's overdue days as spans (from a day of its list until the next; null:
-- still), with the deadline then in force and its area, so that "overdue on D" with the days overdue
-- (overdue_parks) reads only the items overdue on D.
create table rectified_first_change (
    league_code     varchar,
    category        varchar,
    first_rectified date,
    day             date not null,
    rectified       bigint not null,
    unique nulls not distinct (league_code, category, first_rectified, day)
);
create table overdue_span (
    item_id     varchar not null,
    league_code varchar,
    park_id     varchar,
    ledger      varchar,
    category    varchar,
    area_mu     decimal(14, 4),
    deadline    date,
    valid_from  date not null,
    valid_to    date
);
create index overdue_span_item on overdue_span (item_id);
create index overdue_span_ledger on overdue_span (ledger, valid_from);
create index overdue_span_league on overdue_span (league_code, ledger, valid_from);
create index overdue_span_park on overdue_span (park_id);
create index park_kpi_change_league on park_kpi_change (league_code, day);  -- the parks of one league
-- park_kpi_mark: park_kpi_change's sums per park and ledger on each mark (kpi_mark: the first day of every month the
-- changes span), so that every park's figures on D are its latest mark on or before D plus the few changes since
-- (about 20,000 rows instead of 130,000 for the region's parks: map_parks, park_completion, unit_ledger_matrix).
create table kpi_mark (mark date primary key);
create table park_kpi_mark (
    mark                 date not null,
    park_id              varchar,
    league_code          varchar,
    ledger               varchar,
    found                bigint not null,
    rectified            bigint not null,
    overdue              bigint not null,
    status_open          bigint not null,
    status_working       bigint not null,
    status_applied       bigint not null,
    status_closed        bigint not null,
    found_area_mu        decimal(24, 4) not null,
    rectified_area_mu    decimal(24, 4) not null,
    found_amount_wan     decimal(24, 2) not null,
    rectified_amount_wan decimal(24, 2) not null,
    returned_wan         decimal(24, 2) not null,
    found_approvals      bigint not null,
    rectified_approvals  bigint not null,
    rectified_any        bigint not null,
    unique nulls not distinct (mark, park_id, ledger)
);
create index park_kpi_change_day on park_kpi_change (day);  -- the changes since a mark

-- Indexes on the truth's tables that the views of one park or one league need (created if missing: the tables and
-- their rows are the schema's, only the index is this file's).
create index if not exists item_fact_park on item_fact (park_id);
create index if not exists item_fact_league on item_fact (league_code, ledger);
create index if not exists item_park on item (park_id);
create index if not exists item_event_date on item_event (event_date);
-- the imported items of a ledger (ledger_origin: which batches a ledger's items came from; the demo's have none)
create index if not exists item_fact_batch on item_fact (ledger, batch_id) where batch_id is not null;
-- a ledger's responsible units in a league or the region (ledger_units: the 台账 page's filter), from the index alone
create index if not exists item_fact_units on item_fact (ledger, league_code, responsible_unit, found_date);

-- Part "clocks" (法定时限, ledger/kept/clocks.py): the stretches of time each land parcel is on the law's clock, so
-- that the parcels on a clock on $asof (queries/postgres/land_clocks.sql) are the few rows in force on that day
-- instead of every item's status. A parcel is on its clock from its clock's start (rules.idle_clock_start, from land
-- and land_development) or its found date, whichever is later, while it is not rectified; a row per status span
-- (or the 待整改 before its first) in that time, valid_to exclusive, null: still on it. The item's title is kept
-- with it: a page of the list would otherwise look up every parcel's item to order and cut the list.
create table clock_span (
    item_id           varchar not null,
    title             varchar,
    league_code       varchar,
    park_id           varchar,
    valid_from        date not null,
    valid_to          date,
    land_kind         varchar,
    area_mu           decimal(14, 4),
    partly_developed  boolean not null,
    clock_start       date not null,
    land_price_wan    decimal(14, 2)
);
create index clock_span_item on clock_span (item_id);
create index clock_span_park on clock_span (park_id);
create index clock_span_in_force on clock_span using gist (daterange(valid_from, valid_to));
create index clock_span_start on clock_span (clock_start);  -- the parcels whose milestone falls in given months
-- The parcels on a clock per league and stage (rules.idle_stage), their area, 闲置费 cap and how many are developed in
-- part, kept as changes by day (from clock_span's rows: a row adds its parcel on its first day, moves it from stage to
-- stage on its milestones and takes it away on valid_to), so that the figures on D are the sums of the changes dated
-- D or earlier (queries/postgres/land_clock_totals.sql).
create table clock_change (
    league_code      varchar,
    stage            varchar not null,
    day              date not null,
    parcels          bigint not null,
    partly_developed bigint not null,
    area_mu          decimal(24, 4) not null,
    fee_cap_wan      decimal(24, 4) not null,
    unique nulls not distinct (league_code, stage, day)
);
-- 待批项目's steps still waiting on a date: those not done yet (null) or done after it.
create index if not exists approval_step_done on approval_step (done_date);

-- Part "clocks" (回头看, ledger/kept/clocks.py): the items closed (已销号 now) counted per league, ledger and the day
-- they were closed, so that the draw form's count of the population over a period (queries/postgres/recheck_strata.sql)
-- is a sum over a few thousand rows instead of a pass over every item. item_closed holds each closed item (what a
-- write takes back), closed_count their numbers per league, ledger and day.
create table item_closed (
    item_id     varchar not null,
    league_code varchar,
    park_id     varchar,
    ledger      varchar,
    closed_on   date
);
create index item_closed_item on item_closed (item_id);
create table closed_count (
    league_code varchar,
    ledger      varchar,
    closed_on   date,
    items       bigint not null,
    unique nulls not distinct (league_code, ledger, closed_on)
);

-- 销号审核 (review_queue): the applications users made (an import's or the demo's 已整改 has no actor), few beside the
-- items' other events, read first and then checked against the span in force
create index if not exists item_event_applied on item_event (item_id, seq) where status = '已整改' and actor is not null;

-- Part "lights": 我的待办 and 督办三色 (ledger/kept/lights.py fills them). todo_span holds each item's to-do state
-- over date ranges while it is not 已销号: from valid_from to valid_to (exclusive; null: still in force) its status,
-- status date (idle_from: else its found date), deadline in force, approved extensions, returns and refused
-- extensions so far, the reason of the 退回 it is in (if any), overdue, due for a 督办单 (overdue or within 7 days,
-- not waiting for review) and its light (rules.light; null: on course or rectified), as rules.items_at and
-- rules.lights_at give them on any date of the range. The lists read one page of the spans in force on a date in
-- their order through the indexes below; one park's counts count its spans in force. todo_change holds the counts
-- of the spans by league, ledger, responsible unit and day as changes (+1 on a span's first day, -1 on its end):
-- the region's and a league's counts on D are the sums of the changes dated D or earlier.
create table todo_span (
    item_id          varchar not null,
    valid_from       date not null,
    valid_to         date,
    league_code      varchar,
    park_id          varchar,
    ledger           varchar,
    responsible_unit varchar,
    status           varchar not null,
    idle_from        date not null,
    deadline         date,
    extensions       bigint not null,
    returns          bigint not null,
    refused          bigint not null,
    returned_reason  varchar,
    light            varchar,
    is_overdue       boolean not null,
    is_due           boolean not null,
    is_returned      boolean not null,
    light_rank       integer
);
create index todo_span_item on todo_span (item_id);
create index todo_span_park on todo_span (park_id);
-- the orders of the lists (item_lights: light, deadline; todo_items: overdue first, deadline; or returned first), for
-- the region, for one league and (the 台账 page's lit items) for one ledger
create index todo_span_lights on todo_span (light_rank, deadline, item_id) where light_rank is not null;
create index todo_span_league_lights on todo_span (league_code, light_rank, deadline, item_id)
    where light_rank is not null;
create index todo_span_ledger_lights on todo_span (ledger, light_rank, deadline, item_id) where light_rank is not null;
create index todo_span_todo on todo_span (is_overdue desc nulls last, deadline, item_id);
create index todo_span_league_todo on todo_span (league_code, is_overdue desc nulls last, deadline, item_id);
create index todo_span_returned on todo_span (is_returned desc nulls last, is_overdue desc nulls last, deadline, item_id);
create table todo_change (
    league_code      varchar,
    ledger           varchar,
    responsible_unit varchar,
    day              date not null,
    open             bigint not null,
    red              bigint not null,
    yellow           bigint not null,
    blue             bigint not null,
    todo             bigint not null,
    overdue          bigint not null,
    returned         bigint not null,
    waiting          bigint not null,
    due              bigint not null,
    unique nulls not distinct (league_code, ledger, responsible_unit, day)
);

-- Part "rankings" (园区排名, the park profile's 亩均 figures and 动态管理): what each park's indicators and scores are
-- made of, by year, so that a ranking of year Y reads one row per park instead of scoring a million projects;
-- 倒逼腾退 candidates (rules.shortfalls) with their 园区指标 items' changes by day. Built projects, thresholds and
-- parks change only when a database is copied in or the demo built (every kept table rebuilt); items' changes follow
-- every write (ledger/kept/rankings.py).
-- park_year_total: every park in every year from the first completion to the latest, over the projects completed
-- by the end of that year: valid ones (rules.valid_project), those completed in the year (new_projects), the others
-- (数据缺失), enterprises (park_flags' name before 年产), candidates (valid projects short of a threshold); the valid
-- projects' sums; each indicator's land-weighted score (Σ land × rules.capped_score / Σ land where it exists) and the
-- land-weighted 亩均产值 threshold (park_flags' benchmark). Projects without a year never count (they are in no
-- ranking). A year after the latest has the latest's figures. The sums and quotients are computed exactly (numeric,
-- each product at double precision's 15 digits) and then rounded once: parks with the same projects have the same
-- figures, tied and then ordered by name as the rankings say, and a park whose projects all score 150 scores 150.
create table park_year_total (
    park_id            varchar not null,
    year               integer not null,
    league_code        varchar not null,
    new_projects       bigint not null,
    projects           bigint not null,
    missing_projects   bigint not null,
    enterprises        bigint not null,
    candidates         bigint not null,
    land_mu            double precision,
    investment_wan     double precision,
    output_wan         double precision,
    tax_wan            double precision,
    floor_area_m2      double precision,
    output_score       double precision,
    tax_score          double precision,
    investment_score   double precision,
    plot_score         double precision,
    output_benchmark   double precision,
    primary key (park_id, year)
);
create index park_year_total_year on park_year_total (year);
-- park_year_rank: queries/dynamic/park_years.sql's figures of every park in every year from the first completion
-- to the latest (its composite score at the default weights, ranks, grade and 末位组 years), which depend only on
-- the projects completed by then.
create table park_year_rank (
    park_id      varchar not null,
    year         integer not null,
    projects     bigint not null,
    output_share double precision,
    score        double precision,
    rank         bigint,
    ranked       bigint not null,
    level_rank   bigint,
    level_ranked bigint not null,
    tier_rank    bigint,
    tier_ranked  bigint not null,
    grade        varchar not null,
    bottom       boolean not null,
    bottom_years bigint not null,
    primary key (park_id, year)
);
-- project_shortfall: rules.shortfalls of every year (a ranking of Y takes the projects completed before Y).
create table project_shortfall (
    project_id  varchar not null,
    indicator   varchar not null,
    value       double precision,
    threshold   double precision,
    basis       varchar,
    park_id     varchar not null,
    league_code varchar not null,
    year        integer not null,
    primary key (project_id, indicator)
);
create index project_shortfall_park on project_shortfall (park_id);
create index project_shortfall_league on project_shortfall (league_code, year);
-- candidate_project: each candidate once, with what retreat_candidates orders its projects by (failing most first,
-- then park name, project name, id), so that a page of them (retreat_candidate_page) is read in index order
-- instead of sorting some hundred thousand; a ranking of Y takes those completed before Y. The indexes include what
-- the page filters on, so that a page deep in the list skips the rows before it without reading the table.
create table candidate_project (
    project_id        varchar primary key,
    failed_indicators bigint not null,
    park_name         varchar,
    name              varchar,
    park_id           varchar not null,
    league_code       varchar not null,
    year              integer not null
);
create index candidate_project_order on candidate_project (failed_indicators desc, park_name, name, project_id)
    include (year, league_code, park_id);
create index candidate_project_league on candidate_project (
    league_code, failed_indicators desc, park_name, name, project_id
) include (year, park_id);
create index candidate_project_park on candidate_project (park_id);
-- candidate_item_change: the changes of item_kpi_change's found (listed) and rectified of each 园区指标 item whose
-- project is a candidate, with the project's park, league and year; candidate_change their sums per park, year and
-- day (retreat_candidate_counts: listed and rectified on a date = the sums of the changes dated then or earlier).
create table candidate_item_change (
    item_id     varchar not null,
    park_id     varchar not null,
    league_code varchar not null,
    year        integer not null,
    day         date not null,
    listed      integer not null,
    rectified   integer not null
);
create index candidate_item_change_item on candidate_item_change (item_id);
create table candidate_change (
    park_id     varchar not null,
    league_code varchar not null,
    year        integer not null,
    day         date not null,
    listed      bigint not null,
    rectified   bigint not null,
    primary key (park_id, year, day)
);
-- The first and latest completion year (ranking_years, every ranking's default year), one park's projects
-- (project_rankings) and one project's 园区指标 items (retreat_candidates), without a scan of all of them.
create index if not exists built_project_year on built_project (year);
create index if not exists built_project_park on built_project (park_id);
create index if not exists indicator_project on indicator (project_id);

-- Part "common" (ledger/kept/counts.py fills them): what every page and the map count without any status.
-- park_item_count: each park's items per ledger and found date: how many, how many imported (the rest are demo
-- data: the banner on every page) and how many with coordinates (the map's item counts). item_count holds what each
-- item counts there, so that a write takes back exactly what its items counted before.
create table item_count (  -- no key on item_id: a write deletes and inserts an item's row in one statement
    item_id     varchar not null,
    park_id     varchar,
    league_code varchar,
    ledger      varchar,
    found_date  date,
    imported    integer not null,
    placed      integer not null
);
create index item_count_item on item_count (item_id);
create index item_count_park on item_count (park_id);
create table park_item_count (
    park_id     varchar,
    league_code varchar,
    ledger      varchar,
    found_date  date,
    items       bigint not null,
    imported    bigint not null,
    placed      bigint not null,
    unique nulls not distinct (park_id, ledger, found_date)
);
-- survey_count: the survey registers (infra_survey, stopped_enterprise) counted per park and survey date as the
-- overview counts them. Only the demo build and the copy write those tables (an import only clears their item_id),
-- so the kept counts are refilled with every other kept table and change with no write.
create table survey_count (
    park_id                     varchar,
    league_code                 varchar,
    surveyed_date               date,
    infra_projects              bigint not null,
    infra_incomplete_procedures bigint not null,
    infra_unfinished_or_idle    bigint not null,
    stopped_enterprises         bigint not null,
    unique nulls not distinct (park_id, surveyed_date)
);
-- counted_once (总览, 会议模式): the land, energy and water of the items rectified by a date, each parcel and each
-- enterprise counted once. once_key holds each land and stalled item's parcel and enterprise as the query groups them
-- (the item itself when it has no code; an enterprise only with energy or water figures). item_once_change holds each
-- such item's rectified changes (item_kpi_change's) with the resources they add; parcel and enterprise are set (with
-- the item's own figures) only when another item had the same key at the item's last refresh, so the items that can
-- be counted twice keep their keys and figures while the rest add up in rows without them. once_change sums them
-- per league, day, key and figures: a region's or a league's figures at D are sums over a few thousand rows.
create table once_key (
    item_id    varchar primary key,
    parcel     varchar not null,
    enterprise varchar
);
create index once_key_parcel on once_key (parcel);
create index once_key_enterprise on once_key (enterprise);
create table item_once_change (
    item_id     varchar not null,
    league_code varchar,
    day         date not null,
    parcel      varchar,
    enterprise  varchar,
    area_mu     decimal(18, 4),
    energy_tce  decimal(18, 1),
    water_t     decimal(18, 1),
    items       integer not null,
    area_sum    decimal(18, 4) not null,
    energy_sum  decimal(18, 1) not null,
    water_sum   decimal(18, 1) not null
);
create index item_once_change_item on item_once_change (item_id);
create table once_change (
    league_code varchar,
    day         date not null,
    parcel      varchar,
    enterprise  varchar,
    area_mu     decimal(18, 4),
    energy_tce  decimal(18, 1),
    water_t     decimal(18, 1),
    items       bigint not null,
    area_sum    decimal(24, 4) not null,
    energy_sum  decimal(24, 1) not null,
    water_sum   decimal(24, 1) not null,
    unique nulls not distinct (league_code, day, parcel, enterprise, area_mu, energy_tce, water_t)
);
-- The 台账 page's totals (items, overdue and the ledger's summed columns per status on a date, queries/dialect.py
-- ledger_totals): item_status_change holds each item's changes by day of its status and overdue on that day
-- (item_kpi_change's, one state per day) with the ledger's summed figures (value_1..3: ledger/kept/counts.py
-- LEDGER_VALUES) and the same figures of the overdue items (overdue_1..3, for 只看超期); ledger_status_change their
-- sums per league, ledger, status and day.
create table item_status_change (
    item_id     varchar not null,
    park_id     varchar,
    league_code varchar,
    ledger      varchar,
    status      varchar,
    day         date not null,
    items       integer not null,
    overdue     integer not null,
    value_1     decimal(18, 4) not null,
    value_2     decimal(18, 4) not null,
    value_3     decimal(18, 4) not null,
    overdue_1   decimal(18, 4) not null,
    overdue_2   decimal(18, 4) not null,
    overdue_3   decimal(18, 4) not null
);
create index item_status_change_item on item_status_change (item_id);
create index item_status_change_park on item_status_change (park_id);
create table ledger_status_change (
    league_code varchar,
    ledger      varchar,
    status      varchar,
    day         date not null,
    items       bigint not null,
    overdue     bigint not null,
    value_1     decimal(24, 4) not null,
    value_2     decimal(24, 4) not null,
    value_3     decimal(24, 4) not null,
    overdue_1   decimal(24, 4) not null,
    overdue_2   decimal(24, 4) not null,
    overdue_3   decimal(24, 4) not null,
    unique nulls not distinct (league_code, ledger, status, day)
);
-- The 台账 page in its own order (league, park, item) walks this index and stops after a page
create index if not exists item_fact_ledger_order on item_fact (ledger, league_code, park_id, item_id);
