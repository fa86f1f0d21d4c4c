"""用电核验's register: monthly electricity (and optionally water and tax) per enterprise by 统一社会信用代码, as the
power company and the tax office report it, imported from Excel or CSV.

The file is read by the hardened worker (ledger/safe_read.py) and checked whole before anything is written: every
bad row is reported at once (row number and what is wrong, in Chinese), and a file with any is refused. A good file
is one transaction: each (enterprise, month) it holds replaces what the register had for it."""

import datetime
import re
from dataclasses import dataclass

from auth.roles import Action, User
from ledger.safe_read import ImportFileError, read_sheets

MAX_COLUMNS = 20
MAX_PROBLEMS = 200  # reported at once; a file with more is refused with the first ones and their count
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")  # GB 32100-2015, 18 characters
MONTH = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))$")
HEADERS = {  # the register's columns → the words a header may use for each (spaces and brackets ignored)
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码"),
    "month": ("月份", "年月", "统计月份"),
    "electricity_kwh": ("用电量千瓦时", "用电量kwh", "用电量", "用电千瓦时"),
    "water_t": ("用水量吨", "用水量", "用水吨"),
    "tax_wan": ("税收万元", "纳税额万元", "税收", "纳税额"),
}
REQUIRED = ("credit_code", "month", "electricity_kwh")
NAMES = {"credit_code": "统一社会信用代码", "month": "月份", "electricity_kwh": "用电量（千瓦时）",
         "water_t": "用水量（吨）", "tax_wan": "税收（万元）"}  # fmt: skip


class UtilityImportError(ValueError):
    """A register refused, with every problem found (Chinese, one per line); nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Use:
    credit_code: str
    month: datetime.date
    electricity_kwh: float
    water_t: float | None
    tax_wan: float | None


def _word(value: object) -> str:
    return re.sub(r"[\s()（）\[\]【】/]", "", str(value or "")).lower()


def _columns(header: list[object]) -> dict[str, int]:
    words = [_word(cell) for cell in header]
    found = {}
    for key, names in HEADERS.items():
        for name in names:
            if name.lower() in words:
                found[key] = words.index(name.lower())
                break
    return found


def _month(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime | datetime.date):
        return datetime.date(value.year, value.month, 1)
    match = MONTH.match(str(value or "").strip())
    if not match:
        return None
    month = int(match.group(2) or match.group(3))
    return datetime.date(int(match.group(1)), month, 1) if 1 <= month <= 12 else None


def _amount(value: object, name: str, required: bool, problems: list[str], where: str) -> float | None:
    if value is None or str(value).strip() == "":
        if required:
            problems.append(f"{where}：缺少{name}")
        return None
    try:
        number = float(str(value).replace(",", "").strip())
    except ValueError:
        problems.append(f"{where}：{name}“{value}”不是数字")
        return None
    if number < 0 or number != number or number in (float("inf"), float("-inf")):
        problems.append(f"{where}：{name}不能为负数或无效值（{value}）")
        return None
    return number


def parse_register(rows: list[list[object]]) -> list[Use]:
    """The register's rows, every one checked; UtilityImportError with all the problems when any is bad."""
    header_at = next((n for n, row in enumerate(rows[:10]) if "credit_code" in _columns(row)), None)
    if header_at is None:
        raise UtilityImportError(["前 10 行中找不到表头“统一社会信用代码”：请使用用电核验登记表模板的列名"])
    columns = _columns(rows[header_at])
    missing = [NAMES[k] for k in REQUIRED if k not in columns]
    if missing:
        raise UtilityImportError([f"表头缺少列：{'、'.join(missing)}"])
    problems: list[str] = []
    uses: list[Use] = []
    seen: dict[tuple[str, datetime.date], int] = {}
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cell = {k: row[i] if i < len(row) else None for k, i in columns.items()}
        if all(v is None or str(v).strip() == "" for v in cell.values()):
            continue
        where = f"第 {number} 行"
        code = str(cell["credit_code"] or "").strip().upper()
        if not CREDIT_CODE.match(code):
            problems.append(f"{where}：统一社会信用代码“{cell['credit_code'] or ''}”不是 18 位有效代码")
        month = _month(cell["month"])
        if month is None:
            problems.append(f"{where}：月份“{cell['month'] or ''}”无法识别（应写作 2023-01 或 2023年1月）")
        kwh = _amount(cell["electricity_kwh"], "用电量", True, problems, where)
        water = _amount(cell.get("water_t"), "用水量", False, problems, where)
        tax = _amount(cell.get("tax_wan"), "税收", False, problems, where)
        if month is not None and CREDIT_CODE.match(code):
            if (code, month) in seen:
                problems.append(f"{where}：与第 {seen[(code, month)]} 行是同一企业同一月份")
            seen.setdefault((code, month), number)
        if kwh is not None and month is not None and CREDIT_CODE.match(code):
            uses.append(Use(code, month, kwh, water, tax))
    if problems:
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        raise UtilityImportError(shown + ([f"另有 {more} 处问题未列出"] if more else []))
    if not uses:
        raise UtilityImportError(["文件中没有数据行"])
    return uses


def read_register(data: bytes, file_name: str) -> list[Use]:
    """The uploaded register read by the hardened worker and checked whole (its first sheet)."""
    try:
        sheets = read_sheets(data, file_name, MAX_COLUMNS)
    except ImportFileError as error:
        raise UtilityImportError([str(error)]) from error
    return parse_register(sheets[0][1] if sheets else [])


def store(cur, user: User, uses: list[Use]) -> int:
    """Write the checked register in the caller's transaction: each (enterprise, month) replaces what was there."""
    if not (user.may(Action.IMPORT) and user.allowed.everything):
        raise UtilityImportError(["只有大起底办公室能导入用电核验登记表"])
    for use in uses:
        params = {"c": use.credit_code, "m": use.month}
        cur.execute("delete from utility_use where credit_code = $c and month = $m", params)
        cur.execute(
            "insert into utility_use (credit_code, month, electricity_kwh, water_t, tax_wan)"
            " values ($c, $m, $kwh, $water, $tax)",
            params | {"kwh": use.electricity_kwh, "water": use.water_t, "tax": use.tax_wan},
        )
    return len(uses)
