"""回头看: the office re-inspects a sample of closed items, so that a 销号 resting on paper alone can be found out.

A draw takes the items closed in a period (queries/recheck/recheck_population.sql), splits them into strata by
league × ledger and draws a set share of each stratum, at least one from every stratum that has any, optionally
weighted towards risk. The draw is reproducible: the same population and seed give the same sample (the seed is
stored with the draw). Each sampled item becomes an inspection task for a named inspector with a due date; the
result is 属实 or 不属实 with notes and the inspector's files. 不属实 reopens the item (an item_event 整改中 whose
reason says why, which 我的待办 shows as returned) and counts as a relapse (反弹).

Each function takes a cursor inside the caller's transaction (ledger.writing.transaction or queries.db.writing)
and raises RecheckError with a Chinese message when the user may not act or the input is out of bounds.
"""

import math
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from auth.roles import Action, User
from ledger import ROOT, spans
from ledger.evidence import Evidence
from ledger.vocabulary import CLOSED, WORKING
from ledger.workflow import MAX_NOTE, item_state, lock_item

TRUE, FALSE = "属实", "不属实"
RESULTS = (TRUE, FALSE)
MIN_SHARE, MAX_SHARE = 0.01, 1.0  # 1% to all of each stratum
MAX_SEED = 2**31 - 1
MAX_INSPECTOR = 40  # characters of an account name
MAX_FILES = 10
FAST_DAYS = 30  # closed within a month of being found: the first sign of a 销号 on paper
POPULATION = ROOT / "queries" / "recheck" / "recheck_population.sql"  # the page's preview counts it: recheck_strata
UTILITY_FLAGS = ROOT / "queries" / "recheck" / "utility_flags.sql"  # 用电核验's suspects weigh like the checks'

RISK = {"fast": 1.0, "thin": 1.0, "suspect": 2.0}  # added to a weight of 1 (weighted draws only)


class RecheckError(ValueError):
    """An action of 回头看 refused, with a Chinese message for the user."""


@dataclass(frozen=True)
class Candidate:
    item_id: str
    league_code: str
    ledger: str
    weight: float


@dataclass(frozen=True)
class Draw:
    draw_id: int
    seed: int
    population: int
    sampled: tuple[Candidate, ...]


def weight(days_to_close: int | None, evidence_files: int, suspect: bool) -> float:
    """A closed item's risk weight: 1, plus one when it was closed within FAST_DAYS of being found, one when it rests
    on no evidence at all, two when a 纸面整改 check already suspects it (closed before found, more area revitalised
    than the parcel has)."""
    fast = days_to_close is not None and days_to_close <= FAST_DAYS
    return 1.0 + RISK["fast"] * fast + RISK["thin"] * (evidence_files == 0) + RISK["suspect"] * bool(suspect)


def stratum_size(members: int, share: float) -> int:
    """How many of a stratum's members are drawn: the share rounded up, at least one, at most all."""
    return min(members, max(1, math.ceil(share * members - 1e-9)))


def choose(candidates: list[Candidate], share: float, seed: int, weighted: bool) -> list[Candidate]:
    """The sample: in each league × ledger stratum (in a fixed order), stratum_size members drawn without
    replacement with probability in proportion to weight (Efraimidis–Spirakis keys u^(1/w) from one generator
    seeded by `seed`), or uniformly when not weighted. Same candidates and seed, same sample."""
    rng = random.Random(seed)
    ordered = sorted(candidates, key=lambda c: (c.league_code, c.ledger, c.item_id))
    chosen: list[Candidate] = []
    for _, group in groupby(ordered, key=lambda c: (c.league_code, c.ledger)):
        members = list(group)
        keys = [(rng.random() ** (1.0 / (c.weight if weighted else 1.0)), c.item_id, c) for c in members]
        keys.sort(key=lambda k: (-k[0], k[1]))
        chosen += [c for _, _, c in keys[: stratum_size(len(members), share)]]
    return chosen


def population(cur, closed_from: date, closed_to: date, league: str | None = None) -> list[Candidate]:
    """The items closed in the period (in the league, when given) that no open inspection task holds already, each
    weighted by its risk: a 纸面整改 check's suspect or a 用电核验 flag counts as suspect."""
    rows = cur.execute(
        POPULATION.read_text(encoding="utf-8"),
        {"league": league, "park": None, "closed_from": closed_from, "closed_to": closed_to},
    ).fetchall()
    flags = cur.execute(UTILITY_FLAGS.read_text(encoding="utf-8"), {"league": league, "park": None}).fetchall()
    flagged = {r[2] for r in flags}
    return [Candidate(r[0], r[1], r[2], weight(r[4], int(r[5]), bool(r[6]) or r[0] in flagged)) for r in rows]


def _checked_draw(user: User, closed_from: date, closed_to: date, share: float, inspector: str, due: date,
                  seed: int | None, today: date) -> str:  # fmt: skip
    """The inspector's name, once every input of a draw is within bounds (RecheckError otherwise)."""
    if not user.may(Action.DRAW_RECHECK):
        raise RecheckError("只有大起底办公室能抽取回头看样本")
    if closed_from > closed_to:
        raise RecheckError("销号期间的开始日期不能晚于结束日期")
    if not MIN_SHARE <= share <= MAX_SHARE:
        raise RecheckError(f"抽取比例须在 {MIN_SHARE:.0%} 到 {MAX_SHARE:.0%} 之间")
    name = (inspector or "").strip()
    if not name or len(name) > MAX_INSPECTOR:
        raise RecheckError(f"请指定核查人（账号名，不超过 {MAX_INSPECTOR} 个字）")
    if due <= today:
        raise RecheckError("核查时限应晚于今天")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise RecheckError(f"随机种子须是 0 到 {MAX_SEED} 之间的整数")
    return name


def draw(cur, user: User, closed_from: date, closed_to: date, share: float, inspector: str, due: date,
         weighted: bool = True, seed: int | None = None, league: str | None = None,
         now: datetime | None = None) -> Draw:  # fmt: skip
    """Draw a sample of the items closed in the period and give each to the inspector, due on `due`; the seed
    (a new random one unless given) is stored so that the draw can be repeated and checked."""
    when = now or datetime.now().replace(microsecond=0)
    name = _checked_draw(user, closed_from, closed_to, share, inspector, due, seed, when.date())
    seed = secrets.randbelow(MAX_SEED + 1) if seed is None else seed
    candidates = population(cur, closed_from, closed_to, league)
    if not candidates:
        raise RecheckError(f"{closed_from:%Y-%m-%d} 至 {closed_to:%Y-%m-%d} 没有可抽取的已销号条目")
    sample = choose(candidates, share, seed, weighted)
    draw_id = cur.execute("select coalesce(max(draw_id), 0) + 1 from recheck_draw").fetchone()[0]
    cur.execute(
        "insert into recheck_draw (draw_id, closed_from, closed_to, share, seed, weighted, population, drawn_by,"
        " drawn_at) values ($id, $from_day, $to_day, $share, $seed, $weighted, $population, $by, $at)",
        {"id": draw_id, "from_day": closed_from, "to_day": closed_to, "share": share, "seed": seed,
         "weighted": weighted, "population": len(candidates), "by": user.username, "at": when},
    )  # fmt: skip
    for c in sample:
        cur.execute(
            "insert into recheck_task (draw_id, item_id, league_code, ledger, weight, inspector, due_date)"
            " values ($id, $item, $league, $ledger, $weight, $inspector, $due)",
            {"id": draw_id, "item": c.item_id, "league": c.league_code, "ledger": c.ledger, "weight": c.weight,
             "inspector": name, "due": due},
        )  # fmt: skip
    return Draw(draw_id, seed, len(candidates), tuple(sample))


def record(cur, user: User, draw_id: int, item_id: str, result: str, notes: str, files: list[Evidence] = (),
           now: datetime | None = None) -> int | None:  # fmt: skip
    """The inspector's result. 不属实 (notes required: they are the reason the league reads) reopens the item:
    an item_event 整改中 with the reason, the 销号 date cleared; returns that event's seq (None for 属实)."""
    if not user.may(Action.INSPECT_RECHECK):
        raise RecheckError("只有大起底办公室指派的核查人能记录回头看结果")
    if result not in RESULTS:
        raise RecheckError("核查结果只能是“属实”或“不属实”")
    text = (notes or "").strip()
    if len(text) > MAX_NOTE:
        raise RecheckError(f"核查说明不能超过 {MAX_NOTE} 个字")
    if result == FALSE and not text:
        raise RecheckError("核查不属实须写明情况，责任单位据此重新整改")
    if len(files) > MAX_FILES:
        raise RecheckError(f"一次最多上传 {MAX_FILES} 个文件")
    lock_item(cur, item_id)
    task = cur.execute(
        "select inspector, result from recheck_task where draw_id = $d and item_id = $i", {"d": draw_id, "i": item_id}
    ).fetchone()
    if task is None:
        raise RecheckError(f"第 {draw_id} 次回头看没有抽到条目“{item_id}”")
    if task[0] != user.username:
        raise RecheckError(f"该核查任务指派给 {task[0]}，本账号不能记录结果")
    if task[1] is not None:
        raise RecheckError(f"该条目已核查（{task[1]}），未重复记录")
    when = now or datetime.now().replace(microsecond=0)
    seq = _reopen(cur, user, draw_id, item_id, text, when) if result == FALSE else None
    cur.execute(
        "update recheck_task set result = $r, notes = $n, inspected_by = $by, inspected_at = $at, reopen_seq = $seq"
        " where draw_id = $d and item_id = $i and result is null",
        {"r": result, "n": text or None, "by": user.username, "at": when, "seq": seq, "d": draw_id, "i": item_id},
    )  # fmt: skip
    for file in {f.sha256: f for f in files}.values():
        cur.execute(
            "insert into recheck_file (draw_id, item_id, sha256, file_name, size_bytes, mime, uploaded_by,"
            " uploaded_at) values ($d, $i, $sha, $name, $size, $mime, $by, $at)",
            {"d": draw_id, "i": item_id, "sha": file.sha256, "name": file.file_name, "size": file.size,
             "mime": file.mime, "by": user.username, "at": when},
        )  # fmt: skip
    return seq


def _reopen(cur, user: User, draw_id: int, item_id: str, text: str, when: datetime) -> int:
    """The item back to 整改中: an event whose reason the league sees as a 退回, in the same transaction as its
    derived rows. An item reopened meanwhile (no longer 已销号) is not reopened twice."""
    state = item_state(cur, item_id)
    if state is None or state.status != CLOSED:
        raise RecheckError(f"条目“{item_id}”当前不是已销号，不能因回头看重新整改")
    seq = state.seq + 1
    reason = f"回头看核查不属实：{text}"[:MAX_NOTE]
    cur.execute(
        "insert into item_event (item_id, seq, event_date, status, note, actor, recorded_at, reason)"
        " values ($item, $seq, $day, $status, $note, $actor, $at, $reason)",
        {"item": item_id, "seq": seq, "day": when.date(), "status": WORKING, "actor": user.username, "at": when,
         "note": f"第 {draw_id} 次回头看抽查，核查不属实，重新整改", "reason": reason},
    )  # fmt: skip
    cur.execute("update item set closed_date = null where item_id = $i", {"i": item_id})
    spans.refresh(cur, [item_id])
    return seq
