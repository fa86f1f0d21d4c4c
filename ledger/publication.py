"""公示 and 异议复核 of a year's 亩均评价: the office publishes the grades as a frozen 公示稿 (its rows copied, never
recomputed) for 5 working days; a league or park user objects within its scope with a reason and evidence; the
office accepts (correcting the grade, with its reason) or rejects (with its reason); once 公示 has ended and every
objection is settled, the leader or admin approves the 终稿: the 公示稿's rows with the accepted corrections. A grade
found wrong after the 终稿 is corrected by the office in a 更正稿 (the newest 终稿 or 更正稿's rows with the one grade
changed, its reason in the row), the 终稿 itself left as approved; the newest of them is the version in force.
An objection's evidence file is read back only by the office or a user whose scope holds the project."""

from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from auth.roles import Action, User
from ledger.demo.basics import is_working_day
from ledger.evidence import Evidence, evidence_file
from ledger.writing import is_postgres

PUBLIC_DAYS = 5  # 公示 lasts this many working days by default
GRADES = ("A", "B", "C", "D")
MIN_REASON, MAX_REASON = 10, 500
CHUNK = 500  # rows copied a statement
ROW_COLUMNS = ("project_id", "name", "park_id", "park_name", "league_code", "credit_code", "power_account", "track",
               "final_score", "grade", "adjustment")  # fmt: skip


class PublicationError(ValueError):
    """A step of 公示 refused, with the reason in Chinese."""


def public_end(starts: date, days: int = PUBLIC_DAYS) -> date:
    """The last day of a 公示 of `days` working days from starts (itself counted when a working day), by the
    working calendar (Monday to Friday less China's public holidays, ledger/demo/basics.is_working_day)."""
    day, counted = starts, 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted == days:
                return day
        day += timedelta(days=1)


def publish(cur, user: User, year: int, basis: str, grades: pd.DataFrame, starts: date, ends: date | None = None,
            now: datetime | None = None) -> int:  # fmt: skip
    """A 公示稿 of the year's grades (project_grades rows for the whole region), frozen; returns its number."""
    when = now or datetime.now().replace(microsecond=0)
    if not user.may(Action.PUBLISH_GRADES):
        raise PublicationError("只有大起底办公室能发布评价公示")
    if grades.empty:
        raise PublicationError("没有可公示的评价结果")
    ends = ends or public_end(starts)
    if starts < when.date() or ends < starts:
        raise PublicationError("公示开始日期不早于今天，结束日期不早于开始日期")
    if _open_version(cur, year) is not None:
        raise PublicationError(f"{year} 年评价已有公示稿尚未确认终稿，不能再次公示")
    version = _insert_version(cur, year, "公示稿", basis, starts, ends, None, user, when)
    _copy_rows(cur, version, grades)
    return version


def object_to(cur, user: User, version: int, project_id: str, reason: str, evidence: Evidence | None,
              now: datetime | None = None) -> int:  # fmt: skip
    """An objection to one project's grade in a 公示稿, by a user whose scope holds the project, during 公示."""
    when = now or datetime.now().replace(microsecond=0)
    row = cur.execute(
        "select r.league_code, r.park_id, v.kind, v.starts, v.ends from grade_version_row r"
        " join grade_version v using (version_id) where r.version_id = $v and r.project_id = $p",
        {"v": version, "p": project_id},
    ).fetchone()
    if row is None:
        raise PublicationError("该公示稿中没有这个项目")
    league, park, kind, starts, ends = row
    if not user.may(Action.OBJECT_TO_GRADE, league, park):
        raise PublicationError("只能对本账号范围内项目的评价等级提出异议")
    if kind != "公示稿" or not starts <= when.date() <= ends:
        raise PublicationError(f"不在公示期内（{starts:%Y-%m-%d} 至 {ends:%Y-%m-%d}），不能提出异议")
    text = (reason or "").strip()
    if not MIN_REASON <= len(text) <= MAX_REASON:
        raise PublicationError(f"异议理由应为 {MIN_REASON}–{MAX_REASON} 字")
    if evidence is None:
        raise PublicationError("请上传佐证材料")
    number = _next(cur, "grade_objection", "objection_id")
    cur.execute(
        "insert into grade_objection (objection_id, version_id, project_id, filed_by, filed_at, reason,"
        " evidence_name, evidence_sha256) values ($id, $v, $p, $by, $at, $why, $name, $sha)",
        {"id": number, "v": version, "p": project_id, "by": user.username, "at": when, "why": text,
         "name": evidence.file_name, "sha": evidence.sha256},
    )  # fmt: skip
    return number


def decide(cur, user: User, objection_id: int, accept: bool, note: str, corrected: str | None = None,
           now: datetime | None = None) -> None:  # fmt: skip
    """The office's decision on an objection: 采纳 with the corrected grade, or 不予采纳; the reason either way."""
    when = now or datetime.now().replace(microsecond=0)
    if not user.may(Action.PUBLISH_GRADES):
        raise PublicationError("只有大起底办公室能复核异议")
    row = cur.execute(
        "select o.decision, r.grade from grade_objection o join grade_version_row r"
        " on r.version_id = o.version_id and r.project_id = o.project_id where o.objection_id = $o",
        {"o": objection_id},
    ).fetchone()
    if row is None:
        raise PublicationError(f"没有编号为 {objection_id} 的异议")
    if row[0] is not None:
        raise PublicationError(f"该异议已复核（{row[0]}），未重复处理")
    text = (note or "").strip()
    if not MIN_REASON <= len(text) <= MAX_REASON:
        raise PublicationError(f"复核意见应为 {MIN_REASON}–{MAX_REASON} 字")
    if accept and (corrected not in GRADES or corrected == row[1]):
        raise PublicationError(f"采纳异议须给出更正后的等级（A/B/C/D，不同于公示的 {row[1]}）")
    cur.execute(
        "update grade_objection set decision = $d, corrected_grade = $g, decision_note = $note, decided_by = $by,"
        " decided_at = $at where objection_id = $o and decision is null",
        {"d": "采纳" if accept else "不予采纳", "g": corrected if accept else None, "note": text,
         "by": user.username, "at": when, "o": objection_id},
    )  # fmt: skip


def approve(cur, user: User, version: int, now: datetime | None = None) -> int:
    """The 终稿 of a 公示稿 whose 公示 has ended with every objection settled; returns the 终稿's number."""
    when = now or datetime.now().replace(microsecond=0)
    if not user.may(Action.APPROVE_GRADES):
        raise PublicationError("只有领导小组成员或大起底办公室能确认评价终稿")
    row = cur.execute("select year, kind, ends, basis from grade_version where version_id = $v", {"v": version})
    row = row.fetchone()
    if row is None or row[1] != "公示稿":
        raise PublicationError("只能确认公示稿")
    year, _, ends, basis = row
    if when.date() <= ends:
        raise PublicationError(f"公示至 {ends:%Y-%m-%d} 结束，期满后才能确认终稿")
    if _open_version(cur, year) != version:
        raise PublicationError("该公示稿已确认终稿")
    waiting = cur.execute("select count(*) from grade_objection where version_id = $v and decision is null",
                          {"v": version}).fetchone()[0]  # fmt: skip
    if waiting:
        raise PublicationError(f"还有 {waiting} 件异议未复核，处理完毕后才能确认终稿")
    final = _insert_version(cur, year, "终稿", basis, when.date(), when.date(), version, user, when)
    cur.execute(
        "insert into grade_version_row select $final, r.project_id, r.name, r.park_id, r.park_name, r.league_code,"
        " r.credit_code, r.power_account, r.track, r.final_score, coalesce(o.corrected_grade, r.grade),"
        " case when o.corrected_grade is not null then '异议复核更正：' || o.decision_note else r.adjustment end"
        " from grade_version_row r left join grade_objection o on o.version_id = r.version_id"
        " and o.project_id = r.project_id and o.decision = '采纳' where r.version_id = $v",
        {"final": final, "v": version},
    )
    return final


def correct(cur, user: User, version: int, project_id: str, grade: str, reason: str,
            now: datetime | None = None) -> int:  # fmt: skip
    """A 更正稿 of the version in force (the year's newest 终稿 or 更正稿): its rows copied with one project's grade
    corrected and the reason in the row's 说明; returns the 更正稿's number. The corrected version stays as it was."""
    when = now or datetime.now().replace(microsecond=0)
    if not user.may(Action.PUBLISH_GRADES):
        raise PublicationError("只有大起底办公室能更正评价终稿")
    row = cur.execute(
        "select v.year, v.kind, v.basis, r.grade from grade_version v left join grade_version_row r"
        " on r.version_id = v.version_id and r.project_id = $p where v.version_id = $v",
        {"v": version, "p": project_id},
    ).fetchone()
    if row is None or row[1] not in ("终稿", "更正稿"):
        raise PublicationError("只能更正已确认的终稿或更正稿")
    year, _, basis, was = row
    if _in_force(cur, year) != version:
        raise PublicationError("该版本已被更正，请在现行版本上更正")
    if was is None:
        raise PublicationError("该版本中没有这个项目")
    if grade not in GRADES or grade == was:
        raise PublicationError(f"更正后的等级须为 A/B/C/D，且不同于原等级 {was}")
    text = (reason or "").strip()
    if not MIN_REASON <= len(text) <= MAX_REASON:
        raise PublicationError(f"更正理由应为 {MIN_REASON}–{MAX_REASON} 字")
    fixed = _insert_version(cur, year, "更正稿", basis, when.date(), when.date(), version, user, when)
    cur.execute(
        "insert into grade_version_row select $fixed, project_id, name, park_id, park_name, league_code, credit_code,"
        " power_account, track, final_score, case when project_id = $p then $g else grade end,"
        " case when project_id = $p then $why else adjustment end from grade_version_row where version_id = $v",
        {"fixed": fixed, "p": project_id, "g": grade, "why": f"终稿后更正（原为 {was}）：{text}", "v": version},
    )
    return fixed


def objection_evidence(cur, user: User, objection_id: int, root: Path) -> tuple[str, bytes]:
    """An objection's evidence file (name and content) for the office or a user whose scope holds the project."""
    row = cur.execute(
        "select o.evidence_name, o.evidence_sha256, r.league_code, r.park_id from grade_objection o"
        " join grade_version_row r on r.version_id = o.version_id and r.project_id = o.project_id"
        " where o.objection_id = $o",
        {"o": objection_id},
    ).fetchone()
    if row is None or row[1] is None:
        raise PublicationError(f"异议 {objection_id} 没有佐证材料")
    name, sha256, league, park = row
    if not (user.may(Action.PUBLISH_GRADES) or user.may(Action.OBJECT_TO_GRADE, league, park)):
        raise PublicationError("只能下载本账号范围内异议的佐证材料")
    path = evidence_file(root, sha256)
    if not path.exists():
        raise PublicationError(f"佐证材料“{name}”的文件在服务器上缺失，请联系系统管理员")
    return name, path.read_bytes()


def _in_force(cur, year: int) -> int | None:
    """The year's version in force: its newest 终稿 or 更正稿 (None: no 终稿 yet)."""
    row = cur.execute(
        "select max(version_id) from grade_version where year = $y and kind in ('终稿', '更正稿')", {"y": year}
    ).fetchone()
    return row[0]


def _open_version(cur, year: int) -> int | None:
    """The year's 公示稿 without a 终稿 yet (None: none)."""
    row = cur.execute(
        "select version_id from grade_version v where year = $y and kind = '公示稿'"
        " and not exists (select 1 from grade_version f where f.source_id = v.version_id)",
        {"y": year},
    ).fetchone()
    return None if row is None else row[0]


def _insert_version(cur, year: int, kind: str, basis: str, starts: date, ends: date, source: int | None, user: User,
                    when: datetime) -> int:  # fmt: skip
    number = _next(cur, "grade_version", "version_id")
    cur.execute(
        "insert into grade_version (version_id, year, kind, basis, starts, ends, source_id, made_by, made_at)"
        " values ($id, $y, $k, $b, $s, $e, $src, $by, $at)",
        {"id": number, "y": year, "k": kind, "b": basis, "s": starts, "e": ends, "src": source,
         "by": user.username, "at": when},
    )  # fmt: skip
    return number


def _copy_rows(cur, version: int, grades: pd.DataFrame) -> None:
    """The grades as they are now, copied into the version, CHUNK rows to a statement (one statement a row took
    seconds for a region's thousand; PostgreSQL takes at most 65,535 parameters a statement)."""
    frame = grades[list(ROW_COLUMNS)].astype(object).where(grades[list(ROW_COLUMNS)].notna(), None)
    columns = ", ".join(ROW_COLUMNS)
    for first in range(0, len(frame), CHUNK):
        chunk = frame.iloc[first : first + CHUNK]
        rows, params = [], {"version": version}
        for n, values in enumerate(chunk.itertuples(index=False)):
            rows.append("($version, " + ", ".join(f"${c}_{n}" for c in ROW_COLUMNS) + ")")
            params |= {f"{c}_{n}": _plain(c, v) for c, v in zip(ROW_COLUMNS, values, strict=True)}
        cur.execute(f"insert into grade_version_row (version_id, {columns}) values {', '.join(rows)}", params)


def _plain(column: str, value: object) -> object:
    """A cell as both drivers take it: the score a float, the rest text."""
    if value is None:
        return None
    return float(value) if column == "final_score" else str(value)


def _next(cur, table: str, key: str) -> int:
    """The next number of table (one of this module's); on PostgreSQL the table is locked first."""
    if is_postgres(cur):
        cur.execute(f"lock table {table} in share row exclusive mode")
    return cur.execute(f"select coalesce(max({key}), 0) + 1 from {table}").fetchone()[0]
