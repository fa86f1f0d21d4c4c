"""订阅: an account subscribes to a report or an alert on a schedule; the office (Action.MANAGE_ACCOUNTS) may subscribe
a unit's account. Every check here, with a Chinese refusal; statements on a write cursor of either engine (a DuckDB
cursor or ledger.writing.PgCursor, `$name` parameters), the caller writes the audit row."""

import base64
import re
from dataclasses import dataclass
from datetime import datetime

from auth.roles import Action, User
from ledger.schedule.periods import LAST_MONTH_DAY, schedule_text
from reports.subscribed import ALERTS, KINDS

MAX_ACTIVE = 20  # active subscriptions per account
MAX_RED = 100_000
EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}")
MAX_EMAIL = 254


class SubscriptionError(ValueError):
    """A refused subscription change, in Chinese for the user."""


@dataclass(frozen=True)
class Subscription:
    subscription_id: int
    username: str
    kind: str
    cadence: str
    day: int
    threshold: float | None
    email: str | None
    created_by: str

    @property
    def description(self) -> str:
        """订阅内容 as a list shows it: 督导通报（草稿，Word）· 每周一, or the alert with its threshold."""
        what = KINDS[self.kind]
        if self.kind == "completion_below":
            what += f"（{self.threshold * 100:g}%）"
        elif self.kind == "red_above":
            what += f"（{int(self.threshold)}项）"
        return f"{what} · {schedule_text(self.cadence, self.day)}"


COLUMNS = "subscription_id, username, kind, cadence, day, threshold, email, created_by"


def checked(kind: str, cadence: str, day: int, threshold: float | None, email: str | None):
    """(cadence, day, threshold, email) as stored, or SubscriptionError: a report weekly on a weekday or monthly on
    day 1-28; an alert daily with its threshold (a completion rate 0-1, or a count of red items)."""
    if kind not in KINDS:
        raise SubscriptionError("请选择订阅内容：" + "、".join(KINDS.values()))
    if kind in ALERTS:
        cadence, day = "daily", 0
        if threshold is None:
            raise SubscriptionError("阈值提醒须填写阈值")
        if kind == "completion_below" and not 0 < threshold <= 1:
            raise SubscriptionError("整改完成率阈值应在 0 到 100% 之间（不含 0）")
        if kind == "red_above" and (threshold != int(threshold) or not 0 <= threshold <= MAX_RED):
            raise SubscriptionError(f"红灯事项阈值应为 0 到 {MAX_RED} 之间的整数")
    else:
        threshold = None
        if cadence == "weekly" and not 1 <= day <= 7:
            raise SubscriptionError("每周发送请选择星期一到星期日")
        elif cadence == "monthly" and not 1 <= day <= LAST_MONTH_DAY:
            raise SubscriptionError(f"每月发送的日期应在 1 到 {LAST_MONTH_DAY} 日之间（每个月都有的日子）")
        elif cadence not in ("weekly", "monthly"):
            raise SubscriptionError("报告按每周或每月发送")
    email = (email or "").strip() or None
    if email is not None and (len(email) > MAX_EMAIL or not EMAIL.fullmatch(email)):
        raise SubscriptionError("邮箱地址格式不正确（例如 zhangsan@gxt.nmg.gov.cn）")
    return cadence, day, threshold, email


def may_subscribe(by: User, recipient: User) -> bool:
    """Oneself, or any account for the office (it subscribes units to their reports)."""
    return by.username == recipient.username or by.may(Action.MANAGE_ACCOUNTS)


def subscribe(cur, by: User, recipient: User, kind: str, cadence: str, day: int, threshold: float | None,
              email: str | None, now: datetime) -> Subscription:  # fmt: skip
    """Add a subscription for recipient (in the caller's transaction)."""
    if not may_subscribe(by, recipient):
        raise SubscriptionError("只能为本账号订阅；为其他单位订阅须由大起底办公室操作")
    cadence, day, threshold, email = checked(kind, cadence, day, threshold, email)
    if kind == "notice" and recipient.allowed.park is not None:
        raise SubscriptionError("督导通报按盟市比较进展，园区账号可订阅总览图和阈值提醒")
    count = cur.execute(
        "select count(*) from subscription where username = $u and cancelled_at is null", {"u": recipient.username}
    ).fetchone()[0]
    if count >= MAX_ACTIVE:
        raise SubscriptionError(f"每个账号最多 {MAX_ACTIVE} 项有效订阅，请先取消不需要的订阅")
    row = cur.execute(
        f"""insert into subscription ({COLUMNS}, created_at)
        select coalesce(max(subscription_id), 0) + 1, $u, $kind, $cadence, $day, $threshold, $email, $by, $at
        from subscription returning {COLUMNS}""",
        {"u": recipient.username, "kind": kind, "cadence": cadence, "day": day, "threshold": threshold,
         "email": email, "by": by.username, "at": now},
    ).fetchone()  # fmt: skip
    return _subscription(row)


def cancel(cur, by: User, subscription_id: int, now: datetime) -> Subscription:
    """Cancel an active subscription: its own account's, or any for the office."""
    row = cur.execute(
        f"select {COLUMNS} from subscription where subscription_id = $id and cancelled_at is null",
        {"id": subscription_id},
    ).fetchone()
    if row is None:
        raise SubscriptionError("该订阅不存在或已取消")
    found = _subscription(row)
    if found.username != by.username and not by.may(Action.MANAGE_ACCOUNTS):
        raise SubscriptionError("只能取消本账号的订阅")
    cur.execute(
        "update subscription set cancelled_by = $by, cancelled_at = $at where subscription_id = $id",
        {"by": by.username, "at": now, "id": subscription_id},
    )
    return found


def active(cur, username: str | None = None) -> list[Subscription]:
    """Active subscriptions (of one account), oldest first."""
    rows = cur.execute(
        f"select {COLUMNS} from subscription"
        " where cancelled_at is null and (cast($u as varchar) is null or username = $u) order by subscription_id",
        {"u": username},
    ).fetchall()
    return [_subscription(r) for r in rows]


def _subscription(row) -> Subscription:
    threshold = None if row[5] is None else float(row[5])
    return Subscription(int(row[0]), row[1], row[2], row[3], int(row[4]), threshold, row[6], row[7])


RECENT = 50  # deliveries a list shows


def deliveries(cur, username: str | None, limit: int = RECENT) -> list[dict]:
    """The newest deliveries (of one account), one row per period: title, when, whether a file is kept, and each
    channel's state (站内消息 always; 邮件 and 推送接口 when they were taken)."""
    rows = cur.execute(
        """select i.subscription_id, i.period, s.username, i.title, i.file_name, i.created_at,
            (select string_agg(d.channel || ':' || d.status || ':' || cast(d.attempts as varchar), ','
                               order by d.channel)
             from delivery d where d.subscription_id = i.subscription_id and d.period = i.period
               and d.channel <> 'inbox') as others
        from delivery i join subscription s using (subscription_id)
        where i.channel = 'inbox' and (cast($u as varchar) is null or s.username = $u)
        order by i.created_at desc, i.subscription_id desc, i.period desc limit $n""",
        {"u": username, "n": limit},
    ).fetchall()
    keys = ("subscription_id", "period", "username", "title", "file_name", "created_at", "others")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def delivered_file(cur, user: User, subscription_id: int, period: str) -> tuple[str, bytes]:
    """The file a delivery carried (name, bytes), for its recipient or the office only."""
    row = cur.execute(
        """select s.username, i.file_name, i.content_b64 from delivery i join subscription s using (subscription_id)
        where i.subscription_id = $id and i.period = $p and i.channel = 'inbox'""",
        {"id": subscription_id, "p": period},
    ).fetchone()
    if row is None or not row[2] or (row[0] != user.username and not user.may(Action.MANAGE_ACCOUNTS)):
        raise SubscriptionError("没有这份推送的文件，或它不属于本账号")
    return row[1], base64.b64decode(row[2])
