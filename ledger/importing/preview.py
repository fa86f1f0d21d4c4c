"""The preview the clerk confirms: the rows to be written as they were read, and each messy cell with how it
was read."""

import pandas as pd

from ledger.fields import SPECS
from ledger.importing.cells import display_value
from ledger.importing.plan import ImportPlan

DERIVED = "（推得）"  # the preview's mark on a column the file did not have


def preview_frame(plan: ImportPlan, limit: int = 500) -> pd.DataFrame:
    """The rows to be written as they were read (parks by their catalogue name, choices standard)."""
    spec, new, changed = SPECS[plan.ledger], set(plan.new), {*plan.new, *plan.updated}
    rows = [r for r in plan.rows if r["item_id"] in changed][:limit]
    labels = [f.label for f in spec.fields]
    frame = pd.DataFrame(
        [[display_value(r.get(f.key)) if r.get(f.key) is not None else "" for f in spec.fields] for r in rows],
        columns=labels,
    )
    frame.insert(0, "变化", ["新增" if r["item_id"] in new else "更新" for r in rows])
    derived = {label for _, label, _, _ in plan.derived}
    return frame.rename(columns={label: label + DERIVED for label in derived})


def readings_frame(plan: ImportPlan, limit: int = 2000) -> pd.DataFrame:
    """One line per messy cell of the rows to be written: how it was written and how it was read."""
    changed = {*plan.new, *plan.updated}
    lines = [
        (item_id, *reading) for item_id, readings in plan.readings.items() if item_id in changed for reading in readings
    ]
    return pd.DataFrame(lines[:limit], columns=["编号", "列", "文件中的写法", "读作", "说明"])
