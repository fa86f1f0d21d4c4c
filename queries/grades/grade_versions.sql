-- Every frozen version of the 亩均评价 (公示稿, 终稿 and 更正稿, ledger/publication.py), newest first, with how many
-- projects and D/C grades it holds in scope and how many objections it drew, settled or not.
-- Params: $league, $park.
-- Columns: version_id, year, kind, basis, starts, ends, source_id, made_by, made_at, projects, d_grades,
--          c_grades, objections, undecided, final_id (the version made from it: a 公示稿's 终稿, a 终稿 or
--          更正稿's 更正稿; null: none).
-- Grain: one row per version, newest first.
select
    v.version_id,
    v.year,
    v.kind,
    v.basis,
    v.starts,
    v.ends,
    v.source_id,
    v.made_by,
    v.made_at,
    (select count(*) from grade_version_row r
        where r.version_id = v.version_id
          and ($league is null or r.league_code = $league) and ($park is null or r.park_id = $park)) as projects,
    (select count(*) from grade_version_row r
        where r.version_id = v.version_id and r.grade = 'D'
          and ($league is null or r.league_code = $league) and ($park is null or r.park_id = $park)) as d_grades,
    (select count(*) from grade_version_row r
        where r.version_id = v.version_id and r.grade = 'C'
          and ($league is null or r.league_code = $league) and ($park is null or r.park_id = $park)) as c_grades,
    (select count(*) from grade_objection o where o.version_id = v.version_id) as objections,
    (select count(*) from grade_objection o where o.version_id = v.version_id and o.decision is null) as undecided,
    (select max(f.version_id) from grade_version f where f.source_id = v.version_id) as final_id
from grade_version v
order by v.version_id desc
