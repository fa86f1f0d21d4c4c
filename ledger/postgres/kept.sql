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

-- Part "common" (ledger/postgres/counts.py fills them): what every page and the map count without any status.
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
-- kept_totals): item_status_change holds each item's changes by day of its status and overdue on that day
-- (item_kpi_change's, one state per day) with the ledger's summed figures (value_1..3: ledger/postgres/counts.py
-- LEDGER_VALUES); ledger_status_change their sums per league, ledger, status and day.
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
    value_3     decimal(18, 4) not null
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
    unique nulls not distinct (league_code, ledger, status, day)
);
-- The 台账 page in its own order (league, park, item) walks this index and stops after a page
create index if not exists item_fact_ledger_order on item_fact (ledger, league_code, park_id, item_id);
