"""动态管理 and 亩均评价 demo records: a few weak parks on the action ladder (约谈 → 通报 → 限期整改), each built
project's firm with its 统一社会信用代码 and 电力户号, a few accidents and deductions with their sources, and a
finished 公示 round."""

import hashlib
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb

from ledger.demo.basics import working_day_in

OFFICE = "自治区工业园区建设工作领导小组办公室"
# Parks the demo's own scores judge 再整合再优化 candidates in 2023 (in the 末位组 in at least 2 of 2021–2023;
# tests/test_dynamic.py checks it), each with the steps the office took: (step, planned date, 文号 number,
# days to the follow-up).
LADDER = {
    "P002": [
        ("约谈", date(2023, 3, 15), 9, 60),
        ("通报", date(2023, 5, 10), 21, 90),
        ("限期整改", date(2023, 9, 20), 48, 180),
    ],
    "P036": [("约谈", date(2023, 4, 18), 15, 90), ("通报", date(2024, 2, 6), 6, 120)],
    "P061": [("约谈", date(2023, 6, 2), 27, 90)],
    "P078": [("约谈", date(2024, 3, 12), 11, 90)],
}


class DynamicRecords:
    """The office's decisions on the demo's weakest parks (park_action); no random draw, so the rest of the demo
    is the same with or without them."""

    def park_actions(self) -> None:
        number = 0
        for park_id, steps in LADDER.items():
            for step, planned, doc, follow in steps:
                decided = working_day_in(planned, planned - timedelta(days=7), planned + timedelta(days=7))
                number += 1
                self.add(
                    "park_action",
                    action_id=number,
                    park_id=park_id,
                    step=step,
                    decided_date=decided,
                    decider=OFFICE,
                    doc_no=f"内园建办〔{decided.year}〕{doc}号",
                    follow_up_date=working_day_in(decided + timedelta(days=follow), decided, date(2026, 12, 31)),
                    note=f"{step}：连续两年亩均效益综合得分处于全区末位组",
                    recorded_by="demo-admin",
                    recorded_at=datetime.combine(decided, time(17, 0)),
                )

    def enterprise_accounts(self) -> None:
        """A 统一社会信用代码 (valid check character) and a 电力户号 for every built project, drawn from its id."""
        leagues = {p["park_id"]: p["league_code"] for p in self.rows["park"]}
        for project in self.rows["built_project"]:
            digest = int(hashlib.sha256(project["project_id"].encode()).hexdigest(), 16)
            body = f"91{leagues[project['park_id']]}{digest % 10**9:09d}"
            self.add(
                "enterprise_account",
                project_id=project["project_id"],
                credit_code=body + credit_check(body),
                power_account=f"{(digest // 10**9) % 10**10:010d}",
            )

    def project_penalties(self) -> None:
        """Two accidents and a deduction in the 2023 evaluation, on projects picked by their id."""
        graded = sorted(p["project_id"] for p in self.rows["built_project"] if p["year"] < 2023 and p["land_mu"])
        records = [
            (graded[5], "安全事故", None, "应急管理局《生产安全事故通报》（2023年第3期）"),
            (graded[40], "环境事故", None, "生态环境局行政处罚决定书（环罚〔2023〕12号）"),
            (graded[17], "扣分", 5.0, "税务部门：2023 年欠缴税款记录"),
        ]
        for number, (project_id, kind, points, source) in enumerate(records, start=1):
            self.add("project_penalty", penalty_id=number, project_id=project_id, year=2023, kind=kind, points=points,
                     source=source, recorded_by="demo-admin", recorded_at=datetime(2023, 3, 20, 10, 0))  # fmt: skip


CREDIT_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_check(body: str) -> str:
    """The 18th character of a 统一社会信用代码 from its first 17 (GB 32100-2015)."""
    total = sum(CREDIT_CHARACTERS.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARACTERS[(31 - total % 31) % 31]


def publication_round(path: Path) -> None:
    """A finished 公示 of the 2023 grades in the demo file: published, two objections with evidence (one from a
    park, accepted; one from a league, rejected), the 终稿 approved by the leader."""
    from auth import store
    from auth.roles import User
    from ledger import publication as pub
    from ledger import rules
    from ledger.evidence import check_evidence, evidence_root, store_file
    from queries.db import execute

    users = {name: User(name, role, league, park, shown) for name, role, league, park, shown in store.DEMO_ACCOUNTS}
    con = duckdb.connect(str(path))
    try:
        rules.install(con)
        grades = execute(con, "project_grades", DEFAULT_GRADING)
        version = pub.publish(con, users["demo-admin"], 2023, "2023 年评价，按用地规模分赛道；事故否决、名额控制、"
                              "保护期均按默认规则", grades, date(2024, 3, 4), now=datetime(2024, 3, 1, 9))  # fmt: skip
        park = grades[(grades.park_id == "P005") & (grades.grade == "B")].project_id.iloc[0]
        league = grades[(grades.league_code == "150200") & (grades.grade == "D")].project_id.iloc[0]
        objections = []
        for user, project, reason, file_name in (
            ("demo-P005", park, "2023 年第四季度产值漏报，附统计部门出具的产值证明，请求复核为 A 类。", "产值证明.pdf"),
            ("demo-150200", league, "项目用地含代征道路，扣除后亩均税收达标，请求复核为 C 类。", "用地说明.pdf"),
        ):
            data = b"%PDF-1.4\n% " + file_name.encode() + b"\n1 0 obj\n<<>>\nendobj\n"
            evidence = check_evidence(file_name, data)
            store_file(evidence_root(path), evidence, data)
            objections.append(pub.object_to(con, users[user], version, project, reason, evidence,
                                             now=datetime(2024, 3, 5, 10)))  # fmt: skip
        decided = datetime(2024, 3, 11, 15)
        pub.decide(con, users["demo-admin"], objections[0], True, "经核实统计部门证明，更正产值后综合得分达到 A 类。",
                   "A", now=decided)  # fmt: skip
        pub.decide(con, users["demo-admin"], objections[1], False, "代征道路已按规定计入项目用地，维持原等级。",
                   now=decided)  # fmt: skip
        pub.approve(con, users["demo-leader"], version, now=datetime(2024, 3, 12, 10))
    finally:
        con.close()


# The grading the demo publishes: the query's defaults for 2023 over the whole region.
DEFAULT_GRADING = {"league": None, "park": None, "asof": date(2023, 12, 31), "year": 2023, "track": None,
                   "veto": None, "protect_years": None, "quotas": None}  # fmt: skip
