"""督办闭环: the 督办 light of every item at several dates against SQL written here from the event log, 督办单 sent,
acknowledged (签收) and escalated on both stores, their scope, and the messages the lights and the workflow's
decisions send."""

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

import queries
from ledger import postgres, rules, supervision
from ledger import workflow as wf
from ledger.writing import PgCursor, transaction
from queries.db import acting_as
from queries.scope import Scope
from tests.conftest import DEMO_USERS, copy_database, read_database
from tests.test_workflow import open_items

ADMIN, LEADER = DEMO_USERS["demo-admin"], DEMO_USERS["demo-leader"]
BAOTOU, ORDOS, PARK = DEMO_USERS["demo-150200"], DEMO_USERS["demo-150600"], DEMO_USERS["demo-P005"]
NOW = datetime(2026, 3, 2, 10, 0)  # a Monday
DATES = (date(2022, 10, 15), date(2023, 2, 14), date(2023, 6, 8), date(2024, 6, 30), NOW.date())

# The lights replayed from the log itself (no status_span, item_fact or rules): 15, 60 and 2 are the documented
# N, M and the returns of rules.supervision_rules().
INDEPENDENT = """
with events as (select * from item_event where event_date <= $d),
latest as (
    select item_id, max(seq) as seq, max(event_date) as last_day from events group by item_id
),
now_status as (
    select l.item_id, e.status, l.last_day from latest l join events e on e.item_id = l.item_id and e.seq = l.seq
),
extended as (
    select item_id, max(new_deadline) filter (where decided_at = last_at) as deadline
    from (select *, max(decided_at) over (partition by item_id) as last_at from deadline_request
          where decision = '批准' and decided_date <= $d)
    group by item_id
),
refused as (select distinct item_id from deadline_request where decision = '不予批准' and decided_date <= $d),
returns as (
    select item_id, count(*) as n from events where status = '整改中' and reason is not null group by item_id
),
open_items as (
    select i.item_id, coalesce(x.deadline, i.deadline) as deadline, coalesce(s.last_day, i.found_date) as last_day,
           r.item_id is not null as refused, coalesce(n.n, 0) as returns
    from item i
    left join now_status s using (item_id)
    left join extended x using (item_id)
    left join refused r using (item_id)
    left join returns n using (item_id)
    where i.found_date <= $d and coalesce(s.status, '待整改') in ('待整改', '整改中')
)
select item_id,
    case
        when deadline < $d then '红'
        when $d - last_day >= 60 or refused or returns >= 2 then '黄'
        when deadline <= $d + 15 then '蓝'
    end as light
from open_items
"""


CLEARED = ("message", "supervision_order_item", "supervision_order")  # the demo's orders and messages


@pytest.fixture
def db(tmp_path: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo without its 督办单 and messages: these tests number orders from 1 and count messages."""
    path = read_database(copy_database(demo_db, tmp_path), monkeypatch)
    with duckdb.connect(str(path)) as con:
        for table in CLEARED:
            con.execute(f"delete from {table}")
    return path


@pytest.fixture
def demo_pg_dsn(pg_server, demo_db: Path, request: pytest.FixtureRequest) -> str:
    """A fresh PostgreSQL copy of the demo for each test, without its 督办单 and messages (as db)."""
    from tests.conftest import demo_in_postgres

    target = demo_in_postgres(pg_server, demo_db, "demo_sup_" + request.node.name.replace("[", "_").rstrip("]"))
    with postgres.connect(target) as con:
        for table in CLEARED:
            con.execute(f"delete from {table}")
    return target


@pytest.fixture
def either(engine: str, db: Path):
    """(a function that opens a write transaction, a cursor reading the same store) on the engine's store."""
    if engine == "duckdb":
        con = rules.install(duckdb.connect(str(db)))
        yield (lambda: transaction(con, db)), con.cursor()
        con.close()
        return
    with postgres.connect(postgres.dsn()) as connection:
        connection.autocommit = True
        yield transaction, PgCursor(connection)


def act(either, action, *args, **kwargs):
    begin, _ = either
    with begin() as cur:
        return action(cur, *args, **kwargs)


def inbox_of(read, username: str, kind: str | None = None) -> list[tuple[str, str]]:
    rows = read.execute(
        "select kind, title from message where recipient = $u order by created_at, dedupe_key", {"u": username}
    ).fetchall()
    return [(k, t) for k, t in rows if kind is None or k == kind]


def lit(read, league: str, light: str, n: int = 1, park: str | None = None) -> list[str]:
    """n items of a league (or one of its parks) with that light today (NOW)."""
    rows = read.execute(
        "select item_id from rules.lights_at($d) where league_code = $l and light = $light"
        " and (cast($p as varchar) is null or park_id = $p) order by item_id",
        {"d": NOW.date(), "l": league, "light": light, "p": park},
    ).fetchall()
    assert len(rows) >= n, f"the demo has fewer than {n} {light} items in {park or league} on {NOW:%Y-%m-%d}"
    return [r[0] for r in rows[:n]]


# The light ------------------------------------------------------------------------------------------------
def _lights(con, day: date) -> dict[str, str | None]:
    return dict(con.execute("select item_id, light from rules.lights_at($d)", {"d": day}).fetchall())


def _independent(con, day: date) -> dict[str, str | None]:
    return dict(con.execute(INDEPENDENT, {"d": day}).fetchall())


def test_the_documented_numbers_are_the_rules(db: Path):
    assert supervision.RULES == {"due_days": 15, "idle_days": 60, "returns": 2, "ack_days": 3}


@pytest.mark.parametrize("day", DATES)
def test_the_light_of_every_demo_item_equals_the_one_replayed_from_the_log(db: Path, day: date):
    con = rules.install(duckdb.connect(str(db), read_only=True))
    mine, expected = _lights(con, day), _independent(con, day)
    assert mine == expected
    assert set(mine.values()) - {None} <= {"红", "黄", "蓝"}
    con.close()


def test_returns_a_refused_extension_and_idle_days_turn_an_item_yellow_and_a_near_deadline_blue(db: Path):
    """Three overdue items given a later deadline (so no longer red), then each yellow cause or a near deadline made
    by the workflow; the light and its reason, and the replay at several dates."""
    con = rules.install(duckdb.connect(str(db)))
    returned, refused, near = open_items(con, "150600", n=3)

    def act_on(action, *args, **kwargs):
        with transaction(con, db) as cur:
            return action(cur, *args, **kwargs)

    for item, deadline in ((returned, date(2027, 6, 30)), (refused, date(2027, 6, 30)), (near, date(2026, 3, 12))):
        request = act_on(wf.request_extension, ORDOS, item, deadline, "资金未到位", now=NOW)
        act_on(wf.decide_extension, ADMIN, request, True, "同意", now=NOW)
    for n in range(2):  # returned twice
        when = NOW + timedelta(days=n)
        seq = act_on(wf.record_progress, ORDOS, returned, wf.item_state(con.cursor(), returned).seq, "整改中", "推进",
                     now=when)  # fmt: skip
        con.execute("insert into evidence values ($i, $s, $h, 'a.pdf', 1, 'application/pdf', 'x', $t, null, null,"
                    " null)", {"i": returned, "s": seq, "h": f"{n:064d}", "t": when})  # fmt: skip
        seq = act_on(wf.record_progress, ORDOS, returned, seq, "已整改", "已完成", now=when)
        act_on(wf.review, ADMIN, returned, seq, False, f"材料不全{n}", now=when + timedelta(hours=1))
    request = act_on(wf.request_extension, ORDOS, refused, date(2027, 12, 31), "再延期", now=NOW)
    act_on(wf.decide_extension, ADMIN, request, False, "理由不充分", now=NOW)
    act_on(wf.record_progress, ORDOS, near, wf.item_state(con.cursor(), near).seq, "整改中", "推进", now=NOW)
    day = NOW.date() + timedelta(days=2)
    rows = con.execute("select item_id, light, light_reason from rules.lights_at($d)", {"d": day}).fetchall()
    lights = {i: (light, why) for i, light, why in rows}
    assert lights[returned] == ("黄", "被退回 2 次")
    assert lights[refused] == ("黄", "延期申请未获批准")
    assert lights[near] == ("蓝", "8 天内到期")
    assert _lights(con, NOW.date() + timedelta(days=61))[near] == "红"  # its deadline passed meanwhile
    for when in (NOW.date(), day, day + timedelta(days=70)):
        assert _lights(con, when) == _independent(con, when)
    con.close()


def test_light_counts_per_league_add_up_to_the_lit_items_and_to_the_replay(db: Path):
    con = rules.install(duckdb.connect(str(db)))  # the app's configuration: queries.run shares the instance
    for day in (date(2023, 2, 14), date(2023, 6, 8)):
        counts = queries.light_counts(Scope(None, None, day))
        items = queries.item_lights(Scope(None, None, day))
        replayed = dict(
            con.execute(f"select light, count(*) from ({INDEPENDENT}) group by light", {"d": day}).fetchall()
        )
        assert len(counts) == 12
        for column, light in (("red", "红"), ("yellow", "黄"), ("blue", "蓝")):
            assert counts[column].sum() == (items["light"] == light).sum() == replayed.get(light, 0)
        found = con.execute("select count(*) from item where found_date <= $d", {"d": day}).fetchone()[0]
        assert counts["red"].sum() / found < 0.2  # a minority red: fewer than a fifth of the items found
        baotou = queries.light_counts(Scope("150200", None, day))
        assert baotou["league_code"].tolist() == ["150200"]
        assert baotou.iloc[0]["red"] == counts.set_index("league_code").loc["150200", "red"]
    con.close()


# 督办单 ------------------------------------------------------------------------------------------------------
def test_an_acknowledgement_is_due_three_working_days_after_sending():
    assert supervision.working_days_after(date(2026, 3, 6), 3) == date(2026, 3, 11)  # Friday → Wednesday
    assert supervision.working_days_after(date(2026, 3, 2), 3) == date(2026, 3, 5)


def test_an_order_is_numbered_sent_to_the_units_accounts_and_acknowledged_once(either):
    _, read = either
    items = lit(read, "150200", "红", 2)
    first = act(either, supervision.send_order, ADMIN, "150200", None, items, date(2026, 3, 20), "", now=NOW)
    second = act(either, supervision.send_order, LEADER, "150200", "P005", lit(read, "150200", "红", park="P005"),
                 date(2026, 3, 20), "请园区落实", now=NOW + timedelta(minutes=5))  # fmt: skip
    assert (first.number, second.number) == ("督办〔2026〕1号", "督办〔2026〕2号")
    assert first.ack_due == date(2026, 3, 5) and first.acknowledged_at is None
    assert ("order", "督办〔2026〕1号 待签收") in inbox_of(read, BAOTOU.username)
    assert ("order", "督办〔2026〕2号 待签收") in inbox_of(read, PARK.username)
    assert ("order", "督办〔2026〕1号 待签收") not in inbox_of(read, PARK.username)  # the league's, not the park's
    assert inbox_of(read, ORDOS.username, "order") == []
    stored = read.execute("select item_id, light from supervision_order_item where order_id = $o order by item_id",
                          {"o": first.order_id}).fetchall()  # fmt: skip
    assert stored == [(i, "红") for i in sorted(items)]

    with pytest.raises(supervision.SupervisionError, match="不是发给本账号所在单位"):
        act(either, supervision.acknowledge, ORDOS, first.order_id, now=NOW)
    with pytest.raises(supervision.SupervisionError, match="由收到它的盟市"):
        act(either, supervision.acknowledge, ADMIN, first.order_id, now=NOW)
    with pytest.raises(supervision.SupervisionError, match="不是发给本账号所在单位"):
        act(either, supervision.acknowledge, PARK, first.order_id, now=NOW)  # a league-wide order: the league's
    done = act(either, supervision.acknowledge, BAOTOU, first.order_id, now=NOW + timedelta(hours=2))
    assert (done.acknowledged_by, done.acknowledged_at) == (BAOTOU.username, NOW + timedelta(hours=2))
    assert ("order_acknowledged", "督办〔2026〕1号 已签收") in inbox_of(read, ADMIN.username)
    with pytest.raises(supervision.SupervisionError, match="已于 2026-03-02 12:00 由 demo-150200 签收"):
        act(either, supervision.acknowledge, BAOTOU, first.order_id, now=NOW + timedelta(hours=3))
    act(either, supervision.acknowledge, PARK, second.order_id, now=NOW + timedelta(hours=3))  # the park's own


@pytest.mark.parametrize(
    ("who", "league", "park", "pick", "reply", "note", "refusal"),
    [
        (BAOTOU, "150200", None, "红", 10, "", "只有大起底办公室和领导小组成员"),
        (ADMIN, "150200", None, None, 10, "", "请至少选择一个"),
        (ADMIN, "150200", None, "红", 0, "", "回复期限应在今天之后"),
        (ADMIN, "150200", None, "红", 91, "", "回复期限应在今天之后"),
        (ADMIN, "150200", None, "红", 10, "长" * 501, "督办要求不能超过 500 个字"),
        (ADMIN, "150600", None, "红", 10, "", "不属于督办对象"),
        (ADMIN, "150200", "P031", "红", 10, "", "不在包头市"),
        (ADMIN, "159999", None, "红", 10, "", "没有代码为"),
        (ADMIN, "150200", None, "closed", 10, "", "不存在或已整改"),
    ],
)
def test_an_order_is_refused_in_chinese_when_it_cannot_be_sent(db: Path, who, league, park, pick, reply, note, refusal):
    con = rules.install(duckdb.connect(str(db)))
    cur = con.cursor()
    if pick == "closed":
        items = [cur.execute("select item_id from item_event where status = '已销号' limit 1").fetchone()[0]]
    else:
        items = lit(cur, "150200", pick) if pick else []
    with pytest.raises(supervision.SupervisionError, match=refusal), transaction(con, db) as write:
        supervision.send_order(write, who, league, park, items, NOW.date() + timedelta(days=reply), note, now=NOW)
    assert cur.execute("select count(*) from supervision_order").fetchone()[0] == 0
    con.close()


def test_an_order_may_not_name_an_item_that_is_not_red_or_yellow(db: Path):
    con = rules.install(duckdb.connect(str(db)))
    then = datetime(2023, 2, 14, 9, 0)  # mid-campaign: some open items are blue or on course
    for light in ("蓝", None):
        league, item = con.execute(
            "select league_code, item_id from rules.lights_at($d) where light is not distinct from $l"
            " order by item_id limit 1",
            {"d": then.date(), "l": light},
        ).fetchone()
        with pytest.raises(supervision.SupervisionError, match="不是红灯或黄灯"), transaction(con, db) as cur:
            supervision.send_order(cur, ADMIN, league, None, [item], date(2023, 3, 1), "", now=then)
    con.close()


def test_an_unacknowledged_order_escalates_once_to_the_leaders_and_the_office(either):
    _, read = either
    sent = act(either, supervision.send_order, ADMIN, "150200", None, lit(read, "150200", "红"), date(2026, 3, 30),
               "", now=NOW)  # fmt: skip
    assert act(either, supervision.escalate_overdue, sent.ack_due, now=NOW) == []  # due that day: not yet late
    later = datetime.combine(sent.ack_due + timedelta(days=1), NOW.time())
    assert act(either, supervision.escalate_overdue, later.date(), now=later) == ["督办〔2026〕1号"]
    assert act(either, supervision.escalate_overdue, later.date(), now=later) == []
    for user in (LEADER, ADMIN, BAOTOU):
        assert inbox_of(read, user.username, "order_escalated") == [("order_escalated", "督办〔2026〕1号 逾期未签收")]
    assert inbox_of(read, ORDOS.username, "order_escalated") == []
    escalated = read.execute("select escalated_at from supervision_order where order_id = $o",
                             {"o": sent.order_id}).fetchone()[0]  # fmt: skip
    assert escalated == later
    late = act(either, supervision.acknowledge, BAOTOU, sent.order_id, now=later)
    assert late.acknowledged_at == later
    assert inbox_of(read, ADMIN.username, "order_acknowledged") == [
        ("order_acknowledged", "督办〔2026〕1号 已签收（已逾期）")
    ]


def test_the_order_list_shows_each_units_own_orders_and_their_state(db: Path):
    con = rules.install(duckdb.connect(str(db)))
    red = lit(con.cursor(), "150200", "红") + lit(con.cursor(), "150200", "红", park="P005")
    ordos = lit(con.cursor(), "150600", "红")
    with transaction(con, db) as cur:
        a = supervision.send_order(cur, ADMIN, "150200", None, red[:1], date(2026, 3, 20), "", now=NOW)
        b = supervision.send_order(cur, ADMIN, "150600", None, ordos, date(2026, 3, 20), "", now=NOW)
        supervision.send_order(cur, ADMIN, "150200", "P005", red[1:], date(2026, 3, 20), "", now=NOW)
    with transaction(con, db) as cur:
        supervision.acknowledge(cur, BAOTOU, a.order_id, now=NOW + timedelta(days=1))
    con.close()
    day = date(2026, 3, 10)
    everything = queries.supervision_orders(Scope(None, None, day))
    assert dict(zip(everything["order_id"], everything["state"], strict=True)) == {
        a.order_id: "已签收",
        b.order_id: "逾期未签收",
        3: "逾期未签收",
    }
    assert queries.supervision_orders(Scope(None, None, NOW.date()))["state"].tolist() == ["待签收"] * 3
    with acting_as(BAOTOU):
        assert sorted(queries.supervision_orders(Scope(None, None, day))["order_id"]) == [a.order_id, 3]
        assert queries.order_items(Scope(None, None, day), b.order_id).empty  # Ordos' order: not seen
    with acting_as(PARK):
        assert queries.supervision_orders(Scope(None, None, day))["order_id"].tolist() == [3]
    items = queries.order_items(Scope(None, None, day), a.order_id)
    assert items["item_id"].tolist() == red[:1] and items["light_sent"].tolist() == ["红"]


# Messages of the lights and of the workflow -------------------------------------------------------------
def test_a_light_change_is_told_to_the_units_accounts_once(either):
    _, read = either
    day = date(2023, 1, 1)  # many 2022 deadlines have just passed: items turn red
    changed = read.execute(
        """
        select n.item_id from rules.lights_at($d) n left join rules.lights_at($b) o using (item_id)
        where n.light is not null and (o.light is null or o.light <> n.light) and n.league_code = '150200'
        """,
        {"d": day, "b": day - timedelta(days=1)},
    ).fetchall()
    assert changed
    stored = act(either, supervision.light_changes, day)
    assert stored > 0 and act(either, supervision.light_changes, day) == 0
    titles = [t for _, t in inbox_of(read, BAOTOU.username, "light")]
    assert sorted(t.split()[0] for t in titles) == sorted(i for (i,) in changed)


def test_a_return_and_a_decided_extension_are_told_to_the_items_unit(either):
    _, read = either
    item = open_items(read, "150200", park="P005")[0]
    seq = wf.item_state(read, item).seq
    seq = act(either, wf.record_progress, PARK, item, seq, "整改中", "推进", now=NOW)
    read.execute("insert into evidence values ($i, $s, $h, 'a.pdf', 1, 'application/pdf', 'x', $t, null, null, null)",
                 {"i": item, "s": seq, "h": "0" * 64, "t": NOW})  # fmt: skip
    seq = act(either, wf.record_progress, PARK, item, seq, "已整改", "完成", now=NOW)
    act(either, wf.review, ADMIN, item, seq, False, "照片不清楚", now=NOW + timedelta(hours=1))
    for user in (PARK, BAOTOU):
        assert any(t.endswith("销号申请被退回，请补充整改") for _, t in inbox_of(read, user.username, "review"))
    assert inbox_of(read, ORDOS.username, "review") == []
    request = act(either, wf.request_extension, BAOTOU, item, date(2027, 6, 30), "资金未到位", now=NOW)
    act(either, wf.decide_extension, ADMIN, request, True, "同意", now=NOW + timedelta(hours=2))
    assert [t.split("：")[1] for _, t in inbox_of(read, BAOTOU.username, "extension")] == [
        "延期申请已批准，新的整改时限为 2027-06-30"
    ]
