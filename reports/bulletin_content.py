"""What a 要情通报 says on a date: the pages' own queries gathered for the Word document (reports/bulletin.py)."""

from datetime import date

import queries
from charts.supervision import LagRules, lagging_leagues
from queries.scope import Scope
from reports.bulletin import bulletin_docx


def bulletin_for(number: int, asof: date, previous: date, doc_number: str = "") -> bytes:
    """要情通报 第N期 (文号 doc_number) for the whole region on asof, compared with previous, from the pages' own
    queries."""
    now, before = Scope(None, None, asof), Scope(None, None, previous)
    return bulletin_docx(
        number,
        asof,
        previous,
        queries.ledger_kpis(now),
        queries.category_kpis(now),
        queries.ledger_kpis(before),
        queries.category_kpis(before),
        lagging_leagues(queries.supervision_summary(now), LagRules()),
        bool(queries.data_origin(now).demo_items),
        doc_number,
        ladder_lines(now),
    )


def ladder_lines(scope: Scope) -> tuple[str, ...]:
    """The parks on the 动态管理 ladder on the bulletin's date, one line each: place, latest step, 文号, date."""
    return tuple(
        f"{r.league_name}{r.park_name}：{r.step}（{r.doc_no}，{r.decided_date:%Y年%-m月%-d日}）"
        for r in queries.park_ladder(scope).itertuples()
    )
