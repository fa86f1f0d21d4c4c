"""What a 要情通报 says on a date: the pages' own queries gathered for the Word document (reports/bulletin.py), compared
with the figures the previous issue stated when it was archived (reports/archive.py), and its issue: archived with
those figures and registered (auth/issued.py). A 督导通报 downloaded from 整治进度 is archived the same way."""

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

import queries
from auth import issued
from auth.roles import User
from charts.supervision import LagRules, lagging_leagues
from queries.db import read_fresh, writing
from queries.scope import Scope
from reports import archive
from reports.bulletin import bulletin_docx, chinese_number
from reports.counted_once import counted_once_sentence
from reports.relapses import relapse_sentence
from reports.supervision_notice import notice_docx

KIND, NOTICE = archive.KINDS  # 要情通报, 督导通报


@dataclass(frozen=True)
class Figures:
    """ledger_kpis and category_kpis of a date, and the archived issue they were frozen in (None: replayed now)."""

    ledgers: pd.DataFrame
    categories: pd.DataFrame
    issue: archive.Issued | None


def figures_on(day: date) -> Figures:
    """The region's figures on day: as the last 要情通报 issued for that date stated them, else replayed from the
    ledgers as they are now."""
    issue = read_fresh(lambda cur: archive.last_issued_on(cur, KIND, day))
    if issue is None:
        whole = Scope(None, None, day)
        return Figures(queries.ledger_kpis(whole), queries.category_kpis(whole), None)
    return Figures(
        read_fresh(lambda cur: archive.frozen(cur, issue.document_id, "ledger_kpis")),
        read_fresh(lambda cur: archive.frozen(cur, issue.document_id, "category_kpis")),
        issue,
    )


def bulletin_for(number: int, asof: date, previous: date, doc_number: str = "") -> bytes:
    """要情通报 第N期 (文号 doc_number) for the whole region on asof, compared with previous (the figures an issue of
    that date stated, if one was archived), from the pages' own queries."""
    now, before = Scope(None, None, asof), figures_on(previous)
    return bulletin_docx(
        number,
        asof,
        previous,
        queries.ledger_kpis(now),
        queries.category_kpis(now),
        before.ledgers,
        before.categories,
        lagging_leagues(queries.supervision_summary(now), LagRules()),
        bool(queries.data_origin(now).demo_items),
        doc_number,
        relapse_sentence(queries.relapse_rates(now)),
        counted_once_sentence(queries.counted_once(now)),
        ladder_lines(now),
    )


def ladder_lines(scope: Scope) -> tuple[str, ...]:
    """The parks on the 动态管理 ladder on the bulletin's date, one line each: place, latest step, 文号, date."""
    return tuple(
        f"{r.league_name}{r.park_name}：{r.step}（{r.doc_no}，{r.decided_date:%Y年%-m月%-d日}）"
        for r in queries.park_ladder(scope).itertuples()
    )


def file_name(number: int, asof: date) -> str:
    return f"要情通报第{chinese_number(number)}期_{asof:%Y%m%d}.docx"


def issue_bulletin(user: User, accounts, number: int, asof: date, previous: date, doc_number: str = "") -> bytes:
    """Issue 第N期: the document, archived with the figures it states (so that the next issue compares with them
    whatever later imports change) and registered with its audit row."""
    content = bulletin_for(number, asof, previous, doc_number)
    now = Scope(None, None, asof)
    figures = {"ledger_kpis": queries.ledger_kpis(now), "category_kpis": queries.category_kpis(now)}
    with writing() as cur:
        archive.archive(cur, KIND, number, doc_number, asof, "全区", user.username, file_name(number, asof), content,
                        figures, datetime.now().replace(microsecond=0))  # fmt: skip
    issued.record(accounts, user.username, number, doc_number, asof)
    return content


def issue_notice(user: User, lagging: pd.DataFrame, rules: LagRules, asof: date, doc_number: str = "") -> bytes:
    """A 督导通报 for the region on asof naming the lagging leagues (as the page judged them by rules), archived as
    issued with the figures it states: numbered after the last archived 督导通报 (doc_number: its 文号, free text)."""
    now = Scope(None, None, asof)
    ledgers = queries.ledger_kpis(now)
    relapses = relapse_sentence(queries.relapse_rates(now))
    content = notice_docx(ledgers, lagging, asof, bool(queries.data_origin(now).demo_items), rules, doc_number,
                          relapses=relapses)  # fmt: skip
    figures = {"ledger_kpis": ledgers, "category_kpis": queries.category_kpis(now)}
    issued_at = datetime.now().replace(microsecond=0)
    with writing() as cur:
        number = 1 + max((d.number for d in archive.issued(cur, NOTICE)), default=0)
        archive.archive(cur, NOTICE, number, doc_number, asof, "全区", user.username, f"督导通报_{asof:%Y%m%d}.docx",
                        content, figures, issued_at)  # fmt: skip
    return content
