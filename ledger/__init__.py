"""The data side: schema, demo data, the database path shared by the app, CLI, tests and benchmarks."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).resolve().parent / "schema.sql"
REFERENCE = ROOT / "data" / "reference"
SCHEMA_VERSION = "8"  # raise with every change to schema.sql; the value is stored in table meta


def db_path() -> Path:
    """The ledger database: LEDGER_DB if set, else data/ledger.duckdb of this checkout."""
    return Path(os.environ.get("LEDGER_DB") or ROOT / "data" / "ledger.duckdb")


def files_dir(db: Path | None = None) -> Path:
    """Where the files beside the records live (evidence/ and the archived imports, imports/): LEDGER_FILES if set,
    a directory several app servers share in PostgreSQL mode, else the folder of the database file db (LEDGER_DB's
    by default), as before the setting existed."""
    return Path(os.environ.get("LEDGER_FILES") or (db or db_path()).parent)


def stored_schema_version(path: Path) -> str | None:
    """The schema version a database file was built with (None for files older than the meta table)."""
    import duckdb

    from ledger.writing import open_for_writing

    con = open_for_writing(path)  # read-write: the app holds it so, and one process cannot mix modes
    try:
        row = con.execute(
            "select value from duckdb_tables() t, meta where t.table_name = 'meta' and key = 'schema_version'"
        ).fetchone()
    except duckdb.Error:
        row = None
    finally:
        con.close()
    return row[0] if row else None
