"""One parcel, one enterprise, counted once: the sentence the 要情通报 and the pages print under their totals, in the
units the campaign reported (土地 公顷, 能耗 万吨标准煤, 用水 万吨), from the counted_once query."""

import pandas as pd

MU_PER_HECTARE = 15
TONNES_PER_WAN = 10_000


def counted_once_sentence(totals: pd.DataFrame) -> str | None:
    """How much was released counting each parcel and enterprise once, and how much double counting that removed
    (None when nothing is rectified yet)."""
    rows = totals.set_index("resource")
    land, energy, water = rows.loc["盘活土地"], rows.loc["腾出能耗"], rows.loc["腾出用水"]
    if land.reported == 0 and energy.reported == 0 and water.reported == 0:
        return None
    hectares, energy_wan = land.counted_once / MU_PER_HECTARE, energy.counted_once / TONNES_PER_WAN
    said = (
        f"按同一宗地、同一企业只计一次，已整改问题盘活土地{hectares:,.1f}公顷、"
        f"腾出能耗{energy_wan:.2f}万吨标准煤、用水{water.counted_once / TONNES_PER_WAN:.2f}万吨"
    )
    removed = [
        f"{what}{row.removed / scale:,.{digits}f}{unit}（{int(row.shared)}{kind}重复登记）"
        for what, row, scale, digits, unit, kind in (
            ("土地", land, MU_PER_HECTARE, 1, "公顷", "宗地块"),
            ("能耗", energy, TONNES_PER_WAN, 2, "万吨标准煤", "家企业"),
            ("用水", water, TONNES_PER_WAN, 2, "万吨", "家企业"),
        )
        if row.removed > 0
    ]
    return said + ("；已剔除重复计算的" + "、".join(removed) + "。" if removed else "，各台账无重复计算。")
