-- survey_registers on PostgreSQL: the same row as queries/overview/survey_registers.sql (its comments say what it means), summed from the kept survey_count (ledger/kept/counts.py) instead of reading both registers.
select
    coalesce(sum(infra_projects), 0)::bigint as infra_projects,
    coalesce(sum(infra_incomplete_procedures), 0)::bigint as infra_incomplete_procedures,
    coalesce(sum(infra_unfinished_or_idle), 0)::bigint as infra_unfinished_or_idle,
    coalesce(sum(stopped_enterprises), 0)::bigint as stopped_enterprises
from survey_count
where surveyed_date <= $asof
  and ($league is null or league_code = $league)
  and ($park is null or park_id = $park)
