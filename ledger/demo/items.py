"""The six ledgers' items: one per published count (ledger.calibration's cohorts) and one per 倒逼腾退
candidate, each with its ledger's details, placed in parks with room for it."""

from datetime import date, timedelta
from decimal import ROUND_FLOOR
from decimal import Decimal as D

from ledger.calibration import COHORTS, DATA_END, LAGGING_LEAGUES, SURVEY, SURVEY_END, SURVEY_TOTALS, Cohort
from ledger.demo.basics import (
    CATEGORIES,
    MU_PER_HA,
    NAME_ROOTS,
    PRODUCTS,
    PROJECT_OUTPUT,
    Park,
    first_working_day,
    split_total,
    workday_between,
)
from ledger.demo.projects import LAST_PROJECT_YEAR
from ledger.vocabulary import RECTIFIED

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


INDICATOR_RECTIFIED_SHARES = (0.30, 0.35, 0.15)  # of a batch, rectified in its first, second, third year
LAST_RECTIFIED = date(2025, 11, 30)
INDICATOR_LABEL = {
    "investment_intensity": "投资强度",
    "output_per_mu": "亩均产值",
    "tax_per_mu": "亩均税收",
    "plot_ratio": "容积率",
}


class LedgerItems:
    """The builder's part that generates the ledger items and their details."""

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
        found = workday_between(rng, *cohort.found)
        item_id = self.next_id(ID_PREFIX[ledger])
        titles = self.titles.setdefault(park.park_id, set())
        title, detail = self.detail(cat, park, qty, project, found)
        while title in titles:  # titles are unique within a park: draw the details again
            title, detail = self.detail(cat, park, qty, project, found)
        titles.add(title)
        deadline = self.deadline(cat, found, cohort)
        events = self.history(found, cohort)
        closed = next((d for d, s in events if s == "已销号"), None)
        rectified = any(s in RECTIFIED for _, s in events)
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
