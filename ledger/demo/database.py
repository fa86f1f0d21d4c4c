"""The demo rows written to a new database file (schema, rules, rows, derived tables), or to an in-memory one."""

import os
from pathlib import Path

import duckdb
import pandas as pd

from ledger import SCHEMA, rules, spans

TABLE_ORDER = [
    "league",
    "park",
    "phase",
    "control_threshold",
    "built_project",
    "item",
    "item_event",
    "pending_approval",
    "idle_fund",
    "land",
    "infrastructure",
    "stalled",
    "indicator",
    "infra_survey",
    "stopped_enterprise",
    "league_milestone",
    "park_filing",
    "land_development",
    "approval_step",
    "park_action",
    "enterprise_account",
    "project_penalty",
]


def write_database(rows: dict[str, list[dict]], path: Path) -> None:
    """Create a fresh database file with the schema and these rows, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    con = with_rows(duckdb.connect(str(tmp)), rows, TABLE_ORDER)
    try:
        spans.refresh(con)
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(tmp, path)


def with_rows(
    con: duckdb.DuckDBPyConnection, rows: dict[str, list[dict]], tables: list[str]
) -> duckdb.DuckDBPyConnection:
    """con with the schema, the rules and the rows of these tables."""
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    rules.install(con)
    for table in tables:
        frame = pd.DataFrame(rows.get(table, []))
        if frame.empty:
            continue
        columns = ", ".join(frame.columns)
        con.register("frame", frame)
        con.execute(f"insert into {table} ({columns}) select {columns} from frame")
        con.unregister("frame")
    return con
