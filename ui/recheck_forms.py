"""回头看's two forms: the office's draw (period, share, weighting, seed, inspector, due date) and the inspector's
result (属实/不属实, notes, photos). Each is one transaction (ledger/recheck.py) run from its button's callback,
audited, and refused in Chinese with nothing written."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
import streamlit as st

import queries
from auth import store
from auth.roles import ADMIN, Action
from ledger import recheck as rc
from ledger import rules, utility
from ledger.evidence import ACCEPTED
from ledger.workflow import MAX_NOTE
from ledger.writing import DatabaseBusy, WriteConflict
from queries.db import writing
from queries.scope import Scope
from ui.item_actions import stored_evidence
from ui.session import accounts_path, audit, signed_in_user
from ui.tables import item_table

DONE = "recheck_done"  # (tone, message) of the last action, shown after the rerun
UPLOAD_TYPES = ["jpg", "jpeg", "png", "pdf"]


def show_outcome() -> None:
    """The last action's message, once."""
    if outcome := st.session_state.pop(DONE, None):
        (st.success if outcome[0] == "success" else st.error)(outcome[1])


def _perform(action: str, work: Callable, said: Callable[[Any], tuple[str, str]], scope_label: str) -> None:
    """One action as one transaction, audited; said(result) gives the audit's detail and the user's message. A
    refusal is kept for the rerun and nothing is written."""
    if signed_in_user() is None:
        st.session_state[DONE] = ("error", "登录已失效，未写入任何内容；请重新登录。")
        return
    try:
        with writing() as cursor:
            result = work(cursor)
    except (rc.RecheckError, utility.UtilityImportError, WriteConflict, DatabaseBusy) as error:
        st.session_state[DONE] = ("error", str(error))
        audit(action, f"未完成（{error}）"[:400], scope_label, ok=False)
        return
    detail, message = said(result)
    audit(action, detail[:400], scope_label)
    st.session_state[DONE] = ("success", message)


def inspectors() -> list[str]:
    """The accounts that may inspect (the office's), active ones only."""
    users = store.list_users(accounts_path())
    return [u["username"] for u in users if u["role"] == ADMIN and not u["disabled"]]


def draw_form(scope: Scope, scope_label: str) -> None:
    """The office's draw over the items closed in a period, with a live count of how many there are (no st.form:
    the count follows the dates as they change)."""
    today = datetime.now().date()
    with st.container(border=True):
        st.markdown("**抽取回头看样本**（按盟市 × 台账分层，每层至少一项）")
        left, mid, right = st.columns(3)
        closed_from = left.date_input("销号日期自", scope.asof - timedelta(days=3 * 365), key="recheck_from")
        closed_to = left.date_input("销号日期至", scope.asof, key="recheck_to")
        mid.number_input("抽取比例（%）", 1, 100, 10, key="recheck_share")
        mid.checkbox("向高风险条目倾斜（销号快、佐证少、纸面整改疑点）", True, key="recheck_weighted")
        mid.number_input("随机种子（留空则随机生成并记录）", 0, rc.MAX_SEED, None, key="recheck_seed")
        right.selectbox("核查人", inspectors(), key="recheck_inspector")
        right.date_input("核查时限", today + timedelta(days=30), min_value=today + timedelta(days=1), key="recheck_due")
        strata = queries.recheck_strata(scope, closed_from, closed_to)
        st.caption(f"该期间本范围可抽取的已销号条目 {int(strata['items'].sum())} 项，分 {len(strata)} 层。")
        st.button("抽取并指派", type="primary", on_click=_draw, args=(scope, scope_label), key="recheck_draw")


def _draw(scope: Scope, scope_label: str) -> None:
    state = st.session_state
    share, seed = state["recheck_share"] / 100, state["recheck_seed"]
    args = (state["recheck_from"], state["recheck_to"], share, state["recheck_inspector"] or "", state["recheck_due"])
    weighted, seed = state["recheck_weighted"], None if seed is None else int(seed)
    _perform(
        "回头看抽样",
        lambda cur: rc.draw(cur, signed_in_user(), *args, weighted, seed, scope.league),
        lambda d: (
            f"第 {d.draw_id} 次：{args[0]:%Y-%m-%d}至{args[1]:%Y-%m-%d} 抽取 {share:.0%}，{len(d.sampled)} 项，"
            f"种子 {d.seed}，核查人 {args[3]}",
            f"已抽取第 {d.draw_id} 次回头看：从 {d.population} 项中抽取 {len(d.sampled)} 项，随机种子 {d.seed}。",
        ),
        scope_label,
    )


def inspection_form(mine: pd.DataFrame, scope_label: str) -> None:
    """The inspector's result on one of the tasks assigned to the account and not yet inspected."""
    if mine.empty:
        st.caption("暂无指派给本账号、待核查的回头看任务。")
        return
    choices = {f"第 {r.draw_id} 次　{r.item_id}　{r.title}": (int(r.draw_id), r.item_id) for r in mine.itertuples()}
    with st.form("recheck_result_form", border=True):
        st.selectbox("核查任务", list(choices), key="recheck_task")
        st.radio("核查结果", rc.RESULTS, horizontal=True, key="recheck_result")
        st.text_area("核查情况（不属实必填，责任单位据此重新整改）", max_chars=MAX_NOTE, key="recheck_notes")
        st.file_uploader(f"现场照片等（{ACCEPTED}）", UPLOAD_TYPES, accept_multiple_files=True, key="recheck_files")
        st.form_submit_button("提交核查结果", type="primary", on_click=_record, args=(choices, scope_label))


def _record(choices: dict[str, tuple[int, str]], scope_label: str) -> None:
    state = st.session_state
    draw_id, item_id = choices[state["recheck_task"]]
    files = stored_evidence(state.get("recheck_files") or [], DONE, rc.MAX_FILES)
    if files is None:
        return
    result, notes = state["recheck_result"], state["recheck_notes"]
    _perform(
        "回头看核查",
        lambda cur: rc.record(cur, signed_in_user(), draw_id, item_id, result, notes, files),
        lambda _: (
            f"第 {draw_id} 次 {item_id}：{result}（{len(files)} 个文件）",
            f"已记录 {item_id} 的核查结果：{result}" + ("，条目已退回重新整改。" if result == rc.FALSE else "。"),
        ),
        scope_label,
    )


def recheck_history(item_id: str) -> None:
    """The item's 回头看 under its history: each draw that sampled it, the inspection and whether it reopened."""
    rows = queries.item_rechecks(item_id)
    if rows.empty:
        return
    st.markdown("**回头看抽查记录**")
    shown = pd.DataFrame(
        {
            "抽查": [f"第 {r.draw_id} 次（{r.drawn_at:%Y-%m-%d}，{r.drawn_by}）" for r in rows.itertuples()],
            "核查人": rows.inspector,
            "时限": rows.due_date.map(lambda d: f"{d:%Y-%m-%d}"),
            "结果": rows.result.fillna("待核查"),
            "核查情况": rows.notes.fillna(""),
            "现场材料": rows.files.map(lambda n: f"{n} 个文件" if n else ""),
            "处理": rows.reopen_seq.map(lambda s: "退回重新整改" if pd.notna(s) else ""),
        }
    )
    st.dataframe(shown, hide_index=True, key="ledgers_rechecks")


def siblings(item_id: str) -> None:
    """The same parcel or enterprise entered in other ledgers: counted once in the totals, listed here."""
    rows = queries.entity_siblings(item_id)
    if rows.empty:
        return
    st.markdown("**同一宗地、同一企业的其他条目**（合计时只计一次）")
    names = {"item_id": "条目", "ledger_name": "台账", "title": "名称", "park_name": "园区", "status": "状态"}
    shown = rows.assign(item_id=[f"ledgers?item={i}" for i in rows.item_id]).rename(columns=names | {"link": "相同的"})
    item_table(shown, "ledgers_siblings")


# 用电核验 -------------------------------------------------------------------------------------------------------
FLAG_COLUMNS = {"rule_name": "疑点", "item_id": "条目", "title": "名称", "league_name": "盟市", "park_name": "园区",
                "detail": "依据"}  # fmt: skip


def flag_details(flags: pd.DataFrame) -> pd.Series:
    """What each flag rests on, in words (the query gives the figures)."""
    said = {
        "revived_idle": lambda r: f"复产后 {r.months} 个月用电最高 {r.kwh:,.0f} 千瓦时，低于 {r.reference:,.0f}",
        "relapse": lambda r: f"销号后曾月用电 {r.reference:,.0f} 千瓦时，最近 {r.months} 个月最高 {r.kwh:,.0f}",
        "output_unbacked": lambda r: (
            f"全年用电 {r.kwh:,.0f} 千瓦时，每万千瓦时产值超过同行业平均"
            f"（{r.reference:,.1f} 万元）的 {kwh_times():g} 倍"
        ),
    }
    return pd.Series([said[r.rule](r) for r in flags.itertuples()], index=flags.index, dtype=object)


def kwh_times() -> float:
    return float(rules.value_of("rules.output_per_kwh_times()"))


def utility_section(scope: Scope, user, scope_label: str) -> None:
    """The 疑点 list of the scope, and for the region office the register's upload."""
    flags = queries.utility_flags(scope)
    if flags.empty:
        st.caption("本范围暂无用电核验疑点。")
    else:
        shown = flags.assign(item_id=[f"ledgers?item={i}" for i in flags.item_id], detail=flag_details(flags))
        item_table(shown[list(FLAG_COLUMNS)].rename(columns=FLAG_COLUMNS), "recheck_flags")
    if user.may(Action.IMPORT) and user.allowed.everything:
        upload = st.file_uploader("导入用电核验登记表（统一社会信用代码、月份、用电量，可含用水量、税收）",
                                  ["xlsx", "xls", "csv"], key="recheck_register")  # fmt: skip
        if upload is not None:
            st.button("导入登记表", on_click=_import_register, args=(upload, scope_label), key="recheck_import")


def _import_register(upload, scope_label: str) -> None:
    try:
        uses = utility.read_register(upload.getvalue(), upload.name)
    except utility.UtilityImportError as error:
        st.session_state[DONE] = (
            "error",
            "登记表有以下问题，未导入任何数据：\n\n" + "\n".join(f"- {p}" for p in error.problems),
        )
        audit("用电核验导入", f"{upload.name}：未导入（{len(error.problems)} 处问题）"[:400], scope_label, ok=False)
        return
    _perform(
        "用电核验导入",
        lambda cur: utility.store(cur, signed_in_user(), uses),
        lambda n: (f"{upload.name}：{n} 行", f"已导入“{upload.name}”的 {n} 行用电数据。"),
        scope_label,
    )


def item_flags(item_id: str) -> None:
    """The item's 用电核验 flags, above its workflow."""
    flags = queries.utility_flags(Scope(None, None, datetime.now().date()))  # limited to the user's own part
    mine = flags[flags.item_id == item_id]
    for row, detail in zip(mine.itertuples(), flag_details(mine), strict=True):
        st.warning(f"用电核验疑点：{row.rule_name}。{detail}。", icon=":material/bolt:")
