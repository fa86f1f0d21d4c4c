"""PostgreSQL mode's result frames in the dtypes the DuckDB driver gives (the pages were written against those:
int32, nullable Int64, datetime64[us], str, arrays)."""

from typing import Any

import numpy as np
import pandas as pd
import psycopg

# PostgreSQL type oids (pg_type) → the dtype DuckDB's df() gives the same column, without nulls and with them
_INTEGERS = {21: ("int16", "Int16"), 23: ("int32", "Int32"), 20: ("int64", "Int64")}
_FLOATS = {700, 701, 1700}  # real, double precision, numeric (DuckDB's DECIMAL and HUGEINT come as float64)
_BOOLEAN = 16
_DATES = {1082, 1114}  # date, timestamp: datetime64[us] as DuckDB's DATE and TIMESTAMP
_TEXT = {25, 1043, 114, 3802}  # text, varchar, json, jsonb (JSON travels as text, as DuckDB's JSON does)


def frame(description: list[psycopg.Column], rows: list[tuple]) -> pd.DataFrame:
    """Rows from psycopg as the frame DuckDB's driver gives for the same query."""
    names = [column.name for column in description]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    series = [_series(values, column.type_code) for values, column in zip(columns, description, strict=True)]
    return pd.DataFrame(dict(zip(names, series, strict=True)), columns=names)


def _series(values: tuple, oid: int) -> pd.Series:
    has_null = any(v is None for v in values)
    if oid in _INTEGERS:
        return pd.Series(values, dtype=_INTEGERS[oid][has_null])
    if oid in _FLOATS:
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    if oid == _BOOLEAN:
        return pd.Series(values, dtype="boolean" if has_null else "bool")
    if oid in _DATES:
        return pd.Series(pd.to_datetime(list(values)), dtype="datetime64[us]") if values else _empty("datetime64[us]")
    if oid in _TEXT:  # DuckDB gives str, or object when there is no text at all (no rows, or all null)
        return pd.Series(values, dtype="str" if any(v is not None for v in values) else object)
    return pd.Series([np.array(v) if isinstance(v, list) else v for v in values], dtype=object)


def _empty(dtype: str) -> pd.Series:
    return pd.Series([], dtype=dtype)


def as_dtypes(rows: pd.DataFrame, dtypes: dict[str, Any]) -> pd.DataFrame:
    """Each number, flag or date column cast to the dtype DuckDB gives it (`dtypes`: DuckDB's frame of no rows), in
    its nullable form when the column has a null, as DuckDB's driver does; text, lists and structs stay as frame()
    made them."""
    for column, dtype in dtypes.items():
        plain = _numpy_dtype(dtype)  # the empty database's aggregates give a row of nulls: Int32 for int32
        if plain is None or plain.kind not in "iufbM" or column not in rows:
            continue
        nullable = bool(rows[column].isna().any())
        if plain.kind in "iu" and nullable:
            rows[column] = rows[column].astype(plain.name.capitalize())
        elif plain.kind == "b" and nullable:
            rows[column] = rows[column].astype("boolean")
        elif rows[column].dtype != plain:
            rows[column] = rows[column].astype(plain)
    return rows


def _numpy_dtype(dtype: Any) -> np.dtype | None:
    if isinstance(dtype, np.dtype):
        return dtype
    return getattr(dtype, "numpy_dtype", None)  # pandas' nullable Int32, boolean
