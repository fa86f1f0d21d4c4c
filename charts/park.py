"""Builders for the 园区档案 page: facts, ledger table, indicators against thresholds, the item list and export."""

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from charts.excel import ExportMeta, ledger_xlsx

# indicator column -> (threshold column, label, unit, decimals)
INDICATORS = {
    "output_per_mu": ("output_min", "亩均产值", "万元/亩", 1),
    "tax_per_mu": ("tax_min", "亩均税收", "万元/亩", 2),
    "investment_intensity": ("investment_min", "投资强度", "万元/亩", 1),
    "plot_ratio": ("plot_min", "容积率", "", 2),
}
ITEM_COLUMNS = {
    "item_id": "编号",
    "ledger_name": "台账",
    "category_name": "类别",
    "title": "名称",
    "status": "状态",
    "overdue": "超期未整改",
    "found_date": "发现日期",
    "deadline": "整改时限",
    "responsible_unit": "责任单位",
    "measure": "整改措施",
    "area_mu": "面积(亩)",
    "amount_wan": "金额(万元)",
}


def _missing(x: object) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def facts(profile: pd.Series) -> list[tuple[str, str]]:
    """(label, value) pairs of the park's catalogue facts, 批准面积 in 公顷 as the catalogue gives it."""
    area = "—" if _missing(profile["approved_area_ha"]) else f"{profile['approved_area_ha']:,.1f} 公顷"
    place = profile["league_name"] + ("" if _missing(profile["county"]) else f" · {profile['county']}")
    year = "—" if _missing(profile["approved_year"]) else f"{int(profile['approved_year'])}年"
    return [
        ("级别", profile["level"]),
        ("类型", profile["park_type"] or "—"),
        ("所在盟市", place),
        ("批准面积", area),
        ("批准设立", year),
        ("主导产业", profile["leading_industries"] or "—"),
        ("控制性指标类别", profile["industry_category"] or "—"),
        ("目录代码", profile["catalogue_code"] or "—"),
    ]


def ledger_table(kpis: pd.DataFrame) -> pd.DataFrame:
    """The six ledgers of the park: found, rectified, open, overdue and the completion rate (0..1)."""
    return kpis[["name", "found", "rectified", "open", "overdue", "completion_rate"]].rename(
        columns={
            "name": "台账",
            "found": "发现(项)",
            "rectified": "已整改(项)",
            "open": "未整改(项)",
            "overdue": "超期未整改(项)",
            "completion_rate": "完成率",
        }
    )


@dataclass(frozen=True)
class IndicatorCard:
    label: str  # 亩均税收（万元/亩）
    value: str  # 13.58 or 数据缺失
    delta: str | None  # +35.8%（控制值 10.00）
    below: bool | None  # below the threshold (None: no value or no threshold)


def indicator_cards(row: pd.Series) -> list[IndicatorCard]:
    cards = []
    for column, (min_column, label, unit, decimals) in INDICATORS.items():
        value, minimum = row[column], row[min_column]
        title = f"{label}（{unit}）" if unit else label
        if _missing(value):
            cards.append(IndicatorCard(title, "数据缺失", None, None))
            continue
        if _missing(minimum) or not minimum:
            cards.append(IndicatorCard(title, f"{value:,.{decimals}f}", "无控制值", None))
            continue
        gap = value / minimum - 1  # the sign leads, so st.metric colours a shortfall red
        delta = f"{gap * 100:+.1f}%（控制值 {minimum:,.{decimals}f}）"
        cards.append(IndicatorCard(title, f"{value:,.{decimals}f}", delta, gap < 0))
    return cards


def indicator_basis_text(row: pd.Series, profile: pd.Series, asof_year: int) -> str:
    """Which projects the indicators count (the data year, and why when it is not the date's own year) and
    which thresholds they are set against."""
    if _missing(row["year"]):
        return "暂无已建成工业项目数据。"
    year = int(row["year"])
    text = f"按 {year} 年及以前建成投产的 {int(row['projects'])} 个工业项目计算（{year} 年度）"
    if year < asof_year:
        text += f"，{asof_year} 年尚无建成项目数据，按最近有数据的 {year} 年"
    if row["missing_projects"]:
        text += f"；另有 {int(row['missing_projects'])} 个项目数据缺失，未计入"
    basis = row["basis"] or "未设定"
    plot = row["plot_basis"] or "未设定"
    return (
        text + f"。控制值为{profile['league_name']}{profile['industry_category']}类控制性指标"
        f"（投资强度、亩均产值、亩均税收：{basis}；容积率：{plot}）。"
    )


def rank_text(row: pd.Series) -> str:
    if _missing(row["tax_rank"]):
        return "无有效项目数据，未参与排名"
    return f"第 {int(row['tax_rank'])} 位 / {int(row['ranked_parks'])} 个园区"


def items_table(items: pd.DataFrame) -> pd.DataFrame:
    """The park's items with Chinese headers, dates as dates (for the page and the Excel export)."""
    table = items[list(ITEM_COLUMNS)].rename(columns=ITEM_COLUMNS)
    for column in ("发现日期", "整改时限"):
        table[column] = pd.to_datetime(table[column]).dt.date
    return table


def items_xlsx(table: pd.DataFrame, park_name: str, asof: date, demo: bool) -> bytes:
    """The item list in ledger layout; text that looks like a formula stays text (charts.excel)."""
    note = "（演示数据）" if demo else ""
    meta = ExportMeta(
        title=f"{park_name}台账条目",
        subtitle=f"数据截至 {asof:%Y-%m-%d}　范围：{park_name}　共 {len(table)} 项{note}",
        sum_headers=("面积(亩)", "金额(万元)"),
        sheet="园区台账条目",
    )
    return ledger_xlsx(table, meta)


def directory_table(directory: pd.DataFrame, asof: date) -> pd.DataFrame:
    """A page of the park directory (park_directory) with Chinese headers and a link to each profile."""
    link = "park?league={}&park={}&asof=" + f"{asof:%Y-%m-%d}"
    table = pd.DataFrame(
        {
            "园区": directory.name,
            "盟市": directory.league_name,
            "旗县区": directory.county.fillna("—"),
            "级别": directory.level,
            "发现(项)": directory.found.astype(int),
            "未整改(项)": directory.open_items.astype(int),
            "超期(项)": directory.overdue.astype(int),
            "完成率": directory.completion_rate.astype(float),
            "园区档案": [link.format(lg, pk) for lg, pk in zip(directory.league_code, directory.park_id, strict=True)],
        }
    )
    return table if directory.county.notna().any() else table.drop(columns="旗县区")  # no catalogue gives one
