"""The data side: schema, demo data, the database path shared by the app, CLI, tests and benchmarks."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).resolve().parent / "schema.sql"
REFERENCE = ROOT / "data" / "reference"


def db_path() -> Path:
    """The ledger database: LEDGER_DB if set, else data/ledger.duckdb of this checkout."""
    return Path(os.environ.get("LEDGER_DB") or ROOT / "data" / "ledger.duckdb")
