"""法定时限's workbooks: the land clocks and the approval waits as ledger workbooks (title, 数据截至, scope)."""

from datetime import date

import pandas as pd

from reports.workbooks import ExportMeta, ledger_xlsx

LAND_COLUMNS = {
    "item_id": "条目编号",
    "title": "地块",
    "league_name": "盟市",
    "park_name": "园区",
    "land_kind": "类别",
    "area_mu": "面积(亩)",
    "basis": "计时依据",
    "clock_start": "起算日",
    "stage": "所处阶段",
    "idle_days": "已闲置(天)",
    "fee_date": "满一年(闲置费)",
    "recovery_date": "满两年(无偿收回)",
    "milestone": "本月/下月到期",
    "milestone_date": "到期日",
    "fee_cap_wan": "闲置费上限(万元)",
}
WAIT_COLUMNS = {
    "department": "审批部门",
    "rank_in_department": "本部门排序",
    "item_id": "条目编号",
    "title": "项目",
    "league_name": "盟市",
    "park_name": "园区",
    "approval_item": "审批事项",
    "authority_level": "层级",
    "accepted_date": "受理日期",
    "time_limit_days": "时限(天)",
    "due_date": "应办结日期",
    "days_waiting": "已等待(天)",
    "days_over": "超出时限(天)",
}


def _days(rows: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Date columns as dates (the frames carry them as timestamps: a table would print 00:00:00)."""
    return rows.assign(**{c: pd.to_datetime(rows[c]).dt.date for c in columns})


def land_table(rows: pd.DataFrame) -> pd.DataFrame:
    """land_clocks rows as the page and the workbook show them, Chinese headers."""
    shown = _days(rows, ("clock_start", "fee_date", "recovery_date", "milestone_date"))
    shown = shown.assign(basis=rows.partly_developed.map({True: "部分开发后中止", False: "未动工"}))
    return shown[list(LAND_COLUMNS)].rename(columns=LAND_COLUMNS)


def wait_table(rows: pd.DataFrame) -> pd.DataFrame:
    return _days(rows, ("accepted_date", "due_date"))[list(WAIT_COLUMNS)].rename(columns=WAIT_COLUMNS)


def land_clocks_xlsx(rows: pd.DataFrame, scope_label: str, asof: date, demo: bool) -> bytes:
    note = "（演示数据）" if demo else ""
    meta = ExportMeta(
        title=f"{scope_label}闲置土地法定时限清单",
        subtitle=f"数据截至 {asof:%Y-%m-%d}　范围：{scope_label}　共 {len(rows)} 宗"
        f"（《闲置土地处置办法》：满一年征缴闲置费，满两年无偿收回）{note}",
        sum_headers=("面积(亩)",),
        sheet="闲置土地时限",
    )
    return ledger_xlsx(land_table(rows), meta)


def approval_waits_xlsx(rows: pd.DataFrame, scope_label: str, asof: date, demo: bool) -> bytes:
    note = "（演示数据）" if demo else ""
    meta = ExportMeta(
        title=f"{scope_label}待批项目审批等待清单",
        subtitle=f"数据截至 {asof:%Y-%m-%d}　范围：{scope_label}　共 {len(rows)} 个审批环节{note}",
        sheet="审批等待",
    )
    return ledger_xlsx(wait_table(rows), meta)
