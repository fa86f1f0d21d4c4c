"""Deterministic demo database (演示数据) calibrated to the campaign's published figures: build_demo is the one
entry. Each module generates one part: parks (reference and 控制性指标), projects (built projects and the
倒逼腾退 candidates), items (the six ledgers' items and details), timeline (their deadlines and status events),
registers (the surveyed populations), campaign (milestones, filings, 回头看 cases); builder runs them in order,
database writes the file and supervision adds the 督办单 and messages to it."""

from pathlib import Path

from ledger.demo.basics import SEED
from ledger.demo.builder import DemoBuilder
from ledger.demo.database import TABLE_ORDER, write_database
from ledger.demo.dynamic import publication_round
from ledger.demo.supervision import add_supervision
from ledger.demo.utility import add_utility_demo


def build_demo(path: Path, seed: int = SEED) -> dict[str, int]:
    """Build the demo database at path; returns the row count per table."""
    rows = DemoBuilder(seed).build().rows
    write_database(rows, path)
    add_supervision(path)  # the 督办单 and messages, written by the app's own code on the built file
    add_utility_demo(path)  # 用电核验 series and a finished 回头看 draw (#30), after the calibrated build
    publication_round(path)  # 公示 needs the grades the database computes
    return {t: len(rows.get(t, [])) for t in TABLE_ORDER}
