"""回头看 in the documents: the leagues whose closed items were found 不属实 on re-inspection (反弹), named in the
督导通报 and the 要情通报 from the relapse_rates query."""

import pandas as pd


def relapse_leagues(rates: pd.DataFrame) -> pd.DataFrame:
    """Per league with any relapse: its relapses, its inspections and the ledgers they were in, most relapses first."""
    found = rates[rates.relapses > 0]
    if found.empty:
        return pd.DataFrame(columns=["league_name", "relapses", "inspected", "ledgers"])
    ledgers = found.groupby("league_code").apply(
        lambda g: "、".join(f"{r.ledger_name}{r.relapses}项" for r in g.itertuples()), include_groups=False
    )
    totals = rates.groupby("league_code").agg(
        league_name=("league_name", "first"), relapses=("relapses", "sum"), inspected=("inspected", "sum")
    )
    out = totals.loc[ledgers.index].assign(ledgers=ledgers)
    return out.sort_values(["relapses", "league_name"], ascending=[False, True]).reset_index(drop=True)


def relapse_sentence(rates: pd.DataFrame) -> str | None:
    """One sentence naming the leagues with relapses (None before any inspection): what both documents print."""
    inspected = int(rates.inspected.sum()) if not rates.empty else 0
    if inspected == 0:
        return None
    leagues = relapse_leagues(rates)
    head = f"“回头看”抽查已核查{inspected}项已销号问题"
    if leagues.empty:
        return head + "，均属实，未发现反弹。"
    named = "；".join(f"{r.league_name}{r.relapses}项（{r.ledgers}）" for r in leagues.itertuples())
    total = int(leagues.relapses.sum())
    return (
        f"{head}，发现{total}项整改不属实、已退回重新整改（反弹率{100 * total / inspected:.1f}%），"
        f"涉及{len(leagues)}个盟市：{named}。"
    )
