"""站内消息: what the app tells one user (an item of theirs turning 蓝/黄/红, a 督办单 to acknowledge, a return or
an approval, an extension decided, and the schedule's reports), kept in the `message` table of the ledger database.

Messages are written by whatever change causes them, in that change's transaction (a return and its message
commit together or not at all); deliver() takes the same write cursor as ledger/workflow.py (a DuckDB cursor or
ledger.writing.PgCursor, `$name` parameters). A message is keyed by its recipient and a dedupe key naming what it
is about, so delivering the same thing twice (a daily check run again, two app servers) stores it once. Reads
take the signed-in user, never a name from a URL: a user reads and marks only their own messages."""

import re
from datetime import datetime

from auth.roles import User

# kind → its name in the inbox; the schedule's deliveries use their own kinds (shown as 通知 when not listed)
KIND_NAMES = {
    "light": "督办提醒",
    "order": "督办单",
    "order_escalated": "督办单逾期未签收",
    "order_acknowledged": "督办单已签收",
    "review": "销号审核",
    "extension": "延期审批",
    "subscription": "订阅推送",
}
OTHER_KIND = "通知"
MAX_TITLE = 120
MAX_BODY = 4000
MAX_KEY = 200
MAX_LINK = 500
MAX_SHOWN = 200  # the newest messages a list shows (the unread count covers all)
# a page's path and its query (ledgers?item=L001), without what would end a Markdown link or an HTML attribute
LINK = re.compile(r"[a-z_]+(\?[^\s()\[\]<>\"'`\\]*)?")


class InboxError(ValueError):
    """A message refused, with a Chinese message (a caller's mistake: never shown to the recipient)."""


def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, OTHER_KIND)


def _checked(recipient: str, kind: str, title: str, body: str, link: str | None, key: str) -> tuple[str, str]:
    """The title and body trimmed; InboxError when a field is empty or too long, or the link is no page path."""
    title, body = (title or "").strip(), (body or "").strip()
    if not recipient or not kind or not key:
        raise InboxError("消息须有收件人、类别和去重键")
    if not title:
        raise InboxError("消息须有标题")
    if len(title) > MAX_TITLE or len(body) > MAX_BODY or len(key) > MAX_KEY or len(kind) > 40:
        raise InboxError(f"消息过长：标题不超过 {MAX_TITLE} 字，正文不超过 {MAX_BODY} 字，去重键不超过 {MAX_KEY} 字")
    if link is not None and (len(link) > MAX_LINK or not LINK.fullmatch(link)):
        raise InboxError(f"消息链接应为看板页面的路径（如 ledgers?item=编号），而不是“{link[:60]}”")
    return title, body


def deliver(cur, recipient: str, kind: str, title: str, body: str, link: str | None, key: str,
            now: datetime | None = None) -> bool:  # fmt: skip
    """Store a message for recipient in the caller's transaction; False when one with the same key is already
    there (it is left as it was, read or not)."""
    title, body = _checked(recipient, kind, title, body, link, key)
    stored = cur.execute(
        "insert into message (recipient, dedupe_key, kind, title, body, link, created_at)"
        " values ($to, $key, $kind, $title, $body, $link, $at) on conflict do nothing returning recipient",
        {"to": recipient, "key": key, "kind": kind, "title": title, "body": body, "link": link,
         "at": now or datetime.now().replace(microsecond=0)},
    ).fetchall()  # fmt: skip
    return bool(stored)


def unread_count(cur, user: User) -> int:
    """How many of the user's messages are unread (the sidebar's badge)."""
    row = cur.execute(
        "select count(*) from message where recipient = $me and read_at is null", {"me": user.username}
    ).fetchone()
    return int(row[0])


def messages(cur, user: User, unread_only: bool = False, limit: int = MAX_SHOWN) -> list[dict]:
    """The user's newest messages first (unread before read at the same moment), at most `limit`."""
    rows = cur.execute(
        """
        select dedupe_key, kind, title, body, link, created_at, read_at from message
        where recipient = $me and ($unread = false or read_at is null)
        order by created_at desc, read_at is null desc, dedupe_key
        limit $limit
        """,
        {"me": user.username, "unread": bool(unread_only), "limit": int(limit)},
    ).fetchall()
    names = ("key", "kind", "title", "body", "link", "created_at", "read_at")
    return [dict(zip(names, row, strict=True)) | {"kind_name": kind_name(row[1])} for row in rows]


def mark_read(cur, user: User, keys: list[str], now: datetime | None = None) -> int:
    """Mark the user's messages of these keys read (others' are untouched whatever the keys); how many changed.
    The caller writes the audit row (ui/inbox.py), as for every other write of a page."""
    if not keys:
        return 0
    if len(keys) > MAX_SHOWN:
        raise InboxError(f"一次最多标记 {MAX_SHOWN} 条消息")
    row = cur.execute(
        "update message set read_at = $at where recipient = $me and read_at is null and dedupe_key = any($keys)"
        " returning dedupe_key",
        {"at": now or datetime.now().replace(microsecond=0), "me": user.username, "keys": list(keys)},
    ).fetchall()
    return len(row)
