"""What a subscription delivers (ledger/schedule): the 督导通报 draft, the overview chart as PNG, the unit's open 督办单
as an Excel list, or a threshold alert, each built acting as the subscriber (queries/db.acting_as), so it holds only
what that account may see."""

from dataclasses import dataclass
from datetime import date

import pandas as pd

import queries
from auth.roles import User
from charts import format as fmt
from charts.overview import completion_figure, status_figure
from charts.supervision import LagRules, lagging_leagues
from queries.db import acting_as
from queries.scope import Scope
from reports.images import figure_png
from reports.orders import issued_unit
from reports.stamp import stamp
from reports.supervision_notice import notice_docx
from reports.workbooks import ExportMeta, ledger_xlsx

KINDS = {
    "notice": "督导通报（草稿，Word）",
    "overview_png": "总览整改完成率图（PNG）",
    "orders": "未办结督办单清单（Excel）",
    "completion_below": "整改完成率低于阈值提醒",
    "red_above": "红灯事项超过阈值提醒",
}
ALERTS = ("completion_below", "red_above")  # checked daily; sent only when the threshold is crossed
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Parcel:
    """One delivery's content, the same on every channel: the inbox message, the mail and its attachment, the
    webhook's JSON."""

    title: str
    body: str
    link: str  # a page path of the app (ledger/inbox.py LINK)
    file_name: str | None = None
    data: bytes | None = None
    mime: str | None = None


def parcel(kind: str, user: User, asof: date, threshold: float | None = None) -> Parcel | None:
    """The content of a subscription of `kind` for user on asof (None: an alert whose threshold is not crossed)."""
    with acting_as(user):
        scope = Scope(user.allowed.league, user.allowed.park, asof)
        label = stamp(scope).scope_label
        if kind == "notice":
            return _notice(scope, label)
        if kind == "overview_png":
            return _overview(scope, label)
        if kind == "orders":
            return _orders(scope, label)
        if kind in ALERTS:
            return _alert(kind, scope, label, float(threshold if threshold is not None else 0))
    raise ValueError(f"未知的订阅类别：{kind}")


def _notice(scope: Scope, label: str) -> Parcel:
    rules = LagRules()
    ledgers = queries.ledger_kpis(scope)
    lagging = lagging_leagues(queries.supervision_summary(scope), rules)
    demo = bool(queries.data_origin(scope).demo_items)
    found, rectified = int(ledgers.found.sum()), int(ledgers.rectified.sum())
    return Parcel(
        title=f"督导通报（草稿）{label} {scope.asof:%Y-%m-%d}",
        body=f"{label}：发现问题{found}项，已整改{rectified}项，整改完成率"
        f"{fmt.rate(rectified / found if found else None)}；超期未整改{int(ledgers.overdue.sum())}项。"
        f"本期按默认标准应通报的盟市{len(lagging)}个。草稿见附件。",
        link="subscriptions",
        file_name=f"督导通报草稿_{label.replace(' › ', '_')}_{scope.asof:%Y%m%d}.docx",
        data=notice_docx(ledgers, lagging, scope.asof, demo, rules, scope_label=label),
        mime=DOCX,
    )


def _overview(scope: Scope, label: str) -> Parcel:
    figure_stamp = stamp(scope)
    ledgers = queries.ledger_kpis(scope)
    found = int(ledgers.found.sum())
    overall = int(ledgers.rectified.sum()) / found if found else None
    if scope.park is not None:
        figure = status_figure(queries.status_breakdown(scope), figure_stamp, f"{label}各台账整改状态")
    elif scope.league is not None:
        figure = completion_figure(
            queries.park_completion(scope), "park_id", figure_stamp, f"{label}各园区整改完成率", overall, f"{label}整体"
        )
    else:
        figure = completion_figure(
            queries.league_completion(scope), "league_code", figure_stamp, "各盟市整改完成率", overall, "全区整体"
        )
    return Parcel(
        title=f"总览图 {label} {scope.asof:%Y-%m-%d}",
        body=f"{label}整改完成率{fmt.rate(overall)}（发现问题{found}项）。图见附件。",
        link="overview",
        file_name=f"整改完成率_{label.replace(' › ', '_')}_{scope.asof:%Y%m%d}.png",
        data=figure_png(figure),
        mime="image/png",
    )


ORDER_COLUMNS = {
    "number_text": "文号", "unit": "督办对象", "sent_at": "发出日期", "ack_due": "签收期限", "reply_due": "报送期限",
    "state": "签收状态", "acknowledged_by": "签收人", "items": "督办条目", "red": "红灯", "yellow": "黄灯",
    "still_open": "尚未整改",
}  # fmt: skip


def open_orders(scope: Scope) -> pd.DataFrame:
    """The 督办单 in scope not done with on scope.asof: not acknowledged yet, or naming an item still open."""
    orders = queries.supervision_orders(scope)
    return orders[(orders["state"] != "已签收") | (orders["still_open"] > 0)]


def orders_table(orders: pd.DataFrame) -> pd.DataFrame:
    """The open orders with Chinese headers, one row each, dates as text."""
    table = orders.assign(
        unit=[issued_unit(row) for _, row in orders.iterrows()],
        sent_at=[f"{d:%Y-%m-%d}" for d in orders["sent_at"]],
        ack_due=[f"{d:%Y-%m-%d}" for d in orders["ack_due"]],
        reply_due=[f"{d:%Y-%m-%d}" for d in orders["reply_due"]],
        acknowledged_by=orders["acknowledged_by"].fillna(""),
    )
    return table[list(ORDER_COLUMNS)].rename(columns=ORDER_COLUMNS)


def _orders(scope: Scope, label: str) -> Parcel:
    orders = open_orders(scope)
    late = int((orders["state"] == "逾期未签收").sum())
    title = f"未办结督办单 {label} {scope.asof:%Y-%m-%d}"
    if orders.empty:
        return Parcel(title=title, body=f"截至{scope.asof:%Y-%m-%d}，{label}没有未办结的督办单。", link="supervision")
    demo = "（演示数据）" if queries.data_origin(scope).demo_items else ""
    meta = ExportMeta(f"未办结督办单：{label}", f"数据截至 {scope.asof:%Y-%m-%d}　范围：{label}{demo}", sheet="督办单")
    return Parcel(
        title=title,
        body=f"截至{scope.asof:%Y-%m-%d}，{label}未办结的督办单{len(orders)}份，其中逾期未签收{late}份，"
        f"尚未整改的督办条目{int(orders['still_open'].sum())}项。清单见附件。",
        link="supervision",
        file_name=f"未办结督办单_{label.replace(' › ', '_')}_{scope.asof:%Y%m%d}.xlsx",
        data=ledger_xlsx(orders_table(orders), meta),
        mime=XLSX,
    )


def _alert(kind: str, scope: Scope, label: str, threshold: float) -> Parcel | None:
    ledgers = queries.ledger_kpis(scope)
    found, rectified, overdue = int(ledgers.found.sum()), int(ledgers.rectified.sum()), int(ledgers.overdue.sum())
    rate = rectified / found if found else None
    if kind == "completion_below":
        if rate is None or rate >= threshold:
            return None
        return Parcel(
            title=f"提醒：{label}整改完成率{fmt.rate(rate)}，低于{fmt.rate(threshold)}",
            body=f"截至{scope.asof:%Y-%m-%d}，{label}发现问题{found}项，已整改{rectified}项，"
            f"整改完成率{fmt.rate(rate)}，低于订阅的阈值{fmt.rate(threshold)}；超期未整改{overdue}项。",
            link="progress",
        )
    red = int(queries.light_counts(scope)["red"].sum())
    if red <= threshold:
        return None
    return Parcel(
        title=f"提醒：{label}红灯事项{red}项，超过{int(threshold)}项",
        body=f"截至{scope.asof:%Y-%m-%d}，{label}督办红灯（超过整改时限仍未整改）事项{red}项，超过订阅的阈值"
        f"{int(threshold)}项。请在“督办单”页查看红灯条目。",
        link="supervision",
    )
