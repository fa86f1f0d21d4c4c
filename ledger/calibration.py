"""Cohorts of demo items whose totals reproduce the campaign's published figures.

Each cohort is a group of items of one category found in one window and rectified (已整改) in
another window, or never. Quantities are cohort totals, split exactly across the cohort's items.
Published figures (data/reference/campaign_figures.csv) fix the sums of some cohorts:

survey end = 2022-08-31 · 2023-02-14 = bulletin of 中新网 · 2023-06-08 = 要情通报第十六期.

- pending_approval: 117 found by survey end, 127 found and all 办结 by 2023-02-14; 350 approval matters.
- idle_fund: 10,700 万元 found by survey end with 230.4 万元 returned; returned 1.63亿余 by
  2023-02-14 (we use 16,335.6) and 16,368.8 万元 by 2023-06-08.
- land_idle: 145 items / 794.2 公顷 by survey end; rectified 157 / 869.0 公顷 (2023-02-14) and
  160 / 880.5 公顷 (2023-06-08); total 918.2 公顷 found makes the published 94.6 % and 95.9 % area rates.
- stalled_long: 109 (957.0 公顷) by survey end; rectified 98 (Feb) and 112 / 1,186.0 公顷 (June) of 118.
- stalled_zombie: 57 (260.6 公顷); rectified 56 (Feb) and 66 / 367.9 公顷 (June) of 72.
  Long-stopped and zombie together: 1,313.2 公顷 rectified by 2023-02-14.
- stalled_project: 83 (1,330.2 公顷); rectified 74 / 1,193.0 公顷 (Feb) and 95 / 1,380.1 公顷 (June) of 100.
- infrastructure: 616 projects surveyed by 2022-08-19, 118 with incomplete procedures, 31 long
  unfinished (14, the 半拉子工程: 11 revitalised by 2023-06-08) or built but not operating (17).
  The 2023-02-14 report of 18 half-finished projects cannot be reconciled with the 14 of June
  under "found by D" (found counts never fall) and is not reproduced.
Cohorts without a published figure (unsupplied and inefficient land, the later history) are plausible
inventions. The 园区指标 items have no published count (the survey published only that 56 parks set
控制性指标) and are not cohorts: one item per built project below its thresholds.
Energy (吨标煤) and water (吨) of the stalled survey cohorts are fixed by SURVEY_TOTALS.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal as D

SURVEY_END = date(2022, 8, 31)
PRESS_DAY = date(2022, 8, 19)
BULLETIN_FEB = date(2023, 2, 14)
BULLETIN_JUN = date(2023, 6, 8)
DATA_END = date(2025, 12, 31)


@dataclass(frozen=True)
class Cohort:
    category: str
    count: int
    found: tuple[date, date]
    rectified: tuple[date, date] | None  # None: still open at DATA_END
    totals: dict[str, D] = field(default_factory=dict)  # area_ha, balance_wan, returned_wan, ...

    @property
    def slow(self) -> bool:
        """Rectified after the concentrated phase, or never: placed mostly in the lagging leagues."""
        return self.rectified is None or self.rectified[0] > date(2023, 1, 1)


def _w(a: str, b: str) -> tuple[date, date]:
    return date.fromisoformat(a), date.fromisoformat(b)


SURVEY = _w("2022-07-15", "2022-08-31")
PRESS = _w("2022-07-20", "2022-08-19")
LATE = _w("2022-09-05", "2022-12-20")  # 补课/返工: found after the survey
TO_SURVEY = _w("2022-08-01", "2022-08-31")
TO_DEC = _w("2022-09-01", "2022-12-31")
TO_FEB = _w("2022-09-01", "2023-02-14")
FEB_FEB = _w("2023-01-01", "2023-02-14")
TO_JUN = _w("2023-02-15", "2023-06-08")
LATER = _w("2023-06-09", "2025-11-30")

COHORTS: list[Cohort] = [
    # 待批项目: 117 + 10 late, all 办结 by 2023-02-14.
    Cohort("pending_approval", 100, SURVEY, TO_DEC, {"approval_count": D(280)}),
    Cohort("pending_approval", 17, SURVEY, FEB_FEB, {"approval_count": D(46)}),
    Cohort("pending_approval", 10, LATE, FEB_FEB, {"approval_count": D(24)}),
    # 沉淀资金
    Cohort(
        "idle_fund",
        3,
        _w("2022-07-15", "2022-08-05"),
        _w("2022-08-10", "2022-08-31"),
        {"balance_wan": D("260.0"), "returned_wan": D("230.4")},
    ),
    Cohort("idle_fund", 28, SURVEY, TO_FEB, {"balance_wan": D("9850.0"), "returned_wan": D("9700.0")}),
    Cohort(
        "idle_fund", 14, LATE, _w("2022-12-21", "2023-02-14"), {"balance_wan": D("6700.0"), "returned_wan": D("6405.2")}
    ),
    Cohort("idle_fund", 2, SURVEY, TO_JUN, {"balance_wan": D("40.0"), "returned_wan": D("33.2")}),
    Cohort("idle_fund", 3, SURVEY, LATER, {"balance_wan": D("550.0"), "returned_wan": D("500.0")}),
    Cohort("idle_fund", 2, LATE, None, {"balance_wan": D("420.5"), "returned_wan": D("0")}),
    # 闲置土地: survey 145 / 794.2 ha, late 22 / 124.0 ha
    Cohort("land_idle", 140, SURVEY, TO_FEB, {"area_ha": D("765.4")}),
    Cohort("land_idle", 2, SURVEY, TO_JUN, {"area_ha": D("8.3")}),
    Cohort("land_idle", 2, SURVEY, LATER, {"area_ha": D("12.0")}),
    Cohort("land_idle", 1, SURVEY, None, {"area_ha": D("8.5")}),
    Cohort("land_idle", 17, LATE, TO_FEB, {"area_ha": D("103.6")}),
    Cohort("land_idle", 1, LATE, TO_JUN, {"area_ha": D("3.2")}),
    Cohort("land_idle", 2, LATE, LATER, {"area_ha": D("9.0")}),
    Cohort("land_idle", 2, LATE, None, {"area_ha": D("8.2")}),
    # 批而未供, 低效用地: no published item counts
    Cohort("land_unsupplied", 38, SURVEY, TO_DEC, {"area_ha": D("412.6")}),
    Cohort("land_unsupplied", 9, SURVEY, _w("2023-01-01", "2024-06-30"), {"area_ha": D("96.3")}),
    Cohort("land_unsupplied", 4, LATE, None, {"area_ha": D("37.9")}),
    Cohort("land_inefficient", 14, SURVEY, _w("2022-10-01", "2023-12-31"), {"area_ha": D("186.4")}),
    Cohort("land_inefficient", 15, SURVEY, _w("2024-01-01", "2025-11-30"), {"area_ha": D("203.7")}),
    Cohort("land_inefficient", 5, SURVEY, None, {"area_ha": D("71.2")}),
    # 长期停产企业: survey 109 / 957.0 ha, late 9 / 293.0 ha
    Cohort("stalled_long", 92, SURVEY, TO_FEB, {"area_ha": D("787.0")}),
    Cohort("stalled_long", 13, SURVEY, TO_JUN, {"area_ha": D("130.0")}),
    Cohort("stalled_long", 2, SURVEY, LATER, {"area_ha": D("20.0")}),
    Cohort("stalled_long", 2, SURVEY, None, {"area_ha": D("20.0")}),
    Cohort("stalled_long", 6, LATE, TO_FEB, {"area_ha": D("243.0")}),
    Cohort("stalled_long", 1, LATE, TO_JUN, {"area_ha": D("26.0")}),
    Cohort("stalled_long", 1, LATE, LATER, {"area_ha": D("12.0")}),
    Cohort("stalled_long", 1, LATE, None, {"area_ha": D("12.0")}),
    # 僵尸企业: survey 57 / 260.6 ha, late 15 / 147.8 ha
    Cohort("stalled_zombie", 52, SURVEY, TO_FEB, {"area_ha": D("228.6")}),
    Cohort("stalled_zombie", 3, SURVEY, TO_JUN, {"area_ha": D("20.0")}),
    Cohort("stalled_zombie", 1, SURVEY, LATER, {"area_ha": D("5.0")}),
    Cohort("stalled_zombie", 1, SURVEY, None, {"area_ha": D("7.0")}),
    Cohort("stalled_zombie", 4, LATE, TO_FEB, {"area_ha": D("54.6")}),
    Cohort("stalled_zombie", 7, LATE, TO_JUN, {"area_ha": D("64.7")}),
    Cohort("stalled_zombie", 2, LATE, LATER, {"area_ha": D("14.0")}),
    Cohort("stalled_zombie", 2, LATE, None, {"area_ha": D("14.5")}),
    # 长期停建项目: survey 83 / 1,330.2 ha, late 17 / 122.3 ha
    Cohort("stalled_project", 66, SURVEY, TO_FEB, {"area_ha": D("1130.2")}),
    Cohort("stalled_project", 14, SURVEY, TO_JUN, {"area_ha": D("150.0")}),
    Cohort("stalled_project", 2, SURVEY, LATER, {"area_ha": D("30.0")}),
    Cohort("stalled_project", 1, SURVEY, None, {"area_ha": D("20.0")}),
    Cohort("stalled_project", 8, LATE, TO_FEB, {"area_ha": D("62.8")}),
    Cohort("stalled_project", 7, LATE, TO_JUN, {"area_ha": D("37.1")}),
    Cohort("stalled_project", 1, LATE, LATER, {"area_ha": D("10.0")}),
    Cohort("stalled_project", 1, LATE, None, {"area_ha": D("12.4")}),
    # 基础设施: 118 with incomplete procedures, 14 half-finished, 17 built but not operating
    Cohort("infra_procedures", 80, PRESS, TO_DEC, {"investment_wan": D("186400")}),
    Cohort("infra_procedures", 25, PRESS, _w("2023-01-01", "2023-06-30"), {"investment_wan": D("61250")}),
    Cohort("infra_procedures", 9, PRESS, _w("2023-07-01", "2024-12-31"), {"investment_wan": D("23800")}),
    Cohort("infra_procedures", 4, PRESS, None, {"investment_wan": D("9650")}),
    Cohort("infra_half_finished", 6, PRESS, TO_DEC, {"investment_wan": D("38600")}),
    Cohort("infra_half_finished", 5, PRESS, _w("2023-01-01", "2023-06-08"), {"investment_wan": D("27400")}),
    Cohort("infra_half_finished", 2, PRESS, _w("2024-01-01", "2025-10-31"), {"investment_wan": D("15800")}),
    Cohort("infra_half_finished", 1, PRESS, None, {"investment_wan": D("12300")}),
    Cohort("infra_not_operating", 10, PRESS, _w("2022-10-01", "2023-06-08"), {"investment_wan": D("42100")}),
    Cohort("infra_not_operating", 5, PRESS, _w("2023-06-09", "2025-06-30"), {"investment_wan": D("19750")}),
    Cohort("infra_not_operating", 2, PRESS, None, {"investment_wan": D("8900")}),
    # 园区指标: no cohort here. Its items are the built projects below their thresholds (the rankings'
    # 倒逼腾退 candidates), derived by ledger/demo/items.py (indicator_items); nothing published counts them.
]

# Energy and water of the stalled items found by survey end (万吨 published, stored in 吨).
SURVEY_TOTALS: dict[str, dict[str, D]] = {
    "stalled_long": {"energy_tce": D("857000"), "water_t": D("2861000")},
    "stalled_zombie": {"energy_tce": D("102000"), "water_t": D("1406000")},
    "stalled_project": {"energy_tce": D("2047000"), "water_t": D("2041000")},
}

INFRA_SURVEYED = 616  # projects since 2016, surveyed by 2022-08-19
STOPPED_OVER_A_YEAR = 696  # enterprises stopped over a year, preliminary count of 2022-08-19

# Leagues whose items are placed more often in the slow cohorts, so that the demo has laggards.
LAGGING_LEAGUES = ("150900", "152200", "150700")
