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

-- Part "parks": what the views comparing parks and leagues need beyond the sums above (ledger/spans.py keeps them
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
