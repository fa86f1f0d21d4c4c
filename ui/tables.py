"""Wide item tables that still show what matters on a 1366×768 screen: the item (pinned) and its name, then the
key columns (整改时限, 超期, 状态, 经办人…), then the rest; the data and its exports keep their own order."""

from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlencode

import streamlit as st

from queries.scope import Scope

# The columns a reader of an item list looks for first, in this order, with their widths in pixels.
KEY_WIDTHS = {
    "标记": 56,
    "整改时限": 96,
    "超期天数": 80,
    "超期(天)": 76,
    "距时限": 96,
    "超期未整改": 90,
    "状态": 70,
    "经办人": 110,
    "申请人": 110,
    "申请时间": 136,
    "原时限": 96,
    "申请时限": 96,
    "责任单位": 150,
}
ID_WIDTH, NAME_WIDTH = 84, 220


def key_first(columns: Iterable[str], lead: Sequence[str] | int = 2) -> list[str]:
    """The lead columns (the item and its name: names, or the first n), then the key columns present (KEY_WIDTHS
    order), then the rest as they were."""
    columns = [str(c) for c in columns]
    head = columns[:lead] if isinstance(lead, int) else [c for c in lead if c in columns]
    keys = [k for k in KEY_WIDTHS if k in columns and k not in head]
    return head + keys + [c for c in columns if c not in head and c not in keys]


def item_table_options(columns: Iterable[str], config: Mapping | None = None, lead: Sequence[str] | int = 2) -> dict:
    """column_order and column_config for st.dataframe: key_first's order, the first column pinned, the lead
    columns and the key columns at fixed widths (a long name is cut, not the key columns), the rest as before."""
    order = key_first(columns, lead)
    leading = len(order[:lead] if isinstance(lead, int) else [c for c in lead if c in order])
    merged = dict(config or {})
    for n, column in enumerate(order):
        if n == 0:
            width = ID_WIDTH
        elif n < leading:
            width = KEY_WIDTHS.get(column, NAME_WIDTH if n == leading - 1 else ID_WIDTH)
        else:
            width = KEY_WIDTHS.get(column)
        if width is None:
            continue
        settings = dict(merged.get(column) or st.column_config.Column())
        settings["width"] = width
        if n == 0:
            settings["pinned"] = True
        merged[column] = settings
    return {"column_order": order, "column_config": merged}


def item_link(item_id: str, scope: Scope) -> str:
    """An item's page in the scope it was listed in (league=…, park=…, asof=…), so the 台账 opens on that league
    or park with the item at the top, not region-wide."""
    return "ledgers?" + urlencode({"item": item_id, **scope.query_params()})
