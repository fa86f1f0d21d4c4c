"""Deterministic demo database (演示数据) calibrated to the campaign's published figures."""

import csv
import functools
import math
import os
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR
from decimal import Decimal as D
from pathlib import Path

import chinese_calendar
import duckdb
import pandas as pd

from ledger import REFERENCE, SCHEMA, rules, spans
from ledger.calibration import (
    COHORTS,
    DATA_END,
    INFRA_SURVEYED,
    LAGGING_LEAGUES,
    PRESS,
    STOPPED_OVER_A_YEAR,
    SURVEY,
    SURVEY_END,
    SURVEY_TOTALS,
    Cohort,
)

SEED = 20220819
MU_PER_HA = 15
STOPPED_BEFORE = date(2021, 6, 30)  # stopped over a year before any survey date (2022-07-20 on)
FIRST_PROJECT_YEAR, LAST_PROJECT_YEAR = 2016, DATA_END.year  # built projects completed in every year

PHASES = [
    ("mobilization", "宣传动员", date(2022, 7, 1), date(2022, 7, 31), 1),
    ("survey", "排查摸底", date(2022, 8, 1), date(2022, 8, 31), 2),
    ("rectification", "集中整治", date(2022, 9, 1), date(2022, 12, 31), 3),
    ("long_term", "长效盘活", date(2023, 1, 1), date(2025, 12, 31), 4),
]

CATEGORIES = ["农畜产品加工", "能源化工", "新型化工", "冶金", "生物医药", "装备制造"]
CATEGORY_KEYWORDS = [
    ("生物医药", ("医药", "制药", "生物")),
    ("新型化工", ("精细化工", "氟化", "氯碱", "盐化工", "硫化工", "石化")),
    ("能源化工", ("煤", "电力", "能源", "焦", "天然气", "石油")),
    ("冶金", ("冶", "铝", "铜", "稀土", "钢", "金属", "铁", "铁精粉")),
    ("农畜产品加工", ("乳", "食品", "农畜", "羊绒", "农副", "饮料", "玉米", "啤酒")),
    ("装备制造", ("装备", "机械", "制造", "电子")),
]
LEDGER_OF = {
    "pending_approval": "pending_approval",
    "idle_fund": "idle_fund",
    "land_idle": "land",
    "land_unsupplied": "land",
    "land_inefficient": "land",
    "stalled_long": "stalled",
    "stalled_zombie": "stalled",
    "stalled_project": "stalled",
    "infra_procedures": "infrastructure",
    "infra_half_finished": "infrastructure",
    "infra_not_operating": "infrastructure",
    "indicator": "indicator",
}
ID_PREFIX = {
    "pending_approval": "PA",
    "idle_fund": "FD",
    "land": "LD",
    "infrastructure": "IF",
    "stalled": "ST",
    "indicator": "IN",
}

NAME_ROOTS = list("鑫恒华蒙瑞宏天金北远泰盛源丰达昌隆兴晟辉祥润博嘉利通")
PRODUCTS = {
    "农畜产品加工": ("乳业", "肉业", "食品", "饲料", "绒纺"),
    "能源化工": ("煤化", "能源", "焦化", "电力"),
    "新型化工": ("精细化工", "新材料", "氟化工", "化学"),
    "冶金": ("铝业", "硅业", "冶金", "稀土材料", "铁合金"),
    "生物医药": ("生物科技", "药业", "健康产业"),
    "装备制造": ("装备制造", "机械", "新能源装备", "汽车零部件"),
}
PROJECT_OUTPUT = {
    "农畜产品加工": ("乳制品", "肉制品", "饲料", "马铃薯淀粉"),
    "能源化工": ("煤制甲醇", "兰炭", "焦炭", "煤制乙二醇"),
    "新型化工": ("PVC", "电子级氢氟酸", "聚甲醛", "碳化硅"),
    "冶金": ("电解铝", "工业硅", "硅铁", "稀土永磁材料"),
    "生物医药": ("原料药", "维生素", "生物发酵产品"),
    "装备制造": ("风电塔筒", "光伏组件", "重型卡车零部件", "储能电池"),
}
FACILITIES = ("污水处理厂", "渣场", "标准厂房", "集中供热", "道路", "管网")
FUND_SOURCES = (
    "园区基础设施建设专项资金",
    "工业发展专项资金",
    "土地出让收入返还资金",
    "政府专项债券资金",
    "招商引资奖励资金",
)
APPROVALS = ("环评", "能评", "水土保持方案", "用地预审", "规划许可", "施工许可")
LAND_CAUSES = {
    "闲置土地": ("企业资金链断裂", "规划调整", "项目前期手续未办结", "市场变化投资意向改变"),
    "批而未供": ("项目未落地", "征地补偿未完成", "规划条件调整"),
    "低效用地": ("容积率偏低", "厂房空置", "产出效益低"),
}
STALL_REASONS = ("市场需求下降", "资金短缺", "环保不达标", "能耗双控限产", "手续不全", "经营纠纷")
MEASURE_KEYS = {
    "pending_approval": ("待批项目",),
    "idle_fund": ("沉淀资金",),
    "land_idle": ("闲置土地",),
    "land_unsupplied": ("批而未供",),
    "land_inefficient": ("闲置土地",),
    "stalled_long": ("停产企业/僵尸企业",),
    "stalled_zombie": ("停产企业/僵尸企业",),
    "stalled_project": ("停建项目",),
    "infra_procedures": ("待批项目",),
    "infra_half_finished": ("半拉子工程",),
    "infra_not_operating": ("半拉子工程",),
    "indicator": ("园区(区块)效益差", "停产企业/僵尸企业"),
}
UNIT_OF = {
    "pending_approval": "发展和改革委员会",
    "idle_fund": "财政局",
    "land": "自然资源局",
    "infrastructure": "住房和城乡建设局",
    "stalled": "工业和信息化局",
    "indicator": "工业和信息化局",
}


# 控制性指标 (see thresholds): the 2008 national 容积率 table by GB/T 4754-2002 industry code, the lowest
# code of each category; some leagues set a stricter one (演示估计). 投资强度, 亩均产值, 亩均税收 are the
# category estimates of indicator_thresholds_ESTIMATE.csv times the league's tier (呼包鄂 highest,
# as the 2008 standard sets higher investment floors for higher land grades) and ±10 % of its own.
FAR_CODES = {
    "农畜产品加工": ("13", "14", "15"),
    "能源化工": ("25",),
    "新型化工": ("26",),
    "冶金": ("32", "33"),
    "生物医药": ("27",),
    "装备制造": ("35", "36", "37", "39"),
}
FAR_RAISES = (0, 0, 0, 0.05, 0.1, 0.1, 0.2)
LEAGUE_TIER = {
    "150100": 1.0,  # 呼和浩特
    "150200": 1.0,  # 包头
    "150600": 1.0,  # 鄂尔多斯
    "150300": 0.9,  # 乌海
    "150400": 0.9,  # 赤峰
    "150500": 0.9,  # 通辽
    "150800": 0.85,  # 巴彦淖尔
    "150900": 0.85,  # 乌兰察布
    "152500": 0.85,  # 锡林郭勒
    "150700": 0.8,  # 呼伦贝尔
    "152200": 0.75,  # 兴安
    "152900": 0.8,  # 阿拉善
}
THRESHOLD_STEP = {"investment_intensity": 10, "output_per_mu": 10, "tax_per_mu": 0.5}
NATIONAL_BASIS = "国家标准(国土资发〔2008〕24号)"
ESTIMATE_BASIS = "演示估计"
# Per indicator: (margin above the threshold, loading on the project's productivity, own noise), in log units.
# Tuned so that 10-20 % of the judged projects fall below at least one threshold (tests/test_plausibility.py).
INDICATOR_SPREAD = {
    "investment_intensity": (0.36, 0.2, 0.07),
    "output_per_mu": (0.36, 0.22, 0.07),
    "tax_per_mu": (0.41, 0.26, 0.08),
    "plot_ratio": (0.34, 0.08, 0.1),
}
EFFECTS = {"league": 0.05, "industry": 0.04, "park": 0.06, "year": 0.015}  # log units; year: per year
INDICATOR_RECTIFIED_SHARES = (0.30, 0.35, 0.15)  # of a batch, rectified in its first, second, third year
LAST_RECTIFIED = date(2025, 11, 30)
INDICATOR_ORDER = ("investment_intensity", "output_per_mu", "tax_per_mu", "plot_ratio")
INDICATOR_LABEL = {
    "investment_intensity": "投资强度",
    "output_per_mu": "亩均产值",
    "tax_per_mu": "亩均税收",
    "plot_ratio": "容积率",
}


@dataclass
class Park:
    park_id: str
    name: str
    league_code: str
    area_ha: float
    category: str
    lat: float
    lon: float


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _category_of(industries: str) -> str:
    hits = [(industries.find(word), cat) for cat, words in CATEGORY_KEYWORDS for word in words if word in industries]
    return min(hits)[1] if hits else "装备制造"


def split_total(total: D, n: int, rng: random.Random, unit: D = D("0.1")) -> list[D]:
    """Split total into n positive parts, multiples of unit, that add up to total exactly."""
    units = int((total / unit).to_integral_value(ROUND_FLOOR))
    if units != total / unit:
        raise ValueError(f"{total} is not a multiple of {unit}")
    if n == 0:
        return []
    if units < n:
        raise ValueError(f"cannot split {total} into {n} positive parts of {unit}")
    weights = [rng.lognormvariate(0, 0.6) for _ in range(n)]
    spare = units - n
    raw = [spare * w / sum(weights) for w in weights]
    parts = [int(r) for r in raw]
    by_fraction = sorted(range(n), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in by_fraction[: spare - sum(parts)]:
        parts[i] += 1
    return [(p + 1) * unit for p in parts]


def _day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _month_end(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


@functools.cache
def is_working_day(d: date) -> bool:
    """Monday to Friday and not a public holiday of China (chinese_calendar; 调休 Saturdays excluded too)."""
    return d.weekday() < 5 and chinese_calendar.is_workday(d)


def working_day_in(d: date, start: date, end: date) -> date | None:
    """The first working day from d up to end, else the last one from d back to start (None: there is none);
    a d outside start..end is first moved to the nearer bound."""
    d = min(max(d, start), end)
    for step, stop in ((1, end), (-1, start)):
        day = d
        while (day <= stop) if step > 0 else (day >= stop):
            if is_working_day(day):
                return day
            day += timedelta(days=step)
    return None


def first_working_day(year: int) -> date:
    return working_day_in(date(year, 1, 1), date(year, 1, 1), date(year, 12, 31))


def _workday_between(rng: random.Random, start: date, end: date) -> date:
    day = working_day_in(_day_between(rng, start, end), start, end)
    if day is None:
        raise ValueError(f"no working day between {start} and {end}")
    return day


class DemoBuilder:
    """Generates all demo rows in memory; `write` stores them in a new database file."""

    def __init__(self, seed: int = SEED) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.stagger = random.Random(seed + 1)
        self.rows: dict[str, list[dict]] = {}
        self.counters: dict[str, int] = {}
        self.titles: dict[str, set[str]] = {}
        self.used_mu: dict[str, float] = {}  # land of built projects and ledger items placed in each park
        self.leagues = _read_csv("leagues.csv")
        self.parks = self._parks()
        self.methods = _read_csv("disposal_methods.csv")
        self.league_name = {r["code"]: r["name"] for r in self.leagues}

    def add(self, table: str, **row) -> None:
        self.rows.setdefault(table, []).append(row)

    def next_id(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}{self.counters[prefix]:04d}"

    # reference ----------------------------------------------------------------------------
    def _parks(self) -> list[Park]:
        parks = []
        for n, z in enumerate(_read_csv("zones.csv"), start=1):
            parks.append(
                Park(
                    f"P{n:03d}",
                    z["name"],
                    z["league_code"],
                    float(z["area_ha"]),
                    _category_of(z["leading_industries"]),
                    float(z["lat"]),
                    float(z["lon"]),
                )
            )
        return parks

    def reference(self) -> None:
        for r in self.leagues:
            self.add(
                "league",
                league_code=r["code"],
                name=r["name"],
                short_name=r["name"].removesuffix("市").removesuffix("盟") or r["name"],
                seat_lat=float(r["seat_lat"]),
                seat_lon=float(r["seat_lon"]),
            )
        for park, z in zip(self.parks, _read_csv("zones.csv"), strict=True):
            self.add(
                "park",
                park_id=park.park_id,
                name=park.name,
                league_code=park.league_code,
                county=None,
                level=z["level"],
                park_type=z["type"],
                catalogue_code=z["catalogue_code"],
                approved_year=int(z["approved"][:4]),
                approved_area_ha=park.area_ha,
                leading_industries=z["leading_industries"],
                industry_category=park.category,
                lat=park.lat,
                lon=park.lon,
            )
        for phase_id, name, start, end, sort in PHASES:
            self.add("phase", phase_id=phase_id, name=name, start_date=start, end_date=end, sort=sort)

    def thresholds(self) -> None:
        """Each league's 控制性指标 per category: 容积率 from the 2008 national table (some leagues stricter),
        投资强度, 亩均产值, 亩均税收 from the category estimates scaled by the league's tier and its own choice."""
        base = {}
        for r in _read_csv("indicator_thresholds_ESTIMATE.csv"):
            label = r["industry_category(IM 6-category scheme + 1)"]
            cat = next((c for c in CATEGORIES if c[:2] in label), None)
            if cat is None or cat in base:
                continue
            base[cat] = {
                "investment_intensity": float(r["investment_intensity_wan_per_mu"].lstrip("≥")),
                "output_per_mu": float(r["output_per_mu_wan"].lstrip("≥")),
                "tax_per_mu": float(r["tax_per_mu_wan"].lstrip("≥")),
            }
        far = {r["industry_code_GBT4754_2002"]: float(r["far_min"]) for r in _read_csv("far_min_2008.csv")}
        national_far = {cat: min(far[code] for code in codes) for cat, codes in FAR_CODES.items()}
        rng = random.Random(self.seed + 2)  # a stream of its own: thresholds do not shift the ledgers
        for league in self.leagues:
            tier = LEAGUE_TIER[league["code"]]
            for cat in CATEGORIES:
                stricter = rng.choice(FAR_RAISES)
                self.add(
                    "control_threshold",
                    league_code=league["code"],
                    industry_category=cat,
                    indicator="plot_ratio",
                    min_value=round(national_far[cat] + stricter, 2),
                    basis=NATIONAL_BASIS if stricter == 0 else ESTIMATE_BASIS,
                )
                for indicator, value in base[cat].items():
                    step = THRESHOLD_STEP[indicator]
                    scaled = round(value * tier * rng.uniform(0.9, 1.1) / step) * step
                    self.add(
                        "control_threshold",
                        league_code=league["code"],
                        industry_category=cat,
                        indicator=indicator,
                        min_value=float(scaled),
                        basis=ESTIMATE_BASIS,
                    )
        self.threshold = {
            (r["league_code"], r["industry_category"], r["indicator"]): r["min_value"]
            for r in self.rows["control_threshold"]
        }

    # placing items ------------------------------------------------------------------------
    def pick_park(self, slow: bool) -> Park:
        weights = [(p.area_ha**0.5) * (5 if slow and p.league_code in LAGGING_LEAGUES else 1) for p in self.parks]
        return self.rng.choices(self.parks, weights=weights)[0]

    def company(self, category: str) -> str:
        root = "".join(self.rng.sample(NAME_ROOTS, 2))
        return f"内蒙古{root}{self.rng.choice(PRODUCTS[category])}有限公司"

    def near(self, park: Park) -> tuple[float, float]:
        return (
            round(park.lat + self.rng.uniform(-0.03, 0.03), 5),
            round(park.lon + self.rng.uniform(-0.04, 0.04), 5),
        )

    def measure(self, category: str) -> str:
        keys = MEASURE_KEYS[category]
        options = [m["method"] for m in self.methods if m["ledger"] in keys]
        return self.rng.choice(options)

    # built projects -----------------------------------------------------------------------
    def built_projects(self) -> None:
        """Projects completed 2016-2025, their indicators driven by one latent productivity each.

        log(value / threshold) = margin + league effect + industry effect + loading × productivity + noise,
        so 亩均产值, 亩均税收 and 投资强度 move together and a minority falls below the thresholds.
        """
        rng = random.Random(self.seed + 3)  # a stream of its own, like the thresholds
        league_effect = {r["code"]: rng.gauss(0, EFFECTS["league"]) for r in self.leagues}
        industry_effect = {cat: rng.gauss(0, EFFECTS["industry"]) for cat in CATEGORIES}
        for park in self.parks:
            park_effect = rng.gauss(0, EFFECTS["park"])
            names: set[str] = set()
            count = max(5, min(26, int(park.area_ha**0.5 / 2.2)))
            # together the projects take at most half the park's approved area (small parks, small plots)
            largest = max(2500, min(40000, int(park.area_ha * MU_PER_HA * 100 / 2 / count)))
            for _ in range(count):
                cat = park.category if rng.random() < 0.7 else rng.choice(CATEGORIES)
                year = rng.randint(FIRST_PROJECT_YEAR, LAST_PROJECT_YEAR)
                land = D(rng.randint(2000, largest)) / 100
                productivity = rng.gauss(0, 1)
                shift = league_effect[park.league_code] + industry_effect[cat] + park_effect
                shift += EFFECTS["year"] * (year - 2020)  # newer projects a little more productive
                limits = {k: self.threshold[(park.league_code, cat, k)] for k in INDICATOR_ORDER}

                def per_mu(key: str, limits: dict = limits, shift: float = shift, z: float = productivity) -> float:
                    margin, loading, noise = INDICATOR_SPREAD[key]
                    return limits[key] * math.exp(margin + shift + loading * z + rng.gauss(0, noise))

                name = self.project_name(cat, names, rng)
                self.add(
                    "built_project",
                    project_id=self.next_id("BP"),
                    park_id=park.park_id,
                    name=name,
                    industry_category=cat,
                    land_mu=land,
                    investment_wan=round(D(per_mu("investment_intensity")) * land, 2),
                    output_wan=round(D(per_mu("output_per_mu")) * land, 2),
                    tax_wan=round(D(per_mu("tax_per_mu")) * land, 2),
                    floor_area_m2=round(D(float(land) * 666.67 * per_mu("plot_ratio")), 2),
                    year=year,
                )
        for row in self.rows["built_project"]:
            self.used_mu[row["park_id"]] = self.used_mu.get(row["park_id"], 0) + float(row["land_mu"])
        # A few surveyed projects whose land area was not reported: 数据缺失.
        for row in rng.sample(self.rows["built_project"], 3):
            row["land_mu"] = None if row["project_id"] < "BP0400" else D(0)

    def project_name(self, cat: str, taken: set[str], rng: random.Random) -> str:
        """A project name not yet used in its park."""
        while True:
            root = "".join(rng.sample(NAME_ROOTS, 2))
            name = (
                f"内蒙古{root}{rng.choice(PRODUCTS[cat])}"
                f"年产{rng.randint(1, 50)}万吨{rng.choice(PROJECT_OUTPUT[cat])}项目"
            )
            if name not in taken:
                taken.add(name)
                return name

    def below_threshold(self, year: int) -> list[dict]:
        """Projects judged in the ranking of `year` (valid, completed before it) below at least one threshold:
        the rule of queries/rankings/retreat_candidates.sql, with each shortfall (worst first)."""
        league_of = {p.park_id: p.league_code for p in self.parks}
        out = []
        for p in self.rows["built_project"]:
            if p["year"] >= year or not p["land_mu"]:
                continue
            land = float(p["land_mu"])
            values = {
                "investment_intensity": float(p["investment_wan"]) / land,
                "output_per_mu": float(p["output_wan"]) / land,
                "tax_per_mu": float(p["tax_wan"]) / land,
                "plot_ratio": float(p["floor_area_m2"]) / (land * 666.67),
            }
            limits = {k: self.threshold[(league_of[p["park_id"]], p["industry_category"], k)] for k in values}
            short = sorted(
                ((values[k] / limits[k], k) for k in INDICATOR_ORDER if values[k] < limits[k]),
            )
            if short:
                out.append({**p, "short": [(k, values[k], limits[k]) for _, k in short]})
        return out

    # ledger items -------------------------------------------------------------------------
    def items(self) -> None:
        for cohort in COHORTS:
            parts = {
                k: split_total(v, cohort.count, self.rng, self._unit(k))
                for k, v in cohort.totals.items()
                if k != "returned_wan"
            }
            if "returned_wan" in cohort.totals:
                parts["returned_wan"] = self._returned(parts["balance_wan"], cohort.totals["returned_wan"])
            for i in range(cohort.count):
                self.item(cohort, {k: v[i] for k, v in parts.items()}, None)
        self.indicator_items()
        self.survey_totals()

    def indicator_items(self) -> None:
        """园区指标: one item per project below its thresholds in the latest ranking (the rankings' 倒逼腾退
        candidates), found when first judged: in the 2022 survey, or at the first working day of the year
        after its completion year; a share of each batch rectified in each later year."""
        batches: dict[date, list[dict]] = {}
        for project in self.below_threshold(LAST_PROJECT_YEAR):
            found = SURVEY[0] if project["year"] < SURVEY[0].year else first_working_day(project["year"] + 1)
            batches.setdefault(found, []).append(project)
        for found, projects in sorted(batches.items()):
            self.rng.shuffle(projects)
            window = SURVEY if found == SURVEY[0] else (found, found)
            start = max(date(found.year, 3, 1), date(2023, 1, 1))
            shares = INDICATOR_RECTIFIED_SHARES[: DATA_END.year - start.year + 1]
            bounds = [0] + [round(len(projects) * sum(shares[: i + 1])) for i in range(len(shares))]
            for i, project in enumerate(projects):
                year_index = next((k for k in range(len(shares)) if i < bounds[k + 1]), None)
                rectified = None
                if year_index is not None:
                    first = start if year_index == 0 else date(start.year + year_index, 1, 1)
                    rectified = (first, min(date(first.year, 12, 31), LAST_RECTIFIED))
                self.item(Cohort("indicator", 1, window, rectified), {}, project)

    @staticmethod
    def _unit(key: str) -> D:
        return {"approval_count": D(1), "investment_wan": D(50)}.get(key, D("0.1"))

    def _returned(self, balances: list[D], total: D) -> list[D]:
        """Returned amounts proportional to balances, exact in sum, never above a balance."""
        if total == 0:
            return [D(0)] * len(balances)
        share = total / sum(balances)
        parts = [(b * share).quantize(D("0.1"), ROUND_FLOOR) for b in balances]
        parts[0] += total - sum(parts)
        if any(p > b for p, b in zip(parts, balances, strict=True)):
            raise ValueError("returned amount above balance")
        return parts

    def item(self, cohort: Cohort, qty: dict[str, D], project: dict | None) -> None:
        rng = self.rng
        cat = cohort.category
        ledger = LEDGER_OF[cat]
        park = next(p for p in self.parks if p.park_id == project["park_id"]) if project else None
        area = float(qty.get("area_ha", 0)) * MU_PER_HA
        for _ in range(200):  # a parcel or a stopped plant must fit in the park beside what is already there
            if park is not None and self.used_mu.get(park.park_id, 0) + area <= park.area_ha * MU_PER_HA * 0.9:
                break
            park = self.pick_park(cohort.slow)
        if project is None:
            self.used_mu[park.park_id] = self.used_mu.get(park.park_id, 0) + area
        found = _workday_between(rng, *cohort.found)
        item_id = self.next_id(ID_PREFIX[ledger])
        titles = self.titles.setdefault(park.park_id, set())
        title, detail = self.detail(cat, park, qty, project, found)
        while title in titles:  # titles are unique within a park: draw the details again
            title, detail = self.detail(cat, park, qty, project, found)
        titles.add(title)
        deadline = self.deadline(cat, found, cohort)
        events = self.history(found, cohort)
        closed = next((d for d, s in events if s == "已销号"), None)
        rectified = any(s in ("已整改", "已销号") for _, s in events)
        league_short = self.league_name[park.league_code]
        unit = f"{park.name}管委会" if ledger == "indicator" else f"{league_short}{UNIT_OF[ledger]}"
        self.add(
            "item",
            item_id=item_id,
            ledger=ledger,
            park_id=park.park_id,
            title=title,
            found_date=found,
            deadline=deadline,
            responsible_unit=unit,
            measure=self.measure(cat),
            closed_date=closed,
            evidence=rng.choice(("整改验收报告、现场照片", "处置决定书、验收单", "销号审批表、佐证照片"))
            if rectified
            else None,
            batch_id=None,
        )
        for seq, (d, status) in enumerate(events, start=1):
            self.add("item_event", item_id=item_id, seq=seq, event_date=d, status=status, note=None)
        self.add(ledger, item_id=item_id, **detail)

    def deadline(self, cat: str, found: date, cohort: Cohort) -> date:
        long_term = cat in ("stalled_zombie", "stalled_project", "infra_half_finished", "infra_not_operating")
        if found <= SURVEY_END:
            if long_term:
                return self.rng.choice((date(2023, 6, 30), date(2023, 12, 31), date(2024, 12, 31)))
            if cohort.rectified and cohort.rectified[0].year >= 2024:
                return self.rng.choice((date(2023, 12, 31), date(2024, 6, 30), date(2025, 6, 30)))
            # The concentrated phase staggered its deadlines; most fell at year end.
            # (drawn from a stream of its own, so adding this did not shift the rest of the demo data)
            return self.stagger.choice((date(2022, 10, 31), date(2022, 11, 30), date(2022, 12, 31), date(2022, 12, 31)))
        return _month_end(found + timedelta(days=self.rng.randint(60, 150)))

    def history(self, found: date, cohort: Cohort) -> list[tuple[date, str]]:
        """Status events, each on a working day: found, maybe 整改中, then 已整改 and 已销号 if rectified."""
        rng = self.rng
        events = [(found, "待整改")]
        day = timedelta(days=1)
        if cohort.rectified is None:
            if rng.random() < 0.75:
                working = working_day_in(found + timedelta(days=rng.randint(5, 60)), found + day, DATA_END)
                events.append((working, "整改中"))
            return events
        start, end = cohort.rectified
        rect = _workday_between(rng, max(start, found + day), end)
        if (rect - found).days > 3:
            working = found + timedelta(days=rng.randint(1, min(45, (rect - found).days - 1)))
            working = working_day_in(working, found + day, rect - day)
            if working:
                events.append((working, "整改中"))
        events.append((rect, "已整改"))
        closed = rect + timedelta(days=rng.randint(10, 90))
        if closed <= DATA_END and rng.random() < 0.8:
            events.append((working_day_in(closed, rect + day, DATA_END), "已销号"))
        return events

    def detail(self, cat: str, park: Park, qty: dict[str, D], project: dict | None, found: date) -> tuple[str, dict]:
        rng = self.rng
        lat, lon = self.near(park)
        year_ago = found - timedelta(days=rng.randint(400, 2000))
        if cat.startswith("land_"):
            kind = {"land_idle": "闲置土地", "land_unsupplied": "批而未供", "land_inefficient": "低效用地"}[cat]
            parcel = f"{rng.choice('ABCDEFGH')}-{rng.randint(1, 60):02d}"
            return f"{park.name}{parcel}地块({kind})", {
                "land_kind": kind,
                "area_mu": qty["area_ha"] * 15,
                "approved_date": year_ago - timedelta(days=rng.randint(100, 900)),
                "idle_since": year_ago if kind != "批而未供" else None,
                "cause": rng.choice(LAND_CAUSES[kind]),
                "disposal": self.measure(cat),
                "parcel_code": f"{park.park_id}-{parcel}",
                "revitalised_mu": None,
                "lat": lat,
                "lon": lon,
            }
        if cat.startswith("stalled_"):
            industry = park.category if rng.random() < 0.7 else rng.choice(CATEGORIES)
            company = self.company(industry)
            is_project = cat == "stalled_project"
            area = qty["area_ha"] * 15
            title = (
                f"{company.removesuffix('有限公司')}年产{rng.randint(2, 60)}万吨"
                f"{rng.choice(PROJECT_OUTPUT[industry])}项目(停建)"
                if is_project
                else company
            )
            return title, {
                "kind": "停建项目" if is_project else "停产企业",
                "zombie": cat == "stalled_zombie",
                "stopped_since": year_ago,
                "land_mu": area,
                "energy_tce": None,
                "water_t": None,
                "reason": rng.choice(STALL_REASONS),
                "mode": self.measure(cat),
                "parcel_code": None,
                "lat": lat,
                "lon": lon,
            }
        if cat.startswith("infra_"):
            facility = rng.choice(FACILITIES)
            status = {"infra_half_finished": "长期未建成", "infra_not_operating": "建成未投运"}.get(cat, "已建成投运")
            return f"{park.name}{facility}{rng.choice(('一期', '二期', '扩建', '配套'))}工程", {
                "facility_type": facility,
                "investment_wan": qty["investment_wan"],
                "build_status": status,
                "procedures_complete": cat != "infra_procedures",
                "lat": lat,
                "lon": lon,
            }
        if cat == "idle_fund":
            fund_year = rng.randint(2016, 2021)
            source = rng.choice(FUND_SOURCES)
            return f"{park.name}{fund_year}年{source}结余", {
                "source": source,
                "nature": rng.choice(("财政专项资金", "政府性基金", "专项债券")),
                "fund_year": fund_year,
                "balance_wan": qty["balance_wan"],
                "returned_wan": qty["returned_wan"],
            }
        if cat == "pending_approval":
            industry = park.category if rng.random() < 0.7 else rng.choice(CATEGORIES)
            approval = rng.choice(APPROVALS)
            name = f"{self.company(industry).removesuffix('有限公司')}{rng.choice(PROJECT_OUTPUT[industry])}项目"
            return f"{name}({approval}等{qty['approval_count']}项待批)", {
                "project_stage": rng.choice(("未开工", "在建")),
                "approval_item": approval,
                "approval_count": int(qty["approval_count"]),
                "approval_authority": rng.choice(("自治区", "盟市", "旗县")) + "级审批部门",
                "acceptance": rng.choice(("已受理", "未受理", "补正材料中")),
            }
        assert project is not None
        worst, value, threshold = project["short"][0]
        more = f"等 {len(project['short'])} 项指标" if len(project["short"]) > 1 else ""
        return f"{project['name']}{INDICATOR_LABEL[worst]}{more}低于控制性指标", {
            "project_id": project["project_id"],
            "indicator": worst,
            "value": round(value, 2),
            "threshold": threshold,
        }

    def survey_totals(self) -> None:
        """Spread the published energy and water totals over the stalled items found in the survey."""
        by_id = {r["item_id"]: r for r in self.rows["item"]}
        for detail in self.rows["stalled"]:
            item = by_id[detail["item_id"]]
            detail["_cat"] = (
                "stalled_project"
                if detail["kind"] == "停建项目"
                else "stalled_zombie"
                if detail["zombie"]
                else "stalled_long"
            )
            detail["_survey"] = item["found_date"] <= SURVEY_END
        for cat, totals in SURVEY_TOTALS.items():
            rows = [d for d in self.rows["stalled"] if d["_cat"] == cat and d["_survey"]]
            for key, total in totals.items():
                for row, part in zip(rows, split_total(total, len(rows), self.rng, D(100)), strict=True):
                    row[key] = part
            for row in (d for d in self.rows["stalled"] if d["_cat"] == cat and not d["_survey"]):
                row["energy_tce"] = D(self.rng.randint(50, 400)) * 100
                row["water_t"] = D(self.rng.randint(50, 400)) * 100
        for row in self.rows["stalled"]:
            del row["_cat"], row["_survey"]

    # registers ----------------------------------------------------------------------------
    def registers(self) -> None:
        rng = self.rng
        items = {r["item_id"]: r for r in self.rows["item"]}
        for d in self.rows["infrastructure"]:
            item = items[d["item_id"]]
            self.add(
                "infra_survey",
                project_id=self.next_id("IS"),
                park_id=item["park_id"],
                name=item["title"],
                facility_type=d["facility_type"],
                surveyed_date=item["found_date"],
                build_status=d["build_status"],
                procedures_complete=d["procedures_complete"],
                item_id=item["item_id"],
            )
        while len(self.rows["infra_survey"]) < INFRA_SURVEYED:
            park = self.pick_park(False)
            facility = rng.choice(FACILITIES)
            self.add(
                "infra_survey",
                project_id=self.next_id("IS"),
                park_id=park.park_id,
                name=f"{park.name}{facility}工程",
                facility_type=facility,
                surveyed_date=_workday_between(rng, *PRESS),
                build_status="已建成投运",
                procedures_complete=True,
                item_id=None,
            )
        for d in self.rows["stalled"]:
            if d["kind"] != "停产企业":
                continue
            item = items[d["item_id"]]
            self.add(
                "stopped_enterprise",
                enterprise_id=self.next_id("SE"),
                park_id=item["park_id"],
                name=item["title"],
                stopped_since=min(d["stopped_since"], STOPPED_BEFORE),
                surveyed_date=_workday_between(rng, *PRESS),
                item_id=item["item_id"],
            )
        while len(self.rows["stopped_enterprise"]) < STOPPED_OVER_A_YEAR:
            park = self.pick_park(False)
            industry = park.category if rng.random() < 0.7 else rng.choice(CATEGORIES)
            self.add(
                "stopped_enterprise",
                enterprise_id=self.next_id("SE"),
                park_id=park.park_id,
                name=self.company(industry),
                stopped_since=_day_between(rng, date(2016, 1, 1), STOPPED_BEFORE),
                surveyed_date=_workday_between(rng, *PRESS),
                item_id=None,
            )

    # phases and supervision ----------------------------------------------------------------
    def campaign_records(self, rng: random.Random) -> None:
        """Mobilization milestones, survey filings, and a few 纸面整改 cases for the 回头看 checks to find."""
        lagging = [r["code"] for r in self.leagues if r["code"] in LAGGING_LEAGUES]
        for league in self.leagues:
            code = league["code"]
            late = code in lagging
            meeting = _workday_between(rng, date(2022, 7, 8), date(2022, 7, 29))
            if late and code == lagging[0]:
                meeting = date(2022, 8, 4)
            plan = meeting + timedelta(days=rng.randint(3, 10))
            plan = working_day_in(plan, plan, plan + timedelta(days=10))
            if late:
                plan = _workday_between(rng, date(2022, 8, 12), date(2022, 8, 26))
            if code == lagging[-1]:
                plan = None  # never filed its implementation plan
            for milestone, name, planned, done in (
                ("meeting", "召开动员部署会议", date(2022, 7, 31), meeting),
                ("plan", "印发落实方案", date(2022, 8, 10), plan),
            ):
                self.add(
                    "league_milestone",
                    league_code=code,
                    milestone=milestone,
                    name=name,
                    planned_date=planned,
                    done_date=done,
                )

        items_by_park: dict[str, int] = {}
        for item in self.rows["item"]:
            items_by_park[item["park_id"]] = items_by_park.get(item["park_id"], 0) + 1
        quiet = sorted(self.parks, key=lambda p: (items_by_park.get(p.park_id, 0), p.park_id))
        never = {p.park_id for p in quiet[:2]}
        late = {p.park_id for p in rng.sample([p for p in self.parks if p.league_code in lagging], 5)} - never
        for park in self.parks:
            if park.park_id in never:
                continue
            if park.park_id in late:
                filed, note = _workday_between(rng, date(2022, 9, 5), date(2022, 10, 31)), "补课：逾期报送"
            else:
                filed, note = _workday_between(rng, date(2022, 8, 5), SURVEY_END), None
            self.add("park_filing", park_id=park.park_id, filed_date=filed, note=note)

        status = {}
        for event in self.rows["item_event"]:
            status[event["item_id"]] = event["status"]
        rectified = [i for i in self.rows["item"] if status[i["item_id"]] in ("已整改", "已销号")]
        for land in self.rows["land"]:
            if status[land["item_id"]] in ("已整改", "已销号"):
                land["revitalised_mu"] = land["area_mu"]
        for item in rng.sample(rectified, 4):
            item["evidence"] = None
        for item in rng.sample([i for i in rectified if i["closed_date"]], 3):
            closed = item["found_date"] - timedelta(days=rng.randint(5, 30))
            item["closed_date"] = working_day_in(closed, closed - timedelta(days=10), closed)
        parcels = {}
        for land in self.rows["land"]:
            parcels.setdefault(land["parcel_code"].split("-")[0], []).append(land["parcel_code"])
        by_id = {i["item_id"]: i for i in self.rows["item"]}
        for n, detail in enumerate(self.rows["stalled"], start=1):
            detail["parcel_code"] = f"{by_id[detail['item_id']]['park_id']}-S{n:03d}"
        shared = [d for d in self.rows["stalled"] if by_id[d["item_id"]]["park_id"] in parcels]
        for detail in rng.sample(shared, 3):
            detail["parcel_code"] = rng.choice(parcels[by_id[detail["item_id"]]["park_id"]])

    def build(self) -> "DemoBuilder":
        self.reference()
        self.thresholds()
        self.built_projects()
        self.items()
        self.registers()
        self.campaign_records(random.Random(self.rng.random()))
        return self


TABLE_ORDER = [
    "league",
    "park",
    "phase",
    "control_threshold",
    "built_project",
    "item",
    "item_event",
    "pending_approval",
    "idle_fund",
    "land",
    "infrastructure",
    "stalled",
    "indicator",
    "infra_survey",
    "stopped_enterprise",
    "league_milestone",
    "park_filing",
]


def write_database(rows: dict[str, list[dict]], path: Path) -> None:
    """Create a fresh database file with the schema and these rows, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        rules.install(con)
        for table in TABLE_ORDER:
            frame = pd.DataFrame(rows.get(table, []))
            if frame.empty:
                continue
            columns = ", ".join(frame.columns)
            con.register("frame", frame)
            con.execute(f"insert into {table} ({columns}) select {columns} from frame")
            con.unregister("frame")
        spans.refresh(con)
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(tmp, path)


def build_demo(path: Path, seed: int = SEED) -> dict[str, int]:
    """Build the demo database at path; returns the row count per table."""
    rows = DemoBuilder(seed).build().rows
    write_database(rows, path)
    return {t: len(rows.get(t, [])) for t in TABLE_ORDER}
