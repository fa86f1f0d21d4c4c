"""导出与通报: the 要情通报 .docx and the 汇报材料 .pptx hold the dashboard's numbers (checked against SQL of their
own), and the page offers both at every scope."""

import io
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from docx import Document
from PIL import Image
from pptx import Presentation
from pptx.util import Inches
from streamlit.testing.v1 import AppTest

import queries
from charts.supervision import LagRules, lagging_leagues
from queries.scope import Scope
from reports.bulletin import bulletin_docx, chinese_number, default_previous
from reports.bulletin_content import bulletin_for
from reports.deck import IMAGE_PIXELS, briefing_deck
from reports.images import export_problem
from reports.meeting_deck import deck_content
from tests.conftest import ROOT
from ui.url_state import BRIEFING_VIEWS, url_of

JUN, FEB = date(2023, 6, 8), date(2023, 2, 14)
SCOPES = [Scope(None, None, JUN), Scope("150200", None, JUN), Scope("150200", "P005", JUN)]
SCOPE_IDS = ["region", "league", "park"]
LEDGER_NAMES = {
    "pending_approval": "待批项目",
    "idle_fund": "沉淀资金",
    "land": "土地",
    "infrastructure": "基础设施",
    "stalled": "停产企业和停建项目",
    "indicator": "园区指标",
}
needs_chromium = pytest.mark.skipif(export_problem() is not None, reason=f"服务器端导出不可用：{export_problem()}")


def sql(db: Path, text: str, **params) -> pd.DataFrame:
    con = duckdb.connect(str(db))
    try:
        return con.execute(text, params).df()
    finally:
        con.close()


# Each item found by $d in the scope, with rectified (status 已整改/已销号 on $d) and overdue, by its own SQL.
ITEMS = """
with last as (
    select item_id, status from item_event where event_date <= $d
    qualify row_number() over (partition by item_id order by seq desc) = 1
),
items as (
    select i.*, p.league_code,
           coalesce(last.status in ('已整改', '已销号'), false) as done,
           not coalesce(last.status in ('已整改', '已销号'), false) and i.deadline < $d as late
    from item i join park p on p.park_id = i.park_id left join last on last.item_id = i.item_id
    where i.found_date <= $d and ($league is null or p.league_code = $league) and ($park is null or i.park_id = $park)
)
"""


def ledger_counts(db: Path, day: date, league: str | None = None, park: str | None = None) -> pd.DataFrame:
    return sql(
        db,
        ITEMS + "select ledger, count(*) as found, count(*) filter (where done) as rectified, "
        "count(*) filter (where late) as overdue from items group by ledger",
        d=day,
        league=league,
        park=park,
    ).set_index("ledger")


def bulletin_text(number: int = 16, asof: date = JUN, previous: date = FEB) -> tuple[str, Document]:
    document = Document(io.BytesIO(bulletin_for(number, asof, previous)))
    return "\n".join(p.text for p in document.paragraphs), document


# 要情通报 --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("n", "words"),
    [(1, "一"), (10, "十"), (16, "十六"), (17, "十七"), (20, "二十"), (21, "二十一"), (100, "一百"), (105, "一百零五")],
)
def test_bulletin_numbers_are_written_in_chinese(n: int, words: str) -> None:
    assert chinese_number(n) == words


@pytest.mark.parametrize(
    ("asof", "previous"),
    [
        (JUN, FEB),
        (FEB, date(2022, 11, 15)),
        (date(2025, 12, 25), date(2025, 9, 25)),
        (date(2022, 7, 20), date(2022, 7, 1)),
    ],
)
def test_previous_bulletin_defaults_to_the_published_one_or_three_months_earlier(asof: date, previous: date) -> None:
    assert default_previous(asof, date(2022, 7, 1)) == previous


def test_bulletin_of_june_2023_states_the_published_figures_of_issue_sixteen() -> None:
    text, _ = bulletin_text()
    assert "第十六期" in text and "2023年6月8日" in text and "演示数据" in text
    assert "闲置土地发现" in text and "已处置160宗、880.5公顷，面积盘活率95.9%" in text
    assert "收回上缴16,368.8万元" in text
    assert "已办结127个、350项" in text
    assert "长期停产企业发现" in text and "已盘活112户" in text and "盘活占地1,186.0公顷" in text


def test_bulletin_idle_land_equals_independent_sql(demo_db: Path) -> None:
    text, _ = bulletin_text()
    land = sql(
        demo_db,
        ITEMS + "select count(*) as found, sum(l.area_mu) / 15 as found_ha, count(*) filter (where done) as done, "
        "sum(l.area_mu) filter (where done) / 15 as done_ha from items join land l using (item_id) "
        "where l.land_kind = '闲置土地'",
        d=JUN,
        league=None,
        park=None,
    ).iloc[0]
    found, done = f"{int(land.found)}宗、{land.found_ha:,.1f}公顷", f"{int(land.done)}宗、{land.done_ha:,.1f}公顷"
    assert f"闲置土地发现{found}，已处置{done}" in text


def test_bulletin_lead_and_ledger_table_equal_independent_sql(demo_db: Path) -> None:
    text, document = bulletin_text()
    now, before = ledger_counts(demo_db, JUN), ledger_counts(demo_db, FEB)
    found, rectified, overdue = int(now.found.sum()), int(now.rectified.sum()), int(now.overdue.sum())
    assert f"共排查发现问题{found}项，已整改{rectified}项" in text
    assert f"新增整改{rectified - int(before.rectified.sum())}项" in text
    assert f"其中超期未整改{overdue}项" in text
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["台账", "发现(项)", "已整改(项)"]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    for ledger, name in LEDGER_NAMES.items():
        expected_found, expected_rectified = int(now.at[ledger, "found"]), int(now.at[ledger, "rectified"])
        new = expected_rectified - int(before.at[ledger, "rectified"])
        assert rows[name][1:3] == [str(expected_found), str(expected_rectified)]
        assert rows[name][4:] == [f"{new:+d}", str(int(now.at[ledger, "overdue"]))]


def test_bulletin_change_table_counts_enterprises_in_households_like_independent_sql(demo_db: Path) -> None:
    _, document = bulletin_text()
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in document.tables[1].rows[1:]}
    counts = {
        day: sql(
            demo_db,
            ITEMS + "select count(*) filter (where done) as done, sum(s.land_mu) filter (where done) / 15 as ha "
            "from items join stalled s using (item_id) where s.kind = '停产企业' and not s.zombie",
            d=day,
            league=None,
            park=None,
        ).iloc[0]
        for day in (FEB, JUN)
    }
    before, now = counts[FEB], counts[JUN]
    done_before, done_now = int(before.done), int(now.done)
    assert rows["长期停产企业"][1:4] == [f"{done_before}户", f"{done_now}户", f"{done_now - done_before:+d}户"]
    assert rows["长期停产企业"][4:] == [f"{now.ha:,.1f}公顷", f"{now.ha - before.ha:+,.1f}公顷"]


def test_bulletin_names_every_lagging_league_and_next_steps() -> None:
    text, _ = bulletin_text()
    lagging = lagging_leagues(queries.supervision_summary(Scope(None, None, JUN)), LagRules())
    assert not lagging.empty
    assert f"本期有{len(lagging)}个盟市进展滞后" in text
    for name in lagging.league_name:
        assert f"{name}：发现问题" in text
    assert "四、下一步工作" in text and "持续推进长效盘活" in text


def test_bulletin_during_concentrated_rectification_asks_to_finish_by_year_end() -> None:
    text, _ = bulletin_text(9, date(2022, 11, 30), date(2022, 10, 31))
    assert "第九期" in text and "确保年底前完成集中整治任务" in text and "与2022年10月31日相比" in text


def test_bulletin_of_real_data_carries_no_demo_mark() -> None:
    now, before = Scope(None, None, JUN), Scope(None, None, FEB)
    document = Document(
        io.BytesIO(
            bulletin_docx(
                16,
                JUN,
                FEB,
                queries.ledger_kpis(now),
                queries.category_kpis(now),
                queries.ledger_kpis(before),
                queries.category_kpis(before),
                lagging_leagues(queries.supervision_summary(now), LagRules()),
                demo=False,
            )
        )
    )
    assert "演示数据" not in "\n".join(p.text for p in document.paragraphs)


def document_text(document: Document) -> str:
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_bulletin_is_on_a4_with_gbt_9704_margins_and_a_page_number_field_on_odd_and_even_pages() -> None:
    _, document = bulletin_text()
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]  # 版心 156 × 225 mm
    assert document.settings.odd_and_even_pages_header_footer
    for footer, alignment in ((section.footer, "RIGHT"), (section.even_page_footer, "LEFT")):
        xml = footer.paragraphs[0]._p.xml
        assert 'w:fldCharType="begin"' in xml and "PAGE" in xml and footer.paragraphs[0].alignment.name == alignment
        assert footer.paragraphs[0].text.startswith("— ") and footer.paragraphs[0].text.endswith(" —")
    body = next(p for p in document.paragraphs if p.text.startswith("截至"))
    run = body.runs[0]
    assert (
        run.font.size.pt == 16
        and run._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "仿宋"
    )  # 3号仿宋


@pytest.mark.parametrize("asof", [date(2022, 9, 5), date(2022, 12, 25), JUN, date(2023, 8, 31)], ids=str)
def test_bulletin_writes_no_space_between_a_number_and_its_unit(asof: date) -> None:
    document = Document(io.BytesIO(bulletin_for(16, asof, default_previous(asof, date(2022, 7, 1)))))
    text = document_text(document)
    assert "934 项" not in text
    spaced = re.findall(r"\d[ \u00a0\u3000]+[\u4e00-\u9fff%]|[\u4e00-\u9fff][ \u00a0\u3000]+[\d+-]", text)
    assert spaced == [], spaced


def test_every_lagging_league_in_the_bulletin_is_stated_in_numbers() -> None:
    """The 4th and 5th lagging leagues too: each line gives the league's found, rectified, rate, overdue."""
    text, _ = bulletin_text()
    summary = queries.supervision_summary(Scope(None, None, JUN)).set_index("league_name")
    lagging = lagging_leagues(queries.supervision_summary(Scope(None, None, JUN)), LagRules())
    assert len(lagging) >= 5
    for n, name in enumerate(lagging.league_name, start=1):
        row = summary.loc[name]
        line = next(line for line in text.splitlines() if line.startswith(f"{n}.{name}："))
        assert f"发现问题{int(row.found)}项，已整改{int(row.rectified)}项" in line
        assert f"超期未整改{int(row.overdue)}项" in line and "通报原因：" in line
        assert re.search(r"通报原因：.*\d", line), line  # the reason itself carries a number


def test_survey_lapses_are_listed_only_while_still_outstanding_on_the_date(demo_db: Path) -> None:
    """A park that filed its 自查台账 late counts while it has not filed; a year later it is no reason any more."""
    for day in (date(2022, 9, 5), JUN, date(2023, 8, 31)):
        expected = sql(
            demo_db,
            "select p.league_code, count(*) filter (where f.filed_date is null or f.filed_date > $d) as unfiled "
            "from park p left join park_filing f using (park_id) group by p.league_code",
            d=day,
        ).set_index("league_code")["unfiled"]
        open_steps = sql(
            demo_db,
            "select league_code, count(*) filter (where planned_date < $d and (done_date is null or done_date > $d))"
            " as open from league_milestone group by league_code",
            d=day,
        ).set_index("league_code")["open"]
        summary = queries.supervision_summary(Scope(None, None, day)).set_index("league_code")
        assert summary.parks_unfiled.to_dict() == expected.reindex(summary.index).to_dict()
        assert summary.milestones_open.to_dict() == open_steps.reindex(summary.index, fill_value=0).to_dict()
    late = sql(demo_db, "select count(*) as n from park_filing where filed_date > date '2022-08-31'").n.iloc[0]
    never = sql(demo_db, "select count(*) as n from park where park_id not in (select park_id from park_filing)")
    year_later = queries.supervision_summary(Scope(None, None, date(2023, 8, 31)))
    assert late > 0 and year_later.parks_unfiled.sum() == never.n.iloc[0]  # the late filers are no longer listed


# 汇报材料 --------------------------------------------------------------------------------------------
def blank_chart(fig, width: int = IMAGE_PIXELS[0], height: int = IMAGE_PIXELS[1]) -> bytes:
    """Stands in for the browser where a test checks the slides' text only."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


def slide_texts(deck: Presentation) -> list[str]:
    return [
        "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text)
        for slide in deck.slides
    ]


@pytest.mark.parametrize("scope", SCOPES, ids=SCOPE_IDS)
def test_deck_has_six_16_by_9_slides_each_with_its_footnote(scope: Scope) -> None:
    stamp, cards, slides = deck_content(scope)
    deck = Presentation(io.BytesIO(briefing_deck(stamp, cards, slides, render=blank_chart)))
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    texts = slide_texts(deck)
    assert len(texts) == 6
    for text in texts:
        assert "数据来源" in text and "数据截至：2023-06-08" in text and "演示数据" in text
    assert stamp.scope_label in texts[0] and "2023年6月8日" in texts[0]
    assert [t.split("\n")[0] for t in texts[2:]] == [s.title for s in slides]


@pytest.mark.parametrize("scope", SCOPES, ids=SCOPE_IDS)
def test_deck_kpi_slide_numbers_equal_independent_sql(demo_db: Path, scope: Scope) -> None:
    stamp, cards, slides = deck_content(scope)
    deck = Presentation(io.BytesIO(briefing_deck(stamp, cards, slides, render=blank_chart)))
    cards_text = {
        s.text_frame.text.split("\n")[0]: s.text_frame.text
        for s in deck.slides[1].shapes
        if s.has_text_frame and s.text_frame.text.split("\n")[0] in LEDGER_NAMES.values()
    }
    expected = ledger_counts(demo_db, scope.asof, scope.league, scope.park)
    assert len(cards_text) == 6
    for ledger, name in LEDGER_NAMES.items():
        found = int(expected.found.get(ledger, 0))
        rectified = int(expected.rectified.get(ledger, 0))
        assert f"发现 {found} 项　已整改 {rectified} 项" in cards_text[name]
    total = f"合计：发现 {int(expected.found.sum())} 项，已整改 {int(expected.rectified.sum())} 项"
    assert total in slide_texts(deck)[1]


def test_deck_at_park_scope_compares_the_parks_of_its_league() -> None:
    _, _, slides = deck_content(SCOPES[2])
    assert slides[1].title == "包头市各园区整改完成率"
    assert slides[1].stamp.scope_label == "包头市"
    assert "包头市 › " in slides[0].stamp.scope_label


@needs_chromium
def test_deck_with_rendered_charts_holds_one_sharp_picture_per_chart_slide() -> None:
    stamp, cards, slides = deck_content(SCOPES[0])
    deck = Presentation(io.BytesIO(briefing_deck(stamp, cards, slides)))
    pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 4
    for picture in pictures:
        image = Image.open(io.BytesIO(picture.image.blob))
        assert image.size == (IMAGE_PIXELS[0] * 3, IMAGE_PIXELS[1] * 3)
        assert len(image.convert("RGB").getcolors(maxcolors=1_000_000) or []) > 50


# The page --------------------------------------------------------------------------------------------
def page(view: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/briefing.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.query_params["view"] = url_of(BRIEFING_VIEWS, view)
    return at.run()


@pytest.mark.parametrize("view", ["要情通报", "汇报材料"])
@pytest.mark.parametrize("scope", SCOPES, ids=SCOPE_IDS)
def test_briefing_page_renders_both_views_at_every_scope(view: str, scope: Scope) -> None:
    at = page(view, **scope.query_params())
    assert not at.exception
    assert any("演示数据" in info.value for info in at.info)


@pytest.mark.parametrize("scope", SCOPES[:2], ids=SCOPE_IDS[:2])
def test_bulletin_view_shows_the_region_figures_even_at_league_scope(demo_db: Path, scope: Scope) -> None:
    at = page("要情通报", **scope.query_params())
    expected = ledger_counts(demo_db, JUN)
    shown = next(m.value for m in at.markdown if "全区发现问题" in m.value)
    numbers = [int(n) for n in re.findall(r"\*\*(\d+)\*\*", shown)]
    assert numbers[:2] == [int(expected.found.sum()), int(expected.rectified.sum())]
    assert "第十六期" in shown
    assert "briefing_bulletin" in [b.key for b in at.get("download_button")]


def test_deck_view_lists_the_six_slides_and_offers_the_deck_when_export_works() -> None:
    at = page("汇报材料", league="150200", asof="2023-06-08")
    listing = next(m.value for m in at.markdown if "汇报材料" in m.value)
    assert "共 6 页" in listing and "包头市各园区整改完成率" in listing
    keys = [b.key for b in at.get("download_button")]
    if export_problem() is None:
        assert "briefing_deck" in keys and "briefing_preview_png" in keys
    else:
        assert "briefing_deck" not in keys


def test_deck_view_says_what_is_missing_instead_of_a_broken_deck(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    at = page("汇报材料", asof="2023-06-08")
    assert not at.exception
    assert "briefing_deck" not in [b.key for b in at.get("download_button")]
    assert any("BROWSER_PATH" in w.value for w in at.warning)


# Issue 24: how the bulletin words its numbers, the change section's sentence, 期数 and 文号 --------------------------
def lagging_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(r"\d+\.\S+?(盟|市)：发现问题", line)]


@pytest.mark.parametrize("asof", [date(2022, 12, 31), JUN, date(2024, 6, 28)], ids=str)
def test_bulletin_compares_a_league_rate_with_the_region_in_brackets(asof: date) -> None:
    text, _ = bulletin_text(17, asof, default_previous(asof, date(2022, 7, 1)))
    region = queries.supervision_summary(Scope(None, None, asof)).region_rate.iloc[0]
    assert not re.search(r"低于全区\d", text)  # was: 低于全区81.6%17.7个百分点
    compared = re.findall(r"比全区（(\d+\.\d%)）低(\d+\.\d)个百分点", text)
    assert compared and {share for share, _ in compared} == {f"{region * 100:.1f}%"}


def test_each_lagging_league_states_its_rate_and_overdue_count_once() -> None:
    text, _ = bulletin_text()
    summary = queries.supervision_summary(Scope(None, None, JUN)).set_index("league_name")
    lines = lagging_lines(text)
    assert len(lines) == len(lagging_leagues(summary.reset_index(), LagRules()))
    for line in lines:
        name = line.split("：")[0].split(".", 1)[1]
        rate = f"{summary.at[name, 'completion_rate'] * 100:.1f}%"
        assert line.count(rate) == 1, line
        assert line.count(f"超期未整改{int(summary.at[name, 'overdue'])}项") == 1, line
        assert line.count(f"{summary.at[name, 'region_rate'] * 100:.1f}%") <= 1, line


def test_change_section_opens_with_a_sentence_that_sums_up_its_table(demo_db: Path) -> None:
    _, document = bulletin_text()
    paragraphs = [p.text for p in document.paragraphs]
    heading = next(n for n, p in enumerate(paragraphs) if p.startswith("二、较上期"))
    lead = paragraphs[heading + 1]
    done = {d: ledger_counts(demo_db, d).rectified.sum() for d in (JUN, FEB)}
    assert lead.startswith("与2023年2月14日相比") and f"新增整改{done[JUN] - done[FEB]}项" in lead
    assert "较多的是" in lead and lead.endswith("各类别变化见下表。")
    # and the table follows that sentence, before section 三
    body = document.element.body
    order = [child.tag.rsplit("}", 1)[1] for child in body.iterchildren()]
    texts = ["".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")) for child in body.iterchildren()]
    at = texts.index(lead)
    assert order[at + 1] == "tbl"


@pytest.mark.parametrize("asof", [date(2022, 9, 5), date(2022, 12, 31), JUN, date(2025, 12, 30)], ids=str)
def test_every_percentage_in_the_bulletin_has_one_decimal(asof: date) -> None:
    text = document_text(Document(io.BytesIO(bulletin_for(17, asof, default_previous(asof, date(2022, 7, 1))))))
    shares = re.findall(r"[\d.]+%", text)
    assert shares and [s for s in shares if not re.fullmatch(r"\d+\.\d%", s)] == []


def test_bulletin_prints_the_doc_number_under_the_issue_number() -> None:
    document = Document(io.BytesIO(bulletin_for(17, date(2023, 6, 30), JUN, "内园建办〔2023〕17号")))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[paragraphs.index("第十七期") + 1] == "内园建办〔2023〕17号"
    without = [p.text for p in Document(io.BytesIO(bulletin_for(17, date(2023, 6, 30), JUN))).paragraphs]
    assert "〔2023〕17号" not in "".join(without) and without[without.index("第十七期") + 1].startswith("自治区")


def deferred_downloads(monkeypatch: pytest.MonkeyPatch) -> dict:
    """file id -> the callable behind each download button made on click (what the browser's click runs)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: dict = {}
    original = MediaFileManager.add_deferred

    def add(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        made[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add)
    return made


def test_issue_number_defaults_to_the_next_after_the_last_issued_and_a_download_registers_it(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auth import issued, store
    from tests.conftest import copy_database, read_database

    db = read_database(copy_database(demo_db, tmp_path / "copy"), monkeypatch)
    made = deferred_downloads(monkeypatch)
    assert page("要情通报", asof="2023-06-08").number_input[0].value == 16  # the published 第十六期 itself
    at = page("要情通报", asof="2023-06-30")
    assert at.number_input[0].value == 17  # the next after 第十六期, not 16 for every date
    assert not any("已印发过" in c.value for c in at.caption)  # nothing issued for this date yet
    at.text_input[0].set_value("内园建办〔2023〕17号").run()
    button = next(b for b in at.get("download_button") if b.key == "briefing_bulletin")
    content = made[button.proto.deferred_file_id]()  # the browser's click
    paragraphs = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert "第十七期" in paragraphs and "内园建办〔2023〕17号" in paragraphs
    last = issued.issues(store.auth_path(db))[-1]
    assert (last.number, last.doc_number, last.asof, last.username) == (17, "内园建办〔2023〕17号", date(2023, 6, 30),
                                                                        "demo-admin")  # fmt: skip
    audit = store.audit_rows(store.auth_path(db), action="bulletin_issue")
    assert audit and "第17期" in audit[0]["detail"] and "内园建办〔2023〕17号" in audit[0]["detail"]
    again = page("要情通报", asof="2023-07-31")
    assert again.number_input[0].value == 18
    assert any("最近一期：第十七期" in c.value and "内园建办〔2023〕17号" in c.value for c in again.caption)
    same_day = page("要情通报", asof="2023-06-30")  # reopening an issued date offers that issue again
    assert same_day.number_input[0].value == 17 and same_day.text_input[0].value == "内园建办〔2023〕17号"
    published = page("要情通报", asof="2023-06-08")  # 第十六期 was issued for this date, and 第十七期 since
    assert published.number_input[0].value == 16
    assert any("该日期已印发过第十六期" in c.value for c in published.caption)
