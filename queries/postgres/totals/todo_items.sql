-- todo_items' totals on PostgreSQL (queries/dialect.py KEPT_TOTALS): per responsible unit, the open items of
-- queries/workflow/todo_items.sql on $asof and how many are overdue, returned, waiting for review and due, as the
-- totals wrapper of queries/db.py shaped() counts them from its rows. The region's and a league's are sums of
-- todo_change, one park's are counted from its todo_span rows in force (both kept by ledger/kept/lights.py).
select * from (
    select
        responsible_unit,
        sum(todo) as rows,
        sum(overdue) as is_overdue,
        sum(returned) as is_returned,
        sum(waiting) as is_waiting,
        sum(due) as is_due
    from todo_change
    where day <= $asof and $park is null
      and ($league is null or league_code = $league)
      and ($unit is null or responsible_unit = $unit)
    group by responsible_unit
    having sum(todo) > 0
    union all
    select
        responsible_unit,
        count(*),
        count(*) filter (where is_overdue),
        count(*) filter (where is_returned),
        count(*) filter (where status = '已整改'),
        count(*) filter (where is_due)
    from todo_span
    where $park is not null and park_id = $park
      and valid_from <= $asof and (valid_to > $asof or valid_to is null)
      and ($league is null or league_code = $league)
      and ($unit is null or responsible_unit = $unit)
    group by responsible_unit
) t
