"""The reference rows (leagues, parks from the 2018 catalogue, phases) and each league's 控制性指标."""

import random
from datetime import date

from ledger.demo.basics import CATEGORIES, Park, read_csv

PHASES = [
    ("mobilization", "宣传动员", date(2022, 7, 1), date(2022, 7, 31), 1),
    ("survey", "排查摸底", date(2022, 8, 1), date(2022, 8, 31), 2),
    ("rectification", "集中整治", date(2022, 9, 1), date(2022, 12, 31), 3),
    ("long_term", "长效盘活", date(2023, 1, 1), date(2025, 12, 31), 4),
]

CATEGORY_KEYWORDS = [
    ("生物医药", ("医药", "制药", "生物")),
    ("新型化工", ("精细化工", "氟化", "氯碱", "盐化工", "硫化工", "石化")),
    ("能源化工", ("煤", "电力", "能源", "焦", "天然气", "石油")),
    ("冶金", ("冶", "铝", "铜", "稀土", "钢", "金属", "铁", "铁精粉")),
    ("农畜产品加工", ("乳", "食品", "农畜", "羊绒", "农副", "饮料", "玉米", "啤酒")),
    ("装备制造", ("装备", "机械", "制造", "电子")),
]

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


def category_of(industries: str) -> str:
    hits = [(industries.find(word), cat) for cat, words in CATEGORY_KEYWORDS for word in words if word in industries]
    return min(hits)[1] if hits else "装备制造"


class ParksAndThresholds:
    """The builder's part that generates the reference rows and the thresholds."""

    def _parks(self) -> list[Park]:
        parks = []
        for n, z in enumerate(read_csv("zones.csv"), start=1):
            parks.append(
                Park(
                    f"P{n:03d}",
                    z["name"],
                    z["league_code"],
                    float(z["area_ha"]),
                    category_of(z["leading_industries"]),
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
        for park, z in zip(self.parks, read_csv("zones.csv"), strict=True):
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
        for r in read_csv("indicator_thresholds_ESTIMATE.csv"):
            label = r["industry_category(IM 6-category scheme + 1)"]
            cat = next((c for c in CATEGORIES if c[:2] in label), None)
            if cat is None or cat in base:
                continue
            base[cat] = {
                "investment_intensity": float(r["investment_intensity_wan_per_mu"].lstrip("≥")),
                "output_per_mu": float(r["output_per_mu_wan"].lstrip("≥")),
                "tax_per_mu": float(r["tax_per_mu_wan"].lstrip("≥")),
            }
        far = {r["industry_code_GBT4754_2002"]: float(r["far_min"]) for r in read_csv("far_min_2008.csv")}
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
