"""When a subscription is due: the period it sends for on a day (weekly: the ISO week, from its weekday on; monthly:
the month, from its day on; daily: the day). A period is sent once, whenever in it the job first finds it due."""

from datetime import date

CADENCES = {"weekly": "每周", "monthly": "每月", "daily": "每日"}
WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")  # ISO weekday 1 … 7
LAST_MONTH_DAY = 28  # every month has it


def period_of(cadence: str, day: int, today: date) -> str | None:
    """The period due on today (2026-W49, 2026-12, 2026-12-06), or None while today is before its day."""
    if cadence == "weekly":
        year, week, weekday = today.isocalendar()
        return f"{year}-W{week:02d}" if weekday >= day else None
    if cadence == "monthly":
        return f"{today:%Y-%m}" if today.day >= day else None
    if cadence == "daily":
        return today.isoformat()
    raise ValueError(f"unknown cadence {cadence!r}")


def schedule_text(cadence: str, day: int) -> str:
    """每周一, 每月5日, 每日."""
    if cadence == "weekly":
        return f"每周{WEEKDAYS[day - 1]}"
    if cadence == "monthly":
        return f"每月{day}日"
    return CADENCES[cadence]
