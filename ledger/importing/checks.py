"""The rules across a row and across the file: the park in the league's catalogue, ids that belong to another
league or ledger or repeat within the file, statuses an import may not set, dates and areas that contradict."""

from dataclasses import dataclass, field
from datetime import date

import duckdb

from ledger.fields import DISPOSALS_BY_LAND_KIND, SPECS, LedgerSpec
from ledger.importing.cells import norm, typed_value
from ledger.importing.problems import RowError
from ledger.importing.rows import Line
from ledger.park_names import Park, ParkMatcher
from ledger.safe_read import ImportFileError
from ledger.vocabulary import CLOSED, STATUSES

STATUS_ORDER = {status: n for n, status in enumerate(STATUSES)}


@dataclass(frozen=True)
class Reference:
    """What rows are checked against: the league's parks, existing items, built projects."""

    league_name: str
    parks: ParkMatcher
    league_names: dict[str, str]
    items: dict[str, tuple[str, str, bool]]  # item_id -> (ledger, league_code, imported)
    projects: dict[str, str]  # project_id -> park_id
    statuses: dict[str, str] = field(default_factory=dict)  # item_id -> its latest status


# Each item's latest status: its open status span (ledger/spans.py keeps the spans in step with every write), one
# text for both engines.
CURRENT_STATUSES = "select item_id, status from status_span where valid_to is null"


def load_reference(con: duckdb.DuckDBPyConnection, league_code: str) -> Reference:
    leagues = {
        code: (name, short)
        for code, name, short in con.execute("select league_code, name, short_name from league").fetchall()
    }
    if league_code not in leagues:
        raise ImportFileError(f"盟市代码“{league_code}”不存在")
    parks = [
        Park(*row) for row in con.execute("select park_id, name, league_code from park order by park_id").fetchall()
    ]
    items = {
        i: (ledger, code, batch is not None)
        for i, ledger, code, batch in con.execute(
            "select item_id, ledger, league_code, batch_id from item join park using (park_id)"
        ).fetchall()
    }
    projects = dict(con.execute("select project_id, park_id from built_project").fetchall())
    statuses = dict(con.execute(CURRENT_STATUSES).fetchall())
    names = {code: name for code, (name, _) in leagues.items()}
    return Reference(leagues[league_code][0], ParkMatcher(parks, leagues), names, items, projects, statuses)


def check_row(spec: LedgerSpec, league_code: str, line: Line, ref: Reference) -> None:
    """The rules across a row's cells; cells already refused or columns missing are skipped, not re-reported."""
    row = line.row

    def error(key: str | None, message: str, kind: str, value: object = "", hint: str = "") -> None:
        column = label.get(key) if key else None
        line.errors.append(RowError(line.sheet, line.line, column, message, kind, typed_value(value), hint))

    def warn(key: str, message: str, kind: str) -> None:
        line.warnings.append(RowError(line.sheet, line.line, label[key], message, kind))

    label = {f.key: f.label for f in spec.fields}
    park = None
    if row.get("park"):
        written = row["park"]
        match = ref.parks.match(written, league_code)
        if match.park:
            park = match.park
            row["park_id"], row["park"] = park.park_id, park.name  # shown in the preview as the catalogue names it
            if norm(written) not in (norm(park.name), norm(park.park_id)):  # 内蒙古…, a short name: for confirmation
                line.notes.append((label["park"], written, park.name, "按开发区名录匹配"))
                line.mapped.append((label["park"], written, park.name))
        elif match.other_league:
            where = ref.league_names[match.other_league]
            also = "" if norm(written) == norm(match.candidates[0]) else f"（即{match.candidates[0]}）"
            error("park", f"园区“{written}”{also}属于{where}，不属于{ref.league_name}", "park_league", written)
        elif match.ambiguous:
            names = "、".join(match.candidates)
            error("park", f"园区“{written}”可指{ref.league_name}的多个园区：{names}。请写园区全称", "park", written)
        else:
            names = "、".join(match.candidates)
            message = f"园区“{written}”不在开发区名录中（{ref.league_name}的园区中最接近的是：{names}）"
            error("park", message, "park", written)
    item_id = row.get("item_id")
    existing = ref.items.get(item_id) if item_id else None
    if existing and (existing[0], existing[1]) != (spec.ledger, league_code):  # demo or imported: ids never move
        other = SPECS[existing[0]].name + ("" if existing[2] else "（演示数据）")
        error("item_id", f"编号“{item_id}”已用于{ref.league_names[existing[1]]}{other}", "id_taken", item_id)
    status, before = row.get("status"), ref.statuses.get(item_id)
    own = existing is not None and existing[:2] == (spec.ledger, league_code)
    if status == CLOSED and before != CLOSED:
        error("status", f"导入不能把条目设为“{CLOSED}”：销号须由大起底办公室在看板上审核佐证材料", "closing", status)
    elif own and status and before and STATUS_ORDER[status] < STATUS_ORDER[before]:
        error("status", f"状态不能从“{before}”退回“{status}”：退回须由大起底办公室在看板上写明原因", "backwards")
    found = row.get("found_date")
    if found and found > date.today():
        error("found_date", f"发现日期 {found} 晚于今天", "future", found)
    if found:
        for key, name in (("deadline", "整改时限"), ("closed_date", "销号日期"), ("status_date", "状态日期")):
            if row.get(key) and row[key] < found:
                warn(key, f"{name} {row[key]} 早于发现日期 {found}，请核对", "date_order")
        if row.get("idle_since") and row["idle_since"] > found:
            warn("idle_since", f"闲置起始 {row['idle_since']} 晚于发现日期 {found}，请核对", "date_order")
    if (
        spec.ledger == "idle_fund"
        and row.get("balance_wan") is not None
        and (row.get("returned_wan") or 0) > row["balance_wan"]
    ):
        error("returned_wan", "收回上缴金额大于沉淀余额", "over_balance")
    if spec.ledger == "land" and row.get("area_mu") is not None and (row.get("revitalised_mu") or 0) > row["area_mu"]:
        area, revitalised = float(row["area_mu"]), float(row["revitalised_mu"])
        error("revitalised_mu", f"盘活面积 {revitalised:,.2f} 亩大于地块面积 {area:,.2f} 亩", "over_area")
    methods = DISPOSALS_BY_LAND_KIND.get(row.get("land_kind") or "")
    if spec.ledger == "land" and methods and row.get("disposal") and row["disposal"] not in methods:
        usual = "”或“".join(methods)
        warn(
            "disposal",
            f"{row['land_kind']}通常的处置方式是“{usual}”，此行为“{row['disposal']}”，请核对",
            "disposal_kind",
        )
    if spec.ledger == "indicator" and row.get("project_id"):
        project_park = ref.projects.get(row["project_id"])
        if project_park is None:
            error("project_id", f"项目编号“{row['project_id']}”不存在", "project", row["project_id"])
        elif park and project_park != park.park_id:
            error("project_id", f"项目“{row['project_id']}”不在园区“{row['park']}”", "project", row["project_id"])


def repeated_ids(spec: LedgerSpec, lines: list[Line]) -> None:
    """An id written on several rows of the file: each of those rows is refused, naming all of them."""
    label = next(f.label for f in spec.fields if f.key == "item_id")
    where: dict[str, list[Line]] = {}
    for line in lines:
        if line.row.get("item_id"):
            where.setdefault(line.row["item_id"], []).append(line)
    sheets = {line.sheet for line in lines}
    for item_id, same in where.items():
        if len(same) < 2:
            continue
        rows = "、".join(f"{'工作表“' + s.sheet + '”' if len(sheets) > 1 else ''}第{s.line}行" for s in same)
        for line in same:
            line.errors.append(
                RowError(line.sheet, line.line, label, f"编号“{item_id}”重复：{rows}", "duplicate_id", item_id)
            )
