"""Finding a sheet's header: which row (with group titles over it) names the ledger's columns, under which of
their many spellings, in which units, and which required columns the title block gives instead."""

import functools
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from ledger.fields import SPECS, Field, LedgerSpec
from ledger.importing.cells import UNIT_FACTORS, UNITS, CellError, display_value, is_blank, norm, read_date

MAX_HEADER_SCAN = 15
BRACKETS = re.compile(r"[(\[【〔]([^()\[\]【】〔〕]*)[)\]】〕]")
MARKS = "*※★☆"  # required marks people put beside a header


def _header_key(cell: object) -> tuple[str, str]:
    """Header text -> (name without unit, unit): '面积（公顷）*' -> ('面积', '公顷'); '日期(必填)' -> ('日期', '')."""
    text = norm(cell).strip(MARKS + ":：")
    unit = ""
    for inside in BRACKETS.findall(text):
        inside = re.sub(r"^单位[:：]?", "", inside)
        if inside in UNITS and not unit:
            unit = inside
    name = BRACKETS.sub("", text).strip(MARKS + ":：")
    if not unit and "/" in name and name.rsplit("/", 1)[1] in UNITS:  # 面积/亩
        name, unit = name.rsplit("/", 1)
    return name, unit


@functools.cache
def _header_names(spec: LedgerSpec) -> dict[str, tuple[Field, int]]:
    """Every name a header may use for a field of the ledger, normalised: 2 for the template's, 1 for an alias."""
    names = {norm(alias): (f, 1) for f in spec.fields for alias in f.aliases}
    names.update({norm(name): (f, 2) for f in spec.fields for name in (f.header, f.label)})
    return names


def _match(spec: LedgerSpec, cell: object) -> tuple[Field, str, int] | None:
    """The field a header names, its unit, and 2 for the template's own name or 1 for an alias."""
    name, unit = _header_key(cell)
    if not name:
        return None
    names = _header_names(spec)
    if name in names:
        f, score = names[name]
        return f, unit, score
    if not unit:  # a unit written straight after the name: 面积亩, 沉淀余额万元
        for f in spec.fields:
            for written in UNIT_FACTORS.get(f.unit, {}) if f.unit else ():
                bare = name.removesuffix(written)
                if bare != name and names.get(bare, (None,))[0] == f:
                    return f, written, 1
    return None


MAX_HEADER_DEPTH = 3  # a header over one row, or group titles over it on one or two rows more
GROUP_WORDS = ("基本情况", "基本信息", "情况", "信息")  # 停产停建情况 · 时间 -> 停产停建时间


def _text(cell: object) -> str:
    return re.sub(r"\s+", " ", str(cell)).strip() if not is_blank(cell) else ""


def _stacks(rows: list[list[object]], top: int, bottom: int) -> list[tuple[str, ...]]:
    """Each column's header texts from the top row of the block down, without repeats: a group title merged
    across its columns (only its first cell holds the text) is carried right over the columns that have a
    name below it; a name merged down the block (the reader repeats it) counts once."""
    block = [[_text(cell) for cell in rows[r]] for r in range(top, bottom + 1)]
    width = max(len(row) for row in block)
    block = [row + [""] * (width - len(row)) for row in block]
    for upper in range(len(block) - 1):
        carry = ""
        for c in range(width):
            below = [block[r][c] for r in range(upper + 1, len(block)) if block[r][c]]
            if block[upper][c]:
                carry = block[upper][c] if below and norm(below[0]) != norm(block[upper][c]) else ""
            elif carry and below:
                block[upper][c] = carry
            else:
                carry = ""
    stacks = []
    for c in range(width):
        stack: list[str] = []
        for row in block:
            if row[c] and (not stack or norm(stack[-1]) != norm(row[c])):
                stack.append(row[c])
        stacks.append(tuple(stack))
    return stacks


def _group_row(cells: list[object]) -> bool:
    """A row that may hold group titles: several cells, none of them a 填报单位：… or 单位：… line."""
    texts = [norm(cell) for cell in cells if not is_blank(cell)]
    return len(texts) >= 2 and not any(":" in text for text in texts)


def _group_word(text: str) -> str:
    word = norm(text)
    for suffix in GROUP_WORDS:
        if word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _candidates(stack: tuple[str, ...]) -> list[str]:
    """The names a column's header texts may spell, most qualified first: the groups joined to the name
    (停产停建情况 · 时间 -> 停产停建时间), then the name alone; a unit under a name is that name's unit."""
    if not stack:
        return []
    *groups, name = stack
    if _is_unit(name) and groups:
        name = f"{groups.pop()}({norm(name).strip('()')})"
    out = []
    for first in range(len(groups)):
        for word in ("".join(_group_word(g) for g in groups[first:]), "".join(norm(g) for g in groups[first:])):
            if word and word + norm(name) not in out:
                out.append(word + norm(name))
    return [*out, name]


def _is_unit(cell: object) -> bool:
    return norm(cell).strip("()") in UNITS


UNITS_NOTE = re.compile(r"单位[:：]")


def units_note(rows: list[list[object]]) -> tuple[str, tuple[str, ...]] | None:
    """The units note of a title block (单位：亩、万元; 金额单位：元) as written and its units; a 填报单位 line
    names an office, not units, and is not one."""
    for row in rows:
        for cell in row:
            if is_blank(cell) or not isinstance(cell, str):
                continue
            text = unicodedata.normalize("NFKC", cell)
            units: list[str] = []
            for found in UNITS_NOTE.finditer(text):
                for token in re.split(r"[、,，/;；\s]+", text[found.end() :].strip()):
                    token = token.strip("()（）")
                    if token not in UNITS:
                        break
                    units.append(token)
            if units:
                return _text(cell), tuple(dict.fromkeys(units))
    return None


REPORT_WORDS = re.compile(r"(?:填报|报送)(?:日期|时间)")
REPORT_DATE = re.compile(r"(?:填报|报送)(?:日期|时间)\s*[:：]?\s*([0-9０-９][0-9０-９\s年月日./\-－]*)")


def report_date(rows: list[list[object]]) -> tuple[date, str] | None:
    """The 填报日期 of a title block (when the ledger's items were found) and the words it was read from; the
    date may follow in the same cell or in the next filled one (a date cell)."""
    for row in rows:
        for c, cell in enumerate(row):
            if is_blank(cell) or not isinstance(cell, str) or not REPORT_WORDS.search(cell):
                continue
            found = REPORT_DATE.search(cell.strip())
            written = found.group(1) if found else next((v for v in row[c + 1 :] if not is_blank(v)), None)
            if written is None:
                continue
            try:
                when = read_date(written.strip().rstrip(".") if isinstance(written, str) else written)[0]
            except CellError:
                continue
            shown = found.group(0).strip() if found else f"{_text(cell)}{display_value(when)}"
            return when, shown
    return None


@dataclass(frozen=True)
class Header:
    row: int  # 0-based index of the (last) header row
    columns: dict[int, tuple[Field, str]]  # column -> (field, unit written in the header or the units note)
    cells: tuple[str, ...]  # the header as the file writes it (group · name for a grouped header)
    missing: tuple[str, ...]  # labels of required fields no column names and the file does not give
    top: int = -1  # 0-based index of the first header row (the title block is above it)
    note: str = ""  # the title block's units note, as written
    noted: frozenset[int] = frozenset()  # columns whose unit comes from the note
    derived: tuple[tuple[str, str], ...] = ()  # (field key, where from) of required fields the file gives otherwise
    found_date: date | None = None  # the 填报日期 of the title block, when 发现日期 is derived from it

    def reading(self) -> list[tuple[str, str, str]]:
        """(header in the file, field, how its numbers are converted) for each recognised column."""
        out = []
        for c, (f, unit) in sorted(self.columns.items()):
            factor = UNIT_FACTORS.get(f.unit, {}).get(unit, 1) if f.unit and unit else 1
            how = f"按 1 {unit} = {factor:g} {f.unit} 换算" if factor != 1 else ""
            if how and c in self.noted:
                how = f"按表头上方的“{self.note}”：1 {unit} = {factor:g} {f.unit} 换算"
            out.append((self.cells[c], f.label, how))
        return out

    def ignored(self) -> list[str]:
        return [text for c, text in enumerate(self.cells) if text and c not in self.columns]


MIN_HEADER_MATCHES = 2


def _derivable(spec: LedgerSpec, keys: set[str], above: list[list[object]]) -> dict[str, tuple[str, object]]:
    """Required fields a file without their column still gives: 名称 of a land parcel from its park and number,
    发现日期 from the 填报日期 of the title block (when the items were found)."""
    out: dict[str, tuple[str, object]] = {}
    if spec.ledger == "land" and "title" not in keys and "park" in keys and "item_id" in keys:
        out["title"] = ("园区与编号", None)
    if "found_date" not in keys and (reported := report_date(above)):
        out["found_date"] = (f"表头上方的“{reported[1]}”", reported[0])
    return out


def find_header(spec: LedgerSpec, rows: list[list[object]]) -> Header | None:
    """The header block (one row, or group titles over it on up to three rows) that names the most fields
    (complete ones first, then the lower block, then with its group rows), and which column holds which field;
    None when no block names at least two. A template name wins over an alias for the same field."""
    best, best_key = None, None
    required = [f for f in spec.fields if f.required]
    for r in range(min(MAX_HEADER_SCAN, len(rows))):
        for depth in range(1, min(MAX_HEADER_DEPTH, r + 1) + 1):
            top = r - depth + 1
            if not all(_group_row(rows[upper]) for upper in range(top, r)):
                continue  # a title, 填报单位：… or 单位：… over the table is no group row
            stacks = _stacks(rows, top, r)
            hits = sorted(
                (
                    (score, c, f, unit)
                    for c, stack in enumerate(stacks)
                    if (hit := _match_stack(spec, stack))
                    for f, unit, score in [hit]
                ),
                key=lambda h: (-h[0], h[1]),
            )
            columns, taken = {}, set()
            for _, c, f, unit in hits:
                if f.key not in taken:
                    columns[c], taken = (f, unit), taken | {f.key}
            if len(columns) < MIN_HEADER_MATCHES:
                continue
            derivable = _derivable(spec, taken, rows[:top])
            missing = tuple(f.label for f in required if f.key not in taken and f.key not in derivable)
            key = (not missing, len(columns), r, depth)  # a group row over the names is part of the header
            if best_key is None or key > best_key:
                cells = tuple(" · ".join(stack) for stack in stacks)
                header = Header(r, dict(sorted(columns.items())), cells, missing, top)
                found = derivable.get("found_date")
                best = _with_note(
                    replace(
                        header,
                        derived=tuple((k, where) for k, (where, _) in derivable.items()),
                        found_date=found[1] if found else None,
                    ),
                    rows[:top],
                )
                best_key = key
    return best


def _with_note(header: Header, above: list[list[object]]) -> Header:
    """The title block's units note applied to the columns whose header gives no unit of their own."""
    note = units_note(above)
    if note is None:
        return header
    columns, noted = dict(header.columns), set()
    for c, (f, unit) in header.columns.items():
        if f.unit and not unit:
            meant = next((u for u in note[1] if u in UNIT_FACTORS.get(f.unit, {f.unit: 1})), None)
            if meant:
                columns[c] = (f, meant)
                noted.add(c)
    return replace(header, columns=columns, note=note[0], noted=frozenset(noted))


@functools.lru_cache(maxsize=50_000)  # headers of uploaded files: bounded, a server runs for months
def _match_stack(spec: LedgerSpec, stack: tuple[str, ...]) -> tuple[Field, str, int] | None:
    """The field a column's header texts name: the most qualified spelling that names one."""
    for text in _candidates(stack):
        if hit := _match(spec, text):
            return hit
    return None


def sheet_ledger(cells: list[list[object]]) -> tuple[str, Header] | None:
    """The ledger a sheet is written for: of the ledgers whose whole header it has, the one with the most of
    its own columns (the columns every ledger shares do not tell them apart), then the most columns."""
    best, best_key = None, None
    for other in SPECS.values():
        header = find_header(other, cells)
        if header is None or header.missing:
            continue
        own = sum(1 for f, _ in header.columns.values() if f.table == "detail")
        key = (own, len(header.columns))
        if best_key is None or key > best_key:
            best, best_key = (other.ledger, header), key
    return best
