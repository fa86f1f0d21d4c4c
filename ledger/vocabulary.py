"""The campaign's words, written once: an item's four statuses and the six ledgers. Python code imports them
from here; SQL reads the same words from the rules file (queries/rules.sql) and the ledger_def table."""

OPEN, WORKING, APPLIED, CLOSED = "待整改", "整改中", "已整改", "已销号"
STATUSES = (OPEN, WORKING, APPLIED, CLOSED)  # in the order an item moves through them
RECTIFIED = (APPLIED, CLOSED)  # counted as 整改完成 in every figure (已整改 awaits the office's 销号 review)

LEDGERS = {  # key → name, in the published order (ledger_def holds the same, for SQL)
    "pending_approval": "待批项目",
    "idle_fund": "沉淀资金",
    "land": "土地",
    "infrastructure": "基础设施",
    "stalled": "停产企业和停建项目",
    "indicator": "园区指标",
}
