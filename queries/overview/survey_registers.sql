-- The surveyed populations the ledgers were sifted from, as counted by $asof: infrastructure projects
-- since 2016 (with incomplete procedures, long unfinished or not operating) and enterprises stopped
-- for over a year.
-- Params: $league, $park, $asof.
-- Columns: infra_projects, infra_incomplete_procedures, infra_unfinished_or_idle, stopped_enterprises.
-- Grain: one row.
with parks as (
    select park_id
    from park
    where ($league is null or league_code = $league)
      and ($park is null or park_id = $park)
),
infra as (
    select *
    from infra_survey
    where surveyed_date <= $asof and park_id in (select park_id from parks)
)
select
    (select count(*) from infra) as infra_projects,
    (select count(*) from infra where not procedures_complete) as infra_incomplete_procedures,
    (select count(*) from infra where build_status <> '已建成投运') as infra_unfinished_or_idle,
    (
        select count(*)
        from stopped_enterprise
        where surveyed_date <= $asof
          and stopped_since <= surveyed_date - interval 1 year
          and park_id in (select park_id from parks)
    ) as stopped_enterprises
