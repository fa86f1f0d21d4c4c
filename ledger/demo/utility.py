"""演示数据 for #30, written onto the built demo file: 统一社会信用代码 for the demo enterprises and 低效 projects,
their monthly electricity (seasonal, by industry: standby while stopped, back to normal after 复产), a few planted
inconsistencies the 用电核验 flags must find (and none elsewhere), and a finished 回头看 draw in which the planted
revived-but-idle enterprise is found 不属实, reopened, rectified again and closed again.

It runs after the calibrated build on its own random generator, so the published figures stay as they were: the
reopening happens in 2024 and the item is closed again by mid-2024, before the last date the figures are taken at.
"""

import math
import random
from datetime import date, datetime

import duckdb
import pandas as pd

from auth.roles import ADMIN, User
from ledger import recheck as rc
from ledger import spans
from ledger.vocabulary import APPLIED, CLOSED

SEED = 30
FIRST, LAST = (2022, 1), (2025, 12)
BASELINE_KWH = {"冶金": 900_000, "化工": 600_000, "能源": 700_000, "新材料": 300_000, "装备制造": 200_000,
                "农畜产品加工": 120_000}  # fmt: skip  # a month of a producing plant, by its park's industry
OUTPUT_PER_WAN_KWH = {"冶金": 1.5, "化工": 3.0, "能源": 2.0, "新材料": 6.0, "装备制造": 12.0,
                      "农畜产品加工": 15.0}  # fmt: skip  # 万元 of output per 万kWh, by industry
DEFAULT_BASELINE, DEFAULT_OUTPUT = 150_000, 8.0
OFFICE = User("demo-admin", ADMIN, display_name="演示管理员")
DRAWN = datetime(2024, 3, 4, 9, 30)  # a Monday: the office draws over the second half of 2023
PERIOD = (date(2023, 7, 1), date(2023, 12, 31))
FOUND_FALSE = datetime(2024, 3, 20, 10, 0)
RECTIFIED_AGAIN, CLOSED_AGAIN = date(2024, 5, 15), date(2024, 6, 12)  # weekdays, no holidays


def months() -> list[tuple[int, int]]:
    out, (year, month) = [], FIRST
    while (year, month) <= LAST:
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def seasonal(month: int) -> float:
    """More power in the heating months (an Inner Mongolian winter), less in summer."""
    return 1 + 0.15 * math.cos(2 * math.pi * (month - 1) / 12)


def credit_code(league: str, kind: str, n: int) -> str:
    """A well-formed 18-character code (GB 32100: 91 = enterprise, the league's area code, then 10 characters)."""
    return f"91{league}M{kind}{n:08d}"


def add_utility_demo(path) -> None:
    """Codes, series, the planted cases and the finished draw, written onto the demo file at path."""
    rng = random.Random(SEED)
    con = duckdb.connect(str(path))
    try:
        firms = con.execute(
            """
            select f.item_id, f.league_code, coalesce(p.industry_category, ''), f.first_rectified, f.current_status,
                   f.current_from
            from item_fact f join stalled s using (item_id) join park p using (park_id)
            where s.kind = '停产企业' order by f.item_id
            """
        ).fetchall()
        projects = con.execute(
            """
            select n.item_id, b.project_id, f.league_code, b.industry_category, b.year, b.output_wan::double
            from indicator n join built_project b using (project_id) join item_fact f using (item_id)
            where b.output_wan > 0 and b.year is not null order by n.item_id
            """
        ).fetchall()
        planted = plant(firms, projects)
        uses = enterprise_series(con, firms, planted, rng) + project_series(con, projects, planted, rng)
        frame = pd.DataFrame(uses, columns=["credit_code", "month", "electricity_kwh"])
        con.register("frame", frame)
        con.execute("insert into utility_use (credit_code, month, electricity_kwh) select * from frame")
        con.unregister("frame")
        finished_draw(con, planted["idle_drawn"])
        con.execute("checkpoint")
    finally:
        con.close()


def plant(firms: list[tuple], projects: list[tuple]) -> dict[str, str]:
    """The items whose series tell a different story from their ledger (the flags must find exactly these)."""
    closed_in_period = [
        f for f in firms if f[4] == CLOSED and PERIOD[0] <= f[5] <= PERIOD[1] and f[3] <= date(2023, 9, 1)
    ]
    closed_early = [f for f in firms if f[4] == CLOSED and f[5] <= date(2023, 6, 30) and f not in closed_in_period]
    rectified = [f for f in firms if f[3] is not None and f[3] <= date(2025, 6, 30)]
    by_industry: dict[str, list] = {}
    for p in projects:
        by_industry.setdefault(p[3], []).append(p)
    crowded = max(by_industry.values(), key=len)
    return {
        "idle_drawn": closed_in_period[0][0],  # revived on paper, idle in fact: the 回头看 finds it
        "idle": next(f[0] for f in rectified if f[0] != closed_in_period[0][0] and f[4] != CLOSED),
        "relapse": closed_early[0][0],  # closed, produced, then fell back to near zero at the end
        "unbacked": crowded[0][0],  # a 低效 project reporting far more output than its power allows
    }


def enterprise_series(con, firms: list[tuple], planted: dict[str, str], rng: random.Random) -> list[tuple]:
    uses, codes = [], []
    for n, (item, league, industry, revived, _status, _since) in enumerate(firms, start=1):
        code = credit_code(league, "A", n)
        codes.append((item, code))
        base = BASELINE_KWH.get(industry, DEFAULT_BASELINE) * rng.uniform(0.6, 1.4)
        start = revived.year * 12 + revived.month if revived else None
        for year, month in months():
            since = year * 12 + month - start - 1 if start is not None else -1  # months since the revival month
            kwh = base * seasonal(month) * min(1.0, 0.4 + 0.3 * since) if since >= 0 else rng.uniform(80, 600)
            if idle_then(item, planted, (year, month)):
                kwh = rng.uniform(80, 600)
            uses.append((code, date(year, month, 1), round(kwh, 0)))
    set_codes(con, "stalled", "item_id", codes)
    return uses


def set_codes(con, table: str, key: str, codes: list[tuple[str, str]]) -> None:
    """Each row's 统一社会信用代码, in one statement."""
    con.register("codes", pd.DataFrame(codes, columns=["id", "code"]))
    con.execute(f"update {table} set credit_code = codes.code from codes where {table}.{key} = codes.id")
    con.unregister("codes")


def idle_then(item: str, planted: dict[str, str], month: tuple[int, int]) -> bool:
    """The planted stories: revived on paper only (the drawn one until it really resumes in May 2024), and the
    relapse at the end of 2025."""
    if item == planted["idle_drawn"]:
        return month < (RECTIFIED_AGAIN.year, RECTIFIED_AGAIN.month)
    if item == planted["relapse"]:
        return month >= (2025, 11)
    return item == planted["idle"]


def project_series(con, projects: list[tuple], planted: dict[str, str], rng: random.Random) -> list[tuple]:
    uses, codes = [], []
    for n, (item, project, league, industry, year, output) in enumerate(projects, start=1):
        code = credit_code(league, "B", n)
        codes.append((project, code))
        per_kwh = OUTPUT_PER_WAN_KWH.get(industry, DEFAULT_OUTPUT) * rng.uniform(0.8, 1.25)
        if item == planted["unbacked"]:
            per_kwh *= 12
        annual = output / per_kwh * 10_000
        shares = [seasonal(m) for m in range(1, 13)]
        uses += [(code, date(year, m, 1), round(annual * s / sum(shares), 0)) for m, s in enumerate(shares, start=1)]
    set_codes(con, "built_project", "project_id", codes)
    return uses


def finished_draw(con, idle_item: str) -> None:
    """The office's draw over the second half of 2023 (10%, weighted), the first seed whose sample holds the planted
    idle enterprise, every task inspected: that one 不属实 (reopened, rectified and closed again), the rest 属实."""
    from ledger import rules

    rules.install(con)
    cursor = con.cursor()
    population = rc.population(cursor, *PERIOD)
    seed = next(s for s in range(1, 10_000) if idle_item in {c.item_id for c in rc.choose(population, 0.1, s, True)})
    cursor.execute("begin transaction")
    made = rc.draw(cursor, OFFICE, *PERIOD, 0.1, OFFICE.username, date(2024, 4, 30), True, seed, None, DRAWN)
    for n, task in enumerate(sorted(made.sampled, key=lambda c: c.item_id)):
        when = datetime(2024, 3, 11 + n % 5, 15, 0)  # Monday to Friday of the week after the draw
        if task.item_id == idle_item:
            rc.record(cursor, OFFICE, made.draw_id, task.item_id, rc.FALSE,
                      "现场核查：厂房大门紧闭，设备未通电，复产后三个月用电量均不足1000千瓦时，复产不属实。",
                      now=FOUND_FALSE)  # fmt: skip
        else:
            rc.record(
                cursor, OFFICE, made.draw_id, task.item_id, rc.TRUE, "现场核查：生产经营正常，整改属实。", now=when
            )
    seq = cursor.execute("select max(seq) from item_event where item_id = $i", {"i": idle_item}).fetchone()[0]
    # demo events carry no actor (ledger/schema.sql): an import may replace demo items without asking about them
    cursor.execute("update item_event set actor = null, recorded_at = null where item_id = $i", {"i": idle_item})
    again = [
        (RECTIFIED_AGAIN, APPLIED, "重新组织复产，已恢复生产并补充佐证材料"),
        (CLOSED_AGAIN, CLOSED, "复核通过，予以销号"),
    ]
    for step, (day, status, note) in enumerate(again, start=1):
        cursor.execute(
            "insert into item_event (item_id, seq, event_date, status, note) values ($i, $s, $d, $st, $n)",
            {"i": idle_item, "s": seq + step, "d": day, "st": status, "n": note},
        )
    cursor.execute("update item set closed_date = $d where item_id = $i", {"d": CLOSED_AGAIN, "i": idle_item})
    spans.refresh(cursor, [idle_item])
    cursor.execute("commit")
    cursor.close()
