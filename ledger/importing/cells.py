"""Reading one cell as a league office writes it: numbers with units or full-width digits, dates in any common
form, free wording for a choice; a CellError names what is wrong in the clerk's words."""

import functools
import re
import unicodedata
from datetime import date, datetime, timedelta

from ledger.fields import Field

UNIT_FACTORS = {  # factor into the stored unit
    "亩": {"亩": 1, "万亩": 10000, "公顷": 15, "平方米": 1 / 666.6667, "m2": 1 / 666.6667},
    "万元": {"万元": 1, "万": 1, "元": 0.0001, "亿元": 10000, "亿": 10000},
    "吨标煤": {"吨标煤": 1, "吨": 1, "万吨标煤": 10000},
    "吨": {"吨": 1, "万吨": 10000},
    "项": {"项": 1, "个": 1},
}
EXCEL_EPOCH = date(1899, 12, 30)


def norm(text: object) -> str:
    """Full-width to half-width, no spaces: how headers and codes are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))) if text is not None else ""


UNITS = {unit for factors in UNIT_FACTORS.values() for unit in factors}


class CellError(ValueError):
    """A cell that cannot be read; kind groups like errors, hint is said once per group (the allowed values)."""

    def __init__(self, message: str, kind: str = "invalid", hint: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.hint = hint


FULL_WIDTH = re.compile(r"[\uff01-\uff5e\u3000]")


def _number(value: object, f: Field, header_unit: str) -> tuple[float, str]:
    """The number in the field's unit, and how it was read when the cell was not a plain number."""
    if isinstance(value, bool):
        raise CellError(f"“{value}” 不是数字", "not_number")
    notes = []
    if isinstance(value, int | float):
        number = float(value)
        unit = header_unit
    else:
        raw = str(value)
        text = norm(value)
        if FULL_WIDTH.search(raw):
            notes.append("全角数字" if re.search(r"[０-９]", raw) else "全角符号")
        if re.search(r"\d,\d{3}", text):
            notes.append("千分位")
        text = text.replace(",", "")
        match = re.fullmatch(r"([-+]?\d+(?:\.\d+)?)\(?([^\d.()][^()]*)?\)?", text)
        if not match:
            raise CellError(f"“{value}” 不是数字", "not_number")
        number, written = float(match.group(1)), match.group(2) or ""
        unit = written or header_unit
        if written:
            notes.append(f"带单位“{written}”")
    if f.unit:
        factors = UNIT_FACTORS.get(f.unit, {f.unit: 1})
        unit = unit or f.unit
        if unit not in factors:
            raise CellError(f"“{value}” 的单位“{unit}”无法换算为{f.unit}", "unit", f"可写的单位：{'、'.join(factors)}")
        if factors[unit] != 1:
            notes.append(f"{unit}换算为{f.unit}")
        number *= factors[unit]
    elif unit:
        raise CellError(f"“{value}” 不是数字", "not_number")
    if f.minimum is not None and number < f.minimum:
        raise CellError(f"“{value}” 不能小于 {f.minimum:g}", "too_small")
    if f.maximum is not None and number > f.maximum:
        raise CellError(f"“{value}” 超出合理范围（不大于 {f.maximum:g}）", "too_large")
    return round(number, 4), "、".join(notes)


DATE_FORMS = "可写作 2022-08-15、2022.8.15、2022/8/15 或 2022年8月15日"


MONTH_ONLY = "只写到月，按当月1日读取"


def read_date(value: object, f: Field | None = None) -> tuple[date, str]:
    """A date as written; a month alone (2021年7月, 2021.7, 2021-07) is the first of that month where the field
    needs no day (f.month_ok), an error elsewhere."""
    if isinstance(value, datetime):
        return value.date(), ""
    if isinstance(value, date):
        return value, ""
    how = ""  # every written form is year, month, day: the date column of the preview shows how it was read
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel serial day number (a date cell WPS or a CSV left as a number)
            return EXCEL_EPOCH + timedelta(days=int(value)), "Excel 日期序号"
        text, how = (str(int(value)) if float(value).is_integer() else str(value)), "8 位数字"
        if re.fullmatch(r"\d{4}\.1", text):  # 2021.10 typed into a number cell is 2021.1
            year = text[:4]
            raise CellError(
                f"“{value}” 是数字格式，无法区分{year}年1月与{year}年10月：请写作“{year}年1月”或“{year}年10月”",
                "month_ambiguous",
            )
    else:
        text = norm(value)
    match = re.fullmatch(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?(?:\d{1,2}:\d{2}(?::\d{2})?)?", text)
    match = match or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    month = None if match else re.fullmatch(r"(\d{4})[-./年](\d{1,2})月?", text)
    if month:
        if f is None or not f.month_ok:
            label = f"“{f.label}”" if f is not None else "此列"
            raise CellError(f"“{value}” 只写到月，{label}须写到日", "no_day", DATE_FORMS)
        match, how = month, MONTH_ONLY
    if not match:
        raise CellError(f"“{value}” 不是日期", "not_date", DATE_FORMS)
    year, month_number, day = (*map(int, match.groups()), 1)[:3]
    try:
        return date(year, month_number, day), how
    except ValueError as error:
        reason = f"{year}年{month_number}月没有{day}日" if 1 <= month_number <= 12 else f"没有{month_number}月"
        raise CellError(f"“{value}” 不是有效日期：{reason}", "bad_date") from error


@functools.cache
def _wordings(f: Field) -> tuple[dict[str, str], dict[str, str]]:
    """A choice field's choices and synonyms, normalised once: {normalised: choice}."""
    return {norm(c): c for c in f.choices}, {norm(w): c for w, c in f.synonyms}


def read_choice(value: object, f: Field) -> tuple[str, str]:
    """The standard choice, and how it was read from free wording ('' when written as the choice)."""
    text = norm(value)
    choices, synonyms = _wordings(f)
    if text in choices:
        return choices[text], ""
    plain = re.sub(r"[，。、,.;；]", "", text)
    if plain in synonyms:
        return synonyms[plain], "同义词"
    if f.find_in_text:
        found = [written for written in synonyms if written in plain]
        found = [w for w in found if not any(w != other and w in other for other in found)]  # 有偿收回, not 收回
        meant = sorted({synonyms[w] for w in found})
        if len(meant) == 1:
            return meant[0], f"据文字中的“{max(found, key=len)}”"
        if meant:
            raise CellError(
                f"“{value}” 同时像多种{f.header}（{'；'.join(meant)}），请只写一种", "choice_ambiguous", _allowed(f)
            )
    raise CellError(f"“{value}” 不是可选值", "choice", _allowed(f))


def _allowed(f: Field) -> str:
    return f"应为：{'、'.join(f.choices)}"


def read_cell(value: object, f: Field, header_unit: str = "") -> tuple[object, str, bool]:
    """A cell's value in the stored type and unit, how it was read ('' when plain) and whether free wording was
    mapped to a choice; CellError with a clerk-readable message otherwise."""
    if f.kind == "number":
        return (*_number(value, f, header_unit), False)
    if f.kind == "integer":
        number, how = _number(value, f, header_unit)
        if not float(number).is_integer():
            raise CellError(f"“{value}” 应为整数", "not_integer")
        return int(number), how, False
    if f.kind == "date":
        parsed, how = read_date(value, f)
        if not date(2000, 1, 1) <= parsed <= date(2035, 12, 31):
            raise CellError(f"“{value}” 不在合理的日期范围（2000年至2035年）", "date_range")
        return parsed, how, False
    if f.kind == "yesno":
        text = norm(value).upper()
        if text in ("是", "Y", "YES", "TRUE", "1", "√"):
            return True, "" if text == "是" else f"“{value}”读作“是”", False
        if text in ("否", "N", "NO", "FALSE", "0", "×"):
            return False, "" if text == "否" else f"“{value}”读作“否”", False
        raise CellError(f"“{value}” 应填“是”或“否”", "yesno")
    if f.kind == "choice":
        choice, how = read_choice(value, f)
        return choice, how, bool(how)
    if f.key in ("item_id", "project_id"):
        return unicodedata.normalize("NFKC", str(value)).strip(), "", False
    return str(value).strip(), "", False


def parse_cell(value: object, f: Field, header_unit: str = "") -> object:
    """A cell's value in the stored type and unit; CellError with a clerk-readable message otherwise."""
    return read_cell(value, f, header_unit)[0]


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def typed_value(value: object) -> str:
    """A cell as the clerk typed it, for the preview."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def display_value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)
