"""要情通报: the numbered progress bulletin as a Word document, from the same KPI tables the pages show."""

import io
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from docx import Document
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import RGBColor

from charts import format as fmt
from charts.supervision import league_figures
from reports import typography as ty

MASTHEAD = "开发区闲置资源要素大起底工作"
NAME = "要 情 通 报"
HEADLINE = "全区开发区闲置资源要素大起底工作进展情况"
ISSUER = "自治区工业园区建设工作领导小组办公室"
RED = RGBColor(0xC0, 0x00, 0x00)
# Published progress reports the demo data are calibrated to (中新网 2023-02-14; 要情通报第十六期 2023-06-08).
PUBLISHED = (date(2023, 2, 14), date(2023, 6, 8))
DIGITS = "零一二三四五六七八九"

# How each category is counted in the published bulletins: the unit of an item, the quantity that goes with
# it (column of category_kpis, its unit and how it is said), and whether its rate is by area or by count.
UNITS = {
    "pending_approval": "个",
    "idle_fund": "笔",
    "land_idle": "宗",
    "land_unsupplied": "宗",
    "land_inefficient": "宗",
    "infra_procedures": "个",
    "infra_half_finished": "个",
    "infra_not_operating": "个",
    "stalled_long": "户",
    "stalled_zombie": "户",
    "stalled_project": "个",
    "indicator": "个",
}
AREA_RATE = ("land_idle", "land_unsupplied", "land_inefficient")  # 盘活率 of land is a share of its area
STALLED = ("stalled_long", "stalled_zombie", "stalled_project")


@dataclass(frozen=True)
class Change:
    """One category now and at the previous bulletin's date."""

    category: str
    name: str
    unit: str
    found: int
    rectified: int
    rectified_before: int
    quantity: str  # the rectified quantity now, e.g. 880.5 公顷
    quantity_change: str  # its change since the previous bulletin, e.g. +11.5 公顷


def chinese_number(n: int) -> str:
    """16 -> 十六, 20 -> 二十, 105 -> 一百零五, 110 -> 一百一十 (the way a bulletin is numbered: 第十六期)."""
    if not 0 <= n < 1000:
        raise ValueError("bulletin numbers run from 0 to 999")
    if n < 10:
        return DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        tail = ""
    elif rest < 10:
        tail = "零" + DIGITS[rest]
    else:
        tail = ("一" if rest < 20 else "") + chinese_number(rest)
    return DIGITS[hundreds] + "百" + tail


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def default_previous(asof: date, first: date) -> date:
    """The previous bulletin's date to compare with: the latest published one within half a year before asof,
    else three months earlier (never before the data begin)."""
    published = [d for d in PUBLISHED if d < asof and (asof - d).days <= 183]
    return published[-1] if published else max(first, asof - timedelta(days=91))


def _wan(amount: float) -> str:
    """Money in 万元 with one decimal, as the published bulletins write it: one unit in every sentence
    (fmt.money would switch to 亿元 from 1 亿 on, and mix 1.78 亿元 with 16,368.8 万元)."""
    return f"{amount:,.1f}万元"


def _hectares(mu: float) -> str:
    return f"{mu / fmt.MU_PER_HA:,.1f}公顷"


def _quantity(category: str, row: pd.Series) -> tuple[float | None, str, int]:
    """The rectified quantity of a category, its unit word and decimals (None when the category has none)."""
    if category == "pending_approval":
        return float(row.rectified_approvals), "项审批事项", 0
    if category == "idle_fund":
        return float(row.returned_wan), "万元", 1
    if category in ("infra_procedures", "infra_half_finished", "infra_not_operating"):
        return None, "", 0
    return float(row.rectified_area_mu) / fmt.MU_PER_HA, "公顷", 1


def changes(now: pd.DataFrame, before: pd.DataFrame) -> list[Change]:
    """Per category (category_kpis at the two dates): items rectified then and now and the quantity's change."""
    earlier = before.set_index("category")
    out = []
    for row in now.itertuples():
        then = earlier.loc[row.category]
        value, unit, digits = _quantity(row.category, pd.Series(row._asdict()))
        previous = _quantity(row.category, then)[0]
        out.append(
            Change(
                category=row.category,
                name=row.name,
                unit=UNITS[row.category],
                found=int(row.found),
                rectified=int(row.rectified),
                rectified_before=int(then.rectified),
                quantity="—" if value is None else f"{value:,.{digits}f}{unit}",
                quantity_change="—" if value is None else f"{value - previous:+,.{digits}f}{unit}",
            )
        )
    return out


CHANGE_COLUMNS = ("类别", "上期已整改", "本期已整改", "新增", "本期整改量", "较上期")


def change_rows(now: pd.DataFrame, before: pd.DataFrame) -> list[tuple[str, ...]]:
    """The bulletin's 较上期变化 table, one row of texts per category (as CHANGE_COLUMNS)."""
    return [
        (
            c.name,
            f"{c.rectified_before}{c.unit}",
            f"{c.rectified}{c.unit}",
            f"{c.rectified - c.rectified_before:+d}{c.unit}",
            c.quantity,
            c.quantity_change,
        )
        for c in changes(now, before)
    ]


def change_summary(now: pd.DataFrame, before: pd.DataFrame, previous: date) -> str:
    """The sentence that leads the 较上期变化 table: how many more items were rectified, where most, and how much
    more land and money that moved (category_kpis at the two dates)."""
    rows = changes(now, before)
    added = sum(c.rectified - c.rectified_before for c in rows)
    if added <= 0:
        return f"与{chinese_date(previous)}相比，各类问题整改数量没有增加，详见下表。"
    top = sorted((c for c in rows if c.rectified > c.rectified_before), key=lambda c: c.rectified_before - c.rectified)
    most = "、".join(f"{c.name}{c.rectified - c.rectified_before}{c.unit}" for c in top[:3])
    earlier, later = before.set_index("category"), now.set_index("category")
    land = [k for k in (*AREA_RATE, *STALLED, "indicator") if k in later.index]
    area = float(later.loc[land, "rectified_area_mu"].sum() - earlier.loc[land, "rectified_area_mu"].sum())
    money = float(later.at["idle_fund", "returned_wan"] - earlier.at["idle_fund", "returned_wan"])
    moved = []
    if round(area / fmt.MU_PER_HA, 1):
        moved.append(f"处置、盘活用地{'增加' if area > 0 else '减少'}{_hectares(abs(area))}")
    if round(money, 1):
        moved.append(f"收回上缴资金{'增加' if money > 0 else '减少'}{_wan(abs(money))}")
    return (
        f"与{chinese_date(previous)}相比，各类问题新增整改{added}项，较多的是{most}"
        + ("；" + "，".join(moved) if moved else "")
        + "。各类别变化见下表。"
    )


def _rate(numerator: float, denominator: float) -> str:
    return fmt.rate(numerator / denominator if denominator else None)


def ledger_sentences(categories: pd.DataFrame) -> list[tuple[str, str]]:
    """(heading, sentence) per ledger in the published bulletins' words, from category_kpis on one date."""
    c = categories.set_index("category")

    def counted(category: str, verb: str) -> str:
        r, unit = c.loc[category], UNITS[category]
        return (
            f"{r['name']}发现{int(r.found)}{unit}，已{verb}{int(r.rectified)}{unit}，"
            f"整改完成率{_rate(r.rectified, r.found)}"
        )

    def land(category: str) -> str:
        r = c.loc[category]
        return (
            f"{r['name']}发现{int(r.found)}宗、{_hectares(r.found_area_mu)}，已处置{int(r.rectified)}宗、"
            f"{_hectares(r.rectified_area_mu)}，面积盘活率{_rate(r.rectified_area_mu, r.found_area_mu)}"
        )

    def stalled(category: str) -> str:
        return counted(category, "盘活") + f"，盘活占地{_hectares(c.at[category, 'rectified_area_mu'])}"

    pending, fund, low = c.loc["pending_approval"], c.loc["idle_fund"], c.loc["indicator"]
    return [
        (
            "待批项目",
            f"排查发现待批项目{int(pending.found)}个、涉及审批事项{int(pending.found_approvals)}项，"
            f"已办结{int(pending.rectified)}个、{int(pending.rectified_approvals)}项，"
            f"办结率{_rate(pending.rectified, pending.found)}。",
        ),
        (
            "沉淀资金",
            f"排查发现沉淀资金{int(fund.found)}笔、{_wan(fund.found_amount_wan)}，"
            f"已整改{int(fund.rectified)}笔，收回上缴{_wan(fund.returned_wan)}，"
            f"整改完成率{_rate(fund.rectified, fund.found)}。",
        ),
        ("土地", "；".join(land(k) for k in AREA_RATE) + "。"),
        (
            "基础设施存量资产",
            "；".join(
                (
                    counted("infra_procedures", "补办手续"),
                    counted("infra_half_finished", "盘活"),
                    counted("infra_not_operating", "投运"),
                )
            )
            + "。",
        ),
        (
            "停产企业和停建项目",
            "；".join(stalled(k) for k in STALLED) + "。",
        ),
        (
            "园区指标",
            f"亩均效益不达标的低效项目{int(low.found)}个、用地{_hectares(low.found_area_mu)}，"
            f"已整改{int(low.rectified)}个，整改完成率{_rate(low.rectified, low.found)}。",
        ),
    ]


def next_steps(asof: date, open_items: int, overdue: int) -> list[str]:
    """下一步工作: what the office asks for next, by the campaign's phase on the date."""
    first = (
        f"全力推进集中整治。对照问题台账逐项整改销号，尚未整改的{open_items}项问题要明确责任单位和整改时限，"
        "确保年底前完成集中整治任务。"
        if asof <= date(2022, 12, 31)
        else f"持续推进长效盘活。尚未整改的{open_items}项问题要坚持“一企一策”“一地一策”，"
        "对僵尸企业、停建项目和“半拉子”工程明确盘活路径，确保三年内全部盘活。"
    )
    return [
        first,
        f"紧盯超期事项。超期未整改的{overdue}项问题，责任单位要逐项说明原因、限期整改，"
        "领导小组办公室实行周调度、月通报。",
        "严防纸面整改。已整改事项须上传佐证材料，销号须经盟市工信部门复核，领导小组办公室将组织“回头看”抽查。",
        "加强数据报送。各盟市每月5日前更新问题台账，确保台账数据与实际进展一致、与通报数字一致。",
    ]


# The document (公文 layout: reports/typography.py) -----------------------------------------------------
def _paragraph(doc, text: str = "", size: float = ty.SAN, bold: bool = False, family: str = ty.BODY, **options):
    """A bulletin's paragraph: on the fixed 22-line grid with no space after, unless told otherwise."""
    return ty.paragraph(doc, text, size, bold, family, **{"line": ty.LINE, "after": 0, **options})


def bulletin_docx(
    number: int,
    asof: date,
    previous: date,
    ledgers: pd.DataFrame,
    categories: pd.DataFrame,
    ledgers_before: pd.DataFrame,
    categories_before: pd.DataFrame,
    lagging: pd.DataFrame,
    demo: bool,
    doc_number: str = "",
    relapses: str | None = None,
    counted: str | None = None,
    ladder: tuple[str, ...] = (),
) -> bytes:
    """要情通报 第N期 for the whole region on asof: masthead, lead, per-ledger figures, the change since the previous
    bulletin's date, the leagues that lag, next steps. ledgers/categories: ledger_kpis and category_kpis on asof,
    the *_before ones on previous; lagging: charts.supervision.lagging_leagues(...); doc_number: the 文号, printed
    under the issue number when given; relapses: reports.relapses.relapse_sentence, printed after the lagging
    leagues; counted: reports.counted_once.counted_once_sentence, printed before the changes since the last issue;
    ladder: one line per park on the 动态管理 ladder (bulletin_content.ladder_lines), listed after the lagging leagues
    when there are any."""
    doc = Document()
    ty.page_setup(doc)

    _paragraph(doc, MASTHEAD, ty.ER, True, ty.TITLE, center=True, color=RED, line=36)
    _paragraph(doc, NAME, ty.CHU, True, ty.TITLE, center=True, color=RED, line=56)
    _paragraph(doc, f"第{chinese_number(number)}期", ty.SAN, center=True, after=0 if doc_number.strip() else 6)
    if doc_number.strip():
        _paragraph(doc, doc_number.strip(), ty.SAN, center=True, after=6)
    masthead = _paragraph(doc, f"{ISSUER}\t{chinese_date(asof)}", ty.SAN, indent=False, after=12)
    masthead.paragraph_format.tab_stops.add_tab_stop(ty.TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)  # issuer left, date right
    ty.rule(masthead)
    if demo:
        _paragraph(doc, "【演示数据，仅供系统试用，不得对外发布】", ty.SI, True, center=True, color=RED)
    _paragraph(doc, HEADLINE, ty.ER, True, ty.TITLE, center=True, line=36, after=12)

    found, rectified = int(ledgers.found.sum()), int(ledgers.rectified.sum())
    open_items, overdue = int(ledgers.open.sum()), int(ledgers.overdue.sum())
    found_before, rectified_before = int(ledgers_before.found.sum()), int(ledgers_before.rectified.sum())
    rate = rectified / found if found else 0.0
    rate_before = rectified_before / found_before if found_before else 0.0
    points = (rate - rate_before) * 100
    trend = (
        f"提高{points:.1f}个百分点" if points >= 0.05 else (f"下降{-points:.1f}个百分点" if points <= -0.05 else "持平")
    )
    _paragraph(
        doc,
        f"截至{chinese_date(asof)}，全区开发区闲置资源要素大起底共排查发现问题{found}项，已整改{rectified}项，"
        f"整改完成率{fmt.rate(rate)}；与{chinese_date(previous)}相比，新增整改{rectified - rectified_before}项，"
        f"完成率{trend}。尚未整改{open_items}项，其中超期未整改{overdue}项。"
        "现将有关情况通报如下。",
    )

    _paragraph(doc, "一、分台账进展", bold=True, family=ty.HEADING)
    for n, (heading, sentence) in enumerate(ledger_sentences(categories)):
        paragraph = _paragraph(doc)
        ty.set_font(paragraph.add_run(f"（{chinese_number(n + 1)}）{heading}。"), ty.SAN, True, ty.SUBHEADING)
        ty.set_font(paragraph.add_run(sentence), ty.SAN)
    before = ledgers_before.set_index("ledger")
    ty.table(
        doc,
        ("台账", "发现(项)", "已整改(项)", "完成率", "较上期新增整改(项)", "超期未整改(项)"),
        [
            (
                r.name,
                str(r.found),
                str(r.rectified),
                fmt.rate(None if pd.isna(r.completion_rate) else r.completion_rate),
                f"{r.rectified - int(before.at[r.ledger, 'rectified']):+d}",
                str(r.overdue),
            )
            for r in ledgers.itertuples()
        ],
    )

    if counted:
        _paragraph(doc, counted)
    _paragraph(doc, f"二、较上期（{chinese_date(previous)}）变化", bold=True, family=ty.HEADING)
    _paragraph(doc, change_summary(categories, categories_before, previous))
    ty.table(doc, CHANGE_COLUMNS, change_rows(categories, categories_before))

    _paragraph(doc, "三、进展滞后地区", bold=True, family=ty.HEADING)
    if lagging.empty:
        _paragraph(doc, "按督导通报标准，本期各盟市均无滞后情形。")
    else:
        _paragraph(doc, f"按督导通报标准，本期有{len(lagging)}个盟市进展滞后：")
        for n, row in enumerate(lagging.itertuples(), start=1):
            _paragraph(doc, f"{n}.{row.league_name}：{league_figures(row)}。通报原因：" + "；".join(row.reasons) + "。")
    if relapses:
        _paragraph(doc, relapses)
    if ladder:
        _paragraph(doc, f"园区动态管理：截至{chinese_date(asof)}，有{len(ladder)}个园区处于约谈、通报等措施中：")
        for n, line in enumerate(ladder, start=1):
            _paragraph(doc, f"{n}.{line}")

    _paragraph(doc, "四、下一步工作", bold=True, family=ty.HEADING)
    for n, text in enumerate(next_steps(asof, open_items, overdue), start=1):
        _paragraph(doc, f"（{chinese_number(n)}）{text}")

    closing = _paragraph(doc, "", after=0)
    ty.rule(closing, color="000000", size=6)
    _paragraph(doc, "报：自治区工业园区建设工作领导小组组长、副组长。", ty.SI, indent=False)
    _paragraph(doc, "送：领导小组各成员单位，各盟市工业园区建设工作领导小组办公室。", ty.SI, indent=False)
    end = _paragraph(doc, f"{ISSUER}\t{chinese_date(asof)}印发", ty.SI, indent=False)
    end.paragraph_format.tab_stops.add_tab_stop(ty.TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    ty.rule(end, color="000000", size=6)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
