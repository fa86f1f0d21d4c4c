"""The campaign's own records: mobilization milestones, survey filings, and a few 纸面整改 cases for the 回头看
checks to find."""

import random
from datetime import date, timedelta

from ledger.calibration import LAGGING_LEAGUES, SURVEY_END
from ledger.demo.basics import workday_between, working_day_in
from ledger.vocabulary import RECTIFIED


class CampaignRecords:
    """The builder's part that generates the phases' records and the 回头看 cases."""

    def campaign_records(self, rng: random.Random) -> None:
        """Mobilization milestones, survey filings, and a few 纸面整改 cases for the 回头看 checks to find."""
        lagging = [r["code"] for r in self.leagues if r["code"] in LAGGING_LEAGUES]
        for league in self.leagues:
            code = league["code"]
            late = code in lagging
            meeting = workday_between(rng, date(2022, 7, 8), date(2022, 7, 29))
            if late and code == lagging[0]:
                meeting = date(2022, 8, 4)
            plan = meeting + timedelta(days=rng.randint(3, 10))
            plan = working_day_in(plan, plan, plan + timedelta(days=10))
            if late:
                plan = workday_between(rng, date(2022, 8, 12), date(2022, 8, 26))
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
                filed, note = workday_between(rng, date(2022, 9, 5), date(2022, 10, 31)), "补课：逾期报送"
            else:
                filed, note = workday_between(rng, date(2022, 8, 5), SURVEY_END), None
            self.add("park_filing", park_id=park.park_id, filed_date=filed, note=note)

        status = {}
        for event in self.rows["item_event"]:
            status[event["item_id"]] = event["status"]
        rectified = [i for i in self.rows["item"] if status[i["item_id"]] in RECTIFIED]
        for land in self.rows["land"]:
            if status[land["item_id"]] in RECTIFIED:
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
