"""会议模式: every slide renders at every scope, its numbers equal SQL of its own and the desk pages', the URL sets the
interval and theme (bad values fall back), a database swap shows on the next turn, clicks drill, the deck matches."""

import io
import itertools
import re
import shutil
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

import queries
from auth.roles import Action
from charts import meeting as mt
from ledger import rules, spans
from queries.db import acting_as
from queries.scope import Scope
from reports.counted_once import counted_once_sentence
from reports.deck import slides_deck
from reports.meeting_deck import MEETING, meeting_deck, meeting_keys
from reports.stamp import stamp
from tests import test_browser
from tests.conftest import DEMO_USERS, ROOT, read_database, session_token
from tests.test_auth import forbidden_names, page_text
from tests.test_briefing import blank_chart, slide_texts
from tests.test_browser import CHROMIUM, SHOTS, signed_in_page
from tests.test_pages import independent_counts, selection
from ui.url_state import PROGRESS_VIEWS, url_of

JUN = "2023-06-08"
SCOPES = [{}, {"league": "150200"}, {"league": "150200", "park": "P005"}]
SCOPE_IDS = ["region", "league", "park"]
KEYS = list(MEETING)
server = test_browser.server  # the running app, as a fixture here too (chromium: conftest.py)


def meeting(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/meeting.py"), default_timeout=60)
    for key, value in {"asof": JUN, **params}.items():
        at.query_params[key] = value
    return at.run()


def turn(at: AppTest, seconds_ago: float = 10_000) -> AppTest:
    """The next run as the timer's: the slide went up seconds_ago."""
    at.session_state["meeting_turned"] = time.monotonic() - seconds_ago
    return at.run()


def html(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def title(at: AppTest) -> str:
    return re.search(r'class="mt-title">([^<]+)<', html(at)).group(1)


def figures(at: AppTest) -> dict[str, str]:
    """Headline figures by label."""
    pairs = re.findall(r'class="mt-value[^"]*">([^<]+)</div><div class="mt-label" title="[^"]*">([^<]+)<', html(at))
    return {label: value for value, label in pairs}


@pytest.mark.parametrize("params", SCOPES[:2], ids=SCOPE_IDS[:2])  # the park scope: tests/test_pages.py
def test_every_slide_renders_with_title_scope_date_source_and_demo_mark(params: dict) -> None:
    at = meeting(**params)
    seen = []
    for n in range(len(KEYS)):
        assert not at.exception
        text = html(at)
        assert f"第 {n + 1}/{len(KEYS)} 页" in text and "数据截至 2023-06-08" in text
        assert 'class="mt-demo">演示数据' in text and "数据来源：开发区闲置资源要素大起底台账（演示数据）" in text
        assert ("范围：全区" if not params else "范围：包头市") in text
        assert at.query_params["slide"] == str(n + 1)
        seen.append(title(at))
        turn(at)
    assert title(at) == seen[0]  # after the last slide, the first again
    compared = "包头市各园区整改完成率" if params else "各盟市整改完成率"
    assert seen[:3] == ["六本台账整改进展", "整治进度：各阶段计划与实际", compared]
    assert seen[-1] == "督导通报：进展滞后盟市"


@pytest.mark.parametrize(("asof", "league"), [(JUN, None), ("2022-12-31", "150700")])
def test_kpi_slide_numbers_equal_independent_sql(demo_db: Path, asof: str, league: str | None) -> None:
    at = meeting(asof=asof, **({"league": league} if league else {}))
    expected = independent_counts(demo_db, date.fromisoformat(asof), league)
    found, rectified, overdue = (sum(v[i] for v in expected.values()) for i in range(3))
    shown = figures(at)
    assert shown["发现问题（项）"] == f"{found:,}" and shown["已整改（项）"] == f"{rectified:,}"
    assert shown["超期未整改（项）"] == f"{overdue:,}"
    assert shown["整改完成率"] == f"{rectified / found * 100:.1f}%"
    cards = html(at)
    for found_n, rectified_n, _ in expected.values():
        assert f"发现 {found_n} 项　已整改 {rectified_n} 项" in cards


def counted_once_figures(demo_db: Path, asof: date, league: str | None) -> tuple[str, str]:
    """The counted-once sentence's land figures (counted once; the double counting removed and its parcels, or that
    there is none), recomputed from the raw rows by tests/test_counted_once.py's independent arithmetic."""
    from tests.test_counted_once import recomputed

    with rules.install(duckdb.connect(str(demo_db), read_only=True)) as con:
        figures = recomputed(con, league, asof)
    reported, once, shared = figures["盘活土地"]
    removed = (
        f"已剔除重复计算的土地{(reported - once) / 15:,.1f}公顷（{shared}宗地块重复登记）"
        if reported > once
        else "，各台账无重复计算。"
    )
    assert (reported > once) == any(r > o for r, o, _ in figures.values())  # no energy or water removed in the demo
    return f"已整改问题盘活土地{once / 15:,.1f}公顷", removed


@pytest.mark.parametrize("league", [None, "150100", "150200"])  # 呼和浩特: one parcel twice; 包头: none
def test_kpi_slide_and_its_deck_count_each_parcel_once_as_independent_sql_does(
    engine: str, demo_db: Path, league: str | None
) -> None:
    """The land the cards call 盘活 is quoted counted once, with the double counting removed: the 要情通报's sentence
    on screen and in the 会议材料 .pptx, on both stores."""
    scope = Scope(league, None, date.fromisoformat(JUN))
    counted, removed = counted_once_figures(demo_db, scope.asof, league)
    sentence = counted_once_sentence(queries.counted_once(scope))
    assert counted in sentence and removed in sentence
    notes = re.findall(r'class="mt-body mt-note">([^<]+)<', html(meeting(**({"league": league} if league else {}))))
    assert notes == [sentence]
    deck = Presentation(io.BytesIO(meeting_deck(scope, ["kpis"], render=blank_chart)))
    assert sentence in slide_texts(deck)[1].split("\n")


def desk(script: str, view_key: str, view: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    for key, value in {"asof": JUN, **params}.items():
        at.query_params[key] = value
    at.query_params["view"] = url_of(PROGRESS_VIEWS, view)  # the view lives in the link
    return at.run()


def at_slide(key: str, **params: str) -> AppTest:
    return meeting(slide=str(KEYS.index(key) + 1), **params)


@pytest.mark.parametrize("params", SCOPES[:2], ids=SCOPE_IDS[:2])
def test_phase_overdue_and_lagging_slides_equal_the_progress_page(params: dict) -> None:
    progress = desk("pages/progress.py", "progress_view", "阶段进度", **params)
    plan = [m.value for m in progress.metric]
    phases = list(figures(at_slide("phases", **params)))
    values = [figures(at_slide("phases", **params))[label] for label in phases]
    assert [v.rsplit(" ", 1)[0] for v in values] == [p.replace(" / ", "/") for p in plan]

    listed = desk("pages/progress.py", "progress_view", "超期清单", **params)
    count = re.search(r"仍未整改 \*\*(\d+)\*\* 项", "".join(m.value for m in listed.markdown)).group(1)
    assert figures(at_slide("overdue", **params))["超期未整改（项）"] == count

    notice = desk("pages/progress.py", "progress_view", "督导通报", **params)
    lagging = re.search(r"本期应通报盟市：(\d+) 个", "".join(m.value for m in notice.markdown)).group(1)
    slide = at_slide("lagging", **params)
    assert figures(slide)["本期应通报盟市（个）"] == lagging
    for line in (m.value for m in notice.markdown if m.value.startswith("- **")):
        name = re.match(r"- \*\*(.+?)\*\*", line).group(1)
        assert name in html(slide)


def test_comparison_slide_equals_the_overview_chart() -> None:
    overview = AppTest.from_file(str(ROOT / "pages/overview.py"), default_timeout=60)
    overview.query_params["asof"] = JUN
    overview.run()
    bars = {row["盟市"]: row["完成率"] for row in overview.dataframe[0].value.to_dict("records")}  # in percent
    shown = figures(at_slide("compare"))
    best = max(bars, key=bars.get)
    assert shown[f"最高：{best}"] == f"{bars[best]:.1f}%"
    worst = min(bars, key=bars.get)
    assert shown[f"最低：{worst}"] == f"{bars[worst]:.1f}%"


@pytest.mark.parametrize(
    ("params", "interval", "dark"), [({"interval": "30", "theme": "dark"}, 30, True), ({}, 20, False)]
)
def test_turn_interval_and_theme_come_from_the_url(params: dict, interval: int, dark: bool) -> None:
    at = meeting(**params)
    assert ("#0b1726" in at.get("html")[0].proto.body) is dark
    turn(at, interval - 2)
    assert at.session_state["meeting_slide"] == 0  # not yet
    turn(at, interval + 0.1)
    assert at.session_state["meeting_slide"] == 1
    assert not [m for m in at.markdown if "mt-notice" in m.value]


@pytest.mark.parametrize(
    ("raw", "interval", "theme", "slide", "words"),
    [
        ({"interval": "45", "theme": "DARK", "slide": "3"}, 45, "dark", 2, ""),
        ({"interval": "abc"}, 20, "light", 0, "翻页间隔“abc”无效（应为 5–600 秒），已按 20 秒翻页"),
        ({"interval": "2"}, 20, "light", 0, "翻页间隔“2”无效"),
        ({"interval": "12.5"}, 12, "light", 0, ""),
        ({"theme": "blue"}, 20, "light", 0, "主题“blue”无效"),
        ({"slide": "0"}, 20, "light", 0, f"页码“0”无效（共 {len(KEYS)} 页）"),  # 8 since the 动态管理 slide
        ({"slide": "九"}, 20, "light", 0, "页码“九”无效"),
    ],
)
def test_url_options_are_read_and_bad_ones_fall_back(raw: dict, interval: int, theme: str, slide: int, words: str):
    chosen = mt.options(raw, len(KEYS))
    assert (chosen.interval, chosen.theme, chosen.slide) == (interval, theme, slide)
    assert (words in chosen.notices[0]) if words else not chosen.notices


def test_bad_url_values_fall_back_with_chinese_notices_and_no_exception() -> None:
    at = meeting(interval="abc", theme="blue", slide="99", league="159999")
    assert not at.exception
    for words in ("翻页间隔“abc”无效", "主题“blue”无效", "页码“99”无效", "盟市代码“159999”不存在"):
        assert words in html(at)
    assert title(at) == "六本台账整改进展" and "#ffffff" in at.get("html")[0].proto.body and "范围：全区" in html(at)
    turn(at, 19)
    assert at.session_state["meeting_slide"] == 0
    turn(at, 20.1)
    assert at.session_state["meeting_slide"] == 1


def test_presenter_buttons_turn_and_pause() -> None:
    at = meeting()
    at.button(key="meeting_next").click().run()
    at.button(key="meeting_next").click().run()
    assert at.session_state["meeting_slide"] == 2 and at.query_params["slide"] == "3"
    at.button(key="meeting_prev").click().run()
    assert title(at) == "整治进度：各阶段计划与实际"
    at.button(key="meeting_pause").click().run()
    assert at.button(key="meeting_pause").label == "继续"
    turn(at)
    assert at.session_state["meeting_slide"] == 1  # paused: the slide stays


def test_a_slide_that_fails_says_so_in_chinese_and_the_meeting_turns_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(MEETING, "kpis", lambda scope: 1 / 0)
    at = meeting()
    assert not at.exception and "第 1 页暂时无法显示" in at.error[0].value
    assert at.button(key="meeting_next").label == "下一页"
    turn(at)
    assert title(at) == "整治进度：各阶段计划与实际" and not at.error


def close_an_overdue_item(path: Path, day: str) -> str:
    """What an import does: write a copy (one overdue item 已销号 on day) and swap it in with os.replace."""
    copy = path.with_suffix(".new")
    shutil.copy(path, copy)
    con = rules.install(duckdb.connect(str(copy)))
    item = con.execute(
        "select item_id from item where deadline < $d and found_date <= $d and item_id not in "
        "(select item_id from item_event where status in ('已整改', '已销号')) order by item_id limit 1",
        {"d": day},
    ).fetchone()[0]
    con.execute(
        "insert into item_event (item_id, seq, event_date, status, note) "
        "select item_id, max(seq) + 1, $d, '已销号', '会议期间销号' from item_event "
        "where item_id = $i group by item_id",
        {"d": day, "i": item},
    )
    spans.refresh(con, [item])
    con.close()
    copy.replace(path)
    return item


def test_a_database_change_shows_on_the_next_turn_without_restarting(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = read_database(shutil.copy(demo_db, tmp_path / "ledger.duckdb"), monkeypatch)
    at = meeting()
    at.button(key="meeting_pause").click().run()
    before = figures(at)
    close_an_overdue_item(path, JUN)
    turn(at)
    after = figures(at)
    assert int(after["已整改（项）"].replace(",", "")) == int(before["已整改（项）"].replace(",", "")) + 1
    assert int(after["超期未整改（项）"]) == int(before["超期未整改（项）"]) - 1
    assert at.session_state["meeting_slide"] == 0 and title(at) == "六本台账整改进展"


def test_clicking_a_league_drills_the_meeting_and_one_click_goes_back() -> None:
    at = at_slide("compare")
    at.session_state["meeting_compare_region"] = selection("150200")
    at.run()
    assert not at.exception
    assert at.query_params["league"] == "150200" and "范围：包头市" in html(at)
    assert title(at) == "包头市各园区整改完成率"  # the same slide, one level down
    at.button(key="meeting_up").click().run()
    assert "league" not in at.query_params and "范围：全区" in html(at)


@pytest.mark.parametrize("username", ["demo-150200", "demo-P005"])
def test_a_limited_users_meeting_shows_only_its_own_part_on_every_slide_and_in_the_deck(
    demo_db: Path, username: str
) -> None:
    user = DEMO_USERS[username]
    forbidden = forbidden_names(demo_db, user.allowed)
    at = AppTest.from_file(str(ROOT / "pages/meeting.py"), default_timeout=60)
    at.session_state["auth_token"] = session_token(username)
    at.query_params.update(league="150400", asof=JUN)  # a link to 赤峰市
    at.run()
    assert "您的账号只能查看" in html(at) and at.query_params["league"] == "150200"
    titles = []
    for _ in range(len(KEYS) - 1):  # no 督导通报 slide: it compares all 12 leagues
        assert not at.exception
        text = page_text(at)
        assert [name for name in forbidden if name in text] == [], title(at)
        titles.append(title(at))
        turn(at)
    assert titles[0] == "六本台账整改进展" and "督导通报：进展滞后盟市" not in titles and title(at) == titles[0]
    with acting_as(user):
        scope = Scope(None, None, date.fromisoformat(JUN))
        deck = Presentation(
            io.BytesIO(meeting_deck(scope, meeting_keys(user.may(Action.SEE_REGION)), render=blank_chart))
        )
    text = "\n".join(slide_texts(deck))
    assert [name for name in forbidden if name in text] == [] and "包头市" in text
    assert len(deck.slides) == len(KEYS)  # the title slide and six


@pytest.mark.user(None)
def test_an_anonymous_visitor_of_the_meeting_gets_only_the_sign_in_form() -> None:
    at = meeting()
    assert not at.exception
    assert "mt-title" not in html(at) and not at.get("plotly_chart")
    assert [t.label for t in at.text_input] == ["用户名", "密码"]


def test_every_desk_page_header_links_to_the_meeting_with_its_scope() -> None:
    at = AppTest.from_file(str(ROOT / "pages/progress.py"), default_timeout=60)
    at.query_params.update(league="150200", asof=JUN)
    at.run()
    links = [b for b in at.get("link_button") if b.proto.label == "会议模式"]
    assert [b.proto.url for b in links] == ["meeting?league=150200&asof=2023-06-08"]


def test_meeting_deck_holds_the_meeting_slides_with_their_footnotes() -> None:
    scope = Scope(None, None, date.fromisoformat(JUN))
    slides = [build(scope) for build in MEETING.values()]
    deck = Presentation(io.BytesIO(slides_deck(stamp(scope), slides, render=blank_chart)))
    texts = slide_texts(deck)
    assert len(texts) == 1 + len(KEYS)
    assert [t.split("\n")[0] for t in texts[1:]] == [s.title for s in slides]
    for text, slide in zip(texts[1:], slides, strict=True):
        assert "数据截至：2023-06-08" in text and "演示数据" in text
        for headline in slide.headlines[:2]:
            assert f"{headline.label} {headline.value}" in text or slide.cards
    tables = [s for s in deck.slides[-1].shapes if s.has_table]
    assert len(tables) == 1 and tables[0].table.cell(0, 0).text == "盟市"


# In chromium ------------------------------------------------------------------------------------------
MEASURE = """() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left,
    right: r.right, name: e.className.baseVal ?? e.className}; };
  const size = (sel) => [...document.querySelectorAll(sel)].filter(e => e.textContent.trim())
    .map(e => parseFloat(getComputedStyle(e).fontSize));
  const sidebar = document.querySelector('[data-testid=stSidebar]');
  const parts = ['.mt-head', '.mt-figures', '.mt-cards', '.mt-table', '.mt-note', '[data-testid=stPlotlyChart]',
                 '.st-key-meeting_controls'].flatMap(s => [...document.querySelectorAll(s)]).map(box);
  const scroller = document.querySelector('[data-testid=stMain]');
  return {
    scrollHeight: Math.max(document.documentElement.scrollHeight, scroller.scrollHeight),
    scrollWidth: Math.max(document.documentElement.scrollWidth, scroller.scrollWidth),
    innerHeight, innerWidth,
    sidebar: sidebar ? sidebar.getBoundingClientRect().width : 0,
    header: !!document.querySelector('header[data-testid=stHeader]')?.getBoundingClientRect().height,
    headline: size('.mt-value'), body: size('.mt-body, .mt-label, .mt-foot, .mt-table td, .mt-table th, .mt-scope'),
    chart: size('.js-plotly-plot .xtick text, .js-plotly-plot .ytick text, .js-plotly-plot .legendtext'),
    labels: size('.js-plotly-plot text.bartext, .js-plotly-plot .annotation-text'),
    rows: [...document.querySelectorAll('.mt-table tr')].map(box),
    buttons: [...document.querySelectorAll('.st-key-meeting_controls button')].map(e => ({...box(e),
      text: e.innerText, scrollWidth: e.scrollWidth, clientWidth: e.clientWidth})),
    parts,
  };
}"""


SOURCE_FIRST = """() => [document.querySelector('.mt-foot').getBoundingClientRect().left,
  document.querySelector('.st-key-meeting_prev').getBoundingClientRect().left]"""
PROJECTORS = [(1920, 1080), (1366, 768), (1280, 720)]
PHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)


def lagging_count(asof: str) -> int:
    """Leagues the 督导通报 lists on asof (the server reads a copy of the same demo database)."""
    from charts.supervision import LagRules, lagging_leagues

    with acting_as(DEMO_USERS["demo-admin"]):
        summary = queries.supervision_summary(Scope(None, None, date.fromisoformat(asof)))
    return len(lagging_leagues(summary, LagRules()))


def walk(page, server: str, name: str, query: str, check) -> None:
    """Every slide of the meeting, from the first, a screenshot of each (screenshots/), check(n, measures) on each."""
    page.goto(f"{server}/meeting?asof=2023-06-08&interval=600{query}")
    SHOTS.mkdir(exist_ok=True)
    for n in range(1, len(KEYS) + 1):
        page.wait_for_selector(f".mt-foot[data-slide='{n}']", timeout=30_000)  # drawn last
        page.wait_for_selector(".mt-cards, .js-plotly-plot .main-svg, .mt-table, .mt-value", timeout=30_000)
        page.wait_for_timeout(400)  # plotly finishes drawing
        page.screenshot(path=str(SHOTS / f"meeting_{name}_{n}.png"), full_page=True)
        check(n, page.evaluate(MEASURE))
        assert page.locator("[data-testid=stException]").count() == 0
        page.locator(".st-key-meeting_next button").click()
    page.wait_for_function(f"document.querySelector('.mt-scope')?.innerText.includes('第 1/{len(KEYS)} 页')")


def no_overlap(n: int, parts: list[dict]) -> None:
    parts = sorted(parts, key=lambda p: p["top"])
    for upper, lower in itertools.pairwise(parts):  # one below the other, none cut off, none under the buttons
        assert upper["bottom"] <= lower["top"] + 1, (n, upper, lower)


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize("size", PROJECTORS, ids=[f"{w}x{h}" for w, h in PROJECTORS])
@pytest.mark.parametrize(("name", "query"), [("region", ""), ("league", "&league=150200&theme=dark")])
def test_meeting_fits_a_projector_with_nothing_cut_or_overlapping_on_every_slide(
    server, browser, size, name, query
) -> None:
    """At 1920 × 1080 and on 1366 × 768 and 1280 × 720 projectors: no scrollbar, every part of a slide below the
    other and above the presenter's buttons, type in proportion to the screen (1 slide pixel = the screen's width /
    1920), chart labels at least the body size, every lagging league in the 督导通报 table, a way out."""
    width, height = size
    u = min(width / 1920, height / 1080)
    page = signed_in_page(browser, server, viewport={"width": width, "height": height})
    lagging = lagging_count("2023-06-08")

    def check(n: int, m: dict) -> None:
        assert m["scrollHeight"] <= m["innerHeight"] and m["scrollWidth"] <= m["innerWidth"], n
        assert m["sidebar"] == 0 and not m["header"]
        assert m["headline"] and min(m["headline"]) >= 64 * u - 0.5, (n, m["headline"])
        assert m["body"] and min(m["body"]) >= 24 * u - 0.5, (n, m["body"])
        assert min(m["chart"], default=24) >= 24 * u - 0.5, (n, m["chart"])
        assert min(m["labels"], default=24) >= 24 * u - 0.5, (n, m["labels"])  # bar and value labels
        no_overlap(n, m["parts"])
        assert all(p["bottom"] <= m["innerHeight"] and p["right"] <= m["innerWidth"] for p in m["parts"]), n
        for button in m["buttons"]:  # whole, not cut to "会议…"
            assert button["scrollWidth"] <= button["clientWidth"] + 1 and button["right"] <= m["innerWidth"], button
        assert any("退出会议模式" in b["text"] for b in m["buttons"])
        if (
            KEYS[n - 1] == "lagging"
        ):  # the 督导通报: a header and every lagging league (the region's), above the buttons
            controls = next(p for p in m["parts"] if "meeting_controls" in str(p["name"]))
            assert name != "region" or len(m["rows"]) == lagging + 1, (n, m["rows"])
            assert m["rows"][-1]["bottom"] <= controls["top"], (n, m["rows"])
        order = page.evaluate(SOURCE_FIRST)
        assert order[0] < order[1], "the footnote stands left of the buttons"

    walk(page, server, f"{name}_{width}x{height}", query, check)
    assert "slide=1" in page.url and ("league=150200" in page.url) is (name == "league")
    if name == "region":  # a click on a league's bar drills the whole meeting; its parks' labels keep the body size
        for n in (2, 3):
            page.keyboard.press("ArrowRight")
            page.wait_for_selector(f".mt-foot[data-slide='{n}']", timeout=30_000)
        page.wait_for_selector(".js-plotly-plot .point path", timeout=30_000)
        bar = page.locator(".js-plotly-plot .point path").first.bounding_box()
        page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
        page.wait_for_url("**league=*", timeout=15_000)
        page.wait_for_function(  # the first bar is the league with the highest rate, whichever it is
            "(s => s && s.includes('范围：') && !s.includes('范围：全区'))"
            "(document.querySelector('.mt-scope')?.innerText)"
        )
        page.wait_for_selector(".js-plotly-plot text.bartext", timeout=30_000)
        page.wait_for_timeout(400)
        page.screenshot(path=str(SHOTS / f"meeting_drill_{width}x{height}.png"))
        m = page.evaluate(MEASURE)
        assert m["labels"] and min(m["labels"]) >= 24 * u - 0.5, m["labels"]
        no_overlap(3, m["parts"])
        page.get_by_role("button", name="退出会议模式").click()  # back to the desk pages, the same scope
        page.wait_for_function("!location.pathname.includes('meeting') && location.search.includes('league=')")
        page.wait_for_selector("[data-testid=stSidebar]", timeout=15_000)  # the desk pages' frame, 总览 first
        page.wait_for_selector("h1:has-text('总览')", timeout=15_000)
    page.close()


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (apt-get install chromium)")
def test_meeting_on_a_phone_is_one_readable_column_that_scrolls(server, browser) -> None:
    page = signed_in_page(
        browser, server, viewport={"width": 390, "height": 844}, user_agent=PHONE_UA, is_mobile=True, has_touch=True
    )
    lagging = lagging_count("2023-06-08")

    def check(n: int, m: dict) -> None:
        assert m["scrollWidth"] <= m["innerWidth"], n  # nothing wider than the phone
        assert all(p["right"] <= m["innerWidth"] + 1 and p["left"] >= -1 for p in m["parts"]), n
        no_overlap(n, m["parts"])  # one column: each part below the one before, the buttons last
        assert min(m["body"]) >= 14, (n, m["body"])
        assert min(m["headline"]) >= 24, (n, m["headline"])
        assert min(m["chart"], default=14) >= 14 and min(m["labels"], default=14) >= 14, (n, m["chart"], m["labels"])
        if KEYS[n - 1] == "lagging":
            assert len(m["rows"]) == lagging + 1, n

    walk(page, server, "phone_390x844", "", check)
    page.close()


def shape_text(shape) -> str:
    return shape.text_frame.text if shape.has_text_frame else ""


@pytest.mark.parametrize("params", SCOPES[:2], ids=SCOPE_IDS[:2])
def test_deck_headings_sentences_and_notes_fit_their_boxes_and_never_run_into_the_chart(params: dict) -> None:
    """The sentence under a heading took two lines in a one-line box and ran into the chart; notes ran into the
    footnote. Each text box holds its text at its size (widths estimated from the characters), the chart, table or
    cards start below the sentence and end above the notes, and the notes end above the footnote."""
    from reports.deck import FOOT_TOP, text_pt

    scope = Scope(params.get("league"), None, date.fromisoformat(JUN))
    with acting_as(DEMO_USERS["demo-admin"]):
        slides = [MEETING[key](scope) for key in KEYS]
        deck = Presentation(io.BytesIO(slides_deck(stamp(scope), slides, render=blank_chart)))
    for slide, item in zip(list(deck.slides)[1:], slides, strict=True):
        boxes = [s for s in slide.shapes if s.has_text_frame and shape_text(s)]
        for box in boxes:
            room = (box.width - 91440) / 12700 * 0.97  # pt of a line, less the box's margins
            needed = 91440  # the box's own margins (EMU)
            for paragraph in box.text_frame.paragraphs:
                size = max((r.font.size.pt for r in paragraph.runs), default=0)
                width = sum(text_pt(r.text, r.font.size.pt) for r in paragraph.runs)
                needed += int(size * 1.2 * max(1, -(-width // room)) * 12700)
            assert box.height >= needed - 12700, (item.title, shape_text(box))
        # the chart's picture or the table, or the KPI slide's cards (shapes below the accent bar)
        body = [s for s in slide.shapes if s.shape_type in (13, 19) or (s.shape_type == 1 and s.top > 0)]
        summary = next((b for b in boxes if shape_text(b) == item.summary_text()), None)
        notes = next((b for b in boxes if item.notes and shape_text(b) == "；".join(item.notes)), None)
        for shape in body:
            if summary is not None:
                assert shape.top >= summary.top + summary.height, item.title
            if notes is not None:
                assert shape.top + shape.height <= notes.top, item.title
        if notes is not None:
            assert notes.top + notes.height <= FOOT_TOP, item.title
        if item.table is not None:
            table = next(s for s in body if s.shape_type == 19).table
            assert len(table.rows) == len(item.table) + 1


def test_the_lagging_slide_lists_every_lagging_league_even_all_twelve() -> None:
    from charts.supervision import LagRules, lagging_leagues
    from reports.slides import lagging_slide

    rules = LagRules(rate_gap_points=-100.0)  # every league lags by this rule
    scope = Scope(None, None, date.fromisoformat(JUN))
    with acting_as(DEMO_USERS["demo-admin"]):
        summary = queries.supervision_summary(scope)
    lagging = lagging_leagues(summary, rules)
    assert len(lagging) == 12
    slide = lagging_slide(summary, lagging, stamp(scope), rules, None)
    assert len(slide.table) == 12 and not any("另有" in n for n in slide.notes)
    deck = Presentation(io.BytesIO(slides_deck(stamp(scope), [slide], render=blank_chart)))
    table = next(s for s in deck.slides[1].shapes if s.shape_type == 19)
    assert len(table.table.rows) == 13
    assert table.top + table.height <= next(s for s in deck.slides[1].shapes if "通报标准" in shape_text(s)).top
