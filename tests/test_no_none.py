"""No cell of any page's table shows a raw None / nan / NaT (issue #17): missing values show "—" or blank."""

import json
import re

import pandas as pd
import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

RAW = {"None", "nan", "NaN", "NaT", "<NA>", "null"}
LEAGUE, PARK = {"league": "150200"}, {"league": "150200", "park": "P005"}
VIEWS = [
    ("progress", {"view": view, **scope})
    for view in ("phases", "leagues", "overdue", "paper")
    for scope in ({}, LEAGUE, PARK)
] + [
    ("progress", {"view": "phases", "asof": "2022-08-31"}),
    ("progress", {"view": "notice"}),
    ("overview", {}),
    ("overview", LEAGUE),
    ("rankings", {}),
    ("rankings", {"view": "candidates", **LEAGUE}),
    ("rankings", {"view": "regroup"}),
    ("rankings", {"view": "thresholds"}),
    ("rankings", {"view": "projects", **PARK}),
    ("ledgers", LEAGUE),
    ("ledgers", {"ledger": "stalled", **LEAGUE}),
    ("ledgers", {"ledger": "idle_fund"}),
    ("park", PARK),
    ("briefing", {"view": "bulletin"}),
]


def shown_cells(element) -> pd.DataFrame:
    """The table as the browser shows it. st.table prints a Styler's display values. st.dataframe draws a Styler's
    display values for cells that hold a value, but a cell whose data is missing as the element's placeholder, or
    "None" when it has none, whatever the Styler says (seen in chromium: Styler na_rep does not reach the grid)."""
    arrow = getattr(element.proto, "arrow_data", element.proto)  # st.dataframe wraps it, st.table is it
    if arrow.HasField("styler") and arrow.styler.display_values:
        shown = dataframe_util.convert_arrow_bytes_to_pandas_df(arrow.styler.display_values)
    else:
        shown = element.value.reset_index(drop=True)
    if element.proto.DESCRIPTOR.name == "Table":  # st.table: the display values are what is printed
        return shown
    data = element.value.reset_index(drop=True)
    grid = getattr(element.proto, "placeholder", "") or "None"
    shown = shown.reset_index(drop=True).astype(object)
    for column in data.columns:
        if column in shown.columns:
            shown.loc[data[column].isna().to_numpy(), column] = grid
    return shown


def raw_cells(frame: pd.DataFrame) -> list[tuple[str, object]]:
    bad = []
    for column in frame.columns:
        for value in frame[column]:
            missing = value is None or (not isinstance(value, (list, tuple)) and pd.isna(value))
            if missing or (isinstance(value, str) and value.strip() in RAW):
                bad.append((str(column), value))
    return bad


def page_at(page: str, params: dict) -> AppTest:
    """The page at 2023-06-08 with the view's own query parameters, run once."""
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    at.query_params["asof"] = "2023-06-08"
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize(("page", "params"), VIEWS)
def test_no_table_cell_shows_none_or_nan(page: str, params: dict) -> None:
    at = page_at(page, params)
    assert not at.exception
    frames = [(d.key or str(i), shown_cells(d)) for i, d in enumerate(at.dataframe)]
    frames += [(f"table{i}", shown_cells(t)) for i, t in enumerate(at.table)]
    bad = {key: raw_cells(frame)[:3] for key, frame in frames if raw_cells(frame)}
    assert bad == {}


# No raw column name in a header (issue 24: the 纸面整改 counts showed `league_name`) ------------------------------
RAW_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")  # league_name, name, index, level_0: a frame's own names, not a label
HEADER_VIEWS = [
    *VIEWS,
    ("ledgers", {"item": "LD0003"}),
    ("park", {}),
    ("idle_map", {}),
    ("todo", {}),
    ("review", {}),
    ("accounts", {}),
    ("data_import", {}),
    pytest.param("todo", LEAGUE, marks=pytest.mark.user("demo-150200"), id="todo-league"),
    pytest.param("park", PARK, marks=pytest.mark.user("demo-P005"), id="park-park"),
    ("briefing", {"view": "deck"}),
]


def shown_headers(element) -> list[str]:
    """The column headers a browser draws for st.dataframe / st.table: each column's label from the column config
    (else its name), the index levels unless hidden (an unnamed level has an empty header), hidden columns left
    out; st.dataframe's column_order, when given, names the columns shown."""
    config = json.loads(getattr(element.proto, "columns", "") or "{}")
    frame = element.value
    headers = []
    if not config.get("_index", {}).get("hidden"):
        headers += [config.get(str(n), {}).get("label") or str(n or "") for n in frame.index.names]
    order = list(getattr(element.proto, "column_order", []) or [])
    for column in order or frame.columns:
        settings = config.get(str(column), {})
        if not settings.get("hidden"):
            headers.append(settings.get("label") or str(column))
    return headers


@pytest.mark.parametrize(("page", "params"), HEADER_VIEWS)
def test_no_table_header_is_a_raw_column_name(page: str, params: dict) -> None:
    at = page_at(page, params)
    assert not at.exception
    tables = [*at.dataframe, *at.table]
    raw = {f"{page}#{n}": [h for h in shown_headers(t) if RAW_NAME.match(h)] for n, t in enumerate(tables)}
    assert {k: v for k, v in raw.items() if v} == {}


@pytest.mark.parametrize(("page", "params"), HEADER_VIEWS)
def test_every_share_in_a_table_is_shown_with_one_decimal(page: str, params: dict) -> None:
    """Streamlit's "percent" format writes 90% beside 33.33% (issue 24): a share column uses "%.1f%%" on values
    in percent (a progress bar then runs to 100), like every other rate the dashboard prints."""
    at = page_at(page, params)
    wrong = []
    for table in at.dataframe:
        for column, settings in json.loads(table.proto.columns or "{}").items():
            config = settings.get("type_config") or {}
            shown = config.get("format") or ""
            if "percent" in shown or "%%" in shown:
                values = table.value[column].dropna().astype(float)
                scale_ok = config.get("max_value", 100) == 100 and (
                    values.empty or values.max() > 1 or values.max() == 0
                )
                if shown != "%.1f%%" or not scale_ok:
                    wrong.append((column, shown, config.get("max_value")))
    assert wrong == []
