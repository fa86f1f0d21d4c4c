"""PostgreSQL mode (issue #26, in progress): the schema in PostgreSQL types and the copy between a DuckDB file and
a PostgreSQL database. The app itself still reads the DuckDB file."""

from pathlib import Path

PG_SCHEMA = Path(__file__).resolve().parent / "schema.sql"
PG_ACCOUNTS = Path(__file__).resolve().parent / "accounts.sql"  # the accounts file's tables (auth/store.py)
