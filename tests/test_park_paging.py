"""园区档案 of a park with more items than a pandas Styler can draw (262,144 cells, about 21,800 items): the item
list is paged in the database like the 台账, the print says how to get every item, the Excel export holds them."""

import io
import math
from pathlib import Path

import duckdb
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from ledger import rules, spans
from queries import paging
from tests.conftest import ROOT, capture_downloads, copy_database, read_database

PARK, LEAGUE, ASOF = "P005", "150200", "2025-12-30"
EXTRA = 22_500


@pytest.fixture(scope="module")
def big_park(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo database whose park P005 gets EXTRA more idle-fund items (copies of one of them)."""
    db = copy_database(demo_db, tmp_path_factory.mktemp("big_park"))
    con = rules.install(duckdb.connect(str(db)))
    try:
        (source,) = con.execute(
            "select min(item_id) from item where ledger = 'idle_fund' and park_id = $p", {"p": PARK}
        ).fetchone()
        copy = {"n": EXTRA, "id": source}
        con.execute("begin")
        con.execute(
            "insert into item select item.* replace (item_id || '-' || lpad(i::varchar, 5, '0') as item_id,"
            " title || '（' || i || '）' as title) from item, range($n) r(i) where item_id = $id",
            copy,
        )
        for table in ("item_event", "idle_fund"):
            con.execute(
                f"insert into {table} select {table}.* replace (item_id || '-' || lpad(i::varchar, 5, '0') as item_id)"
                f" from {table}, range($n) r(i) where item_id = $id",
                copy,
            )
        spans.refresh(con)
        con.execute("commit")
    finally:
        con.close()
    return db


def independent_ids(db: Path, asof: str = ASOF) -> list[str]:
    """The park's items found by ASOF in ledger order then id, straight from item (no view, no macro)."""
    con = duckdb.connect(str(db))
    try:
        rows = con.execute(
            "select i.item_id from item i join ledger_def g using (ledger)"
            " where i.park_id = $p and i.found_date <= $d::date order by g.sort, i.item_id",
            {"p": PARK, "d": asof},
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def profile(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "park.py"), default_timeout=120)
    for key, value in {"league": LEAGUE, "park": PARK, "asof": ASOF, **params}.items():
        at.query_params[key] = value
    return at.run()


def shown_ids(at: AppTest) -> list[str]:
    frame = next(d.value for d in at.dataframe if "条目" in getattr(d.value, "data", d.value).columns)
    frame = getattr(frame, "data", frame)  # a Styler's frame
    return [link.split("item=")[1].split("&")[0] for link in frame["条目"]]


def test_a_park_with_more_items_than_a_styler_can_draw_shows_its_items_a_page_at_a_time(
    big_park: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_database(big_park, monkeypatch)
    expected = independent_ids(big_park)
    assert len(expected) > 22_000
    at = profile()
    assert not at.exception
    size = paging.PARK_PAGE_SIZE
    assert shown_ids(at) == expected[:size]
    pages = math.ceil(len(expected) / size)
    assert at.number_input(key="park_items_page").max == pages
    assert f"共 {len(expected):,} 项" in " ".join(c.value for c in at.caption)
    printed = " ".join(m.value for m in at.markdown)
    assert f"本园区共 {len(expected):,} 项条目，超过 2,000 项不逐条打印" in printed

    last = profile(ipage=str(pages))
    assert not last.exception and shown_ids(last) == expected[(pages - 1) * size :]
    middle = profile(ipage="117")
    assert shown_ids(middle) == expected[116 * size : 117 * size]
    past = profile(ipage=str(pages + 5))  # a link from before the list got shorter: the last page, said so
    assert shown_ids(past) == expected[(pages - 1) * size :]
    assert any("已超出范围" in i.value for i in past.info)


def test_the_big_parks_excel_export_holds_every_item(big_park: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read_database(big_park, monkeypatch)
    made = capture_downloads(monkeypatch)
    at = profile()
    assert not at.exception and callable(made["park_export"])
    book = openpyxl.load_workbook(io.BytesIO(made["park_export"]()), read_only=True)
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if "编号" in row)
    column = rows[header].index("编号")
    ids = [row[column] for row in rows[header + 1 :] if row[column]]
    expected = independent_ids(big_park)
    assert ids[: len(expected)] == expected and ids[len(expected) :] in ([], [f"{len(expected)} 项"])  # 合计 row


def test_a_small_park_still_prints_every_item_on_paper_as_plain_text(demo_db: Path) -> None:
    at = profile(asof="2023-06-08")
    assert not at.exception
    printed = at.table[-1].value
    assert list(printed.index) == independent_ids(demo_db, "2023-06-08")
    assert printed.map(lambda cell: isinstance(cell, str)).all().all()
    assert "—" in set(printed["面积(亩)"]) | set(printed["金额(万元)"])  # an item without an area or amount
