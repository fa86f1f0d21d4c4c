"""The PostgreSQL text of a named query, from its one definition in queries/<page>/<name>.sql.

sqlglot transpiles most queries as they are (DuckDB → PostgreSQL); where it cannot (list positions and slices,
struct literals, mode(… order by), json_object, FROM-first, median as a window) a hand-written file
queries/postgres/<name>.sql beside the originals wins. The rules the queries call (rules.<name>) are SQL functions
on PostgreSQL: queries/postgres/rules.sql.

Parameters stay named: `$league` becomes `%(league)s` (psycopg's style) cast to its type, since PostgreSQL cannot
guess the type of a parameter that is NULL ("could not determine data type of parameter")."""

import re
from functools import cache
from pathlib import Path
from typing import Any

import sqlglot
from psycopg.types.json import Jsonb
from sqlglot import exp

from ledger.kept.counts import LEDGER_VALUES
from ledger.vocabulary import RECTIFIED
from queries.db import OWN_ORDER, _column, _uncommented, sql_files

POSTGRES_DIR = Path(__file__).resolve().parent / "postgres"
RULES = POSTGRES_DIR / "rules.sql"
# Totals that a hand-written text sums from kept counts (queries/postgres/totals/<query>.sql: per value of `by`, its
# row count and the true count of each flag, columns named as the totals wrapper names them) instead of counting
# every row of the query: (query, by) -> the flags it counts. A totals shape asking for other flags or for sums
# is counted by the wrapper (or, for the ledger lists, by ledger_totals below).
TOTALS_FILES = {("todo_items", "responsible_unit"): ("is_overdue", "is_returned", "is_waiting", "is_due")}

# The PostgreSQL type of every parameter a query may take (queries/db.py OPTIONAL and the scope); the structs
# (weights, rules) travel as jsonb. A parameter missing here is a mistake that transpiling reports.
PARAM_TYPES = {
    "league": "text",
    "park": "text",
    "asof": "date",
    "user_park": "text",
    "cell": "double precision",
    "item": "text",
    "ledger": "text",
    "status": "text",
    "overdue_only": "boolean",
    "unit": "text",
    "phase": "text",
    "search": "text",
    "year": "integer",
    "metric": "text",
    "weights": "jsonb",
    "rules": "jsonb",
    "light": "text",
    "order": "integer",
    "page_size": "bigint",
    "leagues": "text",
    "offset": "bigint",
    "page_limit": "bigint",
    "page_offset": "bigint",
    "closed_from": "date",
    "closed_to": "date",
    "track": "text",
    "veto": "boolean",
    "protect_years": "integer",
    "quotas": "boolean",
    "version": "integer",
}
_SENTINEL = re.compile(r"__param_([a-z_]+)__")
_HAND_PARAM = re.compile(r"\$([a-z_]+)")


def hand_written() -> dict[str, Path]:
    """The queries with a PostgreSQL file of their own, by name (rules.sql is no query)."""
    return {p.stem: p for p in sorted(POSTGRES_DIR.glob("*.sql")) if p != RULES}


@cache
def postgres_text(name: str) -> str:
    """The PostgreSQL text of query `name`, parameters as %(name)s, cached per file for the process."""
    hand = hand_written().get(name)
    if hand is not None:
        return _typed_params(hand.read_text(encoding="utf-8"))
    return transpile(sql_files()[name].read_text(encoding="utf-8"))


def postgres_shaped(name: str, shape: tuple | None) -> tuple[str, dict[str, Any]]:
    """The PostgreSQL text of query `name` in one of queries/db.py shaped()'s views (a page of rows in an order, or
    totals per value of a column) and the parameters the wrapper adds: PostgreSQL's spelling of the same wrapper."""
    text = postgres_text(name)
    if shape is None:
        return text, {}
    body = OWN_ORDER.sub("", _uncommented(text).rstrip().rstrip(";")).rstrip()  # the wrapper orders or counts
    if shape[0] == "page":
        _, order, limit, offset = shape
        keys = ", ".join(f"{_column(c)} {'desc' if descending else 'asc'} nulls last" for c, descending in order)
        page = "limit %(page_limit)s offset %(page_offset)s"
        return f"select * from ({body}\n) q order by {keys} {page}", {"page_limit": limit, "page_offset": offset}
    if shape[0] == "totals":
        _, by, flags, sums = shape
        kept = TOTALS_FILES.get((name, by))
        if kept is not None and set(flags) <= set(kept) and not sums:
            kept_text = _typed_params((POSTGRES_DIR / "totals" / f"{name}.sql").read_text(encoding="utf-8"))
            columns = ", ".join((_column(by), "rows", *(_column(f) for f in flags)))
            return f"select {columns} from ({_uncommented(kept_text)}\n) q order by 1", {}
        columns = [
            _column(by),
            "count(*) as rows",
            *(f"count(*) filter (where {_column(f)}) as {_column(f)}" for f in flags),
            *(f"coalesce(sum({_column(c)}), 0)::double precision as {_column(c)}" for c in sums),
        ]
        counted = f"select {', '.join(columns)} from ({body}\n) q group by 1 order by 1"
        return ledger_totals(name, flags, sums, counted) or counted, {}
    raise ValueError(f"unknown shape {shape[0]!r}")


# A ledger list's totals come from the kept ledger_status_change (ledger/kept/counts.py) when the region's or a
# league's items are asked with no filter but a status and 只看超期 (then the overdue items' counts and figures);
# otherwise (one park, or other filters) they are counted.
LEDGER_TOTALS_WHEN = "$park is null and $unit is null and $phase is null and $search is null"
OVERDUE_ONLY = "coalesce($overdue_only, false)"
LEDGER_TOTALS = f"""
select {{columns}}
from ledger_status_change
where ledger = '{{ledger}}' and day <= $asof
  and ($league is null or league_code = $league)
  and ($status is null or status = $status)
group by status
having sum(case when {OVERDUE_ONLY} then overdue else items end) > 0
"""


def ledger_totals(name: str, flags: tuple[str, ...], sums: tuple[str, ...], counted: str) -> str | None:
    """A ledger list's totals per status (the `counted` text's rows) summed from the kept status changes where the
    parameters allow, counted where not: one text, of which PostgreSQL runs one branch (the parameters are
    constants in its custom plan). None for any other query or shape."""
    ledger = name.removeprefix("ledger_")
    values = LEDGER_VALUES.get(ledger) if name.startswith("ledger_") else None
    if values is None or flags != ("overdue",) or not set(sums) <= values.keys():
        return None
    rectified = ", ".join(f"'{s}'" for s in RECTIFIED)
    columns = [
        "status", f"sum(case when {OVERDUE_ONLY} then overdue else items end)::bigint as rows",
        'sum(overdue)::bigint as "overdue"',
    ]  # fmt: skip
    for column in sums:
        value = values[column][0]
        overdue = value.replace("value_", "overdue_")
        only = f" filter (where status in ({rectified}))" if (ledger, column) in RECTIFIED_ONLY else ""
        columns.append(
            f"coalesce(sum(case when {OVERDUE_ONLY} then {overdue} else {value} end){only}, 0)::double precision"
            f" as {_column(column)}"
        )
    kept = _typed_params(LEDGER_TOTALS.format(columns=", ".join(columns), ledger=ledger))
    when = _typed_params(LEDGER_TOTALS_WHEN)
    return (
        f"select * from ({kept}) kept where {when}\n"
        f"union all\nselect * from ({counted}) counted where not ({when})\norder by 1"
    )


RECTIFIED_ONLY = {("idle_fund", "returned_wan")}  # shown (and summed) only once the item is rectified


def postgres_params(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters as psycopg sends them: a struct (a dict: the ranking weights, the flag rules) as jsonb."""
    return {name: Jsonb(value) if isinstance(value, dict) else value for name, value in params.items()}


def transpile(duckdb_sql: str) -> str:
    """DuckDB text → PostgreSQL text with typed psycopg parameters."""
    tree = sqlglot.parse_one(duckdb_sql, read="duckdb")
    tree = tree.transform(_param_sentinel).transform(_ledger_row_apart)
    return _psycopg_params(tree.sql(dialect="postgres"))


def _param_sentinel(node: exp.Expression) -> exp.Expression:
    """A $name parameter as a cast of a placeholder column (a column survives every dialect's generator)."""
    if isinstance(node, exp.Placeholder) and node.this:
        kind = PARAM_TYPES.get(str(node.this))
        if kind is None:
            raise KeyError(f"parameter ${node.this} has no PostgreSQL type in queries/dialect.py PARAM_TYPES")
        return exp.cast(exp.column(f"__param_{node.this}__"), kind)
    return node


def _ledger_row_apart(node: exp.Expression) -> exp.Expression:
    """A ledger list's own row, joined to rules.ledger_rows(…) x on its item id, as a lateral subquery of its own
    (`offset 0` keeps PostgreSQL from pulling it up). Joined, PostgreSQL guessed one item in 19 had a row and sorted
    a whole ledger instead of walking item_fact's index in the page's order and stopping; DuckDB keeps the join."""
    source = node.args.get("from_") if isinstance(node, exp.Select) else None
    rows = source.this if source else None
    if not (isinstance(rows, exp.Table) and isinstance(rows.this, exp.Anonymous) and rows.this.name == "ledger_rows"):
        return node
    for join in node.args.get("joins") or []:
        on, own = join.args.get("on"), join.this
        if not (isinstance(on, exp.EQ) and {(c.table, c.name) for c in (on.this, on.expression)}
                == {(own.alias, "item_id"), (rows.alias, "item_id")}):  # fmt: skip
            continue
        body = own.copy()
        body.set("alias", exp.TableAlias(this=exp.to_identifier("l")))
        select = exp.select("*").from_(body).where(f"l.item_id = {rows.alias}.item_id").offset(0)
        lateral = exp.Lateral(this=select.subquery(), alias=exp.TableAlias(this=exp.to_identifier(own.alias)))
        join.replace(exp.Join(this=lateral, kind="CROSS"))
    return node


def _psycopg_params(text: str) -> str:
    """Escape the text's own % (psycopg reads every % as a placeholder's start), then the sentinels → %(name)s."""
    return _SENTINEL.sub(lambda m: f"%({m.group(1)})s", text.replace("%", "%%"))


def _typed_params(text: str) -> str:
    """A hand-written PostgreSQL file keeps the originals' $name parameters: typed and in psycopg's style here."""
    return _psycopg_params(_HAND_PARAM.sub(_typed, text))


def _typed(match: re.Match) -> str:
    kind = PARAM_TYPES[match.group(1)]
    return f"cast(__param_{match.group(1)}__ as {kind})"
