"""The figures PostgreSQL mode keeps for the region-wide views (#26), derived from the truth (ledgers, item_event,
workflow tables) and kept in step in the same transaction as every write to an item (ledger/spans.py refresh calls
refresh; a rebuild, migrate's install_kept and the copy command call rebuild). Their tables are in
ledger/postgres/kept.sql; one module per family:
- kpis: found / rectified / overdue / status counts and quantities as changes by day, per league and per park;
- counts: items per park (演示数据 banner, map), survey registers, one parcel / one enterprise counted once, ledger
  totals per status;
- clocks: 法定时限 (idle land on the law's clock) and the 回头看 population;
- lights: 我的待办 and 督办三色 (each open item's to-do state and light over date ranges);
- rankings: each park's built-project sums and scores per year, 倒逼腾退 candidates.
Several read item_kpi_change, so kpis runs first."""

from ledger.kept import clocks, counts, kpis, lights, rankings
from ledger.writing import PgCursor


def rebuild(con: PgCursor) -> None:
    """Every kept table refilled from the truth."""
    kpis.rebuild(con)
    clocks.rebuild(con)
    lights.rebuild(con)
    rankings.rebuild(con)
    counts.rebuild(con)


def refresh(con: PgCursor, ids: list[str], prune: bool) -> None:
    """Every kept table brought in step with these items' new spans and facts (prune: and with items gone)."""
    kpis.refresh(con, ids, prune)
    clocks.refresh(con, ids, prune)
    lights.refresh(con, ids, prune)
    rankings.refresh_items(con, ids, prune)
    counts.refresh(con, ids, prune)
