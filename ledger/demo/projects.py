"""Built projects (the surveyed indicators' source) and the 倒逼腾退 candidates among them, found by the rules
file's candidate rule (rules.shortfalls) rather than a copy of it."""

import math
import random
from decimal import Decimal as D

import duckdb

from ledger.calibration import DATA_END
from ledger.demo.basics import CATEGORIES, MU_PER_HA, NAME_ROOTS, PRODUCTS, PROJECT_OUTPUT
from ledger.demo.database import with_rows

FIRST_PROJECT_YEAR, LAST_PROJECT_YEAR = 2016, DATA_END.year  # built projects completed in every year
# Per indicator: (margin above the threshold, loading on the project's productivity, own noise), in log units.
# Tuned so that 10-20 % of the judged projects fall below at least one threshold (tests/test_plausibility.py).
INDICATOR_SPREAD = {
    "investment_intensity": (0.36, 0.2, 0.07),
    "output_per_mu": (0.36, 0.22, 0.07),
    "tax_per_mu": (0.41, 0.26, 0.08),
    "plot_ratio": (0.34, 0.08, 0.1),
}
EFFECTS = {"league": 0.05, "industry": 0.04, "park": 0.06, "year": 0.015}  # log units; year: per year
INDICATOR_ORDER = ("investment_intensity", "output_per_mu", "tax_per_mu", "plot_ratio")


class BuiltProjects:
    """The builder's part that generates the built projects and judges them."""

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
        """Projects judged in the ranking of `year` below at least one threshold, with each shortfall (worst
        first): the 倒逼腾退 candidate rule, rules.shortfalls (queries/rules.sql), run on the rows made so far."""
        short: dict[str, list[tuple[float, str, float, float]]] = {}
        for project_id, indicator, value, threshold in shortfalls(self.rows, year):
            short.setdefault(project_id, []).append((value / threshold, indicator, value, threshold))
        return [
            {**p, "short": [(k, value, limit) for _, k, value, limit in sorted(short[p["project_id"]])]}
            for p in self.rows["built_project"]
            if p["project_id"] in short
        ]


def shortfalls(rows: dict[str, list[dict]], year: int) -> list[tuple[str, str, float, float]]:
    """(project, indicator, value, threshold) of each shortfall of rules.shortfalls(year) over these rows (the
    reference, the thresholds and the built projects), in an in-memory database."""
    con = with_rows(duckdb.connect(), rows, ["league", "park", "control_threshold", "built_project"])
    try:
        query = "select project_id, indicator, value, threshold from rules.shortfalls($year)"
        return con.execute(query, {"year": year}).fetchall()
    finally:
        con.close()
