"""The 督办 pieces the pages share: the light counts (红/黄/蓝) as metrics, the 督办单 form of the office, the list of
orders with where each stands, one order's items with its Word/Excel and the unit's 签收 button. Each write is
one transaction (ledger/supervision.py) run from a button's callback, and audited."""

from datetime import timedelta

import pandas as pd
import streamlit as st

import queries
from auth.roles import Action, User
from ledger import supervision
from ledger.writing import DatabaseBusy, WriteConflict
from queries.db import writing
from queries.lights import lights_head
from queries.scope import Scope
from reports.orders import issued_order_docx, issued_order_xlsx, issued_table, issued_unit
from ui.downloads import export_button
from ui.session import audit, signed_in_user
from ui.tables import date_column, item_table, table
from ui.text import plain

DONE = "supervision_done"  # the last action's outcome, shown after the rerun
CHOSEN = "supervision_chosen"  # the order shown below the list (its selectbox's key)
ROUND = "supervision_round"  # a new round of form widgets after a sent order: the form starts empty again
LIT_SHOWN = 200  # lit items a list sends (the most urgent first); the counts above it cover all
ORDER_CHOICES = 500  # lit items the order form offers (the most urgent first): a league may have tens of thousands
ORDER_COLUMNS = {
    "number_text": "编号", "unit": "督办对象", "sent_by": "发送人", "sent_at": "发送时间", "items": "条目",
    "red": "红灯", "yellow": "黄灯", "still_open": "尚未整改", "ack_due": "签收期限", "reply_due": "报送期限",
    "state": "状态", "acknowledged_by": "签收人", "acknowledged_at": "签收时间",
}  # fmt: skip


def light_metrics(counts: pd.DataFrame) -> None:
    """红灯/黄灯/蓝灯 of the open items (light_counts, summed over its leagues), with what each means."""
    rules = supervision.RULES
    cols = st.columns(3)
    cols[0].metric("红灯（已超期）", f"{int(counts['red'].sum())} 项")
    cols[1].metric("黄灯（进展滞后）", f"{int(counts['yellow'].sum())} 项")
    cols[2].metric("蓝灯（即将到期）", f"{int(counts['blue'].sum())} 项")
    st.caption(
        f"督办三色：红灯为超过整改时限未整改；黄灯为 {rules['idle_days']} 天无进展、延期申请未获批准或被退回 "
        f"{rules['returns']} 次及以上；蓝灯为 {rules['due_days']} 天内到期。"
    )


def light_line(counts: pd.DataFrame) -> None:
    """The counts as one line under a page's figures (总览, 园区档案), each light in its colour, linked to the
    督办单 page."""
    red, yellow, blue = (int(counts[c].sum()) for c in ("red", "yellow", "blue"))
    st.markdown(
        f"**督办三色**　:red[● 红灯 {red} 项]　:orange[● 黄灯 {yellow} 项]　:blue[● 蓝灯 {blue} 项]　"
        ":small[（未整改条目：超期为红，进展滞后为黄，即将到期为蓝）] [督办单](supervision)"
    )


def light_summary(counts: pd.DataFrame) -> str:
    return (f"督办三色：红灯 {int(counts['red'].sum())} 项　黄灯 {int(counts['yellow'].sum())} 项　"
            f"蓝灯 {int(counts['blue'].sum())} 项")  # fmt: skip


def light_table(counts: pd.DataFrame) -> pd.DataFrame:
    """The league comparison's 督办三色: per league, its open items and how many are red, yellow and blue."""
    return counts.rename(
        columns={"league_name": "盟市", "open_items": "未整改", "red": "红灯", "yellow": "黄灯", "blue": "蓝灯"}
    )[["盟市", "未整改", "红灯", "黄灯", "蓝灯"]]


def lights_table(items: pd.DataFrame, key: str) -> None:
    """Lit items with their light and why, each linked to its item page."""
    shown = pd.DataFrame(
        {
            "督办灯": [f"{light}灯" for light in items["light"]],
            "条目": [f"ledgers?item={i}" for i in items["item_id"]],
            "名称": items["title"],
            "台账": items["ledger_name"],
            "园区": items["park_name"],
            "责任单位": items["responsible_unit"].fillna(""),
            "整改时限": items["deadline"],
            "督办原因": items["light_reason"],
        }
    )
    item_table(shown, key, {"整改时限": date_column()})


# Writing --------------------------------------------------------------------------------------------------
def _acting() -> User | None:
    user = signed_in_user()
    if user is None:
        st.session_state[DONE] = ("error", "登录已失效，未写入任何内容；请重新登录。")
    return user


def _write(action: str, detail: str, work) -> object | None:
    """work(cursor) as one transaction, audited; a refusal kept in Chinese for the rerun."""
    try:
        with writing() as cursor:
            result = work(cursor)
    except (supervision.SupervisionError, WriteConflict, DatabaseBusy) as error:
        audit(action, f"{detail}：未完成（{error}）", ok=False)
        st.session_state[DONE] = ("error", str(error))
        return None
    return result


def _send(league: str, park: str | None, keys: dict[str, str]) -> None:
    user = _acting()
    if user is None:
        return
    items, reply, note = (st.session_state.get(keys[k]) for k in ("items", "reply", "note"))
    sent = _write(
        "send_order",
        f"{league}{park or ''}",
        lambda cur: supervision.send_order(cur, user, league, park, list(items or []), reply, note),
    )
    if sent is not None:
        audit("send_order", f"{sent.number}：{league}{park or ''}，{len(items)} 项")
        st.session_state[DONE] = ("success", f"{sent.number} 已发送，收件单位的账号已收到站内消息。")
        st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
        st.query_params["order"] = str(sent.order_id)
        st.session_state[CHOSEN] = sent.order_id  # the list's selectbox shows the order just sent


def _acknowledge(order_id: int, number: str) -> None:
    user = _acting()
    if user is None:
        return
    done = _write("acknowledge_order", number, lambda cur: supervision.acknowledge(cur, user, order_id))
    if done is not None:
        audit("acknowledge_order", number)
        st.session_state[DONE] = ("success", f"{number} 已签收，大起底办公室已收到签收消息。")


def outcome() -> None:
    done = st.session_state.pop(DONE, None)
    if done:
        (st.success if done[0] == "success" else st.error)(done[1])


# The office's form ------------------------------------------------------------------------------------------
def order_form(today: Scope, leagues: dict[str, str], parks: dict[str, tuple[str, str]]) -> None:
    """新建督办单: a unit (league, or one park of it), its red and yellow items today (the red ones preselected), a
    reply date and the request."""
    round_ = st.session_state.get(ROUND, 0)
    keys = {k: f"supervision_{k}_{round_}" for k in ("league", "park", "items", "reply", "note")}
    left, right = st.columns(2)
    codes = list(leagues)
    league = left.selectbox("督办盟市", codes, index=codes.index(today.league) if today.league in codes else 0,
                            format_func=leagues.get, key=keys["league"])  # fmt: skip
    mine = [p for p, (_, code) in parks.items() if code == league]
    park = right.selectbox("园区（不选则发给盟市）", [None, *mine], key=keys["park"],
                           format_func=lambda p: parks[p][0] if p else "全盟市")  # fmt: skip
    unit = Scope(league, park, today.asof)
    counts = queries.light_counts(unit)
    red, yellow = int(counts["red"].sum()), int(counts["yellow"].sum())
    if red + yellow == 0:
        st.caption("该单位今天没有红灯或黄灯条目，不需要督办。")
        return
    lit = lights_head(unit, ORDER_CHOICES)  # the most urgent: every red before any yellow, each by deadline
    lit = lit[lit["light"].isin(supervision.SENDABLE)]
    labels = {r.item_id: f"{r.light}灯　{r.item_id} {r.title}（{r.light_reason}）" for r in lit.itertuples()}
    st.multiselect(
        f"督办条目（红灯 {red} 项、黄灯 {yellow} 项；最多 {supervision.MAX_ITEMS} 项）",
        list(labels), default=list(lit.loc[lit["light"] == "红", "item_id"][: supervision.MAX_ITEMS]),
        format_func=labels.get, max_selections=supervision.MAX_ITEMS, key=keys["items"],
    )  # fmt: skip
    if len(labels) < red + yellow:
        st.caption(f"可选的是最紧急的 {len(labels)} 项（先红灯后黄灯，各按整改期限）；选定一个园区可只看该园区的条目。")
    left, right = st.columns([1, 3])
    left.date_input("报送整改进展期限", value=today.asof + timedelta(days=10), min_value=today.asof + timedelta(days=1),
                    max_value=today.asof + timedelta(days=supervision.MAX_REPLY_DAYS), key=keys["reply"])  # fmt: skip
    right.text_area("督办要求", value=supervision.DEFAULT_NOTE, max_chars=supervision.MAX_NOTE, height=80,
                    key=keys["note"])  # fmt: skip
    st.button("发送督办单", type="primary", icon=":material/send:", on_click=_send, args=(league, park, keys),
              key=f"supervision_send_{round_}")  # fmt: skip


# The list and one order ---------------------------------------------------------------------------------------
def orders_table(orders: pd.DataFrame) -> None:
    shown = orders.assign(
        unit=[issued_unit(row) for _, row in orders.iterrows()],
        sent_at=orders["sent_at"].dt.strftime("%Y-%m-%d %H:%M"),
        acknowledged_at=orders["acknowledged_at"].dt.strftime("%Y-%m-%d %H:%M").fillna(""),
        acknowledged_by=orders["acknowledged_by"].fillna(""),
    )[list(ORDER_COLUMNS)].rename(columns=ORDER_COLUMNS)
    table(shown, "supervision_orders", fit=True, most=400,
          column_config={"签收期限": date_column(), "报送期限": date_column()})  # fmt: skip


def order_view(order: pd.Series, today: Scope, user: User, scope_label: str, demo: bool) -> None:
    """One order: its state, its items as sent and now, its Word and Excel, and 签收 for the unit's account."""
    number = order["number_text"]
    state = order["state"]
    st.subheader(f"{number}　{plain(issued_unit(order))}", anchor=False)
    text = f"{order['sent_at']:%Y-%m-%d %H:%M} 由 {plain(order['sent_by'])} 发出；{order['ack_due']:%Y-%m-%d} 前签收。"
    if state == "已签收":
        st.success(f"已签收：{plain(order['acknowledged_by'])}，{order['acknowledged_at']:%Y-%m-%d %H:%M}。" + text)
    elif state == "逾期未签收":
        st.error("逾期未签收，已抄送领导小组。" + text, icon=":material/warning:")
    else:
        st.info("待签收。" + text)
    st.caption(f"督办要求：{plain(order['note'])}")
    items = queries.order_items(today, int(order["order_id"]))
    table(issued_table(items), "supervision_order_items", fit=True, most=500)
    if state != "已签收" and user.may(Action.ACKNOWLEDGE_ORDER, order["league_code"], _park(order)):
        st.button("签收", type="primary", icon=":material/task_alt:", on_click=_acknowledge,
                  args=(int(order["order_id"]), number), key="supervision_acknowledge")  # fmt: skip
    name = f"{number}_{issued_unit(order)}"
    for column, (label, build, ext) in zip(
        st.columns(2),
        [("督办单（Word）", issued_order_docx, "docx"), ("督办单（Excel）", issued_order_xlsx, "xlsx")],
        strict=True,
    ):
        with column:
            export_button(label, lambda build=build: build(order, items, scope_label, demo), file_name=f"{name}.{ext}",
                          what=f"{label} {number}", scope_label=scope_label, key=f"supervision_{ext}")  # fmt: skip


def _park(order: pd.Series) -> str | None:
    return order["park_id"] if isinstance(order["park_id"], str) else None
