"""What every part of the demo generator shares: the seed, units, the six categories, park records, reading the
reference files, splitting a published total, and the working-day calendar."""

import csv
import functools
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR
from decimal import Decimal as D

import chinese_calendar

from ledger import REFERENCE

SEED = 20220819
MU_PER_HA = 15

CATEGORIES = ["农畜产品加工", "能源化工", "新型化工", "冶金", "生物医药", "装备制造"]
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


@dataclass
class Park:
    park_id: str
    name: str
    league_code: str
    area_ha: float
    category: str
    lat: float
    lon: float


def read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


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


def day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def month_end(d: date) -> date:
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


def workday_between(rng: random.Random, start: date, end: date) -> date:
    day = working_day_in(day_between(rng, start, end), start, end)
    if day is None:
        raise ValueError(f"no working day between {start} and {end}")
    return day
