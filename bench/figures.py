"""Every figure the pages can ask for, fingerprinted: a refactoring that changes no behaviour leaves this file
identical. Builds the demo database afresh (so the generator is covered too), then runs every query wrapper at
several scopes and 数据截至 dates and writes one line per (query, scope): rows and a SHA-256 of its CSV form.

    python -m bench.figures out.tsv        # then: diff before.tsv after.tsv
"""

import hashlib
import inspect
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

SCOPES = (  # (league, park, 数据截至): the region, a league, a park, each at the end and mid-campaign
    (None, None, None),
    (None, None, date(2023, 6, 8)),
    ("150200", None, None),
    ("152500", None, date(2023, 3, 1)),
    (None, "P031", None),
    (None, "P005", date(2023, 6, 8)),
)


def _fingerprint(value: object) -> str:
    if isinstance(value, pd.Series):
        value = value.to_frame()
    if isinstance(value, pd.DataFrame):  # rows sorted: a query's order among equal keys is not a figure
        header, *rows = value.to_csv(index=False, float_format="%.6f").splitlines()
        text = "\n".join([header, *sorted(rows)])
        return f"{len(value)}\t{hashlib.sha256(text.encode()).hexdigest()[:16]}"
    if hasattr(value, "__dataclass_fields__") or isinstance(value, (list, tuple, dict, int, str, date)):
        return f"-\t{hashlib.sha256(repr(value).encode()).hexdigest()[:16]}"
    return f"-\t{hashlib.sha256(repr(value).encode()).hexdigest()[:16]}"


def _calls(queries, scope) -> dict[str, object]:
    """Every wrapper with its usual arguments (and the variants the pages use)."""
    out: dict[str, object] = {}
    for name in queries.__all__:
        fn = getattr(queries, name)
        params = list(inspect.signature(fn).parameters)
        if not params:
            out[name] = lambda fn=fn: fn()
        elif params[0] == "scope":
            out[name] = lambda fn=fn: fn(scope)
    out["parks"] = lambda: queries.parks(scope.league)
    out["park_directory"] = lambda: queries.park_directory(scope, None, 0)
    out["grade_version_rows"] = lambda: queries.grade_version_rows(scope, 1)  # the demo's 公示稿
    for metric in queries.RANKING_METRICS:
        out[f"park_rankings[{metric}]"] = lambda m=metric: queries.park_rankings(scope, metric=m)
        out[f"project_rankings[{metric}]"] = lambda m=metric: queries.project_rankings(scope, metric=m)
    out["park_rankings[weights]"] = lambda: queries.park_rankings(scope, weights={"tax_per_mu": 70})
    out["park_years[2022]"] = lambda: queries.park_years(scope, 2022)
    out["retreat_candidate_page[2]"] = lambda: queries.retreat_candidate_page(scope, None, (), 10, 10)
    out["retreat_candidate_page[leagues]"] = lambda: queries.retreat_candidate_page(scope, 2022, ("150200", "152500"))
    for ledger, fn in queries.LEDGER_QUERIES.items():
        out[f"ledger_{ledger}[overdue]"] = lambda fn=fn: fn(scope, overdue_only=True)
        out[f"ledger_{ledger}[整改中]"] = lambda fn=fn: fn(scope, status="整改中")
        out[f"overdue_items[{ledger}]"] = lambda ledger=ledger: queries.overdue_items(scope, ledger)
    return out


def main(out: Path) -> None:
    from ledger.demo import build_demo

    folder = Path(tempfile.mkdtemp(prefix="figures-"))
    path = folder / "ledger.duckdb"
    build_demo(path)
    os.environ["LEDGER_DB"] = str(path)
    import queries
    from queries.scope import Scope

    lines: list[str] = []
    with duckdb.connect(str(path), read_only=True) as con:  # the stored tables themselves, generator included
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        for table in tables:
            frame = con.execute(f'SELECT * FROM "{table}"').df()
            lines.append(f"table {table}\t{_fingerprint(frame)}")
    last = queries.data_dates()[1]
    items = queries.ledger_land(Scope(None, None, last))["item_id"].head(3).tolist()
    items += queries.ledger_stalled(Scope(None, None, last))["item_id"].head(3).tolist()
    for league, park, asof in SCOPES:
        scope = Scope(league, park, asof or last)
        label = f"{league or '全区'}/{park or '-'}/{scope.asof}"
        for name, call in sorted(_calls(queries, scope).items()):
            try:
                value = call()
            except Exception as error:  # a failure is a figure too: it must not change either
                value = f"error {type(error).__name__}: {error}"
            lines.append(f"{name}\t{label}\t{_fingerprint(value)}")
        for item in items:
            lines.append(f"item_detail\t{item}/{scope.asof}\t{_fingerprint(queries.item_detail(item, scope.asof))}")
            lines.append(f"item_history\t{item}/{scope.asof}\t{_fingerprint(queries.item_history(item, scope.asof))}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} 项指纹写入 {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "figures.tsv"))
