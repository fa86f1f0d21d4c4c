"""The action register of 动态管理: the office's decisions on a park (约谈 → 通报 → 限期整改 → 降级 / 调整出序列 /
整合), each with its date, decider, 文号 and follow-up date; one write per decision, checked here on both stores."""

from datetime import date, datetime

from auth.roles import Action, User
from ledger.writing import is_postgres

# The ladder in order: the first three warn and demand, the last three are the outcomes the seed names.
STEPS = ("约谈", "通报", "限期整改", "降级", "调整出序列", "整合")
MAX_DECIDER = 60  # 决定机关 or person, e.g. 自治区工业园区建设工作领导小组办公室
MAX_DOC_NO = 40  # 文号, e.g. 内园区办发〔2024〕12号
MAX_NOTE = 500
EARLIEST = date(2018, 1, 1)  # the catalogue's year: no decision on these parks predates it


class ParkActionError(ValueError):
    """A decision refused, with the reason in Chinese for the office's clerk."""


def record_park_action(
    cur,
    user: User,
    park_id: str,
    step: str,
    decided: date,
    decider: str,
    doc_no: str,
    follow_up: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> int:
    """Record one decision on a park after checking who may, where and what; returns its number."""
    when = now or datetime.now().replace(microsecond=0)
    league = _park_league(cur, park_id)
    if not user.may(Action.RECORD_PARK_ACTION, league, park_id):
        raise ParkActionError("只有大起底办公室能记录对园区的动态管理措施")
    fields = _checked(step, decided, decider, doc_no, follow_up, note, when.date())
    action_id = _next_id(cur)
    cur.execute(
        "insert into park_action (action_id, park_id, step, decided_date, decider, doc_no, follow_up_date, note,"
        " recorded_by, recorded_at) values ($id, $park, $step, $decided, $decider, $doc, $follow, $note, $by, $at)",
        {"id": action_id, "park": park_id, **fields, "by": user.username, "at": when},
    )
    return action_id


def _park_league(cur, park_id: str) -> str:
    row = cur.execute("select league_code from park where park_id = $p", {"p": park_id}).fetchone()
    if row is None:
        raise ParkActionError(f"没有编号为 {park_id} 的园区")
    return row[0]


def _checked(step: str, decided: date, decider: str, doc_no: str, follow_up: date | None, note: str,
             today: date) -> dict:  # fmt: skip
    """The decision's fields, trimmed, or the first reason it cannot be recorded."""
    if step not in STEPS:
        raise ParkActionError("措施应为：" + "、".join(STEPS))
    if not isinstance(decided, date) or not EARLIEST <= decided <= today:
        raise ParkActionError(f"决定日期应在 {EARLIEST:%Y-%m-%d} 至今天之间")
    decider, doc_no, note = (decider or "").strip(), (doc_no or "").strip(), (note or "").strip()
    if not decider or len(decider) > MAX_DECIDER:
        raise ParkActionError(f"请填写决定机关（不超过 {MAX_DECIDER} 字）")
    if not doc_no or len(doc_no) > MAX_DOC_NO:
        raise ParkActionError(f"请填写文号（不超过 {MAX_DOC_NO} 字）")
    if follow_up is not None and follow_up <= decided:
        raise ParkActionError("跟踪复查日期应晚于决定日期")
    if len(note) > MAX_NOTE:
        raise ParkActionError(f"说明不超过 {MAX_NOTE} 字")
    return {"step": step, "decided": decided, "decider": decider, "doc": doc_no, "follow": follow_up, "note": note}


def _next_id(cur) -> int:
    """The next number; on PostgreSQL the table is locked first, so two clerks recording at once queue."""
    if is_postgres(cur):
        cur.execute("lock table park_action in share row exclusive mode")
    return cur.execute("select coalesce(max(action_id), 0) + 1 from park_action").fetchone()[0]
