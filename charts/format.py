"""Numbers as a Chinese reader expects them: 万元/亿元, 亩/公顷, percentages."""

import math

import pandas as pd

MU_PER_HA = 15


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def count(n: float | None, unit: str = "项") -> str:
    return "—" if _missing(n) else f"{int(n):,} {unit}"


def rate(x: float | None) -> str:
    """0.959 -> 95.9%; no items -> —"""
    return "—" if _missing(x) else f"{x * 100:.1f}%"


PERCENT = "%.1f%%"  # st.column_config format of a share given in percent (in_percent): 90.0% beside 33.3%


def in_percent(table: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """The table with the shares (0–1) of columns as percentages (0–100), for a column formatted PERCENT with
    max_value=100: Streamlit's own "percent" format writes 90% beside 33.33%, not one decimal like fmt.rate."""
    return table.assign(**{c: table[c].astype(float) * 100 for c in columns})


def money(wan: float | None) -> str:
    """万元 below 1 亿, 亿元 (two decimals) from 1 亿 on."""
    if _missing(wan):
        return "—"
    if abs(wan) >= 10_000:
        return f"{wan / 10_000:,.2f} 亿元"
    return f"{wan:,.1f} 万元"


def hectares(mu: float | None) -> str:
    """Areas are stored in 亩; shown in 公顷 with one decimal."""
    return "—" if _missing(mu) else f"{mu / MU_PER_HA:,.1f} 公顷"


def area(mu: float | None) -> str:
    """公顷 with the 亩 figure beside it: 880.5 公顷（13,207.5 亩）"""
    return "—" if _missing(mu) else f"{mu / MU_PER_HA:,.1f} 公顷（{mu:,.1f} 亩）"


def dashed(table: pd.DataFrame, decimals: int = 2):  # -> a pandas Styler
    """A table for st.dataframe with every missing cell shown as "—" (Streamlit would write "None"): floats
    with thousands separators and `decimals` places, dates as YYYY-MM-DD. The data stays as it is, so the
    columns still sort by value and an export of the same table keeps its numbers."""
    floats = {c: f"{{:,.{decimals}f}}" for c in table.columns if pd.api.types.is_float_dtype(table[c])}
    stamps = {c: "{:%Y-%m-%d}" for c in table.columns if pd.api.types.is_datetime64_any_dtype(table[c])}
    return table.style.format(na_rep="—", precision=decimals).format({**floats, **stamps}, na_rep="—")


def dashed_text(table: pd.DataFrame, decimals: int = 2) -> pd.DataFrame:
    """dashed() as plain text, for a table too large for a pandas Styler (it refuses more than 262,144 cells):
    every cell a string, missing ones "—"."""
    text = table.copy()
    for column in text.columns:
        values = text[column]
        if pd.api.types.is_float_dtype(values):
            text[column] = ["—" if pd.isna(v) else f"{v:,.{decimals}f}" for v in values]
        elif pd.api.types.is_datetime64_any_dtype(values):
            text[column] = ["—" if pd.isna(v) else f"{v:%Y-%m-%d}" for v in values]
        else:
            text[column] = ["—" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in values]
    return text
