"""The channels a delivery takes besides the inbox: e-mail through the intranet's SMTP server and a generic webhook
(JSON POST, e.g. the government messaging platform), each configured by environment variables and off without them.
A failure raises ChannelError with a Chinese message; the job records it and tries again next time."""

import json
import os
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

TIMEOUT = 15  # seconds for one SMTP session or one webhook request: a dead server never holds the job long


class ChannelError(RuntimeError):
    """A delivery that did not go out, in Chinese (recorded on its delivery row)."""


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    sender: str
    user: str | None
    password: str | None
    starttls: bool


def smtp() -> Smtp | None:
    """The SMTP server (LEDGER_SMTP_HOST, _PORT, _FROM, _USER, _PASSWORD, _STARTTLS=1), or None: no e-mail."""
    host = os.environ.get("LEDGER_SMTP_HOST", "").strip()
    if not host:
        return None
    try:
        port = int(os.environ.get("LEDGER_SMTP_PORT", "25"))
    except ValueError as error:
        raise ChannelError("LEDGER_SMTP_PORT 应为端口号") from error
    return Smtp(
        host=host,
        port=port,
        sender=os.environ.get("LEDGER_SMTP_FROM", "").strip() or f"dashboard@{host}",
        user=os.environ.get("LEDGER_SMTP_USER") or None,
        password=os.environ.get("LEDGER_SMTP_PASSWORD") or None,
        starttls=os.environ.get("LEDGER_SMTP_STARTTLS", "") == "1",
    )


def webhook() -> str | None:
    """The webhook's URL (LEDGER_WEBHOOK_URL, http or https), or None: no webhook."""
    url = os.environ.get("LEDGER_WEBHOOK_URL", "").strip()
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        raise ChannelError("LEDGER_WEBHOOK_URL 应以 http:// 或 https:// 开头")
    return url


def send_mail(server: Smtp, to: str, title: str, body: str, file_name: str | None, data: bytes | None,
              mime: str | None) -> None:  # fmt: skip
    """One mail with the report attached."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = server.sender, to, title
    message["Date"], message["Message-ID"] = formatdate(localtime=True), make_msgid()
    message.set_content(body + "\n\n（开发区闲置资源要素大起底看板自动发送，请勿回复。）")
    if data is not None and file_name:
        main, _, sub = (mime or "application/octet-stream").partition("/")
        message.add_attachment(data, maintype=main, subtype=sub, filename=file_name)
    try:
        with smtplib.SMTP(server.host, server.port, timeout=TIMEOUT) as session:
            if server.starttls:
                session.starttls()
            if server.user:
                session.login(server.user, server.password or "")
            session.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise ChannelError(f"邮件未发出（{server.host}:{server.port}）：{type(error).__name__}") from error


def post_webhook(url: str, payload: dict) -> None:
    """One JSON POST; anything but a 2xx answer is a failure."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            status = answer.status
    except urllib.error.HTTPError as error:
        raise ChannelError(f"推送接口返回 HTTP {error.code}") from error
    except (OSError, ValueError) as error:
        raise ChannelError(f"推送接口无法访问：{type(error).__name__}") from error
    if not 200 <= status < 300:
        raise ChannelError(f"推送接口返回 HTTP {status}")
