"""督办闭环 on the write path: 督办单 sent, acknowledged (签收) and escalated, and the messages the 督办 lights and
the workflow's decisions send to a unit's users.

Each function takes a write cursor inside the caller's transaction (ledger.writing.transaction: DuckDB or
PgCursor, `$name` parameters), checks what the user may do (auth/roles.Action) and raises SupervisionError with a
Chinese message when not; its messages (ledger/inbox.py) commit with it. The lights are the rule
rules.lights_at (queries/rules.sql) read here on the same cursor, so an order names exactly the lights a page
shows. The numbers N, M, K are rules.supervision_rules(), read once from the rules file."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from auth import store
from auth.roles import ADMIN, LEADER, LEAGUE, PARK, Action, User
from ledger import db_path, inbox, rules
from ledger.writing import is_postgres

RULES = rules.value_of("rules.supervision_rules()")  # due_days, idle_days, returns, ack_days
SENDABLE = ("红", "黄")  # the lights an order may name
MAX_ITEMS = 200
MAX_NOTE = 500
MAX_REPLY_DAYS = 90
DEFAULT_NOTE = "请对所列条目逐项落实整改责任，按期报送整改进展；确有困难的，说明原因并提出措施。"


class SupervisionError(ValueError):
    """An action on a 督办单 refused, with a Chinese message for the user."""


def order_number(year: int, number: int) -> str:
    return f"督办〔{year}〕{number}号"


def working_days_after(day: date, days: int) -> date:
    """The date `days` working days (Monday to Friday) after day: when a 督办单 sent on day must be acknowledged.
    Public holidays are not known here, so a holiday counts as a working day (the office may wait a day longer)."""
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


# Who a message goes to ----------------------------------------------------------------------------------------
def accounts() -> list[dict]:
    """The enabled accounts (the accounts store beside the database, or PostgreSQL's account table)."""
    return [a for a in store.list_users(store.auth_path(db_path())) if not a["disabled"]]


def unit_users(league: str, park: str | None, known: list[dict] | None = None) -> list[str]:
    """The accounts of a responsible unit: the league's accounts and, when a park is named, that park's."""
    return sorted(
        a["username"]
        for a in (known if known is not None else accounts())
        if (a["role"] == LEAGUE and a["league_code"] == league) or (park and a["role"] == PARK and a["park_id"] == park)
    )


def office_users(roles: tuple[str, ...], known: list[dict] | None = None) -> list[str]:
    return sorted(a["username"] for a in (known if known is not None else accounts()) if a["role"] in roles)


def _deliver_all(cur, users: list[str], kind: str, title: str, body: str, link: str, key: str, now: datetime) -> int:
    return sum(inbox.deliver(cur, user, kind, title, body, link, key, now) for user in dict.fromkeys(users))


# 督办单 -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Order:
    order_id: int
    number: str
    league_code: str
    park_id: str | None
    sent_by: str
    sent_at: datetime
    reply_due: date
    ack_due: date
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    escalated_at: datetime | None


def order(cur, order_id: int) -> Order | None:
    row = cur.execute(
        "select order_id, year, number, league_code, park_id, sent_by, sent_at, reply_due, ack_due, acknowledged_by,"
        " acknowledged_at, escalated_at from supervision_order where order_id = $o",
        {"o": order_id},
    ).fetchone()
    if row is None:
        return None
    return Order(row[0], order_number(row[1], row[2]), *row[3:])


def _lights(cur, item_ids: list[str], day: date) -> dict[str, tuple]:
    rows = cur.execute(
        "select item_id, league_code, park_id, light, light_reason from rules.lights_at($day)"
        " where item_id = any($ids)",
        {"day": day, "ids": list(item_ids)},
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def _checked_items(cur, league: str, park: str | None, item_ids: list[str], day: date) -> dict[str, tuple]:
    """The items' (light, reason) today; SupervisionError unless each is open, red or yellow, and the unit's."""
    ids = list(dict.fromkeys(item_ids))
    if not ids:
        raise SupervisionError("请至少选择一个红灯或黄灯条目")
    if len(ids) > MAX_ITEMS:
        raise SupervisionError(f"一份督办单最多列 {MAX_ITEMS} 个条目，请按园区分开发送")
    lights = _lights(cur, ids, day)
    for item in ids:
        found = lights.get(item)
        if found is None:
            raise SupervisionError(f"条目“{item}”不存在或已整改，不能督办")
        if found[0] != league or (park is not None and found[1] != park):
            raise SupervisionError(f"条目“{item}”不属于督办对象，请只选本盟市（园区）的条目")
        if found[2] not in SENDABLE:
            raise SupervisionError(f"条目“{item}”今天不是红灯或黄灯，不需要督办")
    return {item: lights[item][2:] for item in ids}


def _unit(cur, league: str, park: str | None) -> str:
    """The unit's name (盟市, or 盟市·园区); SupervisionError when the league or park is unknown or elsewhere."""
    row = cur.execute("select name from league where league_code = $l", {"l": league}).fetchone()
    if row is None:
        raise SupervisionError(f"没有代码为“{league}”的盟市")
    if park is None:
        return row[0]
    found = cur.execute("select name, league_code from park where park_id = $p", {"p": park}).fetchone()
    if found is None or found[1] != league:
        raise SupervisionError(f"园区“{park}”不在{row[0]}")
    return f"{row[0]}{found[0]}"


def send_order(cur, user: User, league: str, park: str | None, item_ids: list[str], reply_due: date, note: str,
               now: datetime | None = None, known: list[dict] | None = None) -> Order:  # fmt: skip
    """A new 督办单 to a league (or one park of it) naming red and yellow items, numbered in its year, with a
    message to each of the unit's accounts. Returns it."""
    if not user.may(Action.SEND_ORDER):
        raise SupervisionError("只有大起底办公室和领导小组成员能发送督办单")
    when = now or datetime.now().replace(microsecond=0)
    text = (note or "").strip() or DEFAULT_NOTE
    if len(text) > MAX_NOTE:
        raise SupervisionError(f"督办要求不能超过 {MAX_NOTE} 个字")
    if not when.date() < reply_due <= when.date() + timedelta(days=MAX_REPLY_DAYS):
        raise SupervisionError(f"回复期限应在今天之后的 {MAX_REPLY_DAYS} 天以内")
    unit = _unit(cur, league, park)
    items = _checked_items(cur, league, park, item_ids, when.date())
    if is_postgres(cur):  # one sender numbers at a time (DuckDB refuses the second writer at the key instead)
        cur.execute("lock table supervision_order in share row exclusive mode")
    order_id, number = cur.execute(
        "select coalesce(max(order_id), 0) + 1, coalesce(max(number) filter (where year = $y), 0) + 1"
        " from supervision_order",
        {"y": when.year},
    ).fetchone()
    ack_due = working_days_after(when.date(), int(RULES["ack_days"]))
    cur.execute(
        "insert into supervision_order (order_id, year, number, league_code, park_id, sent_by, sent_at, reply_due,"
        " ack_due, note) values ($o, $y, $n, $l, $p, $by, $at, $reply, $ack, $note)",
        {"o": order_id, "y": when.year, "n": number, "l": league, "p": park, "by": user.username, "at": when,
         "reply": reply_due, "ack": ack_due, "note": text},
    )  # fmt: skip
    for item, (light, reason) in items.items():
        cur.execute(
            "insert into supervision_order_item (order_id, item_id, light, light_reason) values ($o, $i, $l, $r)",
            {"o": order_id, "i": item, "l": light, "r": reason},
        )
    name = order_number(when.year, number)
    reds = sum(light == "红" for light, _ in items.values())
    _deliver_all(
        cur, unit_users(league, park, known), "order", f"{name} 待签收",
        f"{unit}：督办条目 {len(items)} 项（红灯 {reds} 项，黄灯 {len(items) - reds} 项），"
        f"请于 {ack_due:%Y-%m-%d} 前签收，{reply_due:%Y-%m-%d} 前报送整改进展。",
        f"supervision?order={order_id}", f"order:{order_id}", when,
    )  # fmt: skip
    return order(cur, order_id)


def acknowledge(cur, user: User, order_id: int, now: datetime | None = None) -> Order:
    """签收: the unit's account acknowledges the order (who, when), and its sender is told."""
    found = order(cur, order_id)
    if found is None or not user.allowed.covers(found.league_code, found.park_id):
        raise SupervisionError(f"没有编号为 {order_id} 的督办单，或它不是发给本账号所在单位的")
    if not user.may(Action.ACKNOWLEDGE_ORDER, found.league_code, found.park_id):
        raise SupervisionError("督办单由收到它的盟市（园区）账号签收")
    if found.acknowledged_at is not None:
        raise SupervisionError(
            f"{found.number} 已于 {found.acknowledged_at:%Y-%m-%d %H:%M} 由 {found.acknowledged_by} 签收，未重复签收"
        )
    when = now or datetime.now().replace(microsecond=0)
    cur.execute(
        "update supervision_order set acknowledged_by = $by, acknowledged_at = $at"
        " where order_id = $o and acknowledged_at is null",
        {"by": user.username, "at": when, "o": order_id},
    )
    late = "（已逾期）" if when.date() > found.ack_due else ""
    inbox.deliver(cur, found.sent_by, "order_acknowledged", f"{found.number} 已签收{late}",
                  f"{user.display_name or user.username} 于 {when:%Y-%m-%d %H:%M} 签收。",
                  f"supervision?order={order_id}", f"order_acknowledged:{order_id}", when)  # fmt: skip
    return order(cur, order_id)


def escalate_overdue(cur, today: date, now: datetime | None = None, known: list[dict] | None = None) -> list[str]:
    """Every order not acknowledged by its ack_due and not escalated yet: marked escalated, and the leaders and the
    office are copied and the unit reminded (a message each). Run daily by the schedule (ledger/schedule/runner.py);
    a second run the same day finds nothing more. The numbers of the orders escalated."""
    when = now or datetime.now().replace(microsecond=0)
    due = cur.execute(
        "select order_id from supervision_order where acknowledged_at is null and escalated_at is null"
        " and ack_due < $today order by order_id",
        {"today": today},
    ).fetchall()
    escalated = []
    for (order_id,) in due:
        found = order(cur, order_id)
        cur.execute("update supervision_order set escalated_at = $at where order_id = $o", {"at": when, "o": order_id})
        title = f"{found.number} 逾期未签收"
        body = f"应于 {found.ack_due:%Y-%m-%d} 前签收，至今未签收。"
        link, key = f"supervision?order={order_id}", f"order_escalated:{order_id}"
        copied = office_users((LEADER, ADMIN), known) + unit_users(found.league_code, found.park_id, known)
        _deliver_all(cur, copied, "order_escalated", title, body, link, key, when)
        escalated.append(found.number)
    return escalated


# Messages of the lights and of the workflow -----------------------------------------------------------------
def light_changes(cur, as_of: date, now: datetime | None = None, known: list[dict] | None = None) -> int:
    """Each item whose 督办 light on as_of is not what it was the day before (and is lit): a message to its unit's
    accounts, once per item, light and day. For the daily job (the schedule) or a sign-in; returns how many were
    stored."""
    rows = cur.execute(
        """
        select n.item_id, n.league_code, n.park_id, n.light, n.light_reason, i.title
        from rules.lights_at($day) n
        join item i on i.item_id = n.item_id
        left join rules.lights_at($before) o on o.item_id = n.item_id
        where n.light is not null and (o.light is null or o.light <> n.light)
        order by n.item_id
        """,
        {"day": as_of, "before": as_of - timedelta(days=1)},
    ).fetchall()
    people = known if known is not None else accounts()
    when = now or datetime.combine(as_of, datetime.min.time())
    stored = 0
    for item, league, park, light, reason, title in rows:
        title = f"{item} {title} 转为{light}灯"[: inbox.MAX_TITLE]
        key = f"light:{item}:{light}:{as_of:%Y-%m-%d}"
        stored += _deliver_all(cur, unit_users(league, park, people), "light", title, reason or "",
                               f"ledgers?item={item}", key, when)  # fmt: skip
    return stored


def item_decided(cur, item_id: str, kind: str, title: str, body: str, key: str, also: str | None,
                 now: datetime) -> int:  # fmt: skip
    """A workflow decision on an item (退回, 销号, 延期 decided) told to its unit's accounts and to `also` (the user
    who asked), in the decision's transaction."""
    row = cur.execute(
        "select p.league_code, i.park_id, i.title from item i join park p using (park_id) where i.item_id = $i",
        {"i": item_id},
    ).fetchone()
    users = unit_users(row[0], row[1]) + ([also] if also else [])
    heading = f"{item_id} {row[2]}：{title}"[: inbox.MAX_TITLE]
    return _deliver_all(cur, users, kind, heading, body[: inbox.MAX_BODY], f"ledgers?item={item_id}", key, now)
