"""The wider populations the ledgers were sifted from: the surveyed infrastructure projects and the enterprises
stopped over a year (published counts)."""

from datetime import date

from ledger.calibration import INFRA_SURVEYED, PRESS, STOPPED_OVER_A_YEAR
from ledger.demo.basics import CATEGORIES, day_between, workday_between
from ledger.demo.items import FACILITIES

STOPPED_BEFORE = date(2021, 6, 30)  # stopped over a year before any survey date (2022-07-20 on)


class Registers:
    """The builder's part that generates the survey registers."""

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
                surveyed_date=workday_between(rng, *PRESS),
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
                surveyed_date=workday_between(rng, *PRESS),
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
                stopped_since=day_between(rng, date(2016, 1, 1), STOPPED_BEFORE),
                surveyed_date=workday_between(rng, *PRESS),
                item_id=None,
            )
