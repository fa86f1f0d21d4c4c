-- item_detail on PostgreSQL: the same rows as queries/ledgers/item_detail.sql (its comments say what they mean); here an ordered array_agg for arg_max, date subtraction for datediff, json_build_object for json_object.
with seen as (
    select seq, event_date, status from item_event where item_id = $item and event_date <= $asof
),
events as (  -- rectified_date: when the item's present run of 已整改/已销号 began (a 退回 ends a run)
    select
        max(event_date) as status_date,
        (array_agg(status order by seq desc))[1] as status,
        min(event_date) filter (
            where rules.rectified(status)
              and seq > coalesce((select max(seq) from seen where status in ('待整改', '整改中')), 0)
        ) as rectified_date
    from seen
),
extended as (  -- the deadline in force on $asof (none: the ledger's own)
    select deadline, extensions from rules.deadline_at($asof) where item_id = $item
)
select
    i.item_id,
    i.ledger,
    ld.name as ledger_name,
    i.title,
    p.league_code,
    lg.name as league_name,
    i.park_id,
    p.name as park_name,
    i.found_date,
    (select ph.name from phase ph where i.found_date between ph.start_date and ph.end_date) as found_phase,
    i.responsible_unit,
    i.measure,
    coalesce(x.deadline, i.deadline) as deadline,
    i.deadline as original_deadline,
    coalesce(x.extensions, 0) as extensions,
    e.status,
    e.status_date,
    e.rectified_date,
    case when e.status = '已销号' then coalesce(i.closed_date, e.status_date) end as closed_date,
    case when e.rectified_date is not null then i.evidence end as evidence,
    (coalesce(x.deadline, i.deadline) - $asof::date)::bigint as days_to_deadline,
    coalesce(rules.overdue(e.status, coalesce(x.deadline, i.deadline), $asof), false) as overdue,
    case i.ledger
        when 'land' then json_build_object(
            'land_kind', l.land_kind, 'area_mu', l.area_mu::double precision, 'approved_date', l.approved_date,
            'idle_since', l.idle_since, 'cause', l.cause, 'disposal', l.disposal)
        when 'stalled' then json_build_object(
            'kind', s.kind, 'zombie', s.zombie, 'stopped_since', s.stopped_since, 'land_mu', s.land_mu::double precision,
            'energy_tce', s.energy_tce::double precision, 'water_t', s.water_t::double precision, 'reason', s.reason, 'mode', s.mode)
        when 'infrastructure' then json_build_object(
            'facility_type', f.facility_type, 'investment_wan', f.investment_wan::double precision,
            'build_status', f.build_status, 'procedures_complete', f.procedures_complete)
        when 'idle_fund' then json_build_object(
            'source', fd.source, 'nature', fd.nature, 'fund_year', fd.fund_year,
            'balance_wan', fd.balance_wan::double precision,
            'returned_wan', case when e.rectified_date is not null then fd.returned_wan::double precision end)
        when 'pending_approval' then json_build_object(
            'project_stage', pa.project_stage, 'approval_item', pa.approval_item,
            'approval_count', pa.approval_count, 'approval_authority', pa.approval_authority,
            'acceptance', pa.acceptance)
        when 'indicator' then json_build_object(
            'project_name', bp.name, 'industry_category', bp.industry_category, 'indicator', ind.indicator,
            'value', ind.value, 'threshold', ind.threshold, 'land_mu', bp.land_mu::double precision,
            'output_wan', bp.output_wan::double precision)
    end::text as details
from item i
join park p on p.park_id = i.park_id
join league lg on lg.league_code = p.league_code
join ledger_def ld on ld.ledger = i.ledger
cross join events e
left join extended x on true
left join land l on l.item_id = i.item_id
left join stalled s on s.item_id = i.item_id
left join infrastructure f on f.item_id = i.item_id
left join idle_fund fd on fd.item_id = i.item_id
left join pending_approval pa on pa.item_id = i.item_id
left join indicator ind on ind.item_id = i.item_id
left join built_project bp on bp.project_id = ind.project_id
where i.item_id = $item
  and ($league is null or p.league_code = $league)
  and ($park is null or i.park_id = $park)
