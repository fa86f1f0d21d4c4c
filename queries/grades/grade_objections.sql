-- Objections to grades in scope (异议复核), with the grade published and the decision, newest first.
-- Params: $league, $park.
-- Columns: objection_id, version_id, project_id, name, park_name, league_code, published_grade, filed_by,
--          filed_at, reason, evidence_name, evidence_sha256, decision, corrected_grade, decision_note,
--          decided_by, decided_at.
-- Grain: one row per objection, newest first.
select
    o.objection_id,
    o.version_id,
    o.project_id,
    r.name,
    r.park_name,
    r.league_code,
    r.grade as published_grade,
    o.filed_by,
    o.filed_at,
    o.reason,
    o.evidence_name,
    o.evidence_sha256,
    o.decision,
    o.corrected_grade,
    o.decision_note,
    o.decided_by,
    o.decided_at
from grade_objection o
join grade_version_row r on r.version_id = o.version_id and r.project_id = o.project_id
where ($league is null or r.league_code = $league)
  and ($park is null or r.park_id = $park)
order by o.objection_id desc
