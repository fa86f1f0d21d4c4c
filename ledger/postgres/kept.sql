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
    rectified_approvals  bigint not null
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
    unique nulls not distinct (park_id, ledger, category, day)
);

-- Indexes on the truth's tables that the views of one park or one league need (created if missing: the tables and
-- their rows are the schema's, only the index is this file's).
create index if not exists item_fact_park on item_fact (park_id);
create index if not exists item_fact_league on item_fact (league_code, ledger);
create index if not exists item_park on item (park_id);
create index if not exists item_event_date on item_event (event_date);

-- Part "rankings" (园区排名, the park profile's 亩均 figures and 动态管理): what each park's indicators and scores are
-- made of, by year, so that a ranking of year Y reads one row per park instead of scoring a million projects;
-- 倒逼腾退 candidates (rules.shortfalls) with their 园区指标 items' changes by day. Built projects, thresholds and
-- parks change only when a database is copied in or the demo built (every kept table rebuilt); items' changes follow
-- every write (ledger/rankings_kept.py).
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
