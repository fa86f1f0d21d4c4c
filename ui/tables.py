"""How the pages show tables: no index, — in empty cells, Chinese headers, heights that fit, item links; and wide
item tables that still show what matters on a 1366×768 screen: the item (pinned) and its name, then the
key columns (整改时限, 超期, 状态, 经办人…), then the rest; the data and its exports keep their own order."""

from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from charts import format as fmt
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


# How every page shows a table ---------------------------------------------------------------------------------------
PLACEHOLDER = "—"  # what an empty cell shows (never None)
ITEM_LEAD = ("条目", "名称")  # an item list leads with the item's link and its name
HEADERS = {  # query column → the Chinese header a reader knows it by (a table may say otherwise for its own columns)
    "league_name": "盟市",
    "park_name": "园区",
    "ledger_name": "台账",
    "link": "条目",
    "item_id": "编号",
    "title": "名称",
    "responsible_unit": "责任单位",
    "deadline": "整改时限",
    "days_overdue": "超期天数",
    "rule_name": "疑点",
    "detail": "说明",
    "state": "情况",
    "filed_date": "报送日期",
    "parks": "园区数",
    "filed_on_time": "按期报送",
    "filed_late": "逾期补报",
    "not_filed": "未报送",
    "coverage": "按期覆盖率",
    "batch_id": "批次",
    "imported_at": "导入时间",
    "file_name": "文件",
    "rows": "行数",
    "imported_by": "导入人",
}


def chinese_headers(frame: pd.DataFrame, **own: str) -> pd.DataFrame:
    """The frame with the Chinese headers of HEADERS, and `own` (column=表头) where a table names a column its way."""
    return frame.rename(columns={**HEADERS, **own})


def fitted_height(rows: int, most: int | None = None) -> int:
    """The height in pixels that shows a table's header and every row without a scroll box inside the page (at most
    `most`, past which the table scrolls)."""
    height = 36 * (rows + 1) + 2
    return height if most is None else min(height, most)


def item_link_column() -> dict:
    """The 条目 column of an item list: a link to the item's page (item_link), showing the item's number."""
    return st.column_config.LinkColumn(display_text=r"item=([^&]+)")


def park_link_column() -> dict:
    """The 园区档案 column of a park list: a link to the park's page."""
    return st.column_config.LinkColumn(display_text="打开档案")


def date_column() -> dict:
    return st.column_config.DateColumn(format="YYYY-MM-DD")


def percent_column() -> dict:
    """A rate shown as a bar with its percentage (the frame holds it in percent: fmt.in_percent)."""
    return st.column_config.ProgressColumn(format=fmt.PERCENT, min_value=0, max_value=100)


def table(data: pd.DataFrame | Styler | list, key: str, *, fit: bool = False, most: int | None = None, **options):
    """st.dataframe as the pages show a table: without the index, — in an empty cell; fit: as high as all its rows
    (fitted_height, at most `most`). Returns the selection event of a table with on_select."""
    if fit:
        options["height"] = fitted_height(len(_frame(data)), most)
    return st.dataframe(data, hide_index=True, placeholder=PLACEHOLDER, key=key, **options)


def item_table(data: pd.DataFrame | Styler, key: str, config: Mapping | None = None, **options):
    """A list of items: its 条目 links to each item's page, the item and its name first, the key columns beside them
    (item_table_options)."""
    columns = {"条目": item_link_column(), **(config or {})}
    return table(data, key, **item_table_options(_frame(data).columns, columns, list(ITEM_LEAD)), **options)


def _frame(data: pd.DataFrame | Styler | list) -> pd.DataFrame | list:
    return data.data if isinstance(data, Styler) else data
