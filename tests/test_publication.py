"""公示 and 异议复核: a full round (publish, objections with evidence, accept one, reject one, approve) on both stores,
versions frozen against later data changes, objections only within scope and during 公示, the 5 working days."""

from datetime import date, datetime
from pathlib import Path

import pytest

import queries
from ledger.evidence import check_evidence
from ledger.publication import PublicationError, approve, decide, object_to, public_end, publish
from queries import db
from queries.scope import Scope
from tests.conftest import DEMO_USERS, copy_database, read_database

OFFICE, LEADER = DEMO_USERS["demo-admin"], DEMO_USERS["demo-leader"]
BAOTOU, PARK = DEMO_USERS["demo-150200"], DEMO_USERS["demo-P005"]
ASOF = date(2023, 6, 8)
PUBLISHED = datetime(2024, 3, 1, 9, 0)  # a Friday: 公示 from Monday 4 March to Friday 8 March
DURING, AFTER = datetime(2024, 3, 5, 10, 0), datetime(2024, 3, 11, 9, 0)
EVIDENCE = check_evidence("亩均数据更正说明.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")


@pytest.fixture
def store(engine: str, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    if engine == "duckdb":
        read_database(copy_database(demo_db, tmp_path), monkeypatch)
    return engine


def _write(step, *args, **kwargs):
    with db.writing() as cur:
        return step(cur, *args, **kwargs)


def _published() -> tuple[int, dict[str, str]]:
    grades = queries.project_grades(Scope(None, None, ASOF))
    version = _write(publish, OFFICE, 2023, "测试依据", grades, date(2024, 3, 4), now=PUBLISHED)
    return version, dict(zip(grades.project_id, grades.grade, strict=True))


def _project(grades: dict[str, str], park: str | None = None, league: str | None = None, grade: str = "D") -> str:
    rows = queries.project_grades(Scope(league, park, ASOF))
    return rows[rows.grade == grade].project_id.iloc[0]


def test_five_working_days_skip_weekends_and_holidays():
    assert public_end(date(2024, 3, 4)) == date(2024, 3, 8)
    assert public_end(date(2024, 3, 7)) == date(2024, 3, 13)
    assert public_end(date(2024, 9, 27)) == date(2024, 10, 10)  # 国庆: 9-29 (调休) counts, 10-1…10-7 do not


def test_a_full_round_freezes_each_version_and_the_final_carries_the_accepted_correction(store: str):
    version, grades = _published()
    mine = _project(grades, park="P005", grade="B")
    baotou = _project(grades, league="150200", grade="D")
    accepted = _write(
        object_to, PARK, version, mine, "2023 年税收漏报 120 万元，附税务部门证明。", EVIDENCE, now=DURING
    )
    rejected = _write(object_to, BAOTOU, version, baotou, "企业用地面积应扣除代征道路用地部分。", EVIDENCE, now=DURING)
    with pytest.raises(PublicationError, match="还有 2 件异议未复核"):
        _write(approve, LEADER, version, now=AFTER)
    _write(decide, OFFICE, accepted, True, "经核实税务证明，更正亩均税收后得分达到 A 类。", "A", now=AFTER)
    _write(decide, OFFICE, rejected, False, "代征道路用地已按规定计入项目用地，维持原等级。", now=AFTER)
    with pytest.raises(PublicationError, match="已复核"):
        _write(decide, OFFICE, rejected, True, "重复处理的尝试不应被接受。", "C", now=AFTER)
    final = _write(approve, LEADER, version, now=AFTER)

    draft = queries.grade_version_rows(Scope(None, None, ASOF), version).set_index("project_id")
    result = queries.grade_version_rows(Scope(None, None, ASOF), final).set_index("project_id")
    assert draft.grade.to_dict() == grades  # the 公示稿 as computed when published
    expected = {**grades, mine: "A"}
    assert result.grade.to_dict() == expected and result.at[mine, "adjustment"].startswith("异议复核更正：")
    versions = queries.grade_versions(Scope(None, None, ASOF)).set_index("version_id")
    assert versions.loc[[final, version], "kind"].tolist() == ["终稿", "公示稿"]
    assert versions.at[version, "final_id"] == final and versions.at[version, "objections"] == 2
    objections = queries.grade_objections(Scope(None, "P005", ASOF))
    assert objections[["project_id", "decision", "corrected_grade"]].values.tolist() == [[mine, "采纳", "A"]]
    assert objections.evidence_sha256.iloc[0] == EVIDENCE.sha256

    # a later data change alters the computed grades, never the versions
    with db.writing() as cur:
        cur.execute("update built_project set tax_wan = tax_wan * 3")
    assert queries.project_grades(Scope(None, None, ASOF)).set_index("project_id").grade.to_dict() != grades
    again = queries.grade_version_rows(Scope(None, None, ASOF), final).set_index("project_id")
    assert again.grade.to_dict() == expected
    with pytest.raises(PublicationError, match="已确认终稿"):
        _write(approve, OFFICE, version, now=AFTER)


def test_objections_only_within_scope_during_publication_with_reason_and_evidence(store: str):
    version, grades = _published()
    before = len(queries.grade_objections(Scope(None, None, ASOF)))  # PostgreSQL: the module's copy is shared
    elsewhere = _project(grades, league="150600", grade="D")  # 鄂尔多斯: not 包头's
    own = _project(grades, league="150200", grade="D")
    cases = [
        (BAOTOU, elsewhere, "理由写得足够长的一条异议。", EVIDENCE, DURING, "本账号范围内"),
        (PARK, own, "理由写得足够长的一条异议。", EVIDENCE, DURING, "本账号范围内") if own else None,
        (OFFICE, own, "理由写得足够长的一条异议。", EVIDENCE, DURING, "本账号范围内"),
        (BAOTOU, own, "理由写得足够长的一条异议。", EVIDENCE, AFTER, "不在公示期内"),
        (BAOTOU, own, "太短", EVIDENCE, DURING, "异议理由应为"),
        (BAOTOU, own, "理由写得足够长的一条异议。", None, DURING, "请上传佐证材料"),
        (BAOTOU, "BP9999", "理由写得足够长的一条异议。", EVIDENCE, DURING, "没有这个项目"),
    ]
    for user, project, reason, evidence, when, refusal in filter(None, cases):
        with pytest.raises(PublicationError, match=refusal):
            _write(object_to, user, version, project, reason, evidence, now=when)
    assert len(queries.grade_objections(Scope(None, None, ASOF))) == before
    with pytest.raises(PublicationError, match="尚未确认终稿"):
        _published()
    with pytest.raises(PublicationError, match="期满后"):
        _write(approve, OFFICE, version, now=DURING)
    with pytest.raises(PublicationError, match="只有领导小组成员或大起底办公室"):
        _write(approve, BAOTOU, version, now=AFTER)
    with pytest.raises(PublicationError, match="只有大起底办公室能发布"):
        _write(publish, LEADER, 2023, "测试", queries.project_grades(Scope(None, None, ASOF)), date(2024, 3, 4),
               now=PUBLISHED)  # fmt: skip
