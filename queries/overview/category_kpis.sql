-- Items found and rectified by $asof per category, with their quantities (the published figures' terms).
-- "Found by D" = found_date <= D; "rectified by D" = status at D is 已整改 or 已销号;
-- "overdue" = not rectified and deadline before D.
-- Params: $league, $park, $asof.
-- Columns: ledger, category, name, found, rectified, open, overdue, found_area_mu, rectified_area_mu,
--          found_amount_wan, rectified_amount_wan, returned_wan, found_approvals, rectified_approvals.
-- Grain: one row per category (all 12, zeros where the scope has none), in display order.
with scoped as (
    select *
    from rules.items_at($asof)
    where ($league is null or league_code = $league)
      and ($park is null or park_id = $park)
)
select
    c.ledger,
    c.category,
    c.name,
    count(x.item_id) as found,
    count(x.item_id) filter (where x.is_rectified) as rectified,
    count(x.item_id) filter (where not x.is_rectified) as open,
    count(x.item_id) filter (where x.is_overdue) as overdue,
    coalesce(sum(x.area_mu), 0)::double as found_area_mu,
    coalesce(sum(x.area_mu) filter (where x.is_rectified), 0)::double as rectified_area_mu,
    coalesce(sum(x.amount_wan), 0)::double as found_amount_wan,
    coalesce(sum(x.amount_wan) filter (where x.is_rectified), 0)::double as rectified_amount_wan,
    coalesce(sum(x.returned_wan) filter (where x.is_rectified), 0)::double as returned_wan,
    coalesce(sum(x.approval_count), 0)::bigint as found_approvals,
    coalesce(sum(x.approval_count) filter (where x.is_rectified), 0)::bigint as rectified_approvals
from category_def c
left join scoped x using (category)
group by c.ledger, c.category, c.name, c.sort
order by c.sort
