"""Numbers that must agree with themselves (issue #17), each rule recomputed by SQL or from what is shown."""

import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import queries
from charts.progress import curve_figure
from charts.theme import Stamp
from queries.scope import Scope
from tests.conftest import ROOT

RECTIFIED = "('已整改', '已销号')"
# 长效盘活's items from the raw tables: every stalled enterprise or project, and infrastructure never finished
# or built but not operating
LONG_TERM = "(i.ledger = 'stalled' or f.build_status in ('长期未建成', '建成未投运'))"
START, END = date(2022, 9, 1), date(2022, 12, 31)


def one(db: Path, text: str, **params) -> tuple:
    con = duckdb.connect(str(db))  # as the app opens it (one process cannot mix configurations)
    try:
        return con.execute(text, params).fetchone()
    finally:
        con.close()


def status_on(day: str) -> str:
    """Each item's status on a date and its first rectification, by SQL of its own (no view, no macro)."""
    return (
        f"with st as (select item_id, status from item_event where event_date <= {day} "
        "qualify row_number() over (partition by item_id order by seq desc) = 1), "
        f"first as (select item_id, min(event_date) as d from item_event where status in {RECTIFIED} group by 1) "
    )


def progress(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "progress.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def cards(at: AppTest) -> dict[str, tuple[str, str]]:
    """Phase name -> (its state line, value) from the 阶段进度 cards."""
    names = [m.value for m in at.markdown if m.value.startswith("**") and " · " in m.value][:4]
    return {n.split("**")[1]: (n.split(" · ")[1], m.value) for n, m in zip(names, at.metric, strict=True)}


@pytest.mark.parametrize("asof", ["2022-12-31", "2023-06-08", "2025-12-25"])
def test_the_rectification_card_names_what_the_curve_counts_beyond_it(demo_db: Path, asof: str) -> None:
    """Rule: card done = rectified within 09-01..12-31; card 'earlier' = rectified before 09-01; together they
    are every item found by 12-31 and rectified on 12-31, which is what the cumulative curve counts then."""
    at = progress(asof=asof)
    end = min(date.fromisoformat(asof), END)
    found, within, before = one(
        demo_db,
        status_on("$end") + f"select count(*), count(*) filter (where st.status in {RECTIFIED} and first.d >= $start), "
        f"count(*) filter (where st.status in {RECTIFIED} and first.d < $start) "
        "from item i left join st using (item_id) left join first using (item_id) where i.found_date <= $end",
        end=end,
        start=START,
    )
    state, value = cards(at)["集中整治"]
    assert value == f"{within} / {found}"
    assert state == ("进行中" if asof == "2022-12-31" else "已结束")  # an ended phase never says 已完成
    note = next(c.value for c in at.caption if c.value.startswith("项在集中整治期内整改"))
    assert f"另有 {before} 项在 09-01 前已整改" in note and f"合计 {within + before} 项" in note
    if asof == "2022-12-31":
        curve = queries.rectification_curve(Scope(None, None, end))
        assert curve[curve.as_of_date == curve.as_of_date.max()].rectified.sum() == within + before


def test_a_phase_not_begun_shows_no_done_count_and_names_what_was_done_before(demo_db: Path) -> None:
    at = progress(asof="2022-12-31")
    (target, done) = one(
        demo_db,
        status_on("date '2022-12-31'")
        + f"select count(*), count(*) filter (where st.status in {RECTIFIED}) from item i "
        "left join st using (item_id) left join infrastructure f using (item_id) "
        f"where i.found_date <= date '2022-12-31' and {LONG_TERM}",
    )
    assert done > 0
    assert cards(at)["长效盘活"] == ("未开始", f"— / {target}")
    assert f"尚未开始（2023-01-01 起）；此前已盘活 {done} 项" in [c.value for c in at.caption]
    assert all(state != "已完成" for state, _ in cards(at).values())


def test_the_three_year_line_is_drawn_from_its_start_and_never_lies_at_zero() -> None:
    stamp = Stamp("全区", date(2025, 12, 25), True)
    early = curve_figure(queries.rectification_curve(Scope(None, None, date(2022, 12, 31))), None, stamp)
    assert "三年长效盘活目标" not in [t.name for t in early.data]
    curve = queries.rectification_curve(Scope(None, None, date(2025, 12, 25)))
    line = next(t for t in curve_figure(curve, None, stamp).data if t.name == "三年长效盘活目标")
    drawn = [(d, y) for d, y in zip(line.x, line.y, strict=True) if y is not None]
    assert min(d for d, _ in drawn) >= date(2023, 1, 1)
    totals = curve.groupby("as_of_date")[["found", "rectified"]].sum()
    start = totals[totals.index >= "2023-01-01"].iloc[0]
    assert drawn[0][1] == start.rectified > 0  # from what was rectified when the phase began
    assert all(y > 0 for _, y in drawn)
    assert drawn[-1][1] == pytest.approx(totals.iloc[-1].found, rel=0.01)  # all by 2025-12-31


def test_grade_and_score_wording_states_their_relation_with_the_shown_numbers() -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "rankings.py"), default_timeout=60)
    at.query_params["asof"] = "2025-12-25"
    at.run()
    assert (
        at.dataframe[0].value["园区"].tolist()
        == queries.park_rankings(Scope(None, None, date(2025, 12, 25)), 2025).name.iloc[:50].tolist()
    )
    # the wording describes every ranked park; the table shows them 50 a page, so all pages are read
    tables = [at.dataframe[0].value]
    while len(tables[-1]) == 50:
        at.query_params["page"] = str(len(tables) + 1)
        at.run()
        tables.append(at.dataframe[0].value)
    table = pd.concat(tables)
    graded = table[table["等级"].isin(list("ABCD"))]
    text = "".join(c.value for c in at.caption)
    assert "等级是位次，不是达标评价" in text and "也可能为 D" in text
    meeting = int((graded["综合得分"] >= 100).sum())
    assert f"参评的 {len(graded)} 个园区中 {meeting} 个综合得分不低于 100 分" in text
    d = graded[graded["等级"] == "D"]["综合得分"]
    assert f"D 级 {len(d)} 个 {d.min():.1f}–{d.max():.1f} 分" in text
    assert re.search(r"倒逼腾退候选按项目评价", text)
