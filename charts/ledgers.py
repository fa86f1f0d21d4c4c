"""台账 tables: each ledger's columns in Chinese with units, what is shown summed, one item's facts and timeline."""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
import plotly.graph_objects as go

from charts import format as fmt
from charts.theme import ACCENT, BAD, STATUS_COLORS, Stamp, finish
from ledger.vocabulary import APPLIED, CLOSED, OPEN, WORKING

BADGE_COLORS = {OPEN: "red", WORKING: "orange", APPLIED: "green", CLOSED: "green"}
INDICATOR_NAMES = {
    "output_per_mu": "亩均产值(万元/亩)",
    "tax_per_mu": "亩均税收(万元/亩)",
    "investment_intensity": "投资强度(万元/亩)",
    "plot_ratio": "容积率",
}


@dataclass(frozen=True)
class Column:
    """One ledger column: the query's field, its Chinese header (with unit), how it is shown and summed."""

    field: str
    header: str
    kind: str = "text"  # text, date, int, number, bool, indicator
    total: bool = False  # summed in the 合计 row and above the table
    per: float = 1  # shown value = field / per (亩 -> 公顷: per=15)


@dataclass(frozen=True)
class Ledger:
    name: str  # 土地: the ledger's short name (as in ledger_def)
    title: str  # 闲置土地台账: the name of the exported ledger
    item_header: str  # what one row is: 地块, 企业/项目名称 …
    columns: tuple[Column, ...]  # the ledger's own columns, between the common head and tail
    measure: bool = True  # show the common 整改措施 (land and stalled have their own disposal column)


def _area(field: str, label: str) -> tuple[Column, Column]:
    return (
        Column(field, f"{label}(亩)", "number", total=True),
        Column(field, f"{label}(公顷)", "number", total=True, per=fmt.MU_PER_HA),
    )


LEDGERS: dict[str, Ledger] = {
    "pending_approval": Ledger(
        "待批项目",
        "待批项目台账",
        "项目名称",
        (
            Column("project_stage", "项目阶段"),
            Column("approval_item", "主要待批事项"),
            Column("approval_count", "待批事项(项)", "int", total=True),
            Column("approval_authority", "审批部门"),
            Column("acceptance", "受理情况"),
        ),
    ),
    "idle_fund": Ledger(
        "沉淀资金",
        "沉淀资金台账",
        "资金名称",
        (
            Column("source", "资金来源"),
            Column("nature", "资金性质"),
            Column("fund_year", "下达年度", "int"),
            Column("balance_wan", "沉淀余额(万元)", "number", total=True),
            Column("returned_wan", "收回上缴(万元)", "number", total=True),
        ),
    ),
    "land": Ledger(
        "土地",
        "闲置土地台账",
        "地块",
        (
            Column("land_kind", "类型"),
            *_area("area_mu", "面积"),
            Column("approved_date", "批准时间", "date"),
            Column("idle_since", "闲置起始", "date"),
            Column("cause", "原因"),
            Column("disposal", "处置方式"),
        ),
        measure=False,
    ),
    "infrastructure": Ledger(
        "基础设施存量资产",
        "基础设施存量资产台账",
        "项目名称",
        (
            Column("facility_type", "设施类型"),
            Column("investment_wan", "投资额(万元)", "number", total=True),
            Column("build_status", "建设状态"),
            Column("procedures_complete", "手续齐全", "bool"),
        ),
    ),
    "stalled": Ledger(
        "停产企业和停建项目",
        "停产企业和停建项目台账",
        "企业/项目名称",
        (
            Column("kind", "类型"),
            Column("zombie", "僵尸企业", "bool"),
            Column("stopped_since", "停产(停建)时间", "date"),
            *_area("land_mu", "占地"),
            Column("energy_tce", "用能(吨标准煤)", "number", total=True),
            Column("water_t", "用水(吨)", "number", total=True),
            Column("reason", "停产(停建)原因"),
            Column("mode", "盘活方式"),
        ),
        measure=False,
    ),
    "indicator": Ledger(
        "园区指标低效项目",
        "园区指标低效项目台账",
        "低效项目",
        (
            Column("project_name", "项目名称"),
            Column("industry_category", "产业类别"),
            Column("indicator", "未达标指标", "indicator"),
            Column("value", "实际值", "number"),
            Column("threshold", "控制性指标值", "number"),
            *_area("land_mu", "占地"),
            Column("output_wan", "产值(万元)", "number", total=True),
        ),
    ),
}
DEFAULT_LEDGER = "land"  # the ledger most asked about, and the issue's own example


def columns(ledger: str) -> list[Column]:
    """All columns of a ledger's table, in ledger order: id, name, place, own columns, responsibility, status."""
    spec = LEDGERS[ledger]
    return [
        Column("item_id", "编号"),
        Column("title", spec.item_header),
        Column("league_name", "盟市"),
        Column("park_name", "园区"),
        *spec.columns,
        Column("found_date", "发现日期", "date"),
        Column("responsible_unit", "责任单位"),
        *([Column("measure", "整改措施")] if spec.measure else []),
        Column("deadline", "整改时限", "date"),
        Column("status", "状态"),
        Column("overdue_days", "超期(天)", "int"),
    ]


def _shown(values: pd.Series, column: Column) -> pd.Series:
    if column.kind == "date":
        return values.map(lambda d: d.date() if isinstance(d, datetime) else None if pd.isna(d) else d)
    if column.kind == "bool":
        return values.map(lambda b: None if pd.isna(b) else "是" if b else "否")
    if column.kind == "indicator":
        return values.map(lambda k: INDICATOR_NAMES.get(k, k))
    if column.kind == "int":
        return values.astype("Int64")
    if column.kind == "number":  # full precision: the 合计 of 公顷 is then the 亩 total / 15, not a sum of roundings
        return values.astype("float64") / column.per
    return values.astype(object).where(values.notna(), None)


def ledger_table(rows: pd.DataFrame, ledger: str) -> pd.DataFrame:
    """The ledger as staff read it (and as it is exported): Chinese headers with units, 是/否, dates."""
    return pd.DataFrame({c.header: _shown(rows[c.field], c) for c in columns(ledger)}, index=range(len(rows)))


def total_headers(ledger: str) -> tuple[str, ...]:
    return tuple(c.header for c in columns(ledger) if c.total)


def number_headers(ledger: str) -> tuple[str, ...]:
    """Columns shown with two decimals (the table and the .xlsx format them; the values stay exact)."""
    return tuple(c.header for c in columns(ledger) if c.kind == "number")


def sum_fields(ledger: str) -> tuple[str, ...]:
    """The query columns summed above the table and in the export's 合计 (each once: 亩 and 公顷 share one)."""
    return tuple(dict.fromkeys(c.field for c in LEDGERS[ledger].columns if c.total))


def sort_fields(ledger: str) -> dict[str, str]:
    """Query column → its header, for the columns the list can be sorted by (each once, 亩 before 公顷)."""
    fields: dict[str, str] = {}
    for column in columns(ledger):
        fields.setdefault(column.field, column.header)
    return fields


def ledger_summary(totals: Mapping[str, float], ledger: str) -> list[tuple[str, str, str | None]]:
    """Counts and sums of all the filtered items (queries.paging.ledger_totals), whatever page is shown.

    Each card is (label, value, note): areas in 公顷 with the 亩 figure as the note (a card is narrow).
    """
    cards: list[tuple[str, str, str | None]] = [
        ("条目", fmt.count(totals["items"]), None),
        ("未整改", fmt.count(totals["open"]), None),
        ("其中超期", fmt.count(totals["overdue"]), None),
        ("已整改（含销号）", fmt.count(totals["rectified"]), None),
    ]
    for field in sum_fields(ledger):
        column = next(c for c in LEDGERS[ledger].columns if c.field == field)
        total = float(totals[field])
        label = column.header.split("(")[0]
        if column.field in ("area_mu", "land_mu"):
            cards.append((f"{label}(公顷)", f"{total / fmt.MU_PER_HA:,.1f}", f"{total:,.1f} 亩"))
        elif column.field.endswith("_wan"):  # 万元 below 1 亿, 亿元 above, the unit in the label to keep cards short
            big = abs(total) >= 10_000
            value = f"{total / 10_000:,.2f}" if big else f"{total:,.1f}"
            cards.append((f"{label}({'亿元' if big else '万元'})", value, None))
        elif column.kind == "int":
            cards.append((label, fmt.count(total), None))
        elif abs(total) >= 10_000:  # 586,300 吨 does not fit a card: 58.63 万吨
            name, unit = column.header.rstrip(")").split("(")
            cards.append((f"{name}(万{unit})", f"{total / 10_000:,.2f}", None))
        else:
            cards.append((column.header, f"{total:,.1f}", None))
    return cards


def export_title(place: str, in_park: bool, ledger: str) -> str:
    """包头市开发区闲置土地台账 / 某某开发区闲置土地台账 (a park is itself the 开发区)."""
    return f"{place}{'' if in_park else '开发区'}{LEDGERS[ledger].title}"


def origin_note(origin: pd.DataFrame) -> str:
    """Which part of one ledger in scope is real and which is still demo, league by league (ledger_origin):
    真实台账：包头市（导入批次 1，2026-12-06）；其余 11 个盟市为演示数据，非真实台账."""
    real = origin[origin["imported_items"] > 0]
    demo = origin[origin["demo_items"] > 0]
    if real.empty:
        return "演示数据，非真实台账"
    named = []
    for row in real.itertuples(index=False):
        when = f"{row.last_import:%Y-%m-%d}" if pd.notna(row.last_import) else ""
        mixed = f"，另有演示数据 {int(row.demo_items)} 条" if row.demo_items else ""
        named.append(f"{row.league_name}（导入批次 {row.batches}，{when}{mixed}）")
    note = "真实台账：" + "、".join(named)
    rest = demo[demo["imported_items"] == 0]
    if len(rest):
        names = "、".join(rest["league_name"]) if len(rest) <= 3 else f"其余 {len(rest)} 个盟市"
        note += f"；{names}为演示数据，非真实台账"
    return note


def filter_note(status: str | None, overdue_only: bool, unit: str | None, phase: str | None, search: str) -> str:
    """The filters in words, for the export's second row: 状态=整改中；仅超期未整改；…"""
    parts = [
        f"状态={status}" if status else "",
        "仅超期未整改" if overdue_only else "",
        f"责任单位={unit}" if unit else "",
        f"发现阶段={phase}" if phase else "",
        f"名称含“{search}”" if search else "",
    ]
    return "；".join(p for p in parts if p)


# One item ------------------------------------------------------------------------------------------
def _text(value: object, column: Column | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return "—"
    kind = column.kind if column else "text"
    if isinstance(value, datetime | pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    if kind == "bool":
        return "是" if value else "否"
    if kind == "indicator":
        return INDICATOR_NAMES.get(str(value), str(value))
    if kind == "number":
        return f"{float(value) / column.per:,.2f}"
    return str(value)


def item_facts(item: pd.Series, files: int = 0) -> pd.DataFrame:
    """The item's facts as 项目/内容 rows: where it is, who is responsible, what was agreed, its own columns;
    佐证材料 names the ledger's own entry and the files attached on the dashboard (files, not withdrawn)."""
    spec = LEDGERS[item["ledger"]]
    phase = f"（{item['found_phase']}阶段）" if item["found_phase"] else ""
    facts = [
        ("编号", item["item_id"]),
        ("台账", spec.title),
        (spec.item_header, item["title"]),
        ("盟市", item["league_name"]),
        ("园区", item["park_name"]),
        ("发现日期", f"{_text(item['found_date'])}{phase}"),
        ("责任单位", _text(item["responsible_unit"])),
        ("整改措施", _text(item["measure"])),
        ("整改时限", _text(item["deadline"]) + _extended(item)),
    ]
    details: Mapping = item["details"]
    for column in spec.columns:
        facts.append((column.header, _text(details.get(column.field), column)))
    facts += [
        ("整改完成日期", _text(item["rectified_date"])),
        ("销号日期", _text(item["closed_date"])),
        ("佐证材料", _evidence(item["evidence"], files)),
    ]
    return pd.DataFrame(facts, columns=["项目", "内容"])


def _evidence(entry: object, files: int) -> str:
    """The ledger's own 佐证材料 entry (shown while rectified) and the count of files attached on the dashboard."""
    parts = [] if entry is None or pd.isna(entry) or not str(entry).strip() else [str(entry).strip()]
    if files:
        parts.append(f"{files} 个文件（见下方）")
    return "；".join(parts) or "—"


def _extended(item: pd.Series) -> str:
    """（经批准延期，原时限 …） after a deadline moved by an approved 延期."""
    if not item.get("extensions") or pd.isna(item.get("original_deadline")):
        return ""
    return f"（经批准延期，原时限 {_text(item['original_deadline'])}）"


def _found(item: pd.Series) -> bool:
    """Whether the item was in the ledger on the 数据截至 date (it has a status then)."""
    return isinstance(item["status"], str)


def status_badge(item: pd.Series, asof: date) -> tuple[str, str]:
    """The badge text and colour of the item's status on asof."""
    if not _found(item):
        return f"截至 {asof:%Y-%m-%d} 尚未列入台账", "gray"
    return f"{item['status']}（截至 {asof:%Y-%m-%d}）", BADGE_COLORS[item["status"]]


def deadline_note(item: pd.Series, asof: date) -> tuple[str, str]:
    """Days to or past the deadline on asof, or whether it was met; with its tone (error, warning, success, info)."""
    if not _found(item):
        return "info", f"该条目于 {_text(item['found_date'])} 列入台账，晚于数据截至日 {asof:%Y-%m-%d}。"
    if pd.isna(item["deadline"]):
        return "info", "未设整改时限。"
    deadline = _text(item["deadline"])
    if not pd.isna(item["rectified_date"]):
        late = (item["rectified_date"] - item["deadline"]).days
        when = _text(item["rectified_date"])
        if late > 0:
            return "warning", f"已于 {when} 整改，超过整改时限（{deadline}）{late} 天。"
        return "success", f"已于 {when} 整改，在整改时限（{deadline}）之内。"
    days = int(item["days_to_deadline"])
    if days < 0:
        return "error", f"已超过整改时限（{deadline}）{-days} 天，仍未整改。"
    return "info", f"距整改时限（{deadline}）还有 {days} 天。"


def status_timeline_figure(history: pd.DataFrame, item: pd.Series, asof: date, stamp: Stamp) -> go.Figure:
    """Each status as a bar from its event to the next (up to asof), with the deadline and asof marked. The status
    in force on asof always shows as a labelled bar, however recent: it reaches a little past asof if need be."""
    fig = go.Figure()
    shown = history[~history["after_asof"]]
    end_of_view = pd.Timestamp(asof)
    readable = max(timedelta(days=1), (end_of_view - shown["event_date"].min()) * 0.12) if len(shown) else None
    for number, row in enumerate(shown.itertuples(), start=1):
        start = row.event_date
        end = min(row.end_date, end_of_view) if not pd.isna(row.end_date) else end_of_view
        end = max(end, start + timedelta(days=1))  # a same-day change still shows as a sliver
        if number == len(shown):  # drawn last, over any same-day slivers before it
            end = max(end, start + readable)
        fig.add_trace(
            go.Bar(
                x=[(end - start).total_seconds() * 1000],
                base=[start],
                y=["状态"],
                orientation="h",
                marker_color=STATUS_COLORS.get(row.status, ACCENT),
                name=row.status,
                text=[row.status],
                textposition="inside",
                textangle=0,
                insidetextanchor="middle",
                hovertemplate=f"{row.status}：{start:%Y-%m-%d} 起<extra></extra>",
                showlegend=False,
            )
        )
    marks = [(asof, "数据截至", ACCENT)]
    if not pd.isna(item["deadline"]):
        marks.append((item["deadline"].date(), "整改时限", BAD))
    for day, label, color in marks:
        fig.add_shape(
            type="line", xref="x", yref="paper", x0=day, x1=day, y0=0, y1=1, line={"color": color, "dash": "dash"}
        )
        fig.add_annotation(
            x=day, y=1, xref="x", yref="paper", yanchor="bottom", text=f"{label} {day:%Y-%m-%d}", showarrow=False
        )
    fig.update_xaxes(type="date", tickformat="%Y-%m-%d", showgrid=True, gridcolor="#eeeeee")
    fig.update_yaxes(showticklabels=False)
    fig.update_layout(barmode="overlay", bargap=0.3)
    title = f"{item['item_id']} 整改状态变化"
    later = int(history["after_asof"].sum())
    if later:
        title += f"（数据截至日之后另有 {later} 次状态变化）"
    return finish(fig, title, stamp, height=260)


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    """The status changes as a small table: 日期, 状态, 说明, 经办人 and when it was recorded, marking those after
    the 数据截至 date."""
    return pd.DataFrame(
        {
            "日期": history["event_date"].dt.date,
            "状态": history["status"],
            "说明": [
                "（数据截至日之后）" if later else ("" if pd.isna(note) else note)
                for note, later in zip(history["note"], history["after_asof"], strict=True)
            ],
            "经办人": history["actor"].fillna("（台账报送）"),
            "记录时间": [f"{t:%Y-%m-%d %H:%M}" if pd.notna(t) else "" for t in history["recorded_at"]],
        }
    )
