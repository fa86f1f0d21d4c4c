"""整改销号: who may do what with an item, and each action written in the caller's transaction.

An item moves 待整改 → 整改中 → 已整改 (an application for 销号, with 佐证材料) → 已销号 (approved by the region
office) or back to 整改中 (退回, with a reason). A deadline moves only through an approved 延期申请. Every action
is a row of item_event (status actions) or deadline_request, with who did it and when; status and deadline at
any past date are replayed from them, so nothing is overwritten.

Each function takes a cursor inside a transaction the caller opened (ledger.writing.transaction), checks what
the user may do, and raises WorkflowError with a Chinese message when not. `expected_seq` is the last event
the user saw: when someone else changed the item meanwhile, StaleItem says who and when, and nothing is written.
A return, an approval and a decided extension are told to the item's unit (站内消息: ledger/supervision.py
item_decided) in the same transaction.
"""

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from auth.roles import Action, User
from ledger import spans, supervision
from ledger.evidence import Evidence
from ledger.vocabulary import APPLIED, CLOSED, OPEN, WORKING
from ledger.writing import PgCursor, is_postgres

ORDER = {OPEN: 0, WORKING: 1, APPLIED: 2, CLOSED: 3}
MAX_NOTE = 1000
OTHER_MEASURE = "其他（在情况说明中写明）"


class WorkflowError(ValueError):
    """An action refused, with a Chinese message for the user."""


class StaleItem(WorkflowError):
    """Someone else changed the item after the user opened it."""


@dataclass(frozen=True)
class ItemState:
    item_id: str
    ledger: str
    title: str
    league_code: str
    park_id: str
    status: str
    seq: int
    deadline: date | None  # in force now (after approved extensions)
    last_actor: str | None
    last_recorded: datetime | None
    returned_reason: str | None  # the reason of a 退回 that is the item's latest action
    evidence: int  # files that count (not withdrawn)
    pending_request: int | None  # an undecided 延期申请
    area_mu: float | None  # the parcel's (or project's) area: revitalised area may not exceed it
    balance_wan: float | None  # an idle fund's balance: a returned amount may not exceed it
    withdrawn: int = 0  # files the office withdrew (kept for the record, no longer evidence)


def item_state(cur: duckdb.DuckDBPyConnection | PgCursor, item_id: str) -> ItemState | None:
    """The item as the user acts on it: one text for both engines (no qualify or arg_max)."""
    row = cur.execute(
        """
        with last as (
            select item_id, seq, status, actor, recorded_at, reason from item_event
            where item_id = $item order by seq desc limit 1
        )
        select i.item_id, i.ledger, i.title, p.league_code, i.park_id, coalesce(l.status, $open),
               coalesce(l.seq, 0),
               coalesce((select new_deadline from deadline_request
                         where item_id = $item and decision = '批准' and decided_at is not null
                         order by decided_at desc limit 1), i.deadline),
               l.actor, l.recorded_at, case when l.status = $working then l.reason end,
               (select count(*) from evidence where item_id = $item and withdrawn_at is null),
               (select min(request_id) from deadline_request where item_id = $item and decision is null),
               f.area_mu::double precision, f.amount_wan::double precision,
               (select count(*) from evidence where item_id = $item and withdrawn_at is not null)
        from item i join park p using (park_id) left join last l using (item_id)
        left join item_facts f using (item_id)
        where i.item_id = $item
        """,
        {"item": item_id, "open": OPEN, "working": WORKING},
    ).fetchone()
    return ItemState(*row) if row else None


def lock_item(cur, item_id: str) -> None:
    """On PostgreSQL, the item's row locked until the transaction ends, before its state is read: a second writer
    of the same item waits, then reads the first one's change (and is told, StaleItem). DuckDB needs none: its
    optimistic transactions refuse the second writer at the write (ledger.writing turns that into WriteConflict)."""
    if is_postgres(cur):
        cur.execute("select item_id from item where item_id = $item for update", {"item": item_id})


def in_scope(user: User, state: ItemState) -> bool:
    return user.allowed.covers(state.league_code, state.park_id)


def may_work(user: User, state: ItemState) -> bool:
    """The responsible side (a league or park of the item, or the region office) may record progress."""
    return user.may(Action.WORK_ON_ITEMS, state.league_code, state.park_id)


def actions(user: User, state: ItemState) -> set[str]:
    """What the user may do with the item now: progress, apply (已整改), extend, review, decide_extension."""
    out: set[str] = set()
    if may_work(user, state) and state.status in (OPEN, WORKING):
        out |= {"progress", "apply"}
        if state.pending_request is None:
            out.add("extend")
    if user.may(Action.REVIEW_CLOSURE) and state.status == APPLIED:
        out.add("review")
    if user.may(Action.DECIDE_EXTENSION) and state.pending_request is not None:
        out.add("decide_extension")
    return out


def _require(user: User, state: ItemState | None, action: str, item_id: str, seen: int | None = None) -> ItemState:
    """The item's state if the user may do action now; a change since the user's page (seen) is said first."""
    if state is None:
        raise WorkflowError(f"没有编号为“{item_id}”的条目")
    if not in_scope(user, state):
        raise WorkflowError(f"条目“{item_id}”不在本账号的范围内，不能操作")
    if seen is not None:
        _fresh(state, seen)
    if action not in actions(user, state):
        reasons = {
            "progress": f"条目当前为“{state.status}”，不能再记录进展"
            if may_work(user, state)
            else "本账号不能记录整改进展",
            "apply": f"条目当前为“{state.status}”，不能申请销号" if may_work(user, state) else "本账号不能申请销号",
            "extend": "该条目已有待审批的延期申请" if state.pending_request else "本账号不能申请延期",
            "review": "只有大起底办公室能审核销号"
            if not user.may(Action.REVIEW_CLOSURE)
            else f"条目当前为“{state.status}”，没有待审核的销号申请",
            "decide_extension": "只有大起底办公室能审批延期"
            if not user.may(Action.DECIDE_EXTENSION)
            else "该条目没有待审批的延期申请",
        }
        raise WorkflowError(reasons[action])
    return state


def _fresh(state: ItemState, expected_seq: int) -> None:
    if state.seq != expected_seq:
        who = state.last_actor or "导入"
        when = f"{state.last_recorded:%m-%d %H:%M}" if state.last_recorded else ""
        raise StaleItem(
            f"该条目刚被 {who} {when} 更新为“{state.status}”，你看到的不是最新情况。请刷新后再提交，未写入任何内容。"
        )


def _note(note: str, required: str) -> str:
    text = (note or "").strip()
    if not text:
        raise WorkflowError(required)
    if len(text) > MAX_NOTE:
        raise WorkflowError(f"说明不能超过 {MAX_NOTE} 个字")
    return text


def _event(cur, state: ItemState, status: str, user: User, when: datetime, note: str, **extra) -> int:
    seq = state.seq + 1
    cur.execute(
        "insert into item_event (item_id, seq, event_date, status, note, actor, recorded_at, measure, area_mu,"
        " amount_wan, reason) values ($item, $seq, $day, $status, $note, $actor, $at, $measure, $area, $amount,"
        " $reason)",
        {"item": state.item_id, "seq": seq, "day": when.date(), "status": status, "note": note,
         "actor": user.username, "at": when, "measure": extra.get("measure"), "area": extra.get("area_mu"),
         "amount": extra.get("amount_wan"), "reason": extra.get("reason")},
    )  # fmt: skip
    spans.refresh(cur, [state.item_id])
    return seq


def _attach(cur, state: ItemState, seq: int, files: list[Evidence], user: User, when: datetime) -> int:
    known = dict(
        cur.execute("select sha256, withdrawn_at from evidence where item_id = $i", {"i": state.item_id}).fetchall()
    )
    for file in files:
        if known.get(file.sha256) is not None:
            raise WorkflowError(f"“{file.file_name}”与此前被撤回的佐证材料是同一个文件，不能再作为该条目的佐证材料")
    added = 0
    for file in files:
        if file.sha256 in known:
            continue  # the same file again: stored once, listed once
        cur.execute(
            "insert into evidence (item_id, event_seq, sha256, file_name, size_bytes, mime, uploaded_by, uploaded_at)"
            " values ($item, $seq, $sha, $name, $size, $mime, $by, $at)",
            {"item": state.item_id, "seq": seq, "sha": file.sha256, "name": file.file_name, "size": file.size,
             "mime": file.mime, "by": user.username, "at": when},
        )  # fmt: skip
        known[file.sha256] = None
        added += 1
    return added


def record_progress(
    cur,
    user: User,
    item_id: str,
    expected_seq: int,
    status: str,
    note: str,
    measure: str | None = None,
    area_mu: float | None = None,
    amount_wan: float | None = None,
    files: list[Evidence] = (),
    now: datetime | None = None,
) -> int:
    """整改中 (progress) or 已整改 (the application for 销号, with at least one evidence file). Returns the seq."""
    if status not in (WORKING, APPLIED):
        raise WorkflowError("进展只能记为“整改中”或“已整改”；销号由大起底办公室审核")
    lock_item(cur, item_id)
    state = _require(
        user, item_state(cur, item_id), "apply" if status == APPLIED else "progress", item_id, expected_seq
    )
    note = _note(note, "请写明本次做了什么（情况说明）")
    if status == APPLIED and state.evidence + len(files) == 0:
        raise WorkflowError("申请销号（已整改）须至少上传一份佐证材料（PDF、图片、Word 或 Excel）")
    if area_mu is not None:
        if area_mu < 0:
            raise WorkflowError("盘活面积不能为负数")
        if state.area_mu is not None and area_mu > state.area_mu + 1e-6:
            raise WorkflowError(f"盘活面积 {area_mu:g} 亩超过该条目的面积 {state.area_mu:g} 亩")
    if amount_wan is not None:
        if amount_wan < 0:
            raise WorkflowError("收回金额不能为负数")
        if state.balance_wan is not None and amount_wan > state.balance_wan + 1e-6:
            raise WorkflowError(f"收回金额 {amount_wan:g} 万元超过沉淀余额 {state.balance_wan:g} 万元")
    when = now or datetime.now().replace(microsecond=0)
    seq = _event(cur, state, status, user, when, note, measure=measure, area_mu=area_mu, amount_wan=amount_wan)
    _attach(cur, state, seq, list(files), user, when)
    return seq


def add_evidence(cur, user: User, item_id: str, files: list[Evidence], now: datetime | None = None) -> int:
    """More evidence on an open or applied item, without a status change (recorded on its latest action)."""
    lock_item(cur, item_id)
    state = item_state(cur, item_id)
    if state is None or not may_work(user, state) or state.status == CLOSED:
        raise WorkflowError("本账号不能为该条目上传佐证材料" if state else f"没有编号为“{item_id}”的条目")
    return _attach(cur, state, state.seq, files, user, now or datetime.now().replace(microsecond=0))


def review(cur, user: User, item_id: str, expected_seq: int, approve: bool, reason: str = "",
           now: datetime | None = None) -> int:  # fmt: skip
    """Approve an application (→ 已销号) or return it (退回 → 整改中, with a required reason)."""
    lock_item(cur, item_id)
    state = _require(user, item_state(cur, item_id), "review", item_id, expected_seq)
    when = now or datetime.now().replace(microsecond=0)
    if approve and state.evidence == 0 and state.withdrawn:
        raise WorkflowError("该条目的佐证材料已全部撤回，不能销号；请退回整改，要求补充佐证材料")
    asker = state.last_actor if state.last_actor != user.username else None  # who applied for 销号
    if approve:
        cur.execute("update item set closed_date = $d where item_id = $i", {"d": when.date(), "i": item_id})
        note = (reason or "").strip()[:MAX_NOTE] or "审核通过，予以销号"
        seq = _event(cur, state, CLOSED, user, when, note)
        supervision.item_decided(cur, item_id, "review", "销号申请审核通过，已销号", note, f"review:{item_id}:{seq}",
                                 asker, when)  # fmt: skip
        return seq
    text = _note(reason, "退回须写明原因，责任单位据此补充整改")
    seq = _event(cur, state, WORKING, user, when, f"退回：{text}", reason=text)
    supervision.item_decided(cur, item_id, "review", "销号申请被退回，请补充整改", f"退回原因：{text}",
                             f"review:{item_id}:{seq}", asker, when)  # fmt: skip
    return seq


def withdraw_evidence(cur, user: User, item_id: str, sha256: str, reason: str, now: datetime | None = None) -> str:
    """The region office withdraws a wrongly attached file: its row records who, when and why, the file stays on
    disk for the record, and it no longer counts as evidence (an application left without any must be returned).
    Returns the file's name."""
    if not user.may(Action.WITHDRAW_EVIDENCE):
        raise WorkflowError("只有大起底办公室能撤回佐证材料")
    text = _note(reason, "撤回佐证材料须写明原因")
    lock_item(cur, item_id)
    row = cur.execute(
        "select file_name, withdrawn_at from evidence where item_id = $i and sha256 = $s", {"i": item_id, "s": sha256}
    ).fetchone()
    if row is None:
        raise WorkflowError(f"条目“{item_id}”没有这份佐证材料")
    if row[1] is not None:
        raise WorkflowError(f"“{row[0]}”已于 {row[1]:%Y-%m-%d %H:%M} 撤回，未重复处理")
    when = now or datetime.now().replace(microsecond=0)
    cur.execute(
        "update evidence set withdrawn_by = $by, withdrawn_at = $at, withdrawn_reason = $why"
        " where item_id = $i and sha256 = $s and withdrawn_at is null",
        {"by": user.username, "at": when, "why": text, "i": item_id, "s": sha256},
    )
    return row[0]


# The next 延期申请 id: PostgreSQL's sequence (two requests on two items at once, each holding only its own item's
# lock, never take the same one); the DuckDB file has one writer at a time (ledger.writing's writer lock), so the
# next after the largest is free there.
NEXT_REQUEST = {
    "postgres": "select nextval('deadline_request_id')",
    "duckdb": "select coalesce(max(request_id), 0) + 1 from deadline_request",
}


def request_extension(cur, user: User, item_id: str, new_deadline: date, reason: str,
                      now: datetime | None = None) -> int:  # fmt: skip
    lock_item(cur, item_id)
    state = _require(user, item_state(cur, item_id), "extend", item_id)
    text = _note(reason, "延期申请须写明原因")
    when = now or datetime.now().replace(microsecond=0)
    if state.deadline is not None and new_deadline <= state.deadline:
        raise WorkflowError(f"新的整改时限应晚于现在的时限 {state.deadline:%Y-%m-%d}")
    if new_deadline <= when.date():
        raise WorkflowError("新的整改时限应晚于今天")
    request_id = cur.execute(NEXT_REQUEST["postgres" if is_postgres(cur) else "duckdb"]).fetchone()[0]
    cur.execute(
        "insert into deadline_request (request_id, item_id, requested_by, requested_at, old_deadline, new_deadline,"
        " reason) values ($r, $i, $by, $at, $old, $new, $why)",
        {"r": request_id, "i": item_id, "by": user.username, "at": when, "old": state.deadline,
         "new": new_deadline, "why": text},
    )  # fmt: skip
    return request_id


def decide_extension(cur, user: User, request_id: int, approve: bool, note: str = "",
                     now: datetime | None = None) -> None:  # fmt: skip
    item = cur.execute(
        "select item_id, requested_by, new_deadline from deadline_request where request_id = $r", {"r": request_id}
    ).fetchone()
    if item is None:
        raise WorkflowError(f"没有编号为 {request_id} 的延期申请")
    lock_item(cur, item[0])  # then the decision as it stands once no one else is deciding on the item
    row = cur.execute("select decision from deadline_request where request_id = $r", {"r": request_id}).fetchone()
    if not user.may(Action.DECIDE_EXTENSION):
        raise WorkflowError("只有大起底办公室能审批延期")
    if row[0] is not None:
        raise WorkflowError(f"该延期申请已于此前处理（{row[0]}），未重复处理")
    text = (note or "").strip()[:MAX_NOTE]
    if not approve and not text:
        raise WorkflowError("不予批准须写明原因")
    when = now or datetime.now().replace(microsecond=0)
    cur.execute(
        "update deadline_request set decision = $d, decided_by = $by, decided_at = $at, decided_date = $day,"
        " decision_note = $note where request_id = $r and decision is null",
        {"d": "批准" if approve else "不予批准", "by": user.username, "at": when, "day": when.date(), "note": text,
         "r": request_id},
    )  # fmt: skip
    spans.refresh(cur, [item[0]])  # an approved extension moves the deadline the kept overdue figures use
    asker = item[1] if item[1] != user.username else None
    outcome = f"延期申请已批准，新的整改时限为 {item[2]:%Y-%m-%d}" if approve else "延期申请未获批准"
    supervision.item_decided(cur, item[0], "extension", outcome, text or outcome, f"extension:{request_id}", asker,
                             when)  # fmt: skip


def measures_for(ledger: str, land_kind: str | None = None) -> list[str]:
    """The standard disposal methods (reference/disposal_methods.csv) that fit an item's ledger."""
    import csv

    from ledger import REFERENCE

    kinds = {
        "land": ["批而未供"] if land_kind == "批而未供" else ["闲置土地"],  # 低效用地 is disposed of as idle land
        "stalled": ["停产企业/僵尸企业", "停建项目"],
        "infrastructure": ["半拉子工程", "停建项目"],
        "idle_fund": ["沉淀资金"],
        "pending_approval": ["待批项目"],
        "indicator": ["园区(区块)效益差", "停产企业/僵尸企业"],
    }[ledger]
    with open(REFERENCE / "disposal_methods.csv", encoding="utf-8") as handle:
        methods = [r["method"] for r in csv.DictReader(handle) if r["ledger"] in kinds]
    return [*dict.fromkeys(methods), OTHER_MEASURE]
