"""DemoBuilder: all demo rows generated in memory, part by part, from one seed (each part in its own module)."""

import random

from ledger.demo.basics import SEED, read_csv
from ledger.demo.campaign import CampaignRecords
from ledger.demo.clocks import LawClocks
from ledger.demo.dynamic import DynamicRecords
from ledger.demo.items import LedgerItems
from ledger.demo.parks import ParksAndThresholds
from ledger.demo.projects import BuiltProjects
from ledger.demo.registers import Registers
from ledger.demo.timeline import Timeline


class DemoBuilder(
    ParksAndThresholds, BuiltProjects, LedgerItems, Timeline, Registers, CampaignRecords, LawClocks, DynamicRecords
):
    """Generates all demo rows in memory, one part per base class; database.write_database stores them."""

    def __init__(self, seed: int = SEED) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.stagger = random.Random(seed + 1)
        self.rows: dict[str, list[dict]] = {}
        self.counters: dict[str, int] = {}
        self.titles: dict[str, set[str]] = {}
        self.used_mu: dict[str, float] = {}  # land of built projects and ledger items placed in each park
        self.leagues = read_csv("leagues.csv")
        self.parks = self._parks()
        self.methods = read_csv("disposal_methods.csv")
        self.league_name = {r["code"]: r["name"] for r in self.leagues}

    def add(self, table: str, **row) -> None:
        self.rows.setdefault(table, []).append(row)

    def next_id(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}{self.counters[prefix]:04d}"

    def build(self) -> "DemoBuilder":
        self.reference()
        self.thresholds()
        self.built_projects()
        self.items()
        self.registers()
        self.campaign_records(random.Random(self.rng.random()))
        self.law_clocks()
        self.park_actions()
        self.enterprise_accounts()
        self.project_penalties()
        return self
