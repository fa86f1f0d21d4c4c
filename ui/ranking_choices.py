"""园区排名's choices, all in the link: the year, the indicator, the 综合得分 weights (?w=40,30,20,10) and, region-wide,
the leagues shown."""

import streamlit as st

import queries
from charts import rankings as rk
from queries.scope import Catalog
from ui.url_state import follow, follow_many, follow_numbers, many_to_url, numbers_to_url, to_url

WEIGHT_KEYS = [f"rankings_weight_{part}" for part in queries.DEFAULT_WEIGHTS]
WEIGHT_DEFAULTS = list(queries.DEFAULT_WEIGHTS.values())


def reset_weights() -> None:
    for key, weight in zip(WEIGHT_KEYS, WEIGHT_DEFAULTS, strict=True):
        st.session_state[key] = weight
    numbers_to_url("w", WEIGHT_KEYS, WEIGHT_DEFAULTS)


def ranking_choices(first_year: int, last_year: int) -> tuple[int, str, dict[str, int]]:
    """排名年度 · 排名指标 · 综合得分权重, set from the link; returns the year, the indicator and the weights in force
    (all zero: the defaults, with a notice)."""
    years = [str(y) for y in range(last_year, first_year - 1, -1)]
    follow("year", "rankings_year", years, str(last_year), "排名年度", label=lambda y: f"{y}年")
    follow("metric", "rankings_metric", list(rk.METRICS), "score", "排名指标", label=rk.METRICS.get)
    follow_numbers("w", WEIGHT_KEYS, WEIGHT_DEFAULTS, (0, 100, 5), "综合得分权重")
    weights = {part: st.session_state[f"rankings_weight_{part}"] for part in queries.DEFAULT_WEIGHTS}
    if not sum(weights.values()):
        st.warning("权重不能全为 0，已按默认权重计算。", icon=":material/warning:")
        weights = dict(queries.DEFAULT_WEIGHTS)

    year_column, metric_column = st.columns([1, 3])
    year_column.selectbox(
        "排名年度",
        years,
        format_func=lambda y: f"{y}年",
        key="rankings_year",
        on_change=to_url,
        args=("year", "rankings_year", years, str(last_year)),
        help="按该年底前建成投产的工业项目计算；“较上年”与上一年度的排名比较；倒逼腾退候选评价该年之前建成投产的项目。",
    )
    metric_column.segmented_control(
        "排名指标",
        list(rk.METRICS),
        format_func=rk.METRICS.get,
        key="rankings_metric",
        on_change=to_url,
        args=("metric", "rankings_metric", list(rk.METRICS), "score"),
    )
    year, metric = int(st.session_state["rankings_year"]), st.session_state["rankings_metric"] or "score"
    weight_sliders(weights)
    return year, metric, weights


def weight_sliders(weights: dict[str, int]) -> None:
    """The four weights of the 综合得分, folded away under what they are now."""
    with st.expander(f"综合得分权重：{rk.weights_text(weights)}　（默认 {rk.weights_text(queries.DEFAULT_WEIGHTS)}）"):
        for column, part in zip(st.columns(4), queries.DEFAULT_WEIGHTS, strict=True):
            column.slider(
                f"{rk.METRICS[part]}权重",
                0,
                100,
                step=5,
                key=f"rankings_weight_{part}",
                on_change=numbers_to_url,
                args=("w", WEIGHT_KEYS, WEIGHT_DEFAULTS),
            )
        st.button("恢复默认权重", on_click=reset_weights, key="rankings_reset_weights")


def league_choice(names: Catalog) -> list[str]:
    """只看这些盟市 (?leagues=150200,150600): the region's ranking, shown for some leagues only."""
    follow_many("leagues", "rankings_leagues", list(names.leagues), [], "盟市")
    return st.multiselect(
        "只看这些盟市（排名仍为全区排名）",
        list(names.leagues),
        format_func=names.leagues.get,
        key="rankings_leagues",
        placeholder="全部盟市",
        on_change=lambda: many_to_url("leagues", st.session_state["rankings_leagues"], list(names.leagues), []),
    )
