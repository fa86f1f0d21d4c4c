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
-- 销号审核 (review_queue): the applications users made (an import's or the demo's 已整改 has no actor), few beside the
-- items' other events, read first and then checked against the span in force
create index if not exists item_event_applied on item_event (item_id, seq) where status = '已整改' and actor is not null;

-- Part "lights": 我的待办 and 督办三色 (ledger/lights_kept.py fills them). todo_span holds each item's to-do state
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
