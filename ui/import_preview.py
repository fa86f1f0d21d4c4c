"""数据导入's preview of one uploaded file: its counts, every problem grouped, how each column and cell was read, what
replacing demo data drops, and the one 确认导入 that writes the whole file (or nothing)."""

from pathlib import Path

import pandas as pd
import streamlit as st

from ledger import db_path
from ledger.fields import SPECS
from ledger.importing import (
    ImportFileError,
    apply_import,
    clean_stray_files,
    group_problems,
    plan_import,
    preview_frame,
    readings_frame,
)
from ledger.safe_read import display_name
from ledger.writing import DatabaseBusy, WriteConflict
from queries.db import writing
from ui.scope import catalog
from ui.session import audit, current_user
from ui.tables import table
from ui.text import plain

DONE = "data_import_done"  # the message of the last import, shown after the rerun


@st.cache_resource(show_spinner=False)
def cleaned_once(path: str) -> list[Path]:
    """Files a killed import left behind are removed once per server process (and before every import)."""
    return clean_stray_files(Path(path))


def problem_list(problems: list) -> str:
    """Problems grouped by column and kind as a Markdown list: the group, its distinct values, the hint once."""
    lines = []
    for group in group_problems(problems):
        lines.append(f"- **{plain(group.title)}**" + (f"。{plain(group.hint)}" if group.hint else ""))
        lines.extend(f"    - {plain(item)}" for item in group.items)
    return "\n".join(lines)


def show_plan(name: str, data: bytes, ledger: str, league: str, key: str, parent: str | None = None) -> None:
    """One file read as one ledger: counts, every problem, how it was read, the preview and the one
    confirmation; sheets of other ledgers are offered for their own preview below (parent: the ledger whose
    preview offered this one, not offered again)."""
    spec = SPECS[ledger]
    st.markdown(f"**{plain(display_name(name))}** · {spec.name} · {catalog().leagues[league]}")
    try:
        plan = plan_import(data, name, ledger, league, db_path())
    except ImportFileError as error:
        st.error(plain(str(error)), icon=":material/error:")
        return
    key = f"{key}_{ledger}"
    counts = st.columns(4)
    counts[0].metric("新增", len(plan.new))
    counts[1].metric("更新", len(plan.updated))
    counts[2].metric("未变", len(plan.unchanged))
    counts[3].metric("有错误的行", len({(e.sheet, e.row) for e in plan.errors}))
    others = [(sheet, other, rows) for sheet, other, rows in plan.other_sheets if other != parent]
    for sheet, other, rows in others:
        st.info(
            f"工作表“{plain(sheet)}”（{rows} 行）是{SPECS[other].name}，不按{spec.name}导入；"
            f"可在本文件预览的末尾按{SPECS[other].name}预览并导入。",
            icon=":material/tab:",
        )
    if plan.already_imported:
        st.info(plan.already_imported, icon=":material/info:")
    elif plan.errors:
        st.error(
            f"发现 {len(plan.errors)} 处错误，整份文件不会写入。下面是这份文件的全部问题（按类归并），"
            "请一次改完后重新上传。",
            icon=":material/error:",
        )
        st.markdown(problem_list(plan.errors))
        with st.expander(f"逐行明细（{len(plan.errors)} 处）"):
            rows = [(e.sheet, e.row, e.column or "表头", e.message) for e in plan.errors]
            table(pd.DataFrame(rows, columns=["工作表", "行", "列", "问题"]), f"data_import_errors_{key}")
    if not plan.already_imported:
        show_readings(plan, key)
    if not plan.errors and not plan.already_imported:
        if not plan.can_write:
            st.success("文件内容与系统中的台账一致，无需导入。")
        else:
            confirm(plan, name, data, league, key)
    for other in dict.fromkeys(o for _, o, _ in others):
        if st.toggle(f"按{SPECS[other].name}预览这些工作表并导入", key=f"data_import_other_{key}_{other}"):
            with st.container(border=True):
                show_plan(name, data, other, league, key, parent=ledger)


def show_readings(plan, key: str) -> None:
    """Warnings, derived columns, free wording read as standard names, and the header's reading."""
    if plan.warnings:
        st.warning(
            f"{len(plan.warnings)} 处需要核对（不影响导入）："
            + ("核对无误后点“确认导入”即可。" if not plan.errors else "改正错误时一并核对。"),
            icon=":material/warning:",
        )
        st.markdown(problem_list(plan.warnings))
    if plan.derived:
        st.markdown("**以下必填列文件中没有，已据文件本身推得（预览中标“推得”），请核对：**")
        st.dataframe(
            pd.DataFrame(plan.derived, columns=["工作表", "列", "推得自", "行数"]),
            hide_index=True,
            key=f"data_import_derived_{key}",
        )
    if plan.mappings:
        st.markdown("**以下写法已按标准名称读取，请核对：**")
        st.dataframe(
            pd.DataFrame(plan.mappings, columns=["列", "文件中的写法", "读作", "行数"]),
            hide_index=True,
            key=f"data_import_mappings_{key}",
        )
    with st.expander("表头识别：文件中的列与台账字段的对应"):
        st.dataframe(
            pd.DataFrame(plan.columns, columns=["工作表", "文件中的列名", "台账字段", "换算"]),
            hide_index=True,
            key=f"data_import_columns_{key}",
        )
        if plan.ignored:
            st.caption("未识别、不导入的列：" + "、".join(plain(h) for h in plan.ignored))


def confirm(plan, name: str, data: bytes, league: str, key: str) -> None:
    """The preview, what replacing demo data drops, and the one 确认导入 (with a tick for dropped history)."""
    spec = SPECS[plan.ledger]
    place = f"{catalog().leagues[league]}{spec.name}"
    if plan.replaced_demo:
        st.warning(f"导入后将替换{place}中的 {plan.replaced_demo} 条演示数据。", icon=":material/swap_horiz:")
    agreed = True
    if plan.dropped_history:
        dropped = plan.dropped_history
        counted = [
            (sum(d.events for d in dropped), "条整改记录"),
            (sum(len(d.evidence) for d in dropped), "份佐证材料"),
            (sum(d.requests for d in dropped), "条延期申请"),
        ]
        st.error(
            f"其中 {len(dropped)} 条演示条目已有整改销号记录（共 "
            + "、".join(f"{n} {what}" for n, what in counted if n)
            + "），导入后这些记录随条目一并移除；佐证材料文件仍保存在服务器上，移除的条目和文件记入审计日志。",
            icon=":material/delete_history:",
        )
        st.dataframe(
            pd.DataFrame(
                [(d.item_id, d.title, d.status, d.events, "、".join(d.evidence) or "—", d.requests) for d in dropped],
                columns=["编号", "名称", "当前状态", "整改记录", "佐证材料", "延期申请"],
            ),
            hide_index=True,
            key=f"data_import_dropped_{key}",
        )
        agreed = st.checkbox(
            f"我已核对：移除以上 {len(dropped)} 条演示条目及其整改销号记录",
            key=f"data_import_drop_{key}",
        )
    table(preview_frame(plan), f"data_import_preview_{key}")
    readings = readings_frame(plan)
    if not readings.empty:
        st.markdown(
            f"**逐格读取说明（{len(readings)} 格）**：全角数字、带单位的数、千分位、Excel 日期序号、只写到月的日期、"
            "同义词和园区简称是这样读的"
        )
        st.dataframe(readings, hide_index=True, key=f"data_import_readings_{key}")
    if st.button("确认导入", type="primary", disabled=not agreed, key=f"data_import_confirm_{key}"):
        try:
            batch = apply_import(
                plan, data, db_path(), imported_by=current_user().username, writing=writing, drop_history=agreed
            )
        except (ImportFileError, WriteConflict, DatabaseBusy) as error:
            st.error(plain(str(error)), icon=":material/error:")
        else:
            audit("import", f"批次 {batch}：{spec.name} {name}（{len(plan.rows)} 行）", league)
            st.cache_data.clear()
            st.session_state[DONE] = (
                f"已导入{spec.name}：{plain(display_name(name))}，批次 {batch}，"
                f"{len(plan.new)} 条新增，{len(plan.updated)} 条更新。"
            )
            st.rerun()
