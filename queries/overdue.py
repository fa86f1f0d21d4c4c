"""整治进度's 超期清单 asked of the database: its most overdue rows and the counts of all of them, each through
queries.db's scope limits on overdue_items.sql (so the list and its counts are the same rows)."""

import pandas as pd

from queries.db import run_page, run_totals
from queries.scope import Scope

# overdue_items.sql's own order: most overdue first; item_id is unique and ends it
OVERDUE_ORDER: tuple[tuple[str, bool], ...] = (("days_overdue", True), ("item_id", False))


def overdue_head(scope: Scope, limit: int, ledger: str | None = None) -> pd.DataFrame:
    """The `limit` most overdue items in scope (of one ledger)."""
    return run_page("overdue_items", OVERDUE_ORDER, limit, 0, **scope.params(), ledger=ledger)


def overdue_counts(scope: Scope, ledger: str | None = None) -> tuple[int, int]:
    """Over every overdue item in scope (of one ledger): how many, and how many of them had a 延期 approved."""
    groups = run_totals("overdue_items", "ledger", ("is_extended",), (), **scope.params(), ledger=ledger)
    return int(groups["rows"].sum()), int(groups["is_extended"].sum())
