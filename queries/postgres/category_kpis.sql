-- category_kpis on PostgreSQL: the same rows as queries/overview/category_kpis.sql (its comments say what they mean).
-- The region's or a league's figures are sums of the changes kept in kpi_change (ledger/kept/kpis.py keeps them in step
-- with every write): a few thousand rows instead of every item; one park's are counted from rules.items_at as there.
with counted as (
    select
        category,
        sum(found) as found,
        sum(rectified) as rectified,
        sum(overdue) as overdue,
        sum(found_area_mu) as found_area_mu,
        sum(rectified_area_mu) as rectified_area_mu,
        sum(found_amount_wan) as found_amount_wan,
        sum(rectified_amount_wan) as rectified_amount_wan,
        sum(returned_wan) as returned_wan,
        sum(found_approvals) as found_approvals,
        sum(rectified_approvals) as rectified_approvals
    from kpi_change
    where day <= $asof and ($league is null or league_code = $league) and $park is null
    group by category
    union all
    select
        category,
        count(*),
        count(*) filter (where is_rectified),
        count(*) filter (where is_overdue),
        sum(area_mu),
        sum(area_mu) filter (where is_rectified),
        sum(amount_wan),
        sum(amount_wan) filter (where is_rectified),
        sum(returned_wan) filter (where is_rectified),
        sum(approval_count),
        sum(approval_count) filter (where is_rectified)
    from rules.items_at($asof)
    where $park is not null and park_id = $park and ($league is null or league_code = $league)
    group by category
)
select
    c.ledger,
    c.category,
    c.name,
    coalesce(x.found, 0)::bigint as found,
    coalesce(x.rectified, 0)::bigint as rectified,
    coalesce(x.found - x.rectified, 0)::bigint as open,
    coalesce(x.overdue, 0)::bigint as overdue,
    coalesce(x.found_area_mu, 0)::double precision as found_area_mu,
    coalesce(x.rectified_area_mu, 0)::double precision as rectified_area_mu,
    coalesce(x.found_amount_wan, 0)::double precision as found_amount_wan,
    coalesce(x.rectified_amount_wan, 0)::double precision as rectified_amount_wan,
    coalesce(x.returned_wan, 0)::double precision as returned_wan,
    coalesce(x.found_approvals, 0)::bigint as found_approvals,
    coalesce(x.rectified_approvals, 0)::bigint as rectified_approvals
from category_def c
left join counted x using (category)
order by c.sort
