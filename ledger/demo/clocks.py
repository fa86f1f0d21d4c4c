"""The law's clocks in the demo: land development figures (a few open parcels at each 闲置土地 milestone around the
data's last month) and the approval steps of every 待批项目, drawn from a random stream of their own so that adding
them moved no other demo row."""

import random
from datetime import date, timedelta
from decimal import Decimal as D

from ledger.calibration import DATA_END
from ledger.demo.basics import day_between
from ledger.vocabulary import RECTIFIED

# The department that decides each approval (the 待批项目 ledger names the first step's approval_item) and the time
# limit it promises, in days (demo figures: each league publishes its own 办事指南).
DEPARTMENTS = {
    "环评": ("生态环境部门", 60),
    "能评": ("发展改革部门", 30),
    "水土保持方案": ("水利部门", 20),
    "用地预审": ("自然资源部门", 20),
    "规划许可": ("自然资源部门", 20),
    "施工许可": ("住房和城乡建设部门", 15),
}


def _years_before(day: date, years: int) -> date:
    """The date `years` calendar years before day (28 February for a 29th that year has not)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class LawClocks:
    """The builder's part that adds land_development and approval_step (after the items and their events)."""

    def law_clocks(self) -> None:
        rng = random.Random(self.seed + 28)
        rectified = self._rectified_dates()
        self._land_development(rng, rectified)
        self._approval_steps(rng, rectified)

    def _rectified_dates(self) -> dict[str, date]:
        """Each rectified item's first 已整改 date."""
        out: dict[str, date] = {}
        for event in self.rows["item_event"]:
            if event["status"] in RECTIFIED and event["item_id"] not in out:
                out[event["item_id"]] = event["event_date"]
        return out

    def _land_development(self, rng: random.Random, rectified: dict[str, date]) -> None:
        """A land price for every idle parcel; for open ones, an agreed start of development that puts some at each
        milestone in the data's last month and the next (an open 低效用地 by a development halted part way)."""
        month = DATA_END.replace(day=1)
        next_month = (month + timedelta(days=32)).replace(day=1)
        windows = [(month, DATA_END), (next_month, (next_month + timedelta(days=27)))]
        # open parcels take the milestones in turn: 闲置费 this month, next month, 无偿收回 this month, next month …
        milestones = [(years, window) for years in (1, 2) for window in windows]
        placed = 0
        for land in self.rows["land"]:
            item_id, kind = land["item_id"], land["land_kind"]
            if kind == "批而未供":
                continue
            row = {
                "item_id": item_id,
                "agreed_start": None,
                "land_price_wan": (land["area_mu"] * D(rng.randint(8, 30))).quantize(D("0.01")),
                "developed_mu": None,
                "total_investment_wan": None,
                "invested_wan": None,
                "halted_since": None,
            }
            if item_id not in rectified:
                years, (start, end) = milestones[placed % len(milestones)]
                placed += 1
                clock = _years_before(day_between(rng, start, end), years)
                if kind == "闲置土地":
                    row["agreed_start"] = clock
                else:  # developed in part and halted: idle under 1/3 of the area (one in five got further)
                    area, total = land["area_mu"], (land["area_mu"] * D(rng.randint(40, 120))).quantize(D("0.01"))
                    share = D(rng.randint(40, 70)) if placed % 5 == 0 else D(rng.randint(5, 30))
                    row |= {
                        "developed_mu": (area * share / 100).quantize(D("0.0001")),
                        "total_investment_wan": total,
                        "invested_wan": (total * share / 100).quantize(D("0.01")),
                        "halted_since": clock,
                    }
            self.add("land_development", **row)

    def _approval_steps(self, rng: random.Random, rectified: dict[str, date]) -> None:
        """Up to three steps per 待批项目, one after another from the first 受理 after the item was found: every
        step of a rectified project done by its 已整改 date; an open project's last step still waiting."""
        items = {r["item_id"]: r for r in self.rows["item"]}
        for project in self.rows["pending_approval"]:
            item = items[project["item_id"]]
            level = project["approval_authority"].removesuffix("级审批部门")
            names = [project["approval_item"], *rng.sample(sorted(DEPARTMENTS), 3)]
            names = list(dict.fromkeys(names))[: min(3, project["approval_count"])]
            done_by = rectified.get(item["item_id"])
            end = done_by or DATA_END
            accepted = day_between(rng, item["found_date"], max(item["found_date"], end - timedelta(days=30)))
            for step, name in enumerate(names, start=1):
                department, limit = DEPARTMENTS[name]
                last = step == len(names)
                span = max(1, (end - accepted).days)
                done = None if (last and done_by is None) else accepted + timedelta(days=rng.randint(1, span))
                if done is not None and done > end:
                    done = end
                self.add(
                    "approval_step",
                    item_id=item["item_id"],
                    step=step,
                    approval_item=name,
                    department=f"{level}级{department}",
                    authority_level=level,
                    accepted_date=accepted,
                    time_limit_days=limit,
                    done_date=done,
                )
                if done is None:
                    break
                accepted = min(done, end)
