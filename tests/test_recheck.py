"""回头看 on both stores: the draw reproducible from its seed, strata and minimums respected, risk weighting, the
inspector's result (不属实 reopens the item for its league and counts as a relapse), refusals in Chinese, and the
relapse figures equal to independent SQL."""

import io
import itertools
import math
from datetime import date, datetime

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import queries
from auth import store
from ledger import postgres, rules
from ledger import recheck as rc
from ledger.evidence import check_evidence
from ledger.vocabulary import CLOSED, WORKING
from ledger.writing import PgCursor, transaction
from queries.scope import Scope
from reports.relapses import relapse_sentence
from tests.conftest import DEMO_USERS, ROOT, copy_database, demo_in_postgres, read_database
from tests.test_workflow import PNG

ADMIN, LEADER, BAOTOU = DEMO_USERS["demo-admin"], DEMO_USERS["demo-leader"], DEMO_USERS["demo-150200"]
NOW = datetime(2026, 3, 2, 10, 0)
PERIOD = (date(2023, 1, 1), date(2023, 6, 30))
DUE = date(2026, 4, 30)
NUMBERS = itertools.count()


@pytest.fixture
def demo_pg_dsn(pg_server, demo_db, request: pytest.FixtureRequest) -> str:
    """A fresh PostgreSQL copy of the demo for each test: each draws from the same closed items."""
    return demo_in_postgres(pg_server, demo_db, f"demo_recheck_{next(NUMBERS)}")


@pytest.fixture
def db(tmp_path, demo_db, monkeypatch):
    return read_database(copy_database(demo_db, tmp_path), monkeypatch)


@pytest.fixture
def con(db):
    connection = rules.install(duckdb.connect(str(db)))
    yield connection
    connection.close()


@pytest.fixture
def either(engine: str, con):
    """Where the writes go on each engine, read back with the same `$name` SQL."""
    if engine == "duckdb":
        yield con
        return
    with postgres.connect(postgres.dsn()) as connection:
        connection.autocommit = True
        yield PgCursor(connection)


def act(con, db, action, *args, **kwargs):
    with transaction(con, db) as cur:
        return action(cur, *args, **kwargs)


def rows(either, sql: str, **params) -> list[tuple]:
    return [tuple(r) for r in either.execute(sql, params or None).fetchall()]


def a_draw(con, db, share=0.2, seed=20260302, weighted=True, league=None) -> rc.Draw:
    return act(con, db, rc.draw, ADMIN, *PERIOD, share, "demo-admin", DUE, weighted, seed, league, NOW)


# --- the sample itself (no database) -------------------------------------------------------------------------
def synthetic(strata: dict[tuple[str, str], int], heavy: str | None = None) -> list[rc.Candidate]:
    return [
        rc.Candidate(f"{league}-{ledger}-{n:03d}", league, ledger, 50.0 if f"{league}-{ledger}-{n:03d}" == heavy else 1)
        for (league, ledger), size in strata.items()
        for n in range(size)
    ]


STRATA = {("150100", "land"): 40, ("150100", "stalled"): 3, ("150200", "land"): 1, ("150200", "idle_fund"): 17}


@pytest.mark.parametrize("share", [0.01, 0.1, 0.25, 1.0])
def test_each_stratum_gets_its_share_rounded_up_and_at_least_one(share: float) -> None:
    sample = rc.choose(synthetic(STRATA), share, seed=7, weighted=False)
    for (league, ledger), size in STRATA.items():
        drawn = [c for c in sample if (c.league_code, c.ledger) == (league, ledger)]
        assert len(drawn) == min(size, max(1, math.ceil(share * size)))
        assert len({c.item_id for c in drawn}) == len(drawn)


def test_the_same_population_and_seed_give_the_same_sample_in_any_order() -> None:
    candidates = synthetic(STRATA)
    first = rc.choose(candidates, 0.2, seed=123, weighted=True)
    again = rc.choose(list(reversed(candidates)), 0.2, seed=123, weighted=True)
    assert [c.item_id for c in first] == [c.item_id for c in again]
    others = {tuple(c.item_id for c in rc.choose(candidates, 0.2, seed=s, weighted=True)) for s in range(20)}
    assert len(others) > 1, "the seed changes nothing: the draw is not random"


def test_a_weighted_draw_favours_the_risky_item_and_an_unweighted_one_does_not() -> None:
    candidates = synthetic({("150100", "land"): 20}, heavy="150100-land-007")
    weighted = sum("150100-land-007" in {c.item_id for c in rc.choose(candidates, 0.05, s, True)} for s in range(200))
    plain = sum("150100-land-007" in {c.item_id for c in rc.choose(candidates, 0.05, s, False)} for s in range(200))
    assert weighted > 120 and plain < 30  # 50 of 69 weight ≈ 72% of 200 draws; uniform 1 of 20 = 5%


@pytest.mark.parametrize(
    ("days", "files", "suspect", "expected"),
    [(200, 2, False, 1.0), (30, 2, False, 2.0), (31, 2, False, 1.0), (200, 0, False, 2.0), (10, 0, True, 5.0)],
)
def test_the_risk_weight_adds_fast_closing_no_evidence_and_suspicion(days, files, suspect, expected) -> None:
    assert rc.weight(days, files, suspect) == expected


# --- a draw on the demo, on each store ---------------------------------------------------------------------------
STRATUM_COUNTS = """
    select league_code, ledger, count(*) from item_fact
    where current_status = '已销号' and current_from between $a and $b
    group by league_code, ledger order by 1, 2
"""


def test_a_draw_on_the_demo_respects_every_stratum_and_repeats_from_its_stored_seed(either, db, con) -> None:
    made = a_draw(con, db)
    strata = rows(either, STRATUM_COUNTS, a=PERIOD[0], b=PERIOD[1])
    tasks = dict(
        ((r[0], r[1]), r[2])
        for r in rows(
            either,
            "select league_code, ledger, count(*) from recheck_task where draw_id = $d group by 1, 2",
            d=made.draw_id,
        )
    )
    assert {k[:2] for k in strata} == set(tasks), "every stratum that has a closed item is sampled"
    for league, ledger, size in strata:
        assert tasks[(league, ledger)] == max(1, math.ceil(0.2 * size))
    stored = rows(
        either, "select seed, population, weighted, share from recheck_draw where draw_id = $d", d=made.draw_id
    )
    assert stored == [(20260302, sum(s for *_, s in strata), True, 0.2)]
    sampled = {r[0] for r in rows(either, "select item_id from recheck_task where draw_id = $d", d=made.draw_id)}
    assert sampled == {c.item_id for c in made.sampled}
    # the same population (as it stood before the draw: items then had no open task) and seed: the same sample
    population = [rc.Candidate(c.item_id, c.league_code, c.ledger, c.weight) for c in _population_before(either)]
    assert {c.item_id for c in rc.choose(population, 0.2, 20260302, True)} == sampled


def _population_before(either) -> list[rc.Candidate]:
    """The population read again, counting the tasks just drawn as if they did not exist."""
    text = rc.POPULATION.read_text(encoding="utf-8").replace("and t.result is null", "and false")
    found = either.execute(
        text, {"league": None, "park": None, "closed_from": PERIOD[0], "closed_to": PERIOD[1]}
    ).fetchall()
    flags = either.execute(rc.UTILITY_FLAGS.read_text(encoding="utf-8"), {"league": None, "park": None}).fetchall()
    flagged = {r[2] for r in flags}
    return [rc.Candidate(r[0], r[1], r[2], rc.weight(r[4], int(r[5]), bool(r[6]) or r[0] in flagged)) for r in found]


def test_an_item_waiting_for_inspection_is_not_drawn_again(either, db, con) -> None:
    first = a_draw(con, db, share=1.0, league="150200")
    assert first.population == len(first.sampled)
    with pytest.raises(rc.RecheckError, match="没有可抽取的已销号条目"):
        a_draw(con, db, share=1.0, league="150200")


# --- the inspection ------------------------------------------------------------------------------------------
def test_not_true_reopens_the_item_for_its_league_and_counts_as_a_relapse(either, engine, db, con) -> None:
    made = a_draw(con, db, league="150200")
    item, ok = made.sampled[0].item_id, made.sampled[1].item_id
    photo = check_evidence("现场照片.png", PNG)
    seq = act(con, db, rc.record, ADMIN, made.draw_id, item, rc.FALSE, "厂房仍停产，设备未恢复", [photo], NOW)
    assert act(con, db, rc.record, ADMIN, made.draw_id, ok, rc.TRUE, "", [], NOW) is None
    last = rows(
        either, "select seq, status, reason from item_event where item_id = $i order by seq desc limit 1", i=item
    )
    assert last == [(seq, WORKING, "回头看核查不属实：厂房仍停产，设备未恢复")]
    assert rows(either, "select current_status, closed_date from item_fact where item_id = $i", i=item) == [
        (WORKING, None)
    ]
    assert rows(either, "select current_status from item_fact where item_id = $i", i=ok) == [(CLOSED,)]
    assert rows(either, "select file_name from recheck_file where item_id = $i", i=item) == [("现场照片.png",)]
    today = Scope("150200", None, NOW.date())
    todo = queries.todo_items(today).set_index("item_id")
    assert todo.loc[item, "is_returned"] and "回头看核查不属实" in todo.loc[item, "returned_reason"]
    history = queries.item_rechecks(item)
    assert history[["draw_id", "result", "reopen_seq", "files"]].values.tolist() == [[made.draw_id, rc.FALSE, seq, 1]]
    rates = queries.relapse_rates(today)
    expected = rows(
        either,
        """select ledger, count(*), count(result), sum(case when result = '不属实' then 1 else 0 end)
           from recheck_task where league_code = '150200' group by ledger order by ledger""",
    )
    got = rates.sort_values("ledger")[["ledger", "sampled", "inspected", "relapses"]]
    assert [tuple(r) for r in got.itertuples(index=False)] == [(*r[:3], int(r[3])) for r in expected]
    relapsed = rates.set_index("ledger").loc[made.sampled[0].ledger]
    assert relapsed.relapses >= 1 and relapsed.relapse_rate == round(100 * relapsed.relapses / relapsed.inspected, 1)


@pytest.mark.parametrize(
    ("user", "result", "notes", "words"),
    [
        (BAOTOU, rc.FALSE, "未整改", "只有大起底办公室指派的核查人"),
        (LEADER, rc.TRUE, "", "只有大起底办公室指派的核查人"),
        (ADMIN, rc.FALSE, "  ", "须写明情况"),
        (ADMIN, "大概属实", "", "只能是“属实”或“不属实”"),
    ],
)
def test_an_inspection_outside_the_rules_is_refused_in_chinese_and_writes_nothing(
    either, db, con, user, result, notes, words
) -> None:
    made = a_draw(con, db, league="150200")
    item = made.sampled[0].item_id
    with pytest.raises(rc.RecheckError, match=words):
        act(con, db, rc.record, user, made.draw_id, item, result, notes, [], NOW)
    assert rows(either, "select result from recheck_task where item_id = $i", i=item) == [(None,)]
    assert rows(either, "select current_status from item_fact where item_id = $i", i=item) == [(CLOSED,)]


def test_only_the_named_inspector_records_and_only_once(either, db, con) -> None:
    made = act(con, db, rc.draw, ADMIN, *PERIOD, 0.1, "inspector-2", DUE, False, 5, "150200", NOW)
    item = made.sampled[0].item_id
    with pytest.raises(rc.RecheckError, match="指派给 inspector-2"):
        act(con, db, rc.record, ADMIN, made.draw_id, item, rc.TRUE, "", [], NOW)
    mine = act(con, db, rc.draw, ADMIN, *PERIOD, 0.1, "demo-admin", DUE, False, 5, "150100", NOW)
    act(con, db, rc.record, ADMIN, mine.draw_id, mine.sampled[0].item_id, rc.TRUE, "现场核实已复产", [], NOW)
    with pytest.raises(rc.RecheckError, match="已核查（属实）"):
        act(con, db, rc.record, ADMIN, mine.draw_id, mine.sampled[0].item_id, rc.FALSE, "再看", [], NOW)


@pytest.mark.parametrize(
    ("user", "share", "inspector", "due", "seed", "words"),
    [
        (BAOTOU, 0.1, "demo-admin", DUE, 1, "只有大起底办公室能抽取"),
        (ADMIN, 0.0, "demo-admin", DUE, 1, "抽取比例须在 1% 到 100% 之间"),
        (ADMIN, 1.5, "demo-admin", DUE, 1, "抽取比例须在"),
        (ADMIN, 0.1, " ", DUE, 1, "请指定核查人"),
        (ADMIN, 0.1, "x" * 41, DUE, 1, "请指定核查人"),
        (ADMIN, 0.1, "demo-admin", NOW.date(), 1, "核查时限应晚于今天"),
        (ADMIN, 0.1, "demo-admin", DUE, -1, "随机种子须是"),
    ],
)
def test_a_draw_outside_its_bounds_is_refused_in_chinese_and_writes_nothing(
    either, db, con, user, share, inspector, due, seed, words
) -> None:
    before = rows(either, "select count(*) from recheck_draw")
    with pytest.raises(rc.RecheckError, match=words):
        act(con, db, rc.draw, user, *PERIOD, share, inspector, due, True, seed, None, NOW)
    assert rows(either, "select count(*) from recheck_draw") == before


def test_the_tasks_query_lists_the_draw_in_scope_only(db, con) -> None:
    made = a_draw(con, db)
    baotou = queries.recheck_tasks(Scope("150200", None, NOW.date()))
    assert set(baotou.league_code) == {"150200"}
    mine = baotou[baotou.draw_id == made.draw_id]
    assert set(mine.item_id) == {c.item_id for c in made.sampled if c.league_code == "150200"}
    assert not baotou.is_overdue.any()
    late = queries.recheck_tasks(Scope(None, None, date(2026, 5, 1)))
    assert set(late[late.is_overdue].item_id) == {c.item_id for c in made.sampled}  # the demo's are inspected


# --- the page ----------------------------------------------------------------------------------------------------
def recheck_page(**state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "recheck.py"), default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def test_the_office_draws_and_records_not_true_on_the_page_and_both_are_audited(either, db) -> None:
    at = recheck_page(recheck_from=PERIOD[0], recheck_to=PERIOD[1], recheck_share=5, recheck_seed=42)
    assert not at.exception
    assert any("可抽取的已销号条目 389 项，分 63 层" in c.value for c in at.caption)
    at.button(key="recheck_draw").click().run()
    assert not at.exception and "随机种子 42" in at.success[0].value
    sampled = rows(
        either,
        "select count(*), count(distinct league_code || ledger) from recheck_task"
        " where draw_id = (select max(draw_id) from recheck_draw)",
    )
    assert sampled[0][1] == 63 and sampled[0][0] >= 63
    task = at.selectbox(key="recheck_task")
    item = task.options[0].split("　")[1]
    task.select(task.options[0])
    at.radio(key="recheck_result").set_value(rc.FALSE)
    at.text_area(key="recheck_notes").input("现场仍停产")
    at.button[-1].click().run()
    assert not at.exception and "已退回重新整改" in at.success[0].value
    assert rows(either, "select current_status from item_fact where item_id = $i", i=item) == [(WORKING,)]
    actions = [r["action"] for r in store.audit_rows(store.auth_path(db))]
    assert "回头看抽样" in actions and "回头看核查" in actions


@pytest.mark.user("demo-150200")
def test_a_league_user_sees_its_own_tasks_and_rates_and_neither_form(db, con) -> None:
    a_draw(con, db)
    at = recheck_page()
    assert not at.exception
    assert not [b for b in at.button if b.key == "recheck_draw"] and not at.get("selectbox")
    shown = at.dataframe[0].value
    assert set(shown["盟市"]) == {"包头市"}
    assert len(shown) == len(rows(con, "select * from recheck_task where league_code = '150200'"))


# --- the documents -----------------------------------------------------------------------------------------------
def test_the_bulletin_and_the_notice_name_the_leagues_with_relapses_as_independent_sql_counts(either, db, con) -> None:
    from charts.supervision import LagRules
    from reports.bulletin_content import bulletin_for
    from reports.supervision_notice import notice_docx

    made = a_draw(con, db, share=0.1)
    baotou = [c.item_id for c in made.sampled if c.league_code == "150200"][:2]
    chifeng = [c.item_id for c in made.sampled if c.league_code == "150400"][:1]
    for item in baotou + chifeng:
        act(con, db, rc.record, ADMIN, made.draw_id, item, rc.FALSE, "复核发现未整改到位", [], NOW)
    for item in [c.item_id for c in made.sampled if c.league_code == "150100"][:3]:
        act(con, db, rc.record, ADMIN, made.draw_id, item, rc.TRUE, "", [], NOW)
    counted = rows(
        either,
        """select l.name, count(*) from recheck_task t join league l using (league_code)
           where t.result = '不属实' group by l.name order by count(*) desc, l.name""",
    )
    sentence = relapse_sentence(queries.relapse_rates(Scope(None, None, NOW.date())))
    inspected, relapsed = rows(
        either, "select count(result), sum(case when result = '不属实' then 1 else 0 end) from recheck_task"
    )[0]
    assert f"已核查{inspected}项" in sentence and f"发现{relapsed}项整改不属实" in sentence
    assert f"反弹率{100 * relapsed / inspected:.1f}%" in sentence
    assert {"包头市", "赤峰市"} <= {name for name, _ in counted}
    for name, n in counted:
        assert f"{name}{n}项（" in sentence
    assert relapse_sentence(queries.relapse_rates(Scope(None, None, date(2024, 3, 1)))) is None  # before any draw
    assert sentence in text_of(bulletin_for(18, NOW.date(), date(2026, 1, 1)))
    region = queries.ledger_kpis(Scope(None, None, NOW.date()))
    assert sentence in text_of(notice_docx(region, pd.DataFrame(), NOW.date(), True, LagRules(), relapses=sentence))
    assert "回头看”抽查已核查" not in text_of(notice_docx(region, pd.DataFrame(), NOW.date(), True, LagRules()))


def test_the_meetings_supervision_slide_and_its_deck_name_the_leagues_with_relapses(either, db, con) -> None:
    """The meeting's 督导 slide prints the 督导通报's relapse sentence, on screen and in the 会议材料 .pptx, with the
    counts of independent SQL."""
    from pptx import Presentation

    from reports.meeting_deck import MEETING, meeting_deck
    from tests.test_briefing import blank_chart, slide_texts

    made = a_draw(con, db, share=0.1)
    for item in [c.item_id for c in made.sampled if c.league_code == "150200"][:2]:
        act(con, db, rc.record, ADMIN, made.draw_id, item, rc.FALSE, "复核发现未整改到位", [], NOW)
    inspected, relapsed = rows(
        either, "select count(result), sum(case when result = '不属实' then 1 else 0 end) from recheck_task"
    )[0]
    scope = Scope(None, None, NOW.date())
    sentence = relapse_sentence(queries.relapse_rates(scope))
    assert f"已核查{inspected}项" in sentence and f"发现{relapsed}项整改不属实" in sentence
    assert f"包头市{relapsed}项（" in sentence and "涉及1个盟市" in sentence
    assert MEETING["lagging"](scope).notes[-1] == sentence
    assert MEETING["lagging"](Scope("150200", None, NOW.date())).notes[-1] == sentence  # region-wide, as the 通报
    at = AppTest.from_file(str(ROOT / "pages/meeting.py"), default_timeout=60)
    at.query_params.update(asof=NOW.date().isoformat(), slide=str(list(MEETING).index("lagging") + 1))
    at.run()
    assert not at.exception and f'mt-note">{sentence}<' in "".join(m.value for m in at.markdown)
    deck = Presentation(io.BytesIO(meeting_deck(scope, ["lagging"], render=blank_chart)))
    assert sentence in slide_texts(deck)[1]
    shapes = list(deck.slides[1].shapes)
    notes = next(s for s in shapes if s.has_text_frame and sentence in s.text_frame.text)
    table = next(s for s in shapes if s.has_table)
    assert table.top + table.height <= notes.top  # the longer notes push the table up, never under it
    assert "回头看" not in "".join(MEETING["lagging"](Scope(None, None, date(2024, 3, 1))).notes)  # before any draw


def text_of(docx: bytes) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
