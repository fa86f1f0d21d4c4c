"""The schedule (#28) on both stores: a subscription delivers once per period to the inbox and to a local SMTP server,
filtered to the subscriber's scope; alerts fire on their thresholds; a webhook that fails is retried; two processes on
one PostgreSQL send each period once; every refusal is Chinese."""

import io
import json
import os
import subprocess
import sys
import threading
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from docx import Document

from ledger.schedule import runner
from ledger.schedule.periods import period_of, schedule_text
from ledger.schedule.subscriptions import (
    MAX_ACTIVE,
    SubscriptionError,
    active,
    cancel,
    delivered_file,
    deliveries,
    subscribe,
)
from queries.db import read_fresh, writing
from tests.conftest import DEMO_USERS, ROOT, copy_database, demo_in_postgres, read_database

BAOTOU, ORDOS, ADMIN, PARK = (DEMO_USERS[n] for n in ("demo-150200", "demo-150600", "demo-admin", "demo-P005"))
MONDAY, WEDNESDAY, NEXT_MONDAY = date(2026, 12, 7), date(2026, 12, 9), date(2026, 12, 14)
NOW = datetime(2026, 12, 7, 8, 0)
LIT_DAY = date(2025, 6, 30)  # a day the demo has yellow items besides the red ones
SMTP_PORT, HTTP_PORT = 8725, 8701
LEAGUES = (
    "呼和浩特",
    "包头",
    "乌海",
    "赤峰",
    "通辽",
    "鄂尔多斯",
    "呼伦贝尔",
    "巴彦淖尔",
    "乌兰察布",
    "兴安",
    "锡林郭勒",
    "阿拉善",
)


class Mailbox:
    """aiosmtpd's handler: every mail the local SMTP server received."""

    def __init__(self) -> None:
        self.mails: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.mails.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    monkeypatch.setenv("LEDGER_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEDGER_SMTP_PORT", str(SMTP_PORT))
    monkeypatch.setenv("LEDGER_SMTP_FROM", "dashboard@example.org")
    yield box
    controller.stop()


@pytest.fixture
def db(tmp_path: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_database(copy_database(demo_db, tmp_path), monkeypatch)


@pytest.fixture
def demo_pg_dsn(pg_server, demo_db: Path, request: pytest.FixtureRequest) -> str:
    """A fresh PostgreSQL copy of the demo for each test (they subscribe and deliver)."""
    return demo_in_postgres(pg_server, demo_db, "demo_schedule_" + request.node.name.replace("[", "_").rstrip("]"))


@pytest.fixture
def store_(engine: str, db: Path) -> str:
    """The engine's store, a private copy of the demo (accounts beside the DuckDB file, or in PostgreSQL)."""
    return engine


def _subscribe(by, recipient, kind, cadence="weekly", day=1, threshold=None, email=None):
    with writing() as cur:
        return subscribe(cur, by, recipient, kind, cadence, day, threshold, email, NOW)


def _rows(sql: str, **params) -> list[tuple]:
    return [tuple(r) for r in read_fresh(lambda cur: cur.execute(sql, params or None).fetchall())]


def _messages(username: str, key_prefix: str) -> list[tuple]:
    return _rows(
        "select dedupe_key, title, body, link from message where recipient = $u and dedupe_key like $k order by 1",
        u=username,
        k=key_prefix + "%",
    )


def _league_figures(league: str, asof: date) -> tuple[int, int, int]:
    """found, rectified, overdue of a league's items on asof, counted from the event log itself (not item_fact)."""
    row = _rows(
        """
        with last as (
            select e.item_id, e.status,
                   row_number() over (partition by e.item_id order by e.event_date desc, e.seq desc) as n
            from item_event e where e.event_date <= $asof
        ),
        deadline as (
            select item_id, max(new_deadline) as d from deadline_request
            where decision = '批准' and decided_date <= $asof group by item_id
        )
        select count(*),
               count(*) filter (where l.status in ('已整改', '已销号')),
               count(*) filter (where l.status not in ('已整改', '已销号') and coalesce(x.d, i.deadline) < $asof)
        from item i join park p using (park_id)
        join last l on l.item_id = i.item_id and l.n = 1
        left join deadline x on x.item_id = i.item_id
        where p.league_code = $league and i.found_date <= $asof
        """,
        asof=asof,
        league=league,
    )[0]
    return int(row[0]), int(row[1]), int(row[2])


def test_periods_start_on_their_day_and_name_the_week_or_month() -> None:
    assert period_of("weekly", 1, MONDAY) == "2026-W50"
    assert period_of("weekly", 3, MONDAY) is None
    assert period_of("weekly", 3, WEDNESDAY) == "2026-W50"
    assert period_of("monthly", 5, date(2026, 12, 4)) is None
    assert period_of("monthly", 5, date(2026, 12, 31)) == "2026-12"
    assert period_of("daily", 0, MONDAY) == "2026-12-07"
    assert (schedule_text("weekly", 1), schedule_text("monthly", 5)) == ("每周一", "每月5日")


def test_a_subscription_delivers_once_per_period_to_the_inbox_and_by_mail_in_the_subscribers_scope(
    store_: str, mailbox: Mailbox
) -> None:
    made = _subscribe(BAOTOU, BAOTOU, "notice", email="baotou@example.org")
    assert runner.run_round(MONDAY, NOW) == 1
    assert runner.run_round(MONDAY, NOW) == 0  # the same period again: nothing
    assert runner.run_round(WEDNESDAY, NOW) == 0  # later in the same week: nothing
    assert runner.run_round(NEXT_MONDAY, NOW) == 1

    key = f"subscription:{made.subscription_id}:"
    assert [m[0] for m in _messages(BAOTOU.username, key)] == [key + "2026-W50", key + "2026-W51"]
    assert len(mailbox.mails) == 2
    recipients, mail = mailbox.mails[0]
    assert recipients == ["baotou@example.org"] and "包头市" in mail["Subject"]
    attachment = next(mail.iter_attachments())
    assert attachment.get_filename().endswith(".docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(attachment.get_content())).paragraphs)
    found, rectified, overdue = _league_figures("150200", MONDAY)
    assert f"包头市开发区闲置资源要素大起底共发现问题{found}项，已整改{rectified}项" in text
    assert f"超期未整改{overdue}项" in text
    assert not [name for name in LEAGUES if name != "包头" and name in text]  # no other league in a 包头 mail
    assert (
        _rows(
            "select channel, status, attempts from delivery where subscription_id = $id order by period, channel",
            id=made.subscription_id,
        )
        == [("email", "sent", 1), ("inbox", "sent", 1)] * 2
    )
    listed = read_fresh(lambda cur: deliveries(cur, BAOTOU.username))
    assert [(r["period"], r["others"]) for r in listed] == [("2026-W51", "email:sent:1"), ("2026-W50", "email:sent:1")]
    name, data = read_fresh(lambda cur: delivered_file(cur, BAOTOU, made.subscription_id, "2026-W50"))
    assert (name, data) == (attachment.get_filename(), attachment.get_content())
    with pytest.raises(SubscriptionError, match="不属于本账号"):
        read_fresh(lambda cur: delivered_file(cur, ORDOS, made.subscription_id, "2026-W50"))


def test_each_delivery_is_audited(store_: str) -> None:
    from auth import store

    _subscribe(ADMIN, ORDOS, "notice", "monthly", 1)
    assert runner.run_round(MONDAY, NOW) == 1
    rows = store.audit_rows(store.auth_path(Path(os.environ["LEDGER_DB"])), "schedule_delivery", ORDOS.username)
    assert len(rows) == 1 and "督导通报（草稿）鄂尔多斯市" in rows[0]["detail"] and "2026-12" in rows[0]["detail"]


def test_alerts_fire_only_past_their_threshold_with_the_leagues_own_figures(store_: str) -> None:
    found, rectified, overdue = _league_figures("150200", MONDAY)
    red = overdue  # 红灯 is an open item past its deadline in force (rules.lights_at), counted here from the event log
    assert red > 0 and rectified < found
    _subscribe(BAOTOU, BAOTOU, "completion_below", threshold=1.0)  # below 100 %: fires
    _subscribe(BAOTOU, BAOTOU, "completion_below", threshold=0.01)  # below 1 %: quiet
    _subscribe(BAOTOU, BAOTOU, "red_above", threshold=red - 1)  # one past it: fires
    _subscribe(BAOTOU, BAOTOU, "red_above", threshold=red)  # exactly at it: quiet
    assert runner.run_round(MONDAY, NOW) == 2
    messages = _messages(BAOTOU.username, "subscription:")
    assert len(messages) == 2
    bodies = "\n".join(m[2] for m in messages)
    assert f"发现问题{found}项，已整改{rectified}项" in bodies
    assert f"督办红灯（超过整改时限仍未整改）事项{red}项，超过订阅的阈值{red - 1}项" in bodies
    assert any(m[1] == f"提醒：包头市红灯事项{red}项，超过{red - 1}项" for m in messages)
    assert runner.run_round(MONDAY, NOW) == 0 and runner.run_round(date(2026, 12, 8), NOW) == 2  # daily


def test_the_red_alert_counts_the_red_light_not_the_yellow_or_blue(store_: str) -> None:
    lit = dict(_rows("select light, count(*) from rules.lights_at($d) where light is not null group by 1", d=LIT_DAY))
    assert lit["红"] > 0 and lit["黄"] > 0  # yellow items are lit and must not be counted
    _subscribe(ADMIN, ADMIN, "red_above", threshold=lit["红"] - 1)
    _subscribe(ADMIN, ADMIN, "red_above", threshold=lit["红"])  # red and yellow together are past it: still quiet
    assert runner.run_round(LIT_DAY, NOW) == 1
    ((_, title, _, link),) = _messages(ADMIN.username, "subscription:")
    assert title == f"提醒：全区红灯事项{lit['红']}项，超过{lit['红'] - 1}项" and link == "supervision"


def _changed_lights(day: date) -> set[str]:
    """The items whose light on day is lit and not the one of the day before (rules.lights_at, as the pages read it)."""
    rows = _rows(
        "select n.item_id from rules.lights_at($d) n left join rules.lights_at($b) o on o.item_id = n.item_id"
        " where n.light is not null and (o.light is null or o.light <> n.light)",
        d=day,
        b=day - timedelta(days=1),
    )
    return {r[0] for r in rows}


def test_the_daily_supervision_work_runs_once_a_day_whoever_runs_the_round(
    store_: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ledger import supervision

    calls = []
    for job, work in list(runner.DAILY_JOBS.items()):
        monkeypatch.setitem(
            runner.DAILY_JOBS, job, lambda *a, job=job, work=work: calls.append((job, a[1])) or work(*a)
        )
    sent = datetime(2025, 6, 24, 9, 0)  # a Tuesday: acknowledged by Friday 27 June, K = 3 working days
    (red,) = [r[0] for r in _rows("select item_id from rules.lights_at($d) where league_code = '150200'"
                                  " and light = '红' order by item_id limit 1", d=sent.date())]  # fmt: skip
    with writing() as cur:
        made = supervision.send_order(cur, ADMIN, "150200", None, [red], date(2025, 7, 31), "", sent)
    day, first, later = date(2025, 7, 1), datetime(2025, 7, 1, 6, 0), datetime(2025, 7, 1, 18, 0)
    changed = _changed_lights(day)
    assert made.ack_due == date(2025, 6, 27) and changed  # past its K days; lights change that day

    runner.run_round(day, first)
    runner.run_round(day, later)  # the same day again (a restart, or a second server after the first)
    assert calls == [("light_changes", day), ("escalate_overdue", day)]
    assert _rows("select job, day, done_at from daily_job order by job") == [
        ("escalate_overdue", day, first),
        ("light_changes", day, first),
    ]
    keys = [r[0] for r in _rows("select dedupe_key from message where dedupe_key like $k", k=f"light:%:{day}")]
    assert {k.split(":")[1] for k in keys} == changed and len(keys) == len(set(keys))
    assert _rows("select escalated_at from supervision_order where order_id = $o", o=made.order_id) == [(first,)]
    escalated = _rows(
        "select recipient from message where dedupe_key = $k order by 1", k=f"order_escalated:{made.order_id}"
    )
    assert (BAOTOU.username,) in escalated and (ADMIN.username,) in escalated and len(escalated) == len(set(escalated))
    from auth import store

    audited = store.audit_rows(store.auth_path(Path(os.environ["LEDGER_DB"])), "send_order", "定时任务")
    assert [r["detail"] for r in audited] == [f"逾期未签收，已抄送领导小组：{made.number}"]  # once, by the schedule

    runner.run_round(day + timedelta(days=1), first + timedelta(days=1))  # the next day: the jobs run again
    assert calls[2:] == [("light_changes", day + timedelta(days=1)), ("escalate_overdue", day + timedelta(days=1))]
    assert _rows("select escalated_at from supervision_order where order_id = $o", o=made.order_id) == [(first,)]


def test_a_failed_daily_job_leaves_no_key_and_is_done_next_round(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args) -> None:
        raise RuntimeError("数据库暂时不可用")

    working = runner.DAILY_JOBS["light_changes"]
    monkeypatch.setitem(runner.DAILY_JOBS, "light_changes", broken)
    _subscribe(BAOTOU, BAOTOU, "notice")
    assert runner.run_round(MONDAY, NOW) == 1  # the subscriptions are delivered all the same
    assert _rows("select job from daily_job") == [("escalate_overdue",)]
    monkeypatch.setitem(runner.DAILY_JOBS, "light_changes", working)
    runner.run_round(MONDAY, NOW)
    assert _rows("select job from daily_job order by 1") == [("escalate_overdue",), ("light_changes",)]


OPEN_ORDERS = """
with last as (
    select item_id, status, row_number() over (partition by item_id order by event_date desc, seq desc) as n
    from item_event where event_date <= $asof
)
select s.year, s.number, s.league_code,
       case when s.acknowledged_at::date <= $asof then '已签收'
            when s.ack_due < $asof then '逾期未签收' else '待签收' end
from supervision_order s
where s.sent_at::date <= $asof
  and (s.acknowledged_at is null or s.acknowledged_at::date > $asof or exists (
      select 1 from supervision_order_item o left join last l on l.item_id = o.item_id and l.n = 1
      where o.order_id = s.order_id and coalesce(l.status, '待整改') not in ('已整改', '已销号')))
order by s.year, s.number
"""


def _workbook_rows(data: bytes) -> list[dict]:
    """The data rows of a ledger workbook (title, subtitle, header, rows, 合计), opened with openpyxl."""
    rows = list(openpyxl.load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    header = rows[2]
    return [dict(zip(header, r, strict=True)) for r in rows[3:] if str(r[header.index("文号")]).startswith("督办〔")]


def test_the_orders_list_holds_the_subscribers_open_orders_as_a_workbook(store_: str, mailbox: Mailbox) -> None:
    from ledger.supervision import order_number

    expected = [(order_number(y, n), league, state) for y, n, league, state in _rows(OPEN_ORDERS, asof=MONDAY)]
    assert {league for _, league, _ in expected} > {"150200"}  # other leagues' orders exist and must stay out
    _subscribe(BAOTOU, BAOTOU, "orders", email="baotou@example.org")
    _subscribe(ADMIN, ADMIN, "orders", "monthly", 1, email="office@example.org")
    assert runner.run_round(MONDAY, NOW) == 2
    mails = {recipients[0]: mail for recipients, mail in mailbox.mails}
    for address, leagues in (("baotou@example.org", {"150200"}), ("office@example.org", None)):
        mail = mails[address]
        attachment = next(mail.iter_attachments())
        assert attachment.get_filename().endswith(".xlsx")
        listed = _workbook_rows(attachment.get_content())
        mine = [(n, state) for n, league, state in expected if leagues is None or league in leagues]
        assert [(r["文号"], r["签收状态"]) for r in listed] == mine[::-1]  # newest first
        assert f"未办结的督办单{len(mine)}份" in mail.get_body().get_content()
    baotou = _workbook_rows(next(mails["baotou@example.org"].iter_attachments()).get_content())
    assert baotou and all(r["督办对象"].startswith("包头市") for r in baotou)
    ((_, title, _, link),) = _messages(BAOTOU.username, "subscription:")
    assert title.startswith("未办结督办单 包头市") and link.startswith("subscriptions?delivery=")


def test_an_overview_png_is_built_for_the_subscribers_park(store_: str, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = []
    monkeypatch.setattr("reports.subscribed.figure_png", lambda fig: drawn.append(fig) or b"\x89PNG fake")
    _subscribe(PARK, PARK, "overview_png", "monthly", 7)
    assert runner.run_round(MONDAY, NOW) == 1
    (figure,) = drawn
    assert "包头稀土" in figure.layout.title.text  # the park's own chart, not the region's
    ((key, title, _, link),) = _messages(PARK.username, "subscription:")
    assert link == f"subscriptions?delivery={key.split(':')[1]}_2026-12"
    stored = _rows("select file_name, content_b64 from delivery where channel = 'inbox' and title = $t", t=title)
    assert stored[0][0].endswith(".png") and stored[0][1]


class Hook(BaseHTTPRequestHandler):
    """A local webhook: answers with the next status of `answers`, keeps each JSON body."""

    answers: ClassVar[list[int]] = []
    bodies: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        Hook.bodies.append(json.loads(self.rfile.read(length).decode("utf-8")))
        self.send_response(Hook.answers.pop(0) if Hook.answers else 200)
        self.end_headers()

    def log_message(self, *args) -> None:
        return None


def test_a_failed_webhook_is_recorded_and_retried_next_round(store_: str, monkeypatch: pytest.MonkeyPatch) -> None:
    server = HTTPServer(("127.0.0.1", HTTP_PORT), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Hook.answers, Hook.bodies = [500], []
    monkeypatch.setenv("LEDGER_WEBHOOK_URL", f"http://127.0.0.1:{HTTP_PORT}/hook")
    try:
        made = _subscribe(BAOTOU, BAOTOU, "red_above", threshold=0)
        assert runner.run_round(MONDAY, NOW) == 1
        state = "select status, attempts, detail from delivery where subscription_id = $id and channel = 'webhook'"
        assert _rows(state, id=made.subscription_id) == [("failed", 1, "推送接口返回 HTTP 500")]
        assert runner.run_round(MONDAY, NOW) == 0  # nothing new, the webhook tried again
        assert _rows(state, id=made.subscription_id) == [("sent", 2, None)]
        assert len(Hook.bodies) == 2 and Hook.bodies[1]["recipient"] == BAOTOU.username
        assert Hook.bodies[1]["period"] == "2026-12-07" and "红灯事项" in Hook.bodies[1]["title"]
    finally:
        server.shutdown()
        server.server_close()


def test_a_dead_webhook_never_breaks_a_round(store_: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGER_WEBHOOK_URL", "http://127.0.0.1:8719/nobody-listens")
    made = _subscribe(BAOTOU, BAOTOU, "red_above", threshold=0)
    for _ in range(runner.MAX_ATTEMPTS + 2):
        runner.run_round(MONDAY, NOW)
    ((status, attempts, detail),) = _rows(
        "select status, attempts, detail from delivery where subscription_id = $id and channel = 'webhook'",
        id=made.subscription_id,
    )
    assert (status, attempts) == ("failed", runner.MAX_ATTEMPTS) and detail.startswith("推送接口无法访问")
    assert len(_messages(BAOTOU.username, f"subscription:{made.subscription_id}:")) == 1


@pytest.mark.parametrize(
    ("by", "recipient", "kind", "cadence", "day", "threshold", "email", "refusal"),
    [
        (BAOTOU, ORDOS, "notice", "weekly", 1, None, None, "只能为本账号订阅"),
        (BAOTOU, BAOTOU, "nothing", "weekly", 1, None, None, "请选择订阅内容"),
        (BAOTOU, BAOTOU, "notice", "weekly", 8, None, None, "星期一到星期日"),
        (BAOTOU, BAOTOU, "notice", "monthly", 29, None, None, "1 到 28 日"),
        (BAOTOU, BAOTOU, "notice", "daily", 0, None, None, "每周或每月"),
        (BAOTOU, BAOTOU, "completion_below", "daily", 0, None, None, "须填写阈值"),
        (BAOTOU, BAOTOU, "completion_below", "daily", 0, 1.5, None, "0 到 100%"),
        (BAOTOU, BAOTOU, "red_above", "daily", 0, 2.5, None, "整数"),
        (BAOTOU, BAOTOU, "notice", "weekly", 1, None, "not-an-address", "邮箱地址格式不正确"),
        (PARK, PARK, "notice", "weekly", 1, None, None, "园区账号可订阅总览图和阈值提醒"),
        (BAOTOU, BAOTOU, "notice", "weekly", 1, None, "a@b.cn\r\nBcc: x@y.cn", "邮箱地址格式不正确"),
    ],
)
def test_a_bad_subscription_is_refused_in_chinese(db: Path, by, recipient, kind, cadence, day, threshold, email,
                                                   refusal) -> None:  # fmt: skip
    with pytest.raises(SubscriptionError, match=refusal):
        _subscribe(by, recipient, kind, cadence, day, threshold, email)
    assert read_fresh(active) == []  # nothing written


def test_the_office_subscribes_a_unit_and_only_the_owner_or_the_office_cancels(db: Path) -> None:
    made = _subscribe(ADMIN, BAOTOU, "notice")
    assert made.created_by == ADMIN.username and made.username == BAOTOU.username
    with pytest.raises(SubscriptionError, match="只能取消本账号的订阅"), writing() as cur:
        cancel(cur, ORDOS, made.subscription_id, NOW)
    with writing() as cur:
        cancel(cur, BAOTOU, made.subscription_id, NOW)
    with pytest.raises(SubscriptionError, match="不存在或已取消"), writing() as cur:
        cancel(cur, BAOTOU, made.subscription_id, NOW)
    assert runner.run_round(MONDAY, NOW) == 0  # a cancelled subscription sends nothing


def test_an_account_holds_at_most_its_share_of_subscriptions(db: Path) -> None:
    for _ in range(MAX_ACTIVE):
        _subscribe(BAOTOU, BAOTOU, "notice")
    with pytest.raises(SubscriptionError, match=f"最多 {MAX_ACTIVE} 项"):
        _subscribe(BAOTOU, BAOTOU, "notice")


ROUND = """
import sys
from datetime import date
from ledger.schedule import runner
sent = 0
for _ in range(3):
    sent += runner.run_round(date(2026, 12, 7))
print(sent)
"""


@pytest.mark.postgres
def test_two_processes_on_one_postgresql_send_each_period_once(
    pg_server, demo_db: Path, tmp_path: Path, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = demo_in_postgres(pg_server, demo_db, "demo_schedule_two_processes")
    monkeypatch.setenv("LEDGER_DSN", target)
    subscribers = (BAOTOU, ORDOS, PARK, ADMIN)
    for user in subscribers:
        kind, threshold = ("red_above", 0) if user is PARK else ("notice", None)  # a park's user gets no 督导通报
        _subscribe(user, user, kind, threshold=threshold, email=f"{user.username}@example.org")
    environment = {**os.environ, "LEDGER_DSN": target, "PYTHONPATH": str(ROOT)}
    workers = [
        subprocess.Popen([sys.executable, "-c", ROUND], cwd=ROOT, env=environment, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    sent = [int(w.communicate(timeout=240)[0].strip().splitlines()[-1]) for w in workers]
    assert all(w.returncode == 0 for w in workers)
    assert sum(sent) == len(subscribers)
    assert _rows("select count(*) from delivery where channel = 'inbox'") == [(len(subscribers),)]
    assert _rows("select count(*) from message where dedupe_key like 'subscription:%'") == [(len(subscribers),)]
    assert _rows("select job, count(*) from daily_job group by 1 order by 1") == [
        ("escalate_overdue", 1),
        ("light_changes", 1),
    ]  # the daily 督办 work done by one of the two
    assert sorted(r[0][0] for r in mailbox.mails) == sorted(f"{u.username}@example.org" for u in subscribers)


def test_the_background_thread_runs_rounds_until_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    rounds = threading.Semaphore(0)
    monkeypatch.setattr(runner, "run_round", lambda: rounds.release())
    monkeypatch.setattr(runner, "FIRST_ROUND", 0.01)
    scheduler = runner.Scheduler(0.01)
    try:
        assert all(rounds.acquire(timeout=10) for _ in range(3))  # a round, and the next ones
    finally:
        scheduler.stop()
    scheduler._thread.join(timeout=10)
    assert not scheduler._thread.is_alive()


def test_the_app_starts_one_scheduler_per_process_and_none_when_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    started = []
    monkeypatch.setattr(runner, "Scheduler", lambda seconds: started.append(seconds) or SimpleNamespace(stop=list))
    monkeypatch.delenv("LEDGER_SCHEDULE", raising=False)  # as `make run` starts it (tests switch it off: conftest)
    runner._scheduler.clear()
    runner.start_scheduler()
    runner.start_scheduler()
    assert started == [300.0]
    monkeypatch.setenv("LEDGER_SCHEDULE", "off")
    monkeypatch.setenv("LEDGER_SCHEDULE_SECONDS", "60")  # a new setting: a new resource, not started
    runner.start_scheduler()
    assert started == [300.0]


def test_nothing_goes_to_a_disabled_or_retired_demo_account(db: Path) -> None:
    from auth import store

    accounts = store.auth_path(db)
    _subscribe(ORDOS, ORDOS, "notice")
    _subscribe(BAOTOU, BAOTOU, "notice")
    store.set_disabled(accounts, ORDOS.username, True)
    assert runner.run_round(MONDAY, NOW) == 1  # 包头 only
    store.add_user(accounts, "real-admin", "Zhengshi-2026-ok!", "admin", display_name="正式管理员")
    assert runner.run_round(NEXT_MONDAY, NOW) == 0  # demo accounts stop working once a real admin exists
