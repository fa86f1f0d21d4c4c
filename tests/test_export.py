"""Chart exports: the press layout, the PNG/SVG/PDF files themselves, and what the menu says when it cannot export."""

import io
import threading
import unicodedata
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

import queries
import reports.images
from charts.overview import completion_figure
from charts.press import press_figure
from charts.rankings import ranking_figure
from charts.theme import Stamp
from queries.scope import Scope
from reports.images import export_problem, figure_pdf, figure_png, figure_svg
from tests.conftest import ROOT

SCOPE = Scope(None, None, date(2023, 6, 8))
TITLE = "各盟市整改完成率"
needs_chromium = pytest.mark.skipif(
    export_problem() is not None, reason=f"服务器端导出不可用：{export_problem()}"
)  # CI runs `make system-deps` first, so these run there


def league_figure(demo: bool = True):
    """The 总览 page's league comparison, with the page's click hint in its title."""
    table = queries.league_completion(SCOPE)
    return completion_figure(
        table, "league_code", Stamp("全区", SCOPE.asof, demo), f"{TITLE}（点击柱形进入该盟市）", 0.84, "全区整体"
    )


def annotation(fig, name: str):
    return next((a for a in fig.layout.annotations if a.name == name), None)


# The press layout (no browser needed) --------------------------------------------------------------
def test_press_layout_is_1920_by_1080_with_chinese_fonts_and_larger_type() -> None:
    screen = league_figure()
    press = press_figure(screen)
    assert (press.layout.width, press.layout.height) == (1920, 1080)
    assert press.layout.font.family.startswith("Noto Sans CJK SC")
    assert press.layout.title.font.size > screen.layout.title.font.size
    assert annotation(press, "footnote").font.size > annotation(screen, "footnote").font.size


def test_press_layout_drops_the_click_hint_but_keeps_title_footnote_and_demo_mark() -> None:
    press = press_figure(league_figure())
    assert press.layout.title.text == TITLE
    footnote = annotation(press, "footnote").text
    assert "范围：全区" in footnote and "数据截至：2023-06-08" in footnote and "数据来源" in footnote
    assert "演示数据" in footnote and "演示数据" in annotation(press, "demo_mark").text


def test_real_data_get_no_demo_mark() -> None:
    press = press_figure(league_figure(demo=False))
    assert annotation(press, "demo_mark") is None
    assert "演示数据" not in annotation(press, "footnote").text


def test_footnote_sits_under_the_axis_labels_and_inside_the_bottom_margin() -> None:
    press = press_figure(league_figure())
    note = annotation(press, "footnote")
    assert (note.yref, note.y, note.yanchor) == ("paper", 0, "top")
    assert note.yshift < -40  # below the tick labels
    assert press.layout.margin.b > -note.yshift + note.font.size  # and above the picture's bottom edge


def test_original_figure_is_left_as_it_was() -> None:
    screen = league_figure()
    before = screen.to_json()
    press_figure(screen)
    assert screen.to_json() == before


def test_slide_version_has_no_title_or_footnote_of_its_own_but_keeps_the_subtitle() -> None:
    parks = queries.park_rankings(SCOPE, 2022, "tax_per_mu")
    fig = ranking_figure(parks, "park_id", "tax_per_mu", Stamp("全区", SCOPE.asof, True), "排名", subtitle="说明文字")
    slide = press_figure(fig, 1280, 570, chrome=False)
    assert slide.layout.title.text.startswith("说明文字")
    assert annotation(slide, "footnote") is None and annotation(slide, "demo_mark") is None
    assert slide.layout.yaxis.dtick == 1  # every park named, none skipped by plotly


# What is missing -----------------------------------------------------------------------------------
def test_export_problem_names_chromium_when_browser_path_points_to_a_missing_file(monkeypatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    problem = export_problem()
    assert problem is not None
    assert "Chromium" in problem and "BROWSER_PATH" in problem and "/nonexistent/chromium" in problem
    assert "make system-deps" in problem


def test_export_problem_names_the_missing_chinese_font(monkeypatch) -> None:
    monkeypatch.setattr(reports.images, "has_cjk_font", lambda: False)
    problem = export_problem()
    assert problem is not None and "中文字体" in problem and "fc-list :lang=zh" in problem
    assert "fonts-noto-cjk" in problem


def test_export_problem_without_any_browser_says_where_it_looked(monkeypatch) -> None:
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(reports.images, "DEBIAN_CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(reports.images.shutil, "which", lambda name: None)
    problem = export_problem()
    assert problem is not None and "/nonexistent/chromium 不存在" in problem


def test_exporting_without_a_browser_raises_the_same_message_instead_of_hanging(monkeypatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(reports.images.ExportError, match="BROWSER_PATH"):
        figure_png(league_figure())


def overview(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/overview.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_export_menu_shows_what_is_missing_instead_of_buttons(monkeypatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    at = overview(asof="2023-06-08")
    assert not at.exception
    keys = [b.key for b in at.get("download_button")]
    assert not [k for k in keys if k.startswith("overview_compare_")]
    assert any("BROWSER_PATH" in c.value and "Chromium" in c.value for c in at.caption)


@needs_chromium
@pytest.mark.parametrize(("params", "key"), [({}, "overview_compare"), ({"park": "P005"}, "overview_status")])
def test_export_menu_offers_png_svg_and_pdf_under_the_chart(params: dict, key: str) -> None:
    at = overview(asof="2023-06-08", league="150200", **params)
    keys = {b.key for b in at.get("download_button")}
    assert {f"{key}_png", f"{key}_svg", f"{key}_pdf"} <= keys


# The files -------------------------------------------------------------------------------------------
@needs_chromium
def test_png_is_3840_by_2160_and_not_blank() -> None:
    image = Image.open(io.BytesIO(figure_png(league_figure())))
    assert image.format == "PNG"
    assert image.size == (3840, 2160)
    colors = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colors is not None and len(colors) > 200  # bars, text, anti-aliasing: far from a blank page
    background = max(colors)[0] / (3840 * 2160)
    assert background < 0.95


@needs_chromium
def test_svg_contains_title_footnote_and_chinese_font_family() -> None:
    svg = figure_svg(league_figure()).decode("utf-8")
    assert svg.lstrip().startswith("<svg") and 'width="1920"' in svg and 'height="1080"' in svg
    assert TITLE in svg and "点击柱形" not in svg
    assert "数据截至：2023-06-08" in svg and "演示数据" in svg
    assert "Noto Sans CJK SC" in svg


@needs_chromium
def test_pdf_contains_the_title_as_text() -> None:
    pdf = PdfReader(io.BytesIO(figure_pdf(league_figure())))
    assert len(pdf.pages) == 1
    # NFKC: the font's ToUnicode map gives some characters as Kangxi radicals (⼤ for 大, ⽰ for 示)
    text = unicodedata.normalize("NFKC", pdf.pages[0].extract_text())
    assert TITLE in text and "演示数据" in text and "数据截至:2023-06-08" in text  # NFKC makes ： a :


@needs_chromium
def test_two_sessions_exporting_at_once_both_get_their_own_picture() -> None:
    figures = {"a": league_figure(demo=True), "b": league_figure(demo=False)}
    results: dict[str, bytes] = {}
    threads = [
        threading.Thread(target=lambda k=k: results.__setitem__(k, figure_svg(figures[k])), name=k) for k in figures
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert "演示数据" in results["a"].decode() and "演示数据" not in results["b"].decode()
