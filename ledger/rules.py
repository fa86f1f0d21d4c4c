"""The campaign's rules (queries/rules.sql) installed on a database connection: an in-memory catalog `rules`
attached to the database instance, so every cursor sees them and the database file holds none of them."""

import threading
from functools import cache

import duckdb

from ledger import ROOT, SCHEMA

RULES = ROOT / "queries" / "rules.sql"
_installing = threading.Lock()  # threads of one server install on one instance: the first one does it


def install(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Create the rules on con's database instance unless it has them (the connections of one file in a process
    share one instance); call it outside a transaction, once the schema's tables exist (table rules are bound to
    them when created). Works on a cursor of its own, so that threads sharing con may call it. Returns con."""
    with _installing:
        cursor = con.cursor()
        try:
            attached = cursor.execute("select count(*) from duckdb_databases() where database_name = 'rules'")
            if not attached.fetchone()[0]:
                cursor.execute(RULES.read_text(encoding="utf-8"))
        finally:
            cursor.close()
    return con


@cache
def empty_database() -> duckdb.DuckDBPyConnection:
    """An empty in-memory database with the schema and the rules, made once per process: what a rule that reads no
    table answers, and what columns and types a query gives (queries/db.py). Use a cursor of it per thread."""
    con = duckdb.connect()
    con.execute(SCHEMA.read_text(encoding="utf-8"))  # the table rules are bound to the schema's tables
    return install(con)


def value_of(expression: str) -> object:
    """The value of a rule that reads no table (e.g. "rules.default_weights()"), for Python code that needs the
    same figure: asked of the empty database, so the rules file stays its one definition."""
    with empty_database().cursor() as cursor:
        return cursor.execute(f"select {expression}").fetchone()[0]
