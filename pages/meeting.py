"""会议模式: the meeting-room screen, one large-type slide at a time, turning by itself; 会议材料 as the same .pptx."""

import logging
import time
from pathlib import Path

import streamlit as st

from auth.roles import Action
from charts import meeting as mt
from charts.slide import Slide
from reports.images import export_problem
from reports.meeting_deck import MEETING, meeting_deck, meeting_keys
from reports.stamp import stamp
from ui.chrome import CHINESE_CSS
from ui.downloads import export_button
from ui.scope import drill, screen_scope, selected_key
from ui.session import current_user, recheck_session

# The browser loads Streamlit's plotly component (a 4.7 MB script) when the first chart appears; on a busy machine
# that held the first chart slide back for seconds. The meeting loads it while the first slide is on screen.
PLOTLY_SCRIPTS = sorted((Path(st.__file__).parent / "static" / "static" / "js").glob("PlotlyChart.*.js"))
PRELOAD = (
    "<script>(() => { const main = document.querySelector('script[src*=\"/static/js/index.\"]');"
    f" if (main) import(main.src.replace(/index\\.[^/]+\\.js$/, '{PLOTLY_SCRIPTS[0].name}')).catch(() => {{}}); }})();"
    "</script>"
    if PLOTLY_SCRIPTS
    else ""
)

scope, warnings = screen_scope()
KEYS = meeting_keys(current_user().may(Action.SEE_REGION))
chosen = mt.options(dict(st.query_params), len(KEYS))
theme = mt.THEMES[chosen.theme]
st.html(f"<style>{CHINESE_CSS}</style>" + mt.screen_css(theme) + PRELOAD, unsafe_allow_javascript=bool(PRELOAD))
state = st.session_state
if "meeting_slide" not in state:
    state.meeting_slide, state.meeting_paused = chosen.slide, False
state.setdefault("meeting_turned", time.monotonic())


def turn(step: int) -> None:
    state.meeting_slide = (state.meeting_slide + step) % len(KEYS)
    state.meeting_turned = time.monotonic()


def pause() -> None:
    state.meeting_paused = not state.meeting_paused
    state.meeting_turned = time.monotonic()


@st.fragment(run_every=chosen.interval)
def screen() -> None:
    """The current slide, rebuilt on every turn from the queries (an import or a 销号 shows on the next turn)."""
    recheck_session()  # a turn reruns only this fragment: a signed-out or disabled account stops here
    if not state.meeting_paused and time.monotonic() - state.meeting_turned >= chosen.interval - 0.5:
        turn(1)
    index = state.meeting_slide
    if st.query_params.get("slide") != str(index + 1):
        st.query_params["slide"] = str(index + 1)
    try:
        slide = MEETING[KEYS[index]](scope)
        phone = "Mobile" in st.context.headers.get("User-Agent", "")  # the layout: CSS; the chart's type: here
        height = mt.chart_height(slide)
        figure = None if slide.figure is None else mt.screen_figure(slide.figure, chosen.theme, height, phone)
    except Exception:  # one slide that cannot be drawn must not stop the meeting: say so, turn on
        logging.getLogger(__name__).exception("meeting slide %s failed", KEYS[index])
        st.error(f"第 {index + 1} 页暂时无法显示，已记录错误，会议继续翻页。", icon=":material/error:")
        slide, figure = Slide("会议模式", None, stamp(scope)), None
    st.markdown(mt.header_html(slide, index + 1, len(KEYS), [*warnings, *chosen.notices]), unsafe_allow_html=True)
    if slide.cards:
        st.markdown(mt.cards_html(slide.cards), unsafe_allow_html=True)
    elif figure is not None:
        st.html(mt.chart_css(mt.chart_height(slide)))  # the chart's box in slide pixels (a projector's or a phone's)
        with st.container(key="meeting_chart"):
            event = st.plotly_chart(
                figure,
                theme=None,
                height="stretch",
                config={"displayModeBar": False, "responsive": True},
                on_select="rerun" if slide.drill and scope.league is None else "ignore",
                selection_mode="points",
                key=f"meeting_{slide.key}_{scope.league or 'region'}",
            )
        clicked = selected_key(event, {}) if slide.drill and scope.league is None else None
        if clicked:
            drill(scope, league=clicked, park=None)
    elif slide.table is not None and len(slide.table):
        st.markdown(mt.table_html(slide.table), unsafe_allow_html=True)
    if slide.notes:
        st.markdown(mt.notes_html(slide), unsafe_allow_html=True)

    with st.container(horizontal=True, vertical_alignment="center", key="meeting_controls"):
        st.button(
            "上一页", icon=":material/chevron_left:", on_click=turn, args=(-1,), shortcut="left", key="meeting_prev"
        )
        st.button(
            "继续" if state.meeting_paused else "暂停",
            icon=":material/play_arrow:" if state.meeting_paused else ":material/pause:",
            on_click=pause,
            shortcut="space",
            key="meeting_pause",
        )
        st.button(
            "下一页", icon=":material/chevron_right:", on_click=turn, args=(1,), shortcut="right", key="meeting_next"
        )
        if scope.league is not None and st.button("返回全区", icon=":material/arrow_upward:", key="meeting_up"):
            drill(scope, league=None, park=None)
        if st.button("退出会议模式", icon=":material/close_fullscreen:", key="meeting_exit"):
            st.switch_page("pages/overview.py", query_params=scope.query_params())  # the desk pages, same scope
        problem = export_problem()
        label = stamp(scope).scope_label
        export_button(
            "会议材料",
            lambda: meeting_deck(scope, KEYS),
            file_name=f"会议材料_{label.replace(' › ', '_')}_{scope.asof:%Y%m%d}.pptx",
            what="会议材料 PPT",
            scope_label=label,
            icon=":material/slideshow:",
            disabled=problem is not None,
            help=problem or "本范围全部幻灯片的 PPT（16:9），点击后在服务器上生成，约需十余秒",
            key="meeting_deck",
        )
        with st.container(key="meeting_source"):  # shown first (CSS order), sent last: the slide is complete
            st.markdown(mt.footer_html(slide, index + 1), unsafe_allow_html=True)


screen()
