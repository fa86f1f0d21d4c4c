"""The one statement every kept family ends a refresh with: changes (a CTE `moves`) summed per key and added to a
table of sums, one row per key, in key order (concurrent writers lock the rows they share in the same order: no
deadlock)."""


def add_sums(
    table: str, keys: tuple[str, ...], sums: tuple[str, ...], also: dict[str, str] | None = None, where: str = ""
) -> str:
    """insert … on conflict for `table`: per `keys`, the sums of the `sums` columns of moves (rows already there
    grow by them); `also`: further columns the key decides (column → expression over its group, e.g. min(league_code)
    of a park); `where`: which moves count."""
    also = also or {}
    columns = ", ".join((*keys, *also, *sums))
    key = ", ".join(keys)
    values = ", ".join((*keys, *also.values(), *(f"sum({c})" for c in sums)))
    return f"""
insert into {table} ({columns})
select {values}
from moves
{f"where {where}" if where else ""}
group by {key}
order by {key}
on conflict ({key}) do update set
    {", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in sums)}
"""
