"""The demo's 督办闭环: a few 督办单 from the office at the end of 2025 (most acknowledged within days, one left
unacknowledged and escalated, the latest still waiting), and the messages they and the lights sent to the demo
accounts. Written through ledger/supervision.py itself on the built file, so the orders name exactly the items
the light rule lit on their dates, and the same seedless steps give the same rows every time."""

from datetime import date, datetime, time
from pathlib import Path

import duckdb

from auth.roles import User
from auth.store import DEMO_ACCOUNTS
from ledger import inbox, rules, supervision
from ledger.writing import transaction

# (league, park, sent, acknowledged by, acknowledged on): None acknowledged on = not acknowledged
ORDERS = (
    ("150200", None, datetime(2025, 12, 1, 9, 30), "demo-150200", datetime(2025, 12, 2, 10, 15)),
    ("150600", None, datetime(2025, 12, 1, 9, 40), "demo-150600", datetime(2025, 12, 3, 16, 5)),
    ("150200", "P005", datetime(2025, 12, 8, 10, 0), "demo-P005", datetime(2025, 12, 9, 8, 50)),
    ("152200", None, datetime(2025, 12, 10, 15, 0), None, None),  # escalated: three working days passed
    ("150700", None, datetime(2025, 12, 29, 9, 0), None, None),  # sent on the data's last days
)
LIGHT_DAYS = (date(2023, 1, 1), date(2023, 3, 1))  # days many deadlines passed: items turned red


def _known() -> list[dict]:
    return [{"username": u, "role": r, "league_code": league, "park_id": park, "disabled": 0}
            for u, r, league, park, _ in DEMO_ACCOUNTS]  # fmt: skip


def _account(username: str) -> User:
    """A demo account as the app signs it in (auth/store.DEMO_ACCOUNTS)."""
    name, role, league, park, display = next(a for a in DEMO_ACCOUNTS if a[0] == username)
    return User(name, role, league, park, display)


def add_supervision(path: Path) -> None:
    """Send, acknowledge and escalate the demo's orders and deliver the light changes of LIGHT_DAYS, in the
    built file (one transaction per step, as the app writes them)."""
    con = rules.install(duckdb.connect(str(path)))
    known = _known()
    try:
        for day in LIGHT_DAYS:
            with transaction(con) as cur:
                supervision.light_changes(cur, day, known=known)
        for league, park, sent, by, on in ORDERS:
            with transaction(con) as cur:
                red = [r[0] for r in cur.execute(
                    "select item_id from rules.lights_at($d) where league_code = $l"
                    " and (cast($p as varchar) is null or park_id = $p) and light = '红' order by item_id limit 8",
                    {"d": sent.date(), "l": league, "p": park}).fetchall()]  # fmt: skip
                office = _account("demo-admin")
                order = supervision.send_order(cur, office, league, park, red, date(2026, 1, 15), "", now=sent,
                                               known=known)  # fmt: skip
            if by is not None:  # the unit's account opened its message and acknowledged the order
                with transaction(con) as cur:
                    supervision.acknowledge(cur, _account(by), order.order_id, now=on)
                    inbox.mark_read(cur, _account(by), [f"order:{order.order_id}"], now=on)
        escalation = datetime.combine(date(2025, 12, 16), time(8, 0))  # the morning after 152200's was due
        with transaction(con) as cur:
            supervision.escalate_overdue(cur, escalation.date(), now=escalation, known=known)
        con.execute("checkpoint")
    finally:
        con.close()
