"""公示 and 异议复核: a full round (publish, objections with evidence, accept one, reject one, approve) on both stores,
versions frozen against later data changes, objections only within scope and during 公示, the 5 working days; an
objection's evidence file downloaded by the office and its unit only; a 更正稿 after the 终稿, the 终稿 kept."""

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from streamlit.testing.v1 import AppTest

import queries
from auth import store as accounts
from ledger.evidence import check_evidence, evidence_file, evidence_root, store_file
from ledger.publication import (
    PublicationError,
    approve,
    correct,
    decide,
    object_to,
    objection_evidence,
    public_end,
    publish,
)
from queries import db
from queries.scope import Scope
from reports.grade_notice import notice_docx, version_xlsx
from tests.conftest import DEMO_USERS, ROOT, capture_downloads, copy_database, read_database, session_token
from ui.url_state import RANKING_VIEWS, url_of

OFFICE, LEADER = DEMO_USERS["demo-admin"], DEMO_USERS["demo-leader"]
BAOTOU, PARK = DEMO_USERS["demo-150200"], DEMO_USERS["demo-P005"]
ASOF = date(2023, 6, 8)
PUBLISHED = datetime(2024, 3, 1, 9, 0)  # a Friday: 公示 from Monday 4 March to Friday 8 March
DURING, AFTER = datetime(2024, 3, 5, 10, 0), datetime(2024, 3, 11, 9, 0)
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"
EVIDENCE = check_evidence("亩均数据更正说明.pdf", PDF)
ORDOS = DEMO_USERS["demo-150600"]


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
    objections = queries.grade_objections(Scope(None, "P005", ASOF)).query("version_id == @version")
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


# The 评价公示 view and its documents ------------------------------------------------------------------------------
def _view(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "rankings.py"), default_timeout=90)
    for key, value in {"asof": "2023-06-08", "view": url_of(RANKING_VIEWS, "评价公示"), **params}.items():
        at.query_params[key] = value
    return at.run()


def test_the_view_names_its_version_and_its_documents_open(demo_db: Path, tmp_path: Path, monkeypatch):
    read_database(copy_database(demo_db, tmp_path), monkeypatch)
    version, grades = _published()
    at = _view()
    assert not at.exception
    assert any(f"本表为第 {version} 版 · 2023 年公示稿" in c.value for c in at.caption)
    rows = queries.grade_version_rows(Scope(None, None, ASOF), version)
    versions = queries.grade_versions(Scope(None, None, ASOF)).set_index("version_id")
    chosen = versions.loc[version].copy()
    chosen["version_id"] = version
    text = "\n".join(p.text for p in Document(io.BytesIO(notice_docx(chosen, rows, "全区", True))).paragraphs)
    assert "关于2023年度工业项目亩均效益评价结果的公示" in text and "2024年3月4日至2024年3月8日" in text
    counts = rows.grade.value_counts()
    assert f"D类{counts['D']}个" in text
    sheet = openpyxl.load_workbook(io.BytesIO(version_xlsx(chosen, rows, "全区", True))).active
    listed = [r for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert len(listed) == len(rows) == len(grades)
    assert {r[0]: r[5] for r in listed} == dict(zip(rows.name, rows.grade, strict=True))


def test_the_demo_holds_a_finished_round_with_two_objections_one_accepted():
    versions = queries.grade_versions(Scope(None, None, ASOF)).set_index("version_id")
    assert versions.kind.tolist() == ["终稿", "公示稿"] and versions.at[1, "final_id"] == 2
    objections = queries.grade_objections(Scope(None, None, ASOF))
    assert sorted(objections.decision) == ["不予采纳", "采纳"] and objections.evidence_sha256.notna().all()
    draft = queries.grade_version_rows(Scope(None, None, ASOF), 1).set_index("project_id").grade
    final = queries.grade_version_rows(Scope(None, None, ASOF), 2).set_index("project_id").grade
    changed = final[final != draft]
    accepted = objections[objections.decision == "采纳"].iloc[0]
    assert changed.to_dict() == {accepted.project_id: accepted.corrected_grade}


def _in_force(year: int = 2023) -> int:
    versions = queries.grade_versions(Scope(None, None, ASOF))
    return int(versions[(versions.year == year) & versions.kind.isin(["终稿", "更正稿"])].version_id.max())


def _rows(version: int):
    return queries.grade_version_rows(Scope(None, None, ASOF), version).set_index("project_id")


def test_a_correction_after_the_final_is_a_new_version_and_the_final_stays_as_approved(store: str):
    final = _in_force()
    before = _rows(final)
    project = before.index[before.grade == "D"][0]
    with pytest.raises(PublicationError, match="只有大起底办公室能更正"):
        _write(correct, LEADER, final, project, "C", "经复核企业用地面积有误，更正等级。")
    with pytest.raises(PublicationError, match="不同于原等级 D"):
        _write(correct, OFFICE, final, project, "D", "经复核企业用地面积有误，更正等级。")
    with pytest.raises(PublicationError, match="更正理由应为"):
        _write(correct, OFFICE, final, project, "C", "太短")
    with pytest.raises(PublicationError, match="没有这个项目"):
        _write(correct, OFFICE, final, "BP9999", "C", "经复核企业用地面积有误，更正等级。")
    draft = int(queries.grade_versions(Scope(None, None, ASOF)).query("kind == '公示稿'").version_id.min())
    with pytest.raises(PublicationError, match="只能更正已确认的终稿"):
        _write(correct, OFFICE, draft, project, "C", "经复核企业用地面积有误，更正等级。")
    fixed = _write(correct, OFFICE, final, project, "C", "经复核企业用地面积有误，更正等级。")

    assert _rows(final).grade.to_dict() == before.grade.to_dict()  # the 终稿 as approved
    after = _rows(fixed)
    assert after.grade.to_dict() == {**before.grade.to_dict(), project: "C"}
    assert after.at[project, "adjustment"] == "终稿后更正（原为 D）：经复核企业用地面积有误，更正等级。"
    assert after.drop(index=project).adjustment.equals(before.drop(index=project).adjustment)
    versions = queries.grade_versions(Scope(None, None, ASOF)).set_index("version_id")
    assert versions.at[fixed, "kind"] == "更正稿" and versions.at[fixed, "source_id"] == final
    assert versions.at[final, "final_id"] == fixed and _in_force() == fixed
    with pytest.raises(PublicationError, match="已被更正"):
        _write(correct, OFFICE, final, project, "B", "在旧版本上再次更正不应被接受。")

    chosen = versions.loc[fixed].copy()
    chosen["version_id"] = fixed
    rows = queries.grade_version_rows(Scope(None, None, ASOF), fixed)
    text = "\n".join(p.text for p in Document(io.BytesIO(notice_docx(chosen, rows, "全区", True))).paragraphs)
    assert "亩均效益评价结果的更正公告" in text and f"{before.at[project, 'name']}（" in text
    sheet = openpyxl.load_workbook(io.BytesIO(version_xlsx(chosen, rows, "全区", True))).active
    assert sheet.title == "更正稿"
    listed = {r[0]: r[5] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert listed[before.at[project, "name"]] == "C" and len(listed) == len(before)


def test_the_view_names_the_version_in_force_and_the_office_corrects_through_it(demo_db: Path, tmp_path: Path,
                                                                               monkeypatch):  # fmt: skip
    read_database(copy_database(demo_db, tmp_path), monkeypatch)
    at = _view()
    assert any("2023 年评价现行版本为第 2 版 · 2023 年终稿" in c.value for c in at.caption)
    project = _rows(2).index[_rows(2).grade == "D"][0]
    at.selectbox(key="rankings_publication_fix_project").set_value(project)
    at.selectbox(key="rankings_publication_fix_grade").set_value("B")
    at.text_area(key="rankings_publication_fix_reason").input("经复核亩均税收漏计，更正为 B 类。")
    next(b for b in at.button if b.label == "生成更正稿").click().run()
    assert not at.exception and any("已生成更正稿" in s.value for s in at.success)
    assert _rows(3).at[project, "grade"] == "B" and _rows(2).at[project, "grade"] == "D"
    assert any("现行版本为第 3 版 · 2023 年更正稿" in c.value for c in at.caption)
    assert "（已由第 3 版更正）" in at.selectbox(key="rankings_publication_version").format_func(2)
    last = accounts.audit_rows(accounts.auth_path(db.db_path()), action="grade_correct", limit=1)[0]
    assert last["ok"] and last["username"] == "demo-admin" and project in last["detail"]


def test_an_objections_evidence_file_downloads_for_the_office_and_its_unit_only(demo_db: Path, tmp_path: Path,
                                                                               monkeypatch):  # fmt: skip
    read_database(copy_database(demo_db, tmp_path), monkeypatch)
    version, grades = _published()
    mine = _project(grades, park="P005", grade="B")
    store_file(evidence_root(db.db_path()), EVIDENCE, PDF)  # as the page's upload does
    number = _write(object_to, PARK, version, mine, "2023 年税收漏报 120 万元，附税务部门证明。", EVIDENCE, now=DURING)
    key = f"rankings_publication_evidence_{number}"
    for username in ("demo-admin", "demo-P005"):
        made = capture_downloads(monkeypatch)
        at = AppTest.from_file(str(ROOT / "pages" / "rankings.py"), default_timeout=90)
        at.session_state["auth_token"] = session_token(username)
        at.query_params["asof"], at.query_params["view"] = "2023-06-08", url_of(RANKING_VIEWS, "评价公示")
        at.run()
        assert not at.exception and made[key]() == PDF
        last = accounts.audit_rows(accounts.auth_path(db.db_path()), action="export", limit=1)[0]
        assert last["ok"] and last["username"] == username
        assert last["detail"] == f"异议 {number} 佐证材料：亩均数据更正说明.pdf"
    with pytest.raises(PublicationError, match="只能下载本账号范围内"):
        db.read_fresh(lambda cur: objection_evidence(cur, ORDOS, number, evidence_root(db.db_path())))

    evidence_file(evidence_root(db.db_path()), EVIDENCE.sha256).unlink()
    made = capture_downloads(monkeypatch)
    at = _view()
    assert key not in made and any("文件缺失" in c.value for c in at.caption)
    with pytest.raises(PublicationError, match="文件在服务器上缺失"):
        db.read_fresh(lambda cur: objection_evidence(cur, OFFICE, number, evidence_root(db.db_path())))
