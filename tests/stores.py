"""Helpers for tests that run on either store (the `engine` fixture): rows asked of the one LEDGER_DSN selects or of
the DuckDB file, a fingerprint of everything stored, and a fresh copy of a PostgreSQL database per test."""

import hashlib
from pathlib import Path

import duckdb
import psycopg
from psycopg.conninfo import conninfo_to_dict

from ledger import postgres, rules
from ledger.writing import PgCursor
from tests.pgserver import PgServer


def query(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    """The rows of sql (DuckDB's SQL, `$name` parameters, the rules available) on PostgreSQL when LEDGER_DSN is set,
    else on the DuckDB file db."""
    target = postgres.dsn()
    if target is not None:
        with postgres.connect(target) as con:
            return PgCursor(con).execute(sql, params).fetchall()
    con = rules.install(duckdb.connect(str(db)))
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def execute(db: Path, sql: str, params: dict | None = None) -> None:
    """A statement that returns no rows, on the store query() asks."""
    target = postgres.dsn()
    if target is not None:
        with postgres.connect(target) as con:
            PgCursor(con).execute(sql, params)
        return
    con = duckdb.connect(str(db))
    try:
        con.execute(sql, params or {})
    finally:
        con.close()


def fingerprint(db: Path) -> object:
    """Everything stored, to show that nothing changed: the DuckDB file's SHA-256, or the row count and an MD5 of the
    sorted rows of every PostgreSQL table (data_version included: a rolled-back write leaves it too)."""
    target = postgres.dsn()
    if target is None:
        return hashlib.sha256(db.read_bytes()).hexdigest()
    with postgres.connect(target) as con:
        tables = [r[0] for r in con.execute("select tablename from pg_tables where schemaname = 'public' order by 1")]
        return {
            table: con.execute(
                f"select count(*), md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from {table} t"
            ).fetchone()
            for table in tables
        }


def clone_database(server: PgServer, template: str, name: str) -> str:
    """A new database `name` copied from the database of DSN template (CREATE DATABASE … TEMPLATE: a fraction of a
    second, against seconds for copying the demo in again); its DSN. Nothing may be connected to the template."""
    source = conninfo_to_dict(template)["dbname"]
    with psycopg.connect(server.dsn(), autocommit=True) as con:
        con.execute(f'drop database if exists "{name}" with (force)')
        con.execute(f'create database "{name}" template "{source}"')
    return server.dsn(name)
