"""已印发通报: each issued 要情通报 / 督导通报 kept as it was issued — number, 文号, data date, scope, who, the document
itself and the figures it stated (issued_document, issued_figure). A later import or correction changes the ledgers
and so a replay of that date, never these: the next issue compares with the figures the last one printed.
Statements on a write or read cursor of either engine (a DuckDB cursor or ledger.writing.PgCursor)."""

import base64
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

KINDS = ("要情通报", "督导通报")
FRAMES = {"ledger_kpis": "ledger", "category_kpis": "category"}  # a frozen frame and the column its rows are keyed by
INTEGER = ("found", "rectified", "open", "overdue", "found_approvals", "rectified_approvals")


@dataclass(frozen=True)
class Issued:
    document_id: int
    kind: str
    number: int
    doc_number: str
    data_date: date
    scope_label: str
    issued_by: str
    issued_at: datetime
    file_name: str


COLUMNS = "document_id, kind, number, doc_number, data_date, scope_label, issued_by, issued_at, file_name"


def archive(cur, kind: str, number: int, doc_number: str, data_date: date, scope_label: str, issued_by: str,
            file_name: str, content: bytes, figures: dict[str, pd.DataFrame], now: datetime) -> int:  # fmt: skip
    """Store an issued document and the figures it stated (FRAMES: ledger_kpis, category_kpis on its date) in the
    caller's transaction; its id."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    document_id = cur.execute(
        f"""insert into issued_document ({COLUMNS}, content_b64)
        select coalesce(max(document_id), 0) + 1, $kind, $number, $doc, $day, $scope, $by, $at, $file, $content
        from issued_document returning document_id""",
        {"kind": kind, "number": number, "doc": doc_number.strip()[:100] or None, "day": data_date,
         "scope": scope_label, "by": issued_by, "at": now, "file": file_name,
         "content": base64.b64encode(content).decode("ascii")},
    ).fetchone()[0]  # fmt: skip
    for frame, rows in figures.items():
        key = FRAMES[frame]
        for row in rows.itertuples(index=False):
            for measure, value in row._asdict().items():
                if measure in (key, "name", "ledger", "category") or pd.isna(value):
                    continue
                cur.execute(
                    """insert into issued_figure (document_id, frame, row_key, name, measure, value)
                    values ($id, $frame, $key, $name, $measure, $value)""",
                    {"id": document_id, "frame": frame, "key": getattr(row, key), "name": row.name,
                     "measure": measure, "value": float(value)},
                )  # fmt: skip
    return int(document_id)


def _issued(row) -> Issued:
    day, at = row[4], row[7]
    return Issued(int(row[0]), row[1], int(row[2]), row[3] or "", _date(day), row[5], row[6], at, row[8])


def _date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def issued(cur, kind: str | None = None) -> list[Issued]:
    """Every archived document (of one kind), the latest issued first."""
    rows = cur.execute(
        f"select {COLUMNS} from issued_document where cast($kind as varchar) is null or kind = $kind"
        " order by issued_at desc, document_id desc",
        {"kind": kind},
    ).fetchall()
    return [_issued(r) for r in rows]


def last_issued_on(cur, kind: str, data_date: date) -> Issued | None:
    """The latest issue of `kind` whose figures are of data_date (None: none was issued for it)."""
    rows = cur.execute(
        f"select {COLUMNS} from issued_document where kind = $kind and data_date = $day"
        " order by issued_at desc, document_id desc limit 1",
        {"kind": kind, "day": data_date},
    ).fetchall()
    return _issued(rows[0]) if rows else None


def last_issued_before(cur, kind: str, data_date: date) -> Issued | None:
    """The issue of `kind` with the latest data date before data_date (the one the next issue compares with)."""
    rows = cur.execute(
        f"select {COLUMNS} from issued_document where kind = $kind and data_date < $day"
        " order by data_date desc, issued_at desc, document_id desc limit 1",
        {"kind": kind, "day": data_date},
    ).fetchall()
    return _issued(rows[0]) if rows else None


def frozen(cur, document_id: int, frame: str) -> pd.DataFrame:
    """One frame as the document stated it: a row per ledger or category in the order of the pages' queries, with
    its name and measures (counts as integers)."""
    key = FRAMES[frame]
    rows = cur.execute(
        "select row_key, name, measure, value from issued_figure where document_id = $id and frame = $frame"
        " order by row_key, measure",
        {"id": document_id, "frame": frame},
    ).fetchall()
    long = pd.DataFrame(rows, columns=[key, "name", "measure", "value"])
    wide = long.pivot(index=[key, "name"], columns="measure", values="value").reset_index()
    wide.columns.name = None
    for column in INTEGER:
        if column in wide:
            wide[column] = wide[column].astype("int64")
    return wide


def document_file(cur, document_id: int) -> tuple[str, bytes]:
    """The archived document as issued: its file name and bytes."""
    row = cur.execute(
        "select file_name, content_b64 from issued_document where document_id = $id", {"id": document_id}
    ).fetchone()
    if row is None:
        raise LookupError("没有这份已印发的通报")
    return row[0], base64.b64decode(row[1])
