-- paper_checks on PostgreSQL: the same rows as queries/progress/paper_checks.sql (its comments say what they mean); here to_char for strftime, aliases for the subqueries in from.
with scoped as (  -- narrow: the rules need these; the rows found get their names from item_fact below
    select item_id, status, evidence, closed_date, found_date
    from rules.items_at($asof)
    where ($league is null or league_code = $league)
      and ($park is null or park_id = $park)
),
hits as (
    select 'no_evidence' as rule, 1 as sort, item_id, '状态为' || status || '，但无佐证材料' as detail
    from scoped
    where rules.rectified(status) and coalesce(trim(evidence), '') = ''
    union all
    select 'closed_before_found', 2, item_id,
        '销号日期 ' || to_char(closed_date, 'YYYY-MM-DD') || ' 早于发现日期 ' || to_char(found_date, 'YYYY-MM-DD')
    from scoped
    where closed_date < found_date
    union all
    select 'over_revitalised', 3, s.item_id,
        '盘活面积 ' || round(l.revitalised_mu, 1) || ' 亩，大于地块面积 ' || round(l.area_mu, 1) || ' 亩'
    from scoped s
    join land l using (item_id)
    where l.revitalised_mu > l.area_mu
    union all
    select 'duplicate_parcel', 4, s.item_id,
        '宗地 ' || d.parcel_code || ' 同时登记在' || d.ledgers
    from scoped s
    join (
        select item_id, parcel_code from land where parcel_code is not null
        union all
        select item_id, parcel_code from stalled where parcel_code is not null
    ) pc using (item_id)
    join (
        select parcel_code, string_agg(distinct ledger_name, '、' order by ledger_name) as ledgers
        from (
            select parcel_code, '土地台账' as ledger_name, item_id from land
            union all
            select parcel_code, '停产停建台账', item_id from stalled
        ) named
        where parcel_code in (  -- the codes entered more than once, found first: the list is for those only
            select parcel_code
            from (select parcel_code from land union all select parcel_code from stalled) codes
            where parcel_code is not null
            group by parcel_code
            having count(*) > 1
        )
        group by parcel_code
    ) d using (parcel_code)
)
select
    h.rule,
    case h.rule
        when 'no_evidence' then '已整改无佐证材料'
        when 'closed_before_found' then '销号早于发现'
        when 'over_revitalised' then '盘活面积超过地块面积'
        else '同一宗地重复登记'
    end as rule_name,
    h.item_id,
    s.title,
    g.name as ledger_name,
    p.name as park_name,
    s.league_code,
    l.name as league_name,
    h.detail
from hits h
join item_fact s using (item_id)
join ledger_def g on g.ledger = s.ledger
join park p on p.park_id = s.park_id
join league l on l.league_code = s.league_code
order by h.sort, h.item_id
