"""我的待办 in pieces asked of the database: the most urgent rows, the counts of all of them and the units a 督办单
goes to, each through queries.db's scope limits on todo_items.sql (so the list, its counts and the orders agree)."""

import pandas as pd

from queries.db import run_page, run_totals
from queries.scope import Scope

# todo_items.sql's own order: overdue first, then by the deadline in force; item_id is unique and ends it
TODO_ORDER: tuple[tuple[str, bool], ...] = (("is_overdue", True), ("deadline", False), ("item_id", False))
FLAGS = ("is_overdue", "is_returned", "is_waiting", "is_due")


def todo_head(scope: Scope, limit: int, returned_first: bool = False) -> pd.DataFrame:
    """The first `limit` open items in the list's order (returned_first: the returned ones before the others)."""
    order = (("is_returned", True), *TODO_ORDER) if returned_first else TODO_ORDER
    return run_page("todo_items", order, limit, 0, **scope.params(), unit=None)


def todo_counts(scope: Scope) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """Over every open item in scope (one pass): items, overdue, returned, 已整改 waiting for review; and per
    responsible unit with items a 督办单 names, by name: how many are overdue and how many due within 7 days."""
    units = run_totals("todo_items", "responsible_unit", FLAGS, (), **scope.params(), unit=None)
    counts = {
        "items": int(units["rows"].sum()),
        "overdue": int(units["is_overdue"].sum()),
        "returned": int(units["is_returned"].sum()),
        "waiting": int(units["is_waiting"].sum()),
    }
    due = units[(units["is_due"] > 0) & units["responsible_unit"].notna()].sort_values("responsible_unit")
    # an overdue item is never 已整改, so every overdue item is due: the rest are due within 7 days
    return counts, {
        unit: (int(late), int(d - late))
        for unit, late, d in zip(due["responsible_unit"], due["is_overdue"], due["is_due"], strict=True)
    }
