"""The problems of a file as the clerk reads them: one RowError per problem, grouped by column and kind with
the rows named and the hint said once."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """One problem of one row (an error, or a warning the clerk confirms); kind groups problems of one sort."""

    sheet: str
    row: int  # as Excel shows it (1-based)
    column: str | None
    message: str
    kind: str = "invalid"
    value: str = ""  # the cell as written
    hint: str = ""  # said once for the group: the allowed values, the date forms

    def text(self) -> str:
        where = f"第{self.row}行" + (f" “{self.column}”" if self.column else "")
        return f"工作表“{self.sheet}” {where}: {self.message}"


KIND_TITLES = {
    "missing_column": "缺少必填列",
    "required": "必填项为空",
    "choice": "的值不在可选值中",
    "choice_ambiguous": "的写法同时像几个可选值",
    "not_number": "不是数字",
    "unit": "的单位无法换算",
    "too_small": "小于下限",
    "too_large": "超出合理范围",
    "not_integer": "不是整数",
    "not_date": "不是日期",
    "bad_date": "的日期不存在",
    "no_day": "的日期只写到月",
    "month_ambiguous": "的月份无法确定",
    "date_range": "的日期不在合理范围",
    "yesno": "应填“是”或“否”",
    "park": "的园区无法确定",
    "park_league": "的园区属于其他盟市",
    "id_taken": "的编号已被其他盟市或台账使用",
    "duplicate_id": "的编号在文件中重复",
    "closing": "不能导入为“已销号”",
    "backwards": "的状态不能退回",
    "future": "的日期晚于今天",
    "date_order": "的日期先后需要核对",
    "disposal_kind": "的处置方式与地块类型不常见",
}
MAX_ROWS_NAMED = 30
NAMES_ITS_ROWS = {"duplicate_id", "missing_column"}  # the message itself says where


@dataclass(frozen=True)
class ProblemGroup:
    """Problems of one kind in one column: a title, each distinct message with its rows, the hint once."""

    title: str  # “处置方式”：7 行的值不在可选值中
    items: tuple[str, ...]  # “拍卖” 不是可选值（3 行：第5、8、9行）
    hint: str
    rows: int


def _where(problems: list[RowError], several_sheets: bool) -> str:
    named = problems[:MAX_ROWS_NAMED]
    text = "第" + "、".join(f"{'工作表“' + p.sheet + '”第' if several_sheets else ''}{p.row}" for p in named) + "行"
    if several_sheets:
        text = "、".join(f"工作表“{p.sheet}”第{p.row}行" for p in named)
    return text + (f"等 {len(problems)} 行" if len(problems) > MAX_ROWS_NAMED else "")


def group_problems(problems: list[RowError]) -> list[ProblemGroup]:
    """Group a file's problems by column and kind, in the order they first appear."""
    several = len({p.sheet for p in problems}) > 1
    groups: dict[tuple, list[RowError]] = {}
    for p in problems:
        groups.setdefault((p.column, p.kind), []).append(p)
    out = []
    for (column, kind), same in groups.items():
        rows = len({(p.sheet, p.row) for p in same})
        phrase = KIND_TITLES.get(kind, "有误")
        if kind == "missing_column":
            title = f"表头{phrase}"
        else:
            title = (f"“{column}”：" if column else "") + f"{rows} 行{phrase}"
        by_message: dict[str, list[RowError]] = {}
        for p in same:
            by_message.setdefault(p.message, []).append(p)
        items = tuple(
            message
            if kind in NAMES_ITS_ROWS
            else f"{message}（{_where(at, several)}）"
            if len(at) == 1
            else f"{message}（{len(at)} 行：{_where(at, several)}）"
            for message, at in by_message.items()
        )
        hint = next((p.hint for p in same if p.hint), "")
        out.append(ProblemGroup(title, items, hint, rows))
    return out
