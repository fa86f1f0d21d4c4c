"""The schedule's job: every few minutes, each active subscription's due period is built as its subscriber and
delivered once (to the inbox always, by e-mail and webhook when configured), failed channels are tried again, and
each delivery is recorded (a delivery row, an audit row). Once a day the round also does the 督办 work (DAILY_JOBS:
the messages of the lights that changed, the escalation of 督办单 not acknowledged in time). A background thread
started once per app process (start_scheduler, from app.py): no cron. With several app servers on one PostgreSQL,
one of them at a time runs a round (ledger.postgres.once: an advisory lock; a file lock when embedded), and the key
(subscription, period, channel) stores a period once whoever sends it, so a restart or a second server never sends it
again; the key (job, day) of daily_job does the same for the daily work."""

import base64
import logging
import os
import threading
from datetime import date, datetime
from pathlib import Path

import streamlit as st

from auth import store
from auth.roles import User
from ledger import db_path, inbox, supervision
from ledger.postgres.once import only_once
from ledger.schedule import channels
from ledger.schedule.periods import period_of
from ledger.schedule.subscriptions import Subscription, active
from queries.db import read_fresh, writing
from reports.subscribed import DOCX, XLSX, Parcel, parcel

log = logging.getLogger("ledger.schedule")
ROUND = "schedule_round"  # the once-only lock of a round (ledger/postgres/once.py)
MAX_ATTEMPTS = 5  # an e-mail or webhook delivery tried this often, once a round, then left as failed
FIRST_ROUND = 30  # seconds after start-up (the app answers its first pages first)
MIMES = {".docx": DOCX, ".png": "image/png", ".xlsx": XLSX}
CHANNEL_NAMES = {"inbox": "站内消息", "email": "邮件", "webhook": "推送接口"}


def every() -> float:
    """Seconds between rounds (LEDGER_SCHEDULE_SECONDS, at least 10; default 5 minutes)."""
    try:
        return max(10.0, float(os.environ.get("LEDGER_SCHEDULE_SECONDS", "300")))
    except ValueError:
        return 300.0


def run_round(today: date | None = None, now: datetime | None = None) -> int:
    """One round; the number of periods delivered (0 when another round holds the lock). Never raises for one
    subscription's failure: it is logged and tried again next round."""
    today = today or date.today()
    now = now or datetime.now().replace(microsecond=0)
    with only_once(ROUND) as mine:
        if not mine:
            return 0
        _daily(today, now)
        sent = 0
        subscribers = _accounts()
        for subscription in read_fresh(active):
            user = subscribers.get(subscription.username)
            if user is None:
                continue  # the account was removed or disabled: nothing goes to it
            try:
                sent += _deliver_due(subscription, user, today, now)
            except Exception:
                log.exception("subscription %s failed", subscription.subscription_id)
        _retry(now)
        return sent


# The 督办 work of a day, each job in its own transaction with its daily_job row (ledger/supervision.py writes in the
# caller's transaction): a job that fails leaves no row and is tried again next round.
DAILY_JOBS = {
    "light_changes": supervision.light_changes,  # (cur, day, now, accounts), as escalate_overdue
    "escalate_overdue": supervision.escalate_overdue,
}


def _daily(today: date, now: datetime) -> None:
    """Each daily job not yet done today: claimed and done in one transaction, so it happens once per day whoever
    runs the round (a second server's claim finds the key and writes nothing). Never raises for one job's failure."""
    people = None
    for job, work in DAILY_JOBS.items():
        try:
            if _done(job, today):
                continue
            people = people if people is not None else supervision.accounts()
            with writing() as cur:
                done = work(cur, today, now, people) if _claim_day(cur, job, today, now) else None
            if job == "escalate_overdue" and done:  # the office's audit trail names each escalated 督办单
                store.record(
                    _accounts_path(), "定时任务", "send_order", f"逾期未签收，已抄送领导小组：{'、'.join(done)}", "全区"
                )
        except Exception:
            log.exception("daily job %s failed", job)


def _done(job: str, today: date) -> bool:
    """A read first, so that the rounds after the day's first write nothing (every write makes cached results stale)."""
    return bool(
        read_fresh(
            lambda cur: cur.execute(
                "select count(*) from daily_job where job = $job and day = $day", {"job": job, "day": today}
            ).fetchone()[0]
        )
    )


def _claim_day(cur, job: str, today: date, now: datetime) -> bool:
    stored = cur.execute(
        "insert into daily_job (job, day, done_at) values ($job, $day, $at) on conflict do nothing returning job",
        {"job": job, "day": today, "at": now},
    ).fetchall()
    return bool(stored)


def _accounts() -> dict[str, User]:
    """Every account that may sign in, by name (a subscriber's limits come from its account as it is now): not
    disabled, and no demo account once a real admin exists (they stop working then)."""
    path = _accounts_path()
    demo_allowed = not store.has_real_admin(path)
    return {
        r["username"]: User(r["username"], r["role"], r["league_code"], r["park_id"], r["display_name"] or "")
        for r in store.list_users(path)
        if not r["disabled"] and (demo_allowed or not r["demo"])
    }


def _accounts_path() -> Path:
    return store.auth_path(db_path())


def _deliver_due(subscription: Subscription, user: User, today: date, now: datetime) -> int:
    """1 when this round stored the subscription's due period (built as its subscriber, audited), else 0: not due,
    sent already (here or by another server), or an alert under its threshold."""
    period = period_of(subscription.cadence, subscription.day, today)
    if period is None or _delivered(subscription.subscription_id, period):
        return 0
    content = parcel(subscription.kind, user, today, subscription.threshold)
    if content is None:
        return 0  # an alert whose threshold is not crossed today
    external = _channels(subscription)
    with writing() as cur:
        claimed = _claim(cur, subscription, period, content, external, now)
    if not claimed:
        return 0  # another server stored this period first
    words = f"{content.title}（{period}；站内消息" + "".join(f"、{CHANNEL_NAMES[c]}" for c in external) + "）"
    store.record(_accounts_path(), subscription.username, "schedule_delivery", words, _scope_text(user))
    return 1


def _scope_text(user: User) -> str:
    """The audit log's scope, as auth/store writes it for a sign-in."""
    return user.park or user.league or "全区"


def _delivered(subscription_id: int, period: str) -> bool:
    return bool(
        read_fresh(
            lambda cur: cur.execute(
                "select count(*) from delivery where subscription_id = $id and period = $p and channel = 'inbox'",
                {"id": subscription_id, "p": period},
            ).fetchone()[0]
        )
    )


def _channels(subscription: Subscription) -> list[str]:
    """The channels besides the inbox this delivery takes now: e-mail when SMTP is set and the subscription gives an
    address, the webhook when one is set."""
    out = []
    if subscription.email and channels.smtp() is not None:
        out.append("email")
    if channels.webhook() is not None:
        out.append("webhook")
    return out


def _claim(cur, subscription: Subscription, period: str, content: Parcel, external: list[str], now: datetime) -> bool:
    """Store the period's delivery (its inbox row first: the key that makes a second sender write nothing), the inbox
    message, and a pending row per other channel, in the caller's transaction; False when stored already."""
    stored = cur.execute(
        """insert into delivery (subscription_id, period, channel, status, attempts, title, body, file_name,
            content_b64, created_at, updated_at)
        values ($id, $period, 'inbox', 'sent', 1, $title, $body, $file, $content, $at, $at)
        on conflict do nothing returning subscription_id""",
        {
            "id": subscription.subscription_id,
            "period": period,
            "title": content.title,
            "body": content.body,
            "file": content.file_name,
            "content": base64.b64encode(content.data).decode("ascii") if content.data is not None else None,
            "at": now,
        },
    ).fetchall()
    if not stored:
        return False
    link = f"subscriptions?delivery={subscription.subscription_id}_{period}" if content.data else content.link
    key = f"subscription:{subscription.subscription_id}:{period}"
    inbox.deliver(cur, subscription.username, "subscription", content.title, content.body, link, key, now)
    for channel in external:
        cur.execute(
            """insert into delivery (subscription_id, period, channel, status, attempts, title, created_at, updated_at)
            values ($id, $period, $channel, 'pending', 0, $title, $at, $at)""",
            {"id": subscription.subscription_id, "period": period, "channel": channel, "title": content.title,
             "at": now},
        )  # fmt: skip
    return True


OUTSTANDING = """
select d.subscription_id, d.period, d.channel, i.title, i.body, i.file_name, i.content_b64, s.email, s.username
from delivery d
join delivery i on i.subscription_id = d.subscription_id and i.period = d.period and i.channel = 'inbox'
join subscription s on s.subscription_id = d.subscription_id
where d.channel <> 'inbox' and d.status <> 'sent' and d.attempts < $most
order by d.subscription_id, d.period, d.channel
"""


def _retry(now: datetime) -> None:
    """Send every e-mail and webhook delivery not sent yet (new ones and failed ones under MAX_ATTEMPTS), each
    recorded as sent or failed with its reason."""
    for row in read_fresh(lambda cur: cur.execute(OUTSTANDING, {"most": MAX_ATTEMPTS}).fetchall()):
        subscription_id, period, channel, title, body, file_name, content, email, username = row
        data = base64.b64decode(content) if content else None
        try:
            _send(channel, email, username, period, title, body or "", file_name, data)
            status, detail = "sent", None
        except channels.ChannelError as error:
            status, detail = "failed", str(error)
            log.warning("delivery %s %s %s failed: %s", subscription_id, period, channel, error)
        with writing() as cur:
            cur.execute(
                """update delivery set status = $status, attempts = attempts + 1, detail = $detail, updated_at = $at
                where subscription_id = $id and period = $period and channel = $channel""",
                {"status": status, "detail": detail, "at": now, "id": subscription_id, "period": period,
                 "channel": channel},
            )  # fmt: skip


def _send(channel: str, email: str | None, username: str, period: str, title: str, body: str,
          file_name: str | None, data: bytes | None) -> None:  # fmt: skip
    if channel == "email":
        server = channels.smtp()
        if server is None or not email:
            raise channels.ChannelError("邮件服务器未配置或订阅未填写邮箱")
        mime = MIMES.get(Path(file_name).suffix) if file_name else None
        channels.send_mail(server, email, title, body, file_name, data, mime)
        return
    url = channels.webhook()
    if url is None:
        raise channels.ChannelError("推送接口未配置（LEDGER_WEBHOOK_URL）")
    channels.post_webhook(
        url,
        {"type": "subscription", "recipient": username, "period": period, "title": title, "body": body,
         "file_name": file_name},
    )  # fmt: skip


class Scheduler:
    """The background thread of one app process: a round every every() seconds, until stopped."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ledger-schedule", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        wait = min(FIRST_ROUND, self.seconds)
        while not self._stop.wait(wait):
            wait = self.seconds
            try:
                run_round()
            except Exception:  # a database away for a moment: the next round tries again
                log.exception("schedule round failed")

    def stop(self) -> None:
        self._stop.set()


@st.cache_resource(show_spinner=False, on_release=lambda s: s.stop() if s else None)
def _scheduler(seconds: float) -> Scheduler | None:
    return None if os.environ.get("LEDGER_SCHEDULE", "").strip() == "off" else Scheduler(seconds)


def start_scheduler() -> None:
    """Start this process's schedule thread once (app.py calls it on every run; LEDGER_SCHEDULE=off leaves it out)."""
    _scheduler(every())
