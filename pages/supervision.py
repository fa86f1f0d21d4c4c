"""督办单: the office sends numbered 督办单 naming red and yellow items to a league or park and follows who has
acknowledged them; a league's or park's account sees the orders sent to it and acknowledges them (签收)."""

from datetime import date

import streamlit as st

import queries
from auth.roles import Action
from queries.scope import Scope
from reports.stamp import stamp
from ui.scope import catalog, page_header
from ui.session import current_user
from ui.supervision import CHOSEN, light_metrics, order_form, order_view, orders_table, outcome

scope = page_header("督办单")
user = current_user()
today = Scope(scope.league, scope.park, date.today())  # orders and lights are about now, like 我的待办
here = stamp(today)
office = user.may(Action.SEND_ORDER)
outcome()

light_metrics(queries.light_counts(today))
orders = queries.supervision_orders(today)
counts = orders["state"].value_counts()
cols = st.columns(3)
for column, state in zip(cols, ("待签收", "逾期未签收", "已签收"), strict=True):
    column.metric(state, f"{int(counts.get(state, 0))} 份")

if office:
    with st.expander("新建督办单", icon=":material/edit_note:", expanded=orders.empty):
        names = catalog()
        order_form(today, names.leagues, names.parks)

st.subheader("督办单列表")
if orders.empty:
    st.caption("本范围还没有督办单。" if office else "还没有发给本单位的督办单。")
    st.stop()
orders_table(orders)
numbers = dict(zip(orders["order_id"].astype(int), orders["number_text"], strict=True))
asked = st.query_params.get("order", "")
first = int(asked) if asked.isdigit() and int(asked) in numbers else next(iter(numbers))
chosen = st.selectbox("查看督办单", list(numbers), index=list(numbers).index(first), format_func=numbers.get,
                      key=CHOSEN)  # fmt: skip
st.query_params["order"] = str(chosen)
order_view(orders[orders["order_id"] == chosen].iloc[0], today, user, here.scope_label, here.demo)
