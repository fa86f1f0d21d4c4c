"""导出与通报: the numbered 要情通报 (Word) and the 汇报材料 deck (PowerPoint), each in one click."""

import pandas as pd
import streamlit as st

import queries
from auth import issued
from auth.roles import Action
from charts import format as fmt
from charts import rankings as rk
from charts.supervision import LagRules, lagging_leagues
from charts.theme import plotly_config
from queries.db import read_fresh
from queries.scope import Scope
from reports import archive
from reports.bulletin import CHANGE_COLUMNS, change_rows, chinese_date, chinese_number, default_previous
from reports.bulletin_content import KIND, figures_on, file_name, issue_bulletin
from reports.deck import briefing_deck
from reports.images import export_problem
from reports.meeting_deck import deck_content
from ui.archive import archived_documents
from ui.downloads import export_button, export_menu
from ui.scope import catalog, page_header
from ui.session import accounts_path, current_user
from ui.tables import table
from ui.url_state import BRIEFING_VIEWS, view_control

scope = page_header("导出与通报")
sees_region = current_user().may(Action.SEE_REGION)  # the 要情通报 counts the whole region
views = BRIEFING_VIEWS if sees_region else {"deck": "汇报材料"}
view = view_control(views, next(iter(views)), "briefing_view")
if not sees_region:
    st.caption("要情通报按全区统计，由自治区大起底办公室发布；本账号可生成本范围的汇报材料。")

if view in (None, "要情通报") and sees_region:
    first = catalog().first_date
    register = issued.issues(accounts_path())
    offered, last = issued.suggestion(register, scope.asof), issued.last_issue(register)
    said = [f"要情通报按全区统计，不随所选盟市、园区变化；本期数据截至左侧所选日期 {scope.asof:%Y-%m-%d}。"]
    if last:
        doc = f"，文号 {last.doc_number}" if last.doc_number else ""
        by = f"，{last.username} {last.issued_at.replace('T', ' ')} 下载印发" if last.username else ""
        said.append(f"最近一期：第{chinese_number(last.number)}期（数据截至 {last.asof:%Y-%m-%d}{doc}{by}）。")
    if offered is not None and offered is not last and any(i is offered for i in register):  # issued for this date
        said.append(f"该日期已印发过第{chinese_number(offered.number)}期，期数与文号默认沿用。")
    st.caption("".join(said))
    last_archived = read_fresh(lambda cur: archive.last_issued_before(cur, KIND, scope.asof))
    left, middle, right = st.columns([1, 2, 2])
    number = int(
        left.number_input(
            "期数（第N期）",
            1,
            999,
            offered.number if offered else 1,
            1,
            key=f"briefing_number_{scope.asof}",  # each 数据截至 date starts from its own suggestion
            help="默认为最近已印发一期之后的下一期；数据截至日期已印发过的，默认为该期。",
        )
    )
    doc_number = middle.text_input(
        "文号（可选，印在期数下）",
        offered.doc_number if offered else "",
        max_chars=60,
        key=f"briefing_doc_number_{scope.asof}",
        placeholder="例如：内园建办〔2023〕17号",
    )
    previous = right.date_input(
        "与哪一期比较（上期数据截至）",
        value=last_archived.data_date if last_archived else default_previous(scope.asof, first),
        min_value=first,
        max_value=scope.asof,
        format="YYYY-MM-DD",
        key=f"briefing_previous_{scope.asof}",  # a new 数据截至 date starts from its own default
    )
    now, before = Scope(None, None, scope.asof), figures_on(previous)
    ledgers = queries.ledger_kpis(now)
    found, rectified = int(ledgers.found.sum()), int(ledgers.rectified.sum())
    st.markdown(
        f"**第{chinese_number(number)}期**（{chinese_date(scope.asof)}）：全区发现问题 **{found}** 项，"
        f"已整改 **{rectified}** 项，整改完成率 **{fmt.rate(rectified / found if found else None)}**；"
        f"较 {previous:%Y-%m-%d} 新增整改 **{rectified - int(before.ledgers.rectified.sum())}** 项。"
    )
    if before.issue:
        st.caption(
            f"上期数字取自第{chinese_number(before.issue.number)}期印发时冻结的数据"
            f"（{before.issue.issued_at:%Y-%m-%d %H:%M} {before.issue.issued_by} 印发），不随此后导入的台账变化。"
        )
    rows = change_rows(queries.category_kpis(now), before.categories)
    changes = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    table(changes, "briefing_changes", fit=True)
    lagging = lagging_leagues(queries.supervision_summary(now), LagRules())
    st.markdown(
        f"**进展滞后盟市 {len(lagging)} 个**（按督导通报的默认标准）："
        + ("、".join(lagging.league_name) if len(lagging) else "无")
    )
    user = current_user()

    def issue() -> bytes:
        """The document, archived with its figures and registered as issued (number, 文号, date, who)."""
        return issue_bulletin(user, accounts_path(), number, scope.asof, previous, doc_number)

    export_button(
        f"下载要情通报第{chinese_number(number)}期（Word）",
        issue,
        file_name=file_name(number, scope.asof),
        what=f"要情通报第{chinese_number(number)}期",
        scope_label="全区",
        type="primary",
        icon=":material/description:",
        key="briefing_bulletin",
    )
    st.caption(
        "下载即登记为已印发（期数、文号、数据截至、下载人），下次打开时默认下一期。"
        "数字与看板各页面使用同一查询：总览卡片、整治进度、督导通报在同一日期显示的数字与通报一致。"
    )
    archived_documents(user)

else:
    metric = st.segmented_control(
        "园区排名指标",
        list(rk.METRICS),
        default="tax_per_mu",
        format_func=rk.METRICS.get,
        key="briefing_metric",
    )
    stamp, cards, slides = deck_content(scope, metric or "tax_per_mu")
    st.markdown(
        f"**汇报材料**（{stamp.scope_label}，数据截至 {scope.asof:%Y-%m-%d}）共 {len(slides) + 2} 页："
        + " · ".join(["封面", "六本台账整改进展", *(s.title for s in slides)])
    )
    problem = export_problem()
    if problem:
        st.warning(problem, icon=":material/image_not_supported:")
    else:
        export_button(
            "生成并下载汇报材料（PPT，16:9）",
            lambda: briefing_deck(stamp, cards, slides),
            file_name=f"汇报材料_{stamp.scope_label.replace(' › ', '_')}_{scope.asof:%Y%m%d}.pptx",
            what="汇报材料",
            scope_label=stamp.scope_label,
            type="primary",
            icon=":material/slideshow:",
            key="briefing_deck",
        )
        st.caption("点击后在服务器上绘制各页图表，约需数秒。每页带数据来源、范围、数据截至日期和演示数据标注。")

    titles = [s.title for s in slides]
    chosen = st.selectbox("预览图表", titles, key="briefing_preview")
    slide = slides[titles.index(chosen)]
    st.plotly_chart(slide.figure, config=plotly_config(slide.title), key="briefing_preview_chart")
    export_menu(slide.figure, f"{slide.title}_{scope.asof:%Y%m%d}", "briefing_preview")
