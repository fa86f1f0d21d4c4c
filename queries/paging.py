"""The 台账 list in pages: one page of a ledger query's rows, the totals of all its rows, and all of them in frames
for an export; each through queries.db's scope limits, on the ledger's own .sql (so a page, its totals and its
export are always the same rows)."""

from collections.abc import Iterator

import pandas as pd

from ledger.vocabulary import RECTIFIED
from queries import NO_FILTER
from queries.db import run_page, run_stream, run_totals
from queries.scope import Scope

PAGE_SIZES = (50, 100, 200, 500)
DEFAULT_PAGE_SIZE = 100
# The query's own order (league, park, item id): item_id is unique, so it ends every order and pages never overlap
LEDGER_ORDER: tuple[tuple[str, bool], ...] = (("league_code", False), ("park_id", False), ("item_id", False))


def ledger_order(sort: str | None, descending: bool) -> tuple[tuple[str, bool], ...]:
    """`sort` (a column of the ledger query, checked by the caller against its allow-list) first, then the
    ledger's own order; no sort: the ledger's order, reversed when descending."""
    if not sort:
        return tuple((column, descending) for column, _ in LEDGER_ORDER)
    return ((sort, descending), *((c, d) for c, d in LEDGER_ORDER if c != sort))


def ledger_page(
    ledger: str,
    scope: Scope,
    number: int,
    size: int = DEFAULT_PAGE_SIZE,
    order: tuple[tuple[str, bool], ...] = LEDGER_ORDER,
    **filters: str | bool | None,
) -> pd.DataFrame:
    """Page `number` (from 1) of `size` rows of the ledger's filtered items, in `order`."""
    return run_page(f"ledger_{ledger}", order, size, (number - 1) * size, **scope.params(), **(NO_FILTER | filters))


def ledger_totals(ledger: str, scope: Scope, sums: tuple[str, ...], **filters: str | bool | None) -> dict[str, float]:
    """Over all the filtered items (not one page): items, open (not 已整改/已销号), overdue, rectified and the sum
    of each column in `sums`, computed in the database."""
    groups = run_totals(f"ledger_{ledger}", "status", ("overdue",), sums, **scope.params(), **(NO_FILTER | filters))
    rectified = groups["status"].isin(RECTIFIED)
    totals = {
        "items": int(groups["rows"].sum()),
        "open": int(groups.loc[~rectified, "rows"].sum()),
        "overdue": int(groups["overdue"].sum()),
        "rectified": int(groups.loc[rectified, "rows"].sum()),
    }
    return totals | {column: float(groups[column].sum()) for column in sums}


def ledger_frames(ledger: str, scope: Scope, **filters: str | bool | None) -> Iterator[pd.DataFrame]:
    """All the filtered items in the ledger's order, a frame of some thousand rows at a time, uncached."""
    yield from run_stream(f"ledger_{ledger}", **scope.params(), **(NO_FILTER | filters))


# The park profile's item list (park_items.sql): in the ledgers' order, then by item id (unique)
PARK_ITEM_ORDER: tuple[tuple[str, bool], ...] = (("ledger_sort", False), ("item_id", False))
PARK_PAGE_SIZE = 100


def park_items_page(scope: Scope, number: int, size: int = PARK_PAGE_SIZE) -> pd.DataFrame:
    """Page `number` (from 1) of the scope's items as the park profile lists them."""
    return run_page("park_items", PARK_ITEM_ORDER, size, (number - 1) * size, **scope.params())


def park_items_count(scope: Scope) -> int:
    """How many items the park profile lists, counted in the database."""
    return int(run_totals("park_items", "ledger", (), (), **scope.params())["rows"].sum())
