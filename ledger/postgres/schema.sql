-- The schema of ledger/schema.sql in PostgreSQL 15 (PostgreSQL mode, issue #26): the same tables, columns, keys,
-- checks and defaults, with PostgreSQL's types (double → double precision) and the item_facts view's columns
-- written out (PostgreSQL has no `select * exclude`). Keep the two files in step: tests/test_pg_copy.py compares
-- their tables and columns and the schema version in meta. The rules (queries/rules.sql) are not here.
-- Schema of the campaign database (开发区闲置资源要素大起底台账).
-- Areas are stored in 亩 (1 公顷 = 15 亩), money in 万元. Status is never stored on an item:
-- it is replayed from item_event (status_span keeps it by date range, see rules.status_at in queries/rules.sql).

create table league (
    league_code varchar primary key,          -- 统计用区划代码, e.g. 150200
    name        varchar not null unique,      -- 包头市
    short_name  varchar not null,             -- 包头
    seat_lat    double precision,
    seat_lon    double precision
);

create table park (
    park_id            varchar primary key,   -- P001 … in catalogue order
    name               varchar not null unique,
    league_code        varchar not null references league (league_code),
    county             varchar,
    level              varchar not null check (level in ('国家级', '自治区级')),
    park_type          varchar,
    catalogue_code     varchar,               -- 《中国开发区审核公告目录》(2018) code
    approved_year      integer,
    approved_area_ha   double precision,
    leading_industries varchar,
    industry_category  varchar,               -- one of the six control-indicator categories
    lat                double precision,
    lon                double precision
);

create table phase (
    phase_id   varchar primary key,           -- mobilization, survey, rectification, long_term
    name       varchar not null,
    start_date date not null,
    end_date   date not null,
    sort       integer not null
);

create table import_batch (
    batch_id    integer primary key,
    ledger      varchar not null,
    league_code varchar references league (league_code),
    file_name   varchar not null,
    sha256      varchar not null,
    imported_at timestamp not null,
    rows        integer not null,
    imported_by varchar
);

-- One row per ledger entry (台账条目), whatever the ledger; details live in one table per ledger.
create table item (
    item_id          varchar primary key,
    ledger           varchar not null check (ledger in (
                         'pending_approval', 'idle_fund', 'land',
                         'infrastructure', 'stalled', 'indicator')),
    park_id          varchar not null references park (park_id),
    title            varchar not null,
    found_date       date not null,
    deadline         date,
    responsible_unit varchar,
    measure          varchar,
    closed_date      date,                    -- 销号 date as reported by the league
    evidence         varchar,                 -- 佐证材料
    batch_id         integer references import_batch (batch_id)  -- null: demo data
);

-- Tables that point at item carry no FOREIGN KEY: DuckDB checks a foreign key against the state before the
-- transaction, so an import that replaces items in place could not delete an item and its rows in one
-- transaction. ledger/ writes them together; tests/test_workflow.py checks that no row points nowhere.
create table item_event (
    item_id     varchar not null,
    seq         integer not null,             -- order of events of one item
    event_date  date not null,
    status      varchar not null check (status in ('待整改', '整改中', '已整改', '已销号')),
    note        varchar,
    actor       varchar,                      -- the user who recorded it (null: demo data, imports before v5)
    recorded_at timestamp,
    measure     varchar,                      -- 整改措施 actually used (reference/disposal_methods.csv)
    area_mu     decimal(12, 2),               -- area revitalised, as reported with this event
    amount_wan  decimal(14, 2),               -- amount returned, as reported with this event
    reason      varchar,                      -- a 退回's reason
    primary key (item_id, seq)
);
-- One item's events found without scanning all of them (an item's page, every workflow action).
create index item_event_item on item_event (item_id);

-- Each item's status over date ranges, derived from item_event for speed (ledger/spans.py): written in the same
-- transaction as every event, rebuilt from the log by spans.refresh. A span begins on each date an item has
-- events; its status is that of the item's latest event (by seq) dated on or before valid_from.
create table status_span (
    item_id    varchar not null,
    seq        integer not null,             -- the event whose status holds (the latest by seq so far)
    status     varchar not null,
    valid_from date not null,                -- the date of the span's first event: the status date
    valid_to   date                          -- exclusive: the item's next event date; null: still in force
);
create index status_span_item on status_span (item_id);

-- 佐证材料: one row per file attached to an item (the file itself lives in data/evidence/ by its SHA-256).
create table evidence (
    item_id     varchar not null,
    event_seq   integer not null,             -- the action it was uploaded with
    sha256      varchar not null,
    file_name   varchar not null,             -- as uploaded (cleaned of paths and control characters)
    size_bytes  bigint not null,
    mime        varchar not null,
    uploaded_by varchar not null,
    uploaded_at timestamp not null,
    withdrawn_by     varchar,                 -- the office withdrew a wrongly attached file (schema 7): who,
    withdrawn_at     timestamp,               -- when (null: the file counts as evidence)
    withdrawn_reason varchar,                 -- and why; the file itself stays in data/evidence/ for the record
    primary key (item_id, sha256)
);

-- 延期申请: a responsible user asks for a later deadline, the region office decides.
create table deadline_request (
    request_id    integer primary key,
    item_id       varchar not null,
    requested_by  varchar not null,
    requested_at  timestamp not null,
    old_deadline  date,
    new_deadline  date not null,
    reason        varchar not null,
    decision      varchar check (decision in ('批准', '不予批准')),  -- null: not decided yet
    decided_by    varchar,
    decided_at    timestamp,
    decided_date  date,
    decision_note varchar
);
create index deadline_request_item on deadline_request (item_id);
create index evidence_item on evidence (item_id);

create table pending_approval (
    item_id            varchar primary key,
    project_stage      varchar,               -- 未开工 / 在建
    approval_item      varchar,               -- 环评、能评、水土保持…
    approval_count     integer not null,      -- 审批事项 (项) of this project
    approval_authority varchar,
    acceptance         varchar                -- 受理情况
);

create table idle_fund (
    item_id      varchar primary key,
    source       varchar,
    nature       varchar,
    fund_year    integer,
    balance_wan  decimal(14, 2) not null,     -- 沉淀余额
    returned_wan decimal(14, 2) not null      -- 收回上缴 once rectified
);

create table land (
    item_id       varchar primary key,
    land_kind     varchar not null check (land_kind in ('批而未供', '闲置土地', '低效用地')),
    area_mu       decimal(14, 4) not null check (area_mu >= 0),
    approved_date date,
    idle_since    date,
    cause         varchar,
    disposal      varchar,
    parcel_code   varchar,                    -- 宗地编号, to find one parcel entered in two ledgers
    revitalised_mu decimal(14, 4),            -- 盘活面积 reported on rectification
    lat           double precision,
    lon           double precision
);

create table infrastructure (
    item_id             varchar primary key,
    facility_type       varchar,              -- 污水处理厂、渣场、标准厂房、集中供热、道路、管网
    investment_wan      decimal(14, 2),
    build_status        varchar not null check (build_status in ('已建成投运', '长期未建成', '建成未投运')),
    procedures_complete boolean not null,
    lat                 double precision,
    lon                 double precision
);

create table stalled (
    item_id       varchar primary key,
    kind          varchar not null check (kind in ('停产企业', '停建项目')),
    zombie        boolean not null,
    stopped_since date,
    land_mu       decimal(14, 4) not null check (land_mu >= 0),
    energy_tce    decimal(14, 1),              -- 用能, 吨标准煤
    water_t       decimal(14, 1),              -- 用水, 吨
    reason        varchar,
    mode          varchar,                     -- 盘活方式
    parcel_code   varchar,                     -- 宗地编号 of the land it occupies
    lat           double precision,
    lon           double precision
);

create table built_project (
    project_id        varchar primary key,
    park_id           varchar not null references park (park_id),
    name              varchar not null,
    industry_category varchar not null,
    land_mu           decimal(14, 4),          -- null or 0: 数据缺失
    investment_wan    decimal(14, 2),
    output_wan        decimal(14, 2),
    tax_wan           decimal(14, 2),
    floor_area_m2     decimal(14, 2),
    year              integer
);

create table indicator (
    item_id    varchar primary key,
    project_id varchar not null references built_project (project_id),
    indicator  varchar not null,               -- the indicator that fell short
    value      double precision,
    threshold  double precision
);

create table control_threshold (
    league_code       varchar not null references league (league_code),
    industry_category varchar not null,
    indicator         varchar not null check (indicator in (
                          'investment_intensity', 'output_per_mu', 'tax_per_mu', 'plot_ratio')),
    min_value         double precision not null,
    basis             varchar not null,        -- 演示估计 for the demo thresholds
    primary key (league_code, industry_category, indicator)
);

-- 宣传动员: each league holds a deployment meeting and files its implementation plan.
create table league_milestone (
    league_code  varchar not null references league (league_code),
    milestone    varchar not null check (milestone in ('meeting', 'plan')),
    name         varchar not null,             -- 召开动员部署会议 / 印发落实方案
    planned_date date not null,
    done_date    date,                         -- null: not done
    primary key (league_code, milestone)
);

-- 排查摸底: the date each park filed its self-inspection ledger (自查工作台账); no row: never filed.
create table park_filing (
    park_id    varchar primary key references park (park_id),
    filed_date date not null,
    note       varchar
);

-- The wider populations the ledgers were sifted from (published survey counts).
create table infra_survey (
    project_id          varchar primary key,
    park_id             varchar not null references park (park_id),
    name                varchar not null,
    facility_type       varchar,
    surveyed_date       date not null,
    build_status        varchar not null,
    procedures_complete boolean not null,
    item_id             varchar
);

create table stopped_enterprise (
    enterprise_id varchar primary key,
    park_id       varchar not null references park (park_id),
    name          varchar not null,
    stopped_since date not null,
    surveyed_date date not null,
    item_id       varchar
);

-- Each item with its league and its category (the published figures count by these): rules.item_facts_of
-- (queries/rules.sql) stored, one scan instead of eight joins on every page. Written in the same transaction as
-- every change to an item, its details or its events (ledger/spans.py refresh), rebuilt from the ledgers.
create table item_fact (
    item_id          varchar,
    ledger           varchar,
    park_id          varchar,
    title            varchar,
    found_date       date,
    deadline         date,
    responsible_unit varchar,
    measure          varchar,
    closed_date      date,
    evidence         varchar,
    batch_id         integer,
    league_code      varchar,
    category         varchar,
    area_mu          decimal(14, 4),
    amount_wan       decimal(14, 2),
    returned_wan     decimal(14, 2),
    approval_count   integer,
    current_status   varchar,                -- the status in force now (the latest event's), and since when
    current_from     date,
    first_rectified  date                    -- the first date of a rectified event
);
create index item_fact_item on item_fact (item_id);
create view item_facts as select
    item_id, ledger, park_id, title, found_date, deadline, responsible_unit, measure, closed_date, evidence, batch_id,
    league_code, category, area_mu, amount_wan, returned_wan, approval_count, first_rectified
from item_fact;

-- Names of the six ledgers and of the categories the published figures count by.
create table ledger_def (
    ledger varchar primary key,
    name   varchar not null,
    sort   integer not null
);
insert into ledger_def values
    ('pending_approval', '待批项目', 1),
    ('idle_fund', '沉淀资金', 2),
    ('land', '土地', 3),
    ('infrastructure', '基础设施', 4),
    ('stalled', '停产企业和停建项目', 5),
    ('indicator', '园区指标', 6);

create table category_def (
    category varchar primary key,
    ledger   varchar not null references ledger_def (ledger),
    name     varchar not null,
    sort     integer not null
);
insert into category_def values
    ('pending_approval', 'pending_approval', '待批项目', 1),
    ('idle_fund', 'idle_fund', '沉淀资金', 2),
    ('land_idle', 'land', '闲置土地', 3),
    ('land_unsupplied', 'land', '批而未供土地', 4),
    ('land_inefficient', 'land', '低效用地', 5),
    ('infra_procedures', 'infrastructure', '手续不齐全项目', 6),
    ('infra_half_finished', 'infrastructure', '半拉子工程', 7),
    ('infra_not_operating', 'infrastructure', '建成未投运项目', 8),
    ('stalled_long', 'stalled', '长期停产企业', 9),
    ('stalled_zombie', 'stalled', '僵尸企业', 10),
    ('stalled_project', 'stalled', '长期停建项目', 11),
    ('indicator', 'indicator', '低效项目(园区指标)', 12);

create table meta (
    key   varchar primary key,
    value varchar not null
);
insert into meta values ('schema_version', '8');  -- ledger.SCHEMA_VERSION

-- PostgreSQL mode only: the data version every write transaction bumps (ledger/postgres bump_version), what the
-- app servers' result caches are keyed on (the DuckDB file uses its own modification time instead).
create table data_version (
    one     boolean primary key default true check (one),
    version bigint not null
);
insert into data_version values (true, 0);

-- pgwrite (#26, the writes): import batch and 延期申请 ids from sequences, not the next after the largest, so that two
-- writers at once (two app servers) never take the same id. The DuckDB file keeps max + 1 under its one-writer lock.
-- A copy into PostgreSQL (ledger/postgres/copy.py) sets them past the copied ids.
create sequence import_batch_id owned by import_batch.batch_id;
create sequence deadline_request_id owned by deadline_request.request_id;

-- #28 督办闭环 (duban): 站内消息 (ledger/schema.sql says why).
create table message (
    recipient  varchar not null,
    dedupe_key varchar not null,
    kind       varchar not null,
    title      varchar not null,
    body       varchar not null,
    link       varchar,
    created_at timestamp not null,
    read_at    timestamp,
    primary key (recipient, dedupe_key)
);

-- 督办单 (#28, duban): an order the region office sends to a responsible unit (a league, or one park of it) naming
-- red and yellow items, with a reply due date; the unit acknowledges it (签收) in the app. An order not
-- acknowledged by ack_due (K working days after it was sent: rules.supervision_rules) is 逾期未签收 and escalates
-- once (escalated_at: the leaders copied through the inbox).
create table supervision_order (
    order_id        integer primary key,      -- also the order of sending
    year            integer not null,
    number          integer not null,         -- N of 督办〔year〕N号
    league_code     varchar not null references league (league_code),
    park_id         varchar references park (park_id),  -- null: the league as a whole
    sent_by         varchar not null,
    sent_at         timestamp not null,
    reply_due       date not null,            -- by when the unit reports back on the items
    ack_due         date not null,            -- by when it must acknowledge (K working days)
    note            varchar not null,         -- 督办要求
    acknowledged_by varchar,
    acknowledged_at timestamp,
    escalated_at    timestamp,
    unique (year, number)
);

-- The items an order names, with their light and its reason when it was sent (the order as issued).
create table supervision_order_item (
    order_id     integer not null references supervision_order (order_id),
    item_id      varchar not null,
    light        varchar not null,
    light_reason varchar,
    primary key (order_id, item_id)
);

-- #28 督办闭环, part "schedule": subscriptions and their deliveries (ledger/schedule.py), the figures the law's
-- clocks need (queries/clocks/), and the archive of issued 通报 (reports/archive.py).
-- A subscription: a report (or a threshold alert) sent to one account on a schedule, built with that account's
-- limits (the office may subscribe a unit's account: created_by says who).
create table subscription (
    subscription_id integer primary key,
    username        varchar not null,          -- the recipient; the report shows what this account may see
    kind            varchar not null check (kind in ('notice', 'overview_png', 'orders', 'completion_below', 'red_above')),
    cadence         varchar not null check (cadence in ('weekly', 'monthly', 'daily')),
    day             integer not null,          -- weekly: ISO weekday 1-7; monthly: 1-28; daily (alerts): 0
    threshold       double precision,          -- completion_below: a rate 0-1; red_above: a count of items
    email           varchar,                   -- e-mail copy to this address when SMTP is configured
    created_by      varchar not null,
    created_at      timestamp not null,
    cancelled_by    varchar,
    cancelled_at    timestamp                  -- null: active
);

-- Each delivery of a subscription's period on one channel: the key (subscription, period, channel) makes a second
-- sender of the same period (another app server, a restart) write nothing, so nothing is sent twice.
create table delivery (
    subscription_id integer not null,
    period          varchar not null,          -- 2026-W49 (weekly), 2026-12 (monthly), 2026-12-06 (daily)
    channel         varchar not null check (channel in ('inbox', 'email', 'webhook')),
    status          varchar not null check (status in ('pending', 'sent', 'failed')),
    attempts        integer not null,
    title           varchar not null,          -- the content (kept on the inbox row: a retry resends it as it was)
    body            varchar,
    file_name       varchar,
    content_b64     varchar,                   -- the attached file, base64 (the copy command moves it like text)
    detail          varchar,                   -- the last failure, in Chinese
    created_at      timestamp not null,
    updated_at      timestamp not null,
    primary key (subscription_id, period, channel)
);

-- 闲置土地处置办法's figures of a land item where the ledger has them: the agreed start of development, the land
-- price (闲置费 up to 20 % of it) and, for a parcel developed in part, what was developed and invested and since
-- when it stands halted (under 1/3 of the area or under 25 % of the investment, halted a year: idle too).
create table land_development (
    item_id              varchar primary key,
    agreed_start         date,                 -- 约定动工开发日期 (the clock starts here when 闲置起始 is empty)
    land_price_wan       decimal(14, 2),       -- 出让价款/划拨价款
    developed_mu         decimal(14, 4),       -- 已开发建设面积
    total_investment_wan decimal(14, 2),       -- 总投资额
    invested_wan         decimal(14, 2),       -- 已投资额
    halted_since         date                  -- 中止开发起始
);

-- 待批项目's approval steps: which department (and level) accepted which step when, its time limit in days, and
-- when it was done (null: still waiting).
create table approval_step (
    item_id         varchar not null,
    step            integer not null,
    approval_item   varchar not null,          -- 环评、能评…
    department      varchar not null,          -- 审批部门
    authority_level varchar not null,          -- 自治区 / 盟市 / 旗县
    accepted_date   date not null,             -- 受理日期
    time_limit_days integer not null check (time_limit_days > 0),
    done_date       date,
    primary key (item_id, step)
);

-- 已印发通报: each issued 要情通报 / 督导通报 as it was issued: its number, date, scope, the document itself (base64
-- text, so the copy command moves it like any column) and, in issued_figure, the figures it stated.
create table issued_document (
    document_id integer primary key,
    kind        varchar not null check (kind in ('要情通报', '督导通报')),
    number      integer not null,
    doc_number  varchar,
    data_date   date not null,              -- 数据截至
    scope_label varchar not null,
    issued_by   varchar not null,
    issued_at   timestamp not null,
    file_name   varchar not null,
    content_b64 varchar not null
);

-- The figures an issued document stated, frozen (one row per frame, row and column): a later import or correction
-- changes the ledgers, never these; the next issue compares with them.
create table issued_figure (
    document_id integer not null,
    frame       varchar not null,              -- ledger_kpis / category_kpis
    row_key     varchar not null,              -- the ledger or category
    name        varchar not null,              -- its Chinese name as printed
    measure     varchar not null,              -- the column (found, rectified, found_area_mu, …)
    value       double precision not null,
    primary key (document_id, frame, row_key, measure)
);

-- #30 防止纸面整改 (recheck): 回头看. The office draws a sample of closed items (reproducible from its seed,
-- stratified by league × ledger); each sampled item is an inspection task for a named inspector. 不属实 reopens
-- the item (an item_event 整改中 with the reason, whose seq the task keeps) and counts as a relapse.
create table recheck_draw (
    draw_id     integer primary key,
    closed_from date not null,                -- items closed (已销号) in this period are the population
    closed_to   date not null,
    share       double precision not null,    -- the share drawn in each league × ledger stratum (at least one)
    seed        bigint not null,              -- the draw is repeated exactly from the seed and the population
    weighted    boolean not null,             -- weighted towards risk (closed fast, little evidence, suspects)
    population  integer not null,             -- closed items the sample was drawn from
    drawn_by    varchar not null,
    drawn_at    timestamp not null
);
create table recheck_task (
    draw_id      integer not null,
    item_id      varchar not null,
    league_code  varchar not null,            -- the stratum, as drawn
    ledger       varchar not null,
    weight       double precision not null,   -- the risk weight the draw used (1: none)
    inspector    varchar not null,            -- the account that inspects
    due_date     date not null,
    result       varchar check (result in ('属实', '不属实')),  -- null: not inspected yet
    notes        varchar,
    inspected_by varchar,
    inspected_at timestamp,
    reopen_seq   integer,                     -- the item_event 不属实 wrote (整改中 with the reason)
    primary key (draw_id, item_id)
);
create index recheck_task_item on recheck_task (item_id);
-- 回头看's own evidence: the inspector's files (photos on site), stored like 佐证材料 (data/evidence/ by SHA-256)
-- but kept apart from them: a photo of an idle workshop is no evidence of rectification.
create table recheck_file (
    draw_id     integer not null,
    item_id     varchar not null,
    sha256      varchar not null,
    file_name   varchar not null,
    size_bytes  bigint not null,
    mime        varchar not null,
    uploaded_by varchar not null,
    uploaded_at timestamp not null,
    primary key (draw_id, item_id, sha256)
);
-- #30 (recheck): 统一社会信用代码 on the enterprise ledgers, to count one enterprise once across ledgers and to key
-- its monthly utility use.
alter table stalled add column credit_code varchar;
alter table built_project add column credit_code varchar;
-- #30 (recheck): 用电核验. Monthly electricity (and optionally water and tax) per enterprise by 统一社会信用代码, as
-- the power company and the tax office report it (imported: ledger/utility.py), to check what the items claim.
create table utility_use (
    credit_code     varchar not null,
    month           date not null,                -- the first day of the month
    electricity_kwh double precision not null check (electricity_kwh >= 0),
    water_t         double precision check (water_t >= 0),
    tax_wan         decimal(14, 2),
    batch_id        integer,                      -- the import it came with (null: demo data)
    primary key (credit_code, month)
);

-- #29 动态管理 (part dynamic): the office's decisions on a park, step by step up the ladder (ledger/park_actions.py).
create table park_action (
    action_id      integer primary key,
    park_id        varchar not null references park (park_id),
    step           varchar not null check (step in ('约谈', '通报', '限期整改', '降级', '调整出序列', '整合')),
    decided_date   date not null,
    decider        varchar not null,
    doc_no         varchar not null,
    follow_up_date date,
    note           varchar,
    recorded_by    varchar not null,
    recorded_at    timestamp not null
);
create index park_action_park on park_action (park_id);

-- #29 亩均评价 (part dynamic): what a utility needs to bill a graded project's firm (差别化电价/水价), and the
-- records that lower or cap a project's grade, each with its source (queries/grades/project_grades.sql).
create table enterprise_account (
    project_id    varchar primary key references built_project (project_id),
    credit_code   varchar not null,       -- 统一社会信用代码 (18 characters, GB 32100-2015)
    power_account varchar not null        -- 电力用户户号
);
create table project_penalty (
    penalty_id    integer primary key,
    project_id    varchar not null references built_project (project_id),
    year          integer not null,       -- the evaluation year it counts in
    kind          varchar not null check (kind in ('安全事故', '环境事故', '扣分')),
    points        double precision,       -- 扣分 only: points off the composite score
    source        varchar not null,       -- the document or department it comes from
    recorded_by   varchar not null,
    recorded_at   timestamp not null
);
create index project_penalty_project on project_penalty (project_id);

-- #29 公示 and 异议复核 (part dynamic): each version of a year's grades frozen as its rows were (ledger/publication.py).
create table grade_version (
    version_id    integer primary key,
    year          integer not null,
    kind          varchar not null check (kind in ('公示稿', '终稿', '更正稿')),  -- 更正稿: a 终稿 corrected
    basis         varchar not null,       -- the rules it was graded by, in words
    starts        date not null,          -- 公示 from … to (a 终稿: the day it was approved, twice)
    ends          date not null,
    source_id     integer,                -- a 终稿's 公示稿; a 更正稿's corrected version
    made_by       varchar not null,
    made_at       timestamp not null
);
create table grade_version_row (
    version_id    integer not null references grade_version (version_id),
    project_id    varchar not null,
    name          varchar not null,
    park_id       varchar not null,
    park_name     varchar not null,
    league_code   varchar not null,
    credit_code   varchar,
    power_account varchar,
    track         varchar not null,
    final_score   double precision,
    grade         varchar not null,
    adjustment    varchar,
    primary key (version_id, project_id)
);
create table grade_objection (
    objection_id     integer primary key,
    version_id       integer not null references grade_version (version_id),
    project_id       varchar not null,
    filed_by         varchar not null,
    filed_at         timestamp not null,
    reason           varchar not null,
    evidence_name    varchar,
    evidence_sha256  varchar,             -- in the evidence store (ledger/evidence.py)
    decision         varchar check (decision in ('采纳', '不予采纳')),  -- null: not decided yet
    corrected_grade  varchar,
    decision_note    varchar,
    decided_by       varchar,
    decided_at       timestamp
);

-- #28 督办闭环, part "wire": the schedule's daily work (ledger/schedule/runner.py: the 督办 lights' messages, the
-- escalation of unacknowledged 督办单), one row per job and day, stored in the job's own transaction: a second
-- round the same day, or a second app server, finds the row and does nothing.
create table daily_job (
    job     varchar not null,
    day     date not null,
    done_at timestamp not null,
    primary key (job, day)
);
