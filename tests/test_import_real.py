"""数据导入 of ledgers as league offices type them: their own column names, free wording, every problem at once."""

import csv
import io
import os
import shutil
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from ledger import REFERENCE
from ledger.fields import DISPOSALS_BY_LAND_KIND, LAND_DISPOSAL_SYNONYMS, LAND_DISPOSALS, SPECS, STATUS_SYNONYMS
from ledger.importing import (
    ImportFileError,
    apply_import,
    group_problems,
    plan_import,
    preview_frame,
    readings_frame,
)
from ledger.importing.cells import CellError, read_cell
from ledger.importing.checks import load_reference
from ledger.importing.headers import find_header
from tests import test_import
from tests.stores import query

LAND = SPECS["land"]
BAOTOU = "150200"
URGE, FEE, RECOVER, SUPPLY, REVOKE = LAND_DISPOSALS

# The header a league office writes: its own names, full-width brackets, units, a line break, stray spaces.
OFFICE_HEADER = [
    "序号", "土地编号", "所属园区", "地块名称", "发现\n日期", "整改期限", "责任部门", "处置措施", "整改状态",
    "进展日期", "土地类型", "土地面积（亩）", " 闲置起始时间 ", "形成原因", "处置方式", "已盘活面积（亩）", "备注",
]  # fmt: skip
FIRST_DATA_ROW = 5  # Excel's row number of the first data row (title, 填报单位, blank line, header above it)


def office_rows() -> list[list]:
    """Six good rows typed the league office's way (messy cells, short park names, free wording)."""
    return [
        [1, "BT-TD-001", "稀土高新区", "稀土园A-01地块", 44788, "2022.12.31", "包头市自然资源局", "依法收回",
         "正在整改", "2022.9.20", "闲置土地", "１２.５", date(2020, 6, 1), "企业资金链断裂", None, 0, None],
        [2, "BT-TD-002", "内蒙古包头铝业产业园区", "铝业园B-02地块", "2022年8月16日", date(2022, 12, 31),
         "包头市自然资源局", "组织供地", "未整改", None, "批而未供", "1,200.5", None, None, "挂牌出让", None, None],
        [3, "BT-TD-003", "九原工业园区", "九原C-03地块", "2022/8/17", "2023年6月30日", "九原区自然资源分局",
         "督促企业限期开工", "已完成", "2022.11.3", "闲置土地", "30亩", date(2020, 3, 1), "规划调整", None, "30",
         "已动工"],
        [4, "BT-TD-004", "包头装备制造产业园区", "装备园D-04地块", "2022.8.18", "2022.12.31", "包头市自然资源局",
         None, "整改中", "2022.10.8", "批而未供", "0.8公顷", None, None, "撤销批文", None, None],
        [5, "BT-TD-005", "包头金山工业园", "金山E-05地块", "2022.8.19", "2022.6.30", "包头市自然资源局",
         "征缴土地闲置费", "整改中", "2022.9.1", "闲置土地", "45.25", date(2019, 8, 1), None, None, None, None],
        [6, "BT-TD-006", "包头市土右旗新型工业园区", "土右旗F-06地块", "2022.8.20", None, "土右旗自然资源局",
         None, "待整改", None, "低效用地", "８８", None, None, None, None, None],
    ]  # fmt: skip


def office_xlsx(rows: list[list], header: list | None = None, extra_sheet: list[list] | None = None) -> bytes:
    """The workbook: a merged title, 填报单位 and date, a blank line, the header, the rows, 合计 and 填报人."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "闲置土地"
    sheet.append(["包头市开发区闲置土地要素大起底台账"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=10)
    sheet.append(["填报单位（盖章）：包头市工业和信息化局", None, None, None, None, "填报日期：2022年8月31日"])
    sheet.append([])
    sheet.append(OFFICE_HEADER if header is None else header)
    for row in rows:
        sheet.append(row)
    sheet.append(["合计", None, None, None, None, None, None, None, None, None, None, "1376.25"])
    sheet.append(["填报人：张三", None, None, "联系电话：0472-5123456"])
    if extra_sheet:
        other = book.create_sheet("补充")
        for row in extra_sheet:
            other.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GROUPS = [  # the group row of a government workbook, over OFFICE_HEADER's columns (序号 and 备注 merged down)
    ("序号", 1, 1), ("基本情况", 2, 5), ("整改情况", 6, 10), ("土地情况", 11, 14), ("处置情况", 15, 16),
    ("备注", 17, 17),
]  # fmt: skip


def grouped_office_xlsx(rows: list[list], note: str = "单位：亩") -> bytes:
    """The same ledger with a two-row grouped header: merged group titles over the column names, the areas'
    unit in a units note of the title block (单位：亩) instead of in their headers."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "闲置土地"
    sheet.append(["包头市开发区闲置土地要素大起底台账"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(OFFICE_HEADER))
    sheet.append(["填报单位（盖章）：包头市工业和信息化局", None, None, None, None, "填报日期：2022年8月31日", None,
                  None, None, None, None, None, None, None, note])  # fmt: skip
    group_row = [None] * len(OFFICE_HEADER)
    for name, start, _ in GROUPS:
        group_row[start - 1] = name
    sheet.append(group_row)
    sheet.append([h.replace("（亩）", "") for h in OFFICE_HEADER])
    for _, start, end in GROUPS:
        if start == end:
            sheet.merge_cells(start_row=3, start_column=start, end_row=4, end_column=end)
        else:
            sheet.merge_cells(start_row=3, start_column=start, end_row=3, end_column=end)
    for row in rows:
        sheet.append(row)
    sheet.append(["合计", None, None, None, None, None, None, None, None, None, None, "1376.25"])
    sheet.append(["填报人：张三", None, None, "联系电话：0472-5123456"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_same_ledger_under_a_grouped_header_with_a_units_note_reads_to_the_same_rows(db: Path) -> None:
    flat, grouped = plan(office_xlsx(office_rows())), plan(grouped_office_xlsx(office_rows()))
    assert grouped.errors == [] and grouped.rows == flat.rows
    assert [(w.row, w.kind) for w in grouped.warnings] == [(w.row, w.kind) for w in flat.warnings]
    read = {header: label for _, header, label, _ in grouped.columns}
    assert read["土地情况 · 土地面积"] == "面积(亩)" and read["基本情况 · 地块名称"] == "名称"
    bad = plan(grouped_office_xlsx(with_cells(BAD_CELLS)))  # the same rows, the same Excel row numbers
    assert {(e.row, e.column, e.kind) for e in bad.errors} == BAD_EXPECTED


def column(name: str) -> int:
    return OFFICE_HEADER.index(name)


def with_cells(changes: dict[tuple[int, str], object]) -> list[list]:
    rows = office_rows()
    for (index, name), value in changes.items():
        rows[index][column(name)] = value
    return rows


# the errors a clerk makes, one of each kind, all in one file
BAD_CELLS = {
    (0, "所属园区"): "包头工业园区",  # several parks of 包头市 fit
    (1, "所属园区"): "某某园区",  # none fits
    (1, "处置方式"): "拍卖",  # maps to nothing
    (3, "处置方式"): "拍卖",
    (4, "处置方式"): "司法拍卖",
    (2, "发现\n日期"): "2022-02-30",  # no such day
    (4, "土地编号"): "BT-TD-002",  # the id of row 2
    (5, "整改状态"): "已办结",  # not one of the four
    (5, "土地面积（亩）"): "约30",
    (3, "责任部门"): None,
}
BAD_EXPECTED = {  # (Excel row, column, kind)
    (5, "园区", "park"),
    (6, "园区", "park"),
    (6, "处置方式", "choice"),
    (8, "处置方式", "choice"),
    (9, "处置方式", "choice"),
    (7, "发现日期", "bad_date"),
    (6, "编号", "duplicate_id"),
    (9, "编号", "duplicate_id"),
    (10, "状态", "choice"),
    (10, "面积(亩)", "not_number"),
    (8, "责任单位", "required"),
}


demo_pg_template, demo_pg_dsn = test_import.demo_pg_template, test_import.demo_pg_dsn  # fixtures, for `engine`


@pytest.fixture
def db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "ledger.duckdb"
    shutil.copyfile(demo_db, path)
    monkeypatch.setenv("LEDGER_DB", str(path))
    return path


def plan(data: bytes, ledger: str = "land", league: str = BAOTOU, name: str = "包头市闲置土地台账.xlsx"):
    return plan_import(data, name, ledger, league, Path(os.environ["LEDGER_DB"]))


# a real-style file imports ------------------------------------------------------------------------
def test_a_league_office_file_with_its_own_column_names_imports_its_rows_after_one_confirmation(
    db: Path, engine: str
) -> None:
    data = office_xlsx(office_rows())
    checked = plan(data)
    assert checked.errors == []
    assert checked.new == [f"BT-TD-00{n}" for n in range(1, 7)] and checked.can_write
    assert [(w.row, w.column, w.kind) for w in checked.warnings] == [(9, "整改时限", "date_order")]
    assert set(checked.ignored) == {"序号", "备注"}
    batch = apply_import(checked, data, db, "包头市工信局")  # the one confirmation: warnings do not ask again
    stored = query(
        db,
        "select i.item_id, p.name, i.found_date, i.deadline, l.area_mu, l.disposal, e.status "
        "from item i join land l using (item_id) join park p using (park_id) "
        "join (select distinct on (item_id) item_id, status from item_event order by item_id, seq desc) e "
        "using (item_id) "
        "where i.batch_id = $b order by 1",
        {"b": batch},
    )
    assert [(r[0], r[1], r[2], r[3], float(r[4]), r[5], r[6]) for r in stored] == [
        ("BT-TD-001", "包头稀土高新技术产业开发区", date(2022, 8, 15), date(2022, 12, 31), 12.5, RECOVER, "整改中"),
        ("BT-TD-002", "包头铝业产业园区", date(2022, 8, 16), date(2022, 12, 31), 1200.5, SUPPLY, "待整改"),
        ("BT-TD-003", "内蒙古包头九原工业园区", date(2022, 8, 17), date(2023, 6, 30), 30.0, URGE, "已整改"),
        ("BT-TD-004", "包头装备制造产业园区", date(2022, 8, 18), date(2022, 12, 31), 12.0, REVOKE, "整改中"),
        ("BT-TD-005", "包头金山工业园区", date(2022, 8, 19), date(2022, 6, 30), 45.25, FEE, "整改中"),
        ("BT-TD-006", "包头市土右旗新型工业园区", date(2022, 8, 20), None, 88.0, None, "待整改"),
    ]
    # the league's demo land is gone: only the file's six items remain in 包头市's land ledger
    assert query(
        db,
        "select count(*) from item join park using (park_id) where ledger = 'land' and league_code = $c",
        {"c": BAOTOU},
    ) == [(6,)]


def test_the_header_of_a_league_office_is_read_column_by_column(db: Path) -> None:
    checked = plan(office_xlsx(office_rows()))
    read = {header: label for _, header, label, _ in checked.columns}
    assert read == {
        "土地编号": "编号", "所属园区": "园区", "地块名称": "名称", "发现 日期": "发现日期", "整改期限": "整改时限",
        "责任部门": "责任单位", "处置措施": "整改措施", "整改状态": "状态", "进展日期": "状态日期",
        "土地类型": "地块类型", "土地面积（亩）": "面积(亩)", "闲置起始时间": "闲置起始", "形成原因": "闲置原因",
        "处置方式": "处置方式", "已盘活面积（亩）": "盘活面积(亩)",
    }  # fmt: skip


def test_a_park_merged_over_its_rows_section_titles_and_numbered_empty_rows_are_read_as_meant(db: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["包头市开发区闲置土地台账"])
    sheet.append(OFFICE_HEADER)
    rows = office_rows()
    sheet.append(["一、稀土高新区"])
    sheet.append(rows[0])
    second = list(rows[1])
    second[column("所属园区")] = None  # under the merged 稀土高新区 cell
    sheet.append(second)
    sheet.merge_cells(start_row=4, start_column=3, end_row=5, end_column=3)
    sheet.append(["（二）九原工业园区"])
    sheet.append(rows[2])
    sheet.append([7])  # a pre-numbered row left empty
    sheet.append([8])
    buffer = io.BytesIO()
    book.save(buffer)
    checked = plan(buffer.getvalue())
    assert checked.errors == []
    assert [(r["item_id"], r["park"]) for r in checked.rows] == [
        ("BT-TD-001", "包头稀土高新技术产业开发区"),
        ("BT-TD-002", "包头稀土高新技术产业开发区"),
        ("BT-TD-003", "内蒙古包头九原工业园区"),
    ]


# every problem in the first upload ----------------------------------------------------------------
def test_every_error_of_a_file_appears_in_the_first_upload(db: Path, engine: str) -> None:
    checked = plan(office_xlsx(with_cells(BAD_CELLS)))
    assert {(e.row, e.column, e.kind) for e in checked.errors} == BAD_EXPECTED
    assert checked.rows == [] and not checked.can_write  # every row has its error
    with pytest.raises(ImportFileError, match="未写入"):
        apply_import(checked, b"", db)


def test_one_correction_and_one_more_upload_import_the_file(db: Path, engine: str) -> None:
    first = plan(office_xlsx(with_cells(BAD_CELLS)))
    assert len(first.errors) == len(BAD_EXPECTED)
    data = office_xlsx(office_rows())  # every cell named above corrected at once
    second = plan(data)
    assert second.errors == []
    apply_import(second, data, db)
    assert query(db, "select count(*) from import_batch") == [(1,)]


def test_errors_of_one_kind_are_grouped_with_each_value_and_its_count(db: Path) -> None:
    groups = {g.title: g for g in group_problems(plan(office_xlsx(with_cells(BAD_CELLS))).errors)}
    disposal = groups["“处置方式”：3 行的值不在可选值中"]
    assert disposal.items == ("“拍卖” 不是可选值（2 行：第6、8行）", "“司法拍卖” 不是可选值（第9行）")
    assert disposal.hint == "应为：" + "、".join(LAND_DISPOSALS)  # the allowed values once, not on every line
    assert groups["“状态”：1 行的值不在可选值中"].hint == "应为：待整改、整改中、已整改、已销号"
    assert groups["“编号”：2 行的编号在文件中重复"].items == ("编号“BT-TD-002”重复：第6行、第9行",)
    assert sum(g.rows for g in groups.values()) == len(BAD_EXPECTED)


def test_missing_columns_are_named_with_the_header_found_and_the_rows_are_still_checked(db: Path) -> None:
    header = [h for h in OFFICE_HEADER if h not in ("所属园区", "土地面积（亩）")]
    rows = [
        [v for h, v in zip(OFFICE_HEADER, r, strict=True) if h not in ("所属园区", "土地面积（亩）")]
        for r in office_rows()
    ]
    rows[1][header.index("发现\n日期")] = "2022-02-30"
    checked = plan(office_xlsx(rows, header=header))
    missing = [e for e in checked.errors if e.kind == "missing_column"]
    assert len(missing) == 1 and missing[0].row == 4
    assert missing[0].message.startswith("缺少必填列：园区、面积(亩)。找到的表头在第4行：序号 | 土地编号 | 地块名称")
    assert [(e.row, e.column, e.kind) for e in checked.errors[1:]] == [(6, "发现日期", "bad_date")]
    assert not checked.can_write


def test_a_file_without_any_header_quotes_the_row_it_took_for_one(db: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["包头市闲置土地"])
    book.active.append(["地块", "所在地", "亩数", "情况"])
    book.active.append(["A-01", "稀土高新区", 12.5, "闲置"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportFileError, match="未找到闲置土地台账的表头") as refused:
        plan(buffer.getvalue())
    assert "工作表“Sheet”第2行是：地块 | 所在地 | 亩数 | 情况。" in str(refused.value)


def test_a_file_of_another_ledger_is_named_as_such(db: Path) -> None:
    header = [f.label for f in SPECS["idle_fund"].fields]
    book = openpyxl.Workbook()
    book.active.append(header)
    book.active.append(["BT-ZJ-001", "稀土高新区", "结余", date(2022, 8, 15)])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportFileError, match="这份文件的表头是沉淀资金台账的。请在“台账”中改选沉淀资金台账"):
        plan(buffer.getvalue())


# header matching --------------------------------------------------------------------------------
HEADERS = {
    "面积\n（亩）": ("area_mu", "亩"),
    "面积（单位：公顷）": ("area_mu", "公顷"),
    "面积/公顷": ("area_mu", "公顷"),
    "面积亩": ("area_mu", "亩"),
    "面积【亩】*": ("area_mu", "亩"),
    " 宗 地 号 ": ("item_id", ""),
    "开发区名称": ("park", ""),
    "项目名称": ("title", ""),
    "发现日期(必填)": ("found_date", ""),
    "整改状态※": ("status", ""),
    "处置方式：": ("disposal", ""),
}


@pytest.mark.parametrize("written", HEADERS)
def test_header_variants_name_their_field_and_unit(written: str) -> None:
    key, unit = HEADERS[written]
    header = [written, *(f.label for f in LAND.fields if f.required and f.key != key)]
    found = find_header(LAND, [header])
    assert found is not None and not found.missing
    assert (found.columns[0][0].key, found.columns[0][1]) == (key, unit)


def test_the_templates_own_name_wins_over_an_alias_for_the_same_field() -> None:
    header = ["宗地号", *(f.label for f in LAND.fields if f.required)]  # 宗地号 is an alias of 编号
    found = find_header(LAND, [header])
    assert found.columns[1][0].key == "item_id" and 0 not in found.columns


@pytest.mark.parametrize("ledger", sorted(SPECS))
def test_no_header_or_alias_names_two_fields_of_one_ledger(ledger: str) -> None:
    names = [n for f in SPECS[ledger].fields for n in {f.header, *f.aliases}]
    assert len(names) == len(set(names))


# synonyms of disposal methods and statuses --------------------------------------------------------
def test_the_standard_land_disposals_are_those_of_the_reference_file() -> None:
    with open(REFERENCE / "disposal_methods.csv", encoding="utf-8") as file:
        methods = [(r["ledger"], r["method"]) for r in csv.DictReader(file)]
    assert tuple(m for ledger, m in methods if ledger in ("闲置土地", "批而未供")) == LAND_DISPOSALS
    for kind, allowed in DISPOSALS_BY_LAND_KIND.items():
        assert allowed == tuple(m for ledger, m in methods if ledger == kind)


@pytest.mark.parametrize(("written", "standard"), LAND_DISPOSAL_SYNONYMS)
def test_each_disposal_synonym_maps_to_its_standard_method(written: str, standard: str) -> None:
    assert read_cell(written, LAND.field("disposal")) == (standard, "同义词", True)
    assert read_cell(f"已{written}。", LAND.field("disposal"))[0] == standard  # inside a short sentence as well


@pytest.mark.parametrize(
    ("written", "standard"),
    [("依法无偿收回土地使用权", RECOVER), ("协议有偿收回", RECOVER), ("拟采取挂牌方式出让", SUPPLY),
     ("约谈企业，督促开工建设", URGE), ("按价款20%征缴土地闲置费", FEE), ("报请撤销批文", REVOKE)],
)  # fmt: skip
def test_free_wording_of_a_disposal_maps_when_it_names_one_method(written: str, standard: str) -> None:
    assert read_cell(written, LAND.field("disposal"))[0] == standard


@pytest.mark.parametrize("written", ["拍卖", "其他", "撤销批文后收回"])
def test_wording_that_maps_to_no_method_or_several_is_refused_with_the_allowed_values(written: str) -> None:
    with pytest.raises(CellError) as refused:
        read_cell(written, LAND.field("disposal"))
    assert refused.value.hint == "应为：" + "、".join(LAND_DISPOSALS)


@pytest.mark.parametrize(("written", "standard"), STATUS_SYNONYMS)
def test_each_status_synonym_maps_and_none_closes_an_item(written: str, standard: str) -> None:
    assert read_cell(written, LAND.field("status"))[0] == standard != "已销号"


def test_a_measure_names_the_disposal_when_the_disposal_is_blank_and_the_preview_says_so(db: Path) -> None:
    checked = plan(office_xlsx(office_rows()))
    row = next(r for r in checked.rows if r["item_id"] == "BT-TD-001")
    assert row["disposal"] == RECOVER and row["measure"] == "依法收回"
    assert ("处置方式（据整改措施）", "依法收回", RECOVER, 1) in checked.mappings
    assert ("处置方式", "挂牌出让", SUPPLY, 1) in checked.mappings
    assert ("状态", "正在整改", "整改中", 1) in checked.mappings


# park names ------------------------------------------------------------------------------------
PARK_ALIASES = [
    ("包头稀土高新技术产业开发区", BAOTOU, "包头稀土高新技术产业开发区"),
    ("内蒙古包头稀土高新技术产业开发区", BAOTOU, "包头稀土高新技术产业开发区"),
    ("包头九原工业园区", BAOTOU, "内蒙古包头九原工业园区"),
    ("包头稀土高新区", BAOTOU, "包头稀土高新技术产业开发区"),
    ("稀土高新区", BAOTOU, "包头稀土高新技术产业开发区"),
    ("九原工业园", BAOTOU, "内蒙古包头九原工业园区"),
    ("鄂尔多斯高新区", "150600", "鄂尔多斯高新技术产业开发区"),
    ("准格尔经开区", "150600", "内蒙古准格尔经济开发区"),
    ("呼和浩特经开区", "150100", "呼和浩特经济技术开发区"),
    ("托清经济开发区", "150100", "内蒙古托—清经济开发区"),
    ("阿拉善高新区", "152900", "内蒙古阿拉善高新技术产业开发区"),
]


@pytest.fixture(scope="module")
def matcher(demo_db: Path):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        return load_reference(con, BAOTOU).parks
    finally:
        con.close()


@pytest.mark.parametrize(("written", "league", "expected"), PARK_ALIASES)
def test_a_park_written_as_people_write_it_matches_its_catalogue_name(matcher, written, league, expected) -> None:
    match = matcher.match(written, league)
    assert match.park is not None and match.park.name == expected and match.park.league_code == league


@pytest.mark.parametrize(
    ("written", "suggested", "words"),
    [
        ("包头工业园区", ("内蒙古包头九原工业园区", "包头石拐工业园区"), "可指包头市的多个园区"),
        ("某某园区", (), "不在开发区名录中（包头市的园区中最接近的是："),
        ("稀土工业园", ("包头稀土高新技术产业开发区",), "不在开发区名录中"),
        ("鄂尔多斯高新区", ("鄂尔多斯高新技术产业开发区",), "属于鄂尔多斯市，不属于包头市"),
    ],
)
def test_an_unclear_park_is_refused_with_the_closest_names_of_the_league(db: Path, written, suggested, words) -> None:
    rows = with_cells({(0, "所属园区"): written})
    checked = plan(office_xlsx(rows))
    [error] = [e for e in checked.errors if e.column == "园区"]
    assert error.row == FIRST_DATA_ROW and words in error.message
    assert all(name in error.message for name in suggested)
    if "最接近" in words:
        named = error.message.split("最接近的是：")[1].rstrip("）").split("、")
        assert len(named) == 3 and all(
            query(db, "select league_code from park where name = $n", {"n": n}) == [(BAOTOU,)] for n in named
        )


def test_a_short_park_name_is_shown_for_confirmation_and_stored_as_the_park(db: Path) -> None:
    data = office_xlsx(office_rows())
    checked = plan(data)
    assert ("园区", "稀土高新区", "包头稀土高新技术产业开发区", 1) in checked.mappings
    assert ("园区", "内蒙古包头铝业产业园区", "包头铝业产业园区", 1) in checked.mappings
    assert not [m for m in checked.mappings if m[1] == "包头装备制造产业园区"]  # written as in the catalogue


# what a clerk gets wrong --------------------------------------------------------------------------
def test_a_duplicate_id_names_both_rows_even_across_sheets(db: Path) -> None:
    again = [OFFICE_HEADER, office_rows()[2]]  # BT-TD-003 also on a second sheet
    checked = plan(office_xlsx(office_rows(), extra_sheet=again))
    duplicates = [e for e in checked.errors if e.kind == "duplicate_id"]
    assert [(e.sheet, e.row) for e in duplicates] == [("闲置土地", 7), ("补充", 2)]
    assert {e.message for e in duplicates} == {"编号“BT-TD-003”重复：工作表“闲置土地”第7行、工作表“补充”第2行"}


@pytest.mark.parametrize("written", ["2022-02-30", "2022.2.29", "2022年4月31日", "2022-13-01", "20220230"])
def test_an_impossible_date_is_an_error_and_never_a_blank(db: Path, written: str) -> None:
    checked = plan(office_xlsx(with_cells({(0, "发现\n日期"): written})))
    [error] = checked.errors
    assert (error.row, error.column, error.kind) == (FIRST_DATA_ROW, "发现日期", "bad_date")
    assert f"“{written}” 不是有效日期" in error.message


def test_a_leap_day_is_a_date() -> None:
    assert read_cell("2024.2.29", LAND.field("found_date"))[0] == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("cell", "value", "column"),
    [((0, "整改期限"), "2022.8.1", "整改时限"), ((0, "进展日期"), "2022.8.1", "状态日期"),
     ((0, " 闲置起始时间 "), "2022.9.1", "闲置起始")],
)  # fmt: skip
def test_dates_out_of_order_are_warnings_to_confirm_not_errors(db: Path, cell, value, column) -> None:
    data = office_xlsx(with_cells({cell: value}))
    checked = plan(data)
    assert checked.errors == [] and checked.can_write
    assert (FIRST_DATA_ROW, column, "date_order") in {(w.row, w.column, w.kind) for w in checked.warnings}
    apply_import(checked, data, Path(os.environ["LEDGER_DB"]))


def test_a_disposal_unusual_for_the_land_kind_is_a_warning(db: Path) -> None:
    checked = plan(office_xlsx(with_cells({(1, "处置方式"): "依法收回"})))  # 批而未供 land recovered
    [warning] = [w for w in checked.warnings if w.kind == "disposal_kind"]
    assert (
        warning.row == FIRST_DATA_ROW + 1
        and "批而未供通常的处置方式是“供应(出让/划拨)”或“撤销批文/核减”" in warning.message
    )


def test_a_status_outside_the_four_is_refused_with_the_allowed_values(db: Path) -> None:
    checked = plan(office_xlsx(with_cells({(2, "整改状态"): "已办结"})))
    [error] = checked.errors
    assert (error.column, error.message, error.hint) == (
        "状态",
        "“已办结” 不是可选值",
        "应为：待整改、整改中、已整改、已销号",
    )


# how messy cells were read -------------------------------------------------------------------------
def test_the_preview_says_how_each_messy_cell_was_read(db: Path) -> None:
    checked = plan(office_xlsx(office_rows()))
    lines = readings_frame(checked)
    assert list(lines.columns) == ["编号", "列", "文件中的写法", "读作", "说明"]
    read: dict[str, set] = {}
    for item_id, *reading in lines.itertuples(index=False):
        read.setdefault(item_id, set()).add(tuple(reading))
    assert read["BT-TD-001"] == {
        ("发现日期", "44788", "2022-08-15", "Excel 日期序号"),
        ("面积(亩)", "１２.５", "12.5", "全角数字"),
        ("状态", "正在整改", "整改中", "同义词"),
        ("处置方式", "依法收回", RECOVER, "据整改措施"),
        ("园区", "稀土高新区", "包头稀土高新技术产业开发区", "按开发区名录匹配"),
    }
    assert ("面积(亩)", "1,200.5", "1,200.5", "千分位") in read["BT-TD-002"]
    assert ("处置方式", "挂牌出让", SUPPLY, "同义词") in read["BT-TD-002"]
    assert ("面积(亩)", "30亩", "30", "带单位“亩”") in read["BT-TD-003"]
    assert ("处置方式", "督促企业限期开工", URGE, "据整改措施") in read["BT-TD-003"]
    assert ("面积(亩)", "0.8公顷", "12", "带单位“公顷”、公顷换算为亩") in read["BT-TD-004"]
    assert read["BT-TD-006"] == {("面积(亩)", "８８", "88", "全角数字")}  # its dates were written year, month, day
    frame = preview_frame(checked)
    assert list(frame["园区"]) == [
        "包头稀土高新技术产业开发区", "包头铝业产业园区", "内蒙古包头九原工业园区", "包头装备制造产业园区",
        "包头金山工业园区", "包头市土右旗新型工业园区",
    ]  # fmt: skip
    assert list(frame["面积(亩)"]) == ["12.5", "1,200.5", "30", "12", "45.25", "88"]


def test_command_line_prints_warnings_and_mappings(db: Path, tmp_path: Path, capsys) -> None:
    from ledger.__main__ import main

    file = tmp_path / "包头市闲置土地台账.xlsx"
    file.write_bytes(office_xlsx(office_rows()))
    assert main(["import", str(file), "--ledger", "land", "--league", BAOTOU, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "请核对: 工作表“闲置土地” 第9行 “整改时限”: 整改时限 2022-06-30 早于发现日期 2022-08-19，请核对" in out
    assert "“园区” 中的“稀土高新区”读作“包头稀土高新技术产业开发区”（1 行）" in out


def test_the_template_says_which_other_names_and_wordings_are_read(db: Path) -> None:
    from ledger.templates import GUIDE_SHEET, template_xlsx

    book = openpyxl.load_workbook(io.BytesIO(template_xlsx("land", "包头市")))
    guide = {row[0]: row[1:] for row in book[GUIDE_SHEET].iter_rows(min_row=2, values_only=True)}
    assert guide["编号*"][0] == "、".join(LAND.field("item_id").aliases)
    assert "依法收回→" + RECOVER in guide["处置方式"][1]
    assert find_header(LAND, [list(r) for r in book[GUIDE_SHEET].iter_rows(values_only=True)]) is None  # not a ledger
