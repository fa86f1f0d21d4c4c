-- 延期申请 waiting for a decision, oldest first.
-- Params: $league, $park.
-- Columns: request_id, item_id, title, league_name, park_name, requested_by, requested_at, old_deadline,
--          new_deadline, reason.
-- Grain: one row per undecided request.
select
    r.request_id,
    r.item_id,
    i.title,
    l.name as league_name,
    p.name as park_name,
    r.requested_by,
    r.requested_at,
    r.old_deadline,
    r.new_deadline,
    r.reason
from deadline_request r
join item i using (item_id)
join park p using (park_id)
join league l using (league_code)
where r.decision is null
  and ($league is null or p.league_code = $league)
  and ($park is null or i.park_id = $park)
order by r.requested_at, r.request_id
