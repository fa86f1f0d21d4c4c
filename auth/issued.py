"""已印发的要情通报: issue number, 文号, data date, who and when, beside the audit log in the accounts store (the SQLite
file or PostgreSQL, as auth/store.py chooses)."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from auth import store

# The issued_bulletin table is in the accounts store's schema (auth/store.py).
# The issue published before the dashboard kept a register (data/reference/campaign_figures.csv: 要情通报第十六期).
PUBLISHED = ((16, date(2023, 6, 8)),)


@dataclass(frozen=True)
class Issue:
    number: int
    doc_number: str  # 文号, may be empty
    asof: date  # 数据截至
    issued_at: str  # when it was downloaded for issue ('' for the published ones before the register)
    username: str


def record(path: Path, username: str, number: int, doc_number: str, asof: date) -> None:
    """Register an issued bulletin and write the audit row in the same transaction."""
    words = f"要情通报第{number}期（数据截至 {asof:%Y-%m-%d}）"
    if doc_number.strip():
        words += f"，文号 {doc_number.strip()}"

    def register(con: store.Connection) -> None:
        con.execute(
            "insert into issued_bulletin (number, doc_number, asof, issued_at, username) values (?, ?, ?, ?, ?)",
            (number, doc_number.strip()[:100], asof.isoformat(), store._stamp(store.clock()), username),
        )
        store.audit(con, username, "bulletin_issue", words, "全区")

    store.write(path, register)


def issues(path: Path) -> list[Issue]:
    """Every registered issue, the latest registration last, after the published ones."""
    with store.reading(path) as con:
        rows = con.execute(
            "select number, doc_number, asof, issued_at, username from issued_bulletin order by id"
        ).fetchall()
    known = [Issue(n, "", day, "", "") for n, day in PUBLISHED]
    return known + [Issue(r[0], r[1], date.fromisoformat(r[2]), r[3], r[4]) for r in rows]


def suggestion(known: list[Issue], asof: date) -> Issue | None:
    """The issue to offer for a data date: the one already issued for that date (its latest registration), else the
    next number after the last issue dated before it (or one before the first issue dated after it); None without
    any issue on record."""
    same = [i for i in known if i.asof == asof]
    if same:
        return same[-1]
    before = [i for i in known if i.asof < asof]
    if before:
        last = max(before, key=lambda i: (i.asof, i.number))
        return Issue(last.number + 1, "", asof, "", "")
    after = [i for i in known if i.asof > asof]
    if after:
        first = min(after, key=lambda i: (i.asof, i.number))
        return Issue(max(first.number - 1, 1), "", asof, "", "")
    return None


def last_issue(known: list[Issue]) -> Issue | None:
    """The issue with the latest data date (the latest registration among equals)."""
    return max(reversed(known), key=lambda i: i.asof, default=None) if known else None
