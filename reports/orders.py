"""督办单: for one responsible unit, its items overdue or due within 7 days, as Word and Excel, ready to send; and
the numbered 督办单 the office issued (ledger/supervision.py) with the red and yellow items it named."""

import io
from datetime import date

import pandas as pd
from docx import Document

from reports import typography as ty
from reports.workbooks import ExportMeta, ledger_xlsx

DUE_DAYS = 7
COLUMNS = {
    "item_id": "编号", "ledger_name": "台账", "title": "名称", "park_name": "园区", "status": "状态",
    "deadline": "整改时限", "days_left": "距时限（天）", "returned_reason": "退回原因",
}  # fmt: skip


def due_items(todo: pd.DataFrame) -> pd.DataFrame:
    """The open items a 督办单 names: overdue, or due within DUE_DAYS days (not those waiting for review)."""
    waiting = todo["status"] == "已整改"
    due = todo["is_overdue"] | (todo["days_left"].notna() & (todo["days_left"] <= DUE_DAYS))
    return todo[due & ~waiting]


def days_text(days: float) -> str:
    if pd.isna(days):
        return ""
    return f"超期 {-int(days)} 天" if days < 0 else f"{int(days)} 天"


def todo_table(todo: pd.DataFrame, link: str) -> pd.DataFrame:
    """我的待办 as shown: 标记 (退回 / 超期), the item as a link, its deadline in force and whether it was extended."""
    flags = [
        "退回" if returned else "超期" if late else ""
        for returned, late in zip(todo["returned_reason"].notna(), todo["is_overdue"], strict=True)
    ]
    return pd.DataFrame(
        {
            "标记": flags,
            "条目": [link.format(i) for i in todo["item_id"]],
            "台账": todo["ledger_name"],
            "名称": todo["title"],
            "园区": todo["park_name"],
            "责任单位": todo["responsible_unit"].fillna(""),
            "状态": todo["status"],
            "整改时限": todo["deadline"],
            "距时限": [days_text(d) for d in todo["days_left"]],
            "延期": ["已延期" if n else "" for n in todo["extensions"]],
        }
    )


def order_table(items: pd.DataFrame) -> pd.DataFrame:
    table = items[list(COLUMNS)].rename(columns=COLUMNS).copy()
    table["距时限（天）"] = [days_text(d) for d in items["days_left"]]
    table["退回原因"] = items["returned_reason"].fillna("")
    table["整改时限"] = [f"{d:%Y-%m-%d}" for d in items["deadline"]]
    return table


def order_xlsx(unit: str, items: pd.DataFrame, asof: date, scope_label: str, demo: bool) -> bytes:
    mark = "（演示数据）" if demo else ""
    meta = ExportMeta(f"督办单：{unit}", f"数据截至 {asof:%Y-%m-%d}　范围：{scope_label}{mark}", sheet="督办单")
    return ledger_xlsx(order_table(items), meta)


def order_docx(unit: str, items: pd.DataFrame, asof: date, scope_label: str, demo: bool, number: str = "") -> bytes:
    """The 督办单 for one unit in 公文 layout (reports/typography): title, 文号, the request, the list, the issuer."""
    document = Document()
    ty.page_setup(document)
    ty.paragraph(document, "开发区闲置资源要素大起底督办单", 20, bold=True, center=True)
    if number:
        ty.paragraph(document, number, ty.XIAO_SI, center=True)
    ty.paragraph(document, f"{unit}：", ty.XIAO_SI, indent=False)
    overdue = int(items["is_overdue"].sum())
    ty.paragraph(
        document,
        f"截至 {asof:%Y年%m月%d日}，贵单位负责的整改事项中，已超过整改时限仍未整改 {overdue} 项，"
        f"{DUE_DAYS} 日内到期 {len(items) - overdue} 项（清单附后）。请按时限完成整改，"
        "整改完成后在看板中记录进展并上传佐证材料，申请销号。",
        ty.XIAO_SI,
        indent=False,
    )
    return _list_and_signature(document, order_table(items), scope_label, demo, asof)


# The 督办单 as issued (ledger/supervision.py): numbered, to one unit, its red and yellow items as sent ----------
ISSUED_COLUMNS = {
    "item_id": "编号", "ledger_name": "台账", "title": "名称", "park_name": "园区", "responsible_unit": "责任单位",
    "deadline": "整改时限", "light_sent": "督办灯", "reason_sent": "督办原因", "status": "当前状态",
}  # fmt: skip


def issued_table(items: pd.DataFrame) -> pd.DataFrame:
    """The items of an issued order (queries/supervision/order_items.sql) with Chinese headers."""
    table = items[list(ISSUED_COLUMNS)].rename(columns=ISSUED_COLUMNS).copy()
    table["整改时限"] = [f"{d:%Y-%m-%d}" if pd.notna(d) else "" for d in items["deadline"]]
    table["督办灯"] = [f"{light}灯" for light in items["light_sent"]]
    table["责任单位"] = table["责任单位"].fillna("")
    table["督办原因"] = table["督办原因"].fillna("")
    return table


def issued_unit(order: pd.Series) -> str:
    """Who the order was sent to: the league, or the league and one park of it."""
    return order["league_name"] + (order["park_name"] if isinstance(order["park_name"], str) else "")


def issued_order_xlsx(order: pd.Series, items: pd.DataFrame, scope_label: str, demo: bool) -> bytes:
    mark = "（演示数据）" if demo else ""
    meta = ExportMeta(
        f"{order['number_text']}　督办单：{issued_unit(order)}",
        f"{order['sent_at']:%Y-%m-%d} 发出　{order['ack_due']:%Y-%m-%d} 前签收　{order['reply_due']:%Y-%m-%d} 前报送"
        f"　范围：{scope_label}{mark}",
        sheet="督办单",
    )
    return ledger_xlsx(issued_table(items), meta)


def issued_order_docx(order: pd.Series, items: pd.DataFrame, scope_label: str, demo: bool) -> bytes:
    """The issued 督办单 in 公文 layout: title, its number, the unit, the request with its dates, the list, the
    issuer and the date it was sent."""
    document = Document()
    ty.page_setup(document)
    ty.paragraph(document, "开发区闲置资源要素大起底督办单", 20, bold=True, center=True)
    ty.paragraph(document, order["number_text"], ty.XIAO_SI, center=True)
    ty.paragraph(document, f"{issued_unit(order)}：", ty.XIAO_SI, indent=False)
    red = int((items["light_sent"] == "红").sum())
    ty.paragraph(
        document,
        f"经核查，贵单位负责的整改事项中，红灯（已超整改时限）{red} 项、黄灯（进展滞后）{len(items) - red} 项，"
        f"现予督办（清单附后）。{order['note']}请于 {order['ack_due']:%Y年%m月%d日} 前在看板中签收本督办单，"
        f"{order['reply_due']:%Y年%m月%d日} 前报送整改进展。",
        ty.XIAO_SI,
        indent=False,
    )
    return _list_and_signature(document, issued_table(items), scope_label, demo, order["sent_at"])


def _list_and_signature(document, table: pd.DataFrame, scope_label: str, demo: bool, day: date) -> bytes:
    """The end both kinds of 督办 document share: the item list, the source line, the office and the date; the file."""
    ty.table(document, table.columns, table.itertuples(index=False))
    ty.paragraph(
        document,
        f"范围：{scope_label}　数据来源：开发区闲置资源要素大起底台账" + ("（演示数据）" if demo else ""),
        ty.XIAO_SI,
        indent=False,
    )
    ty.paragraph(document, "自治区工业园区建设工作领导小组办公室", ty.XIAO_SI, right=True)
    ty.paragraph(document, f"{day:%Y年%m月%d日}", ty.XIAO_SI, right=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
