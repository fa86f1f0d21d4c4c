"""The document room: every Word document names its Chinese font on every run, and the layers keep their imports
(charts/ draws figures without any document library; reports/ makes documents without Streamlit)."""

import ast
import io
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

import queries
from charts.supervision import LagRules, lagging_leagues
from queries.scope import Scope
from reports import typography
from reports.bulletin_content import bulletin_for
from reports.orders import order_docx
from reports.supervision_notice import notice_docx

ROOT = Path(__file__).resolve().parent.parent
ASOF = date(2023, 6, 8)


def _bulletin() -> bytes:
    return bulletin_for(16, ASOF, date(2023, 2, 14), "内园建办〔2023〕16号")


def _notice() -> bytes:
    region = Scope(None, None, ASOF)
    lagging = lagging_leagues(queries.supervision_summary(region), LagRules())
    return notice_docx(queries.ledger_kpis(region), lagging, ASOF, True, LagRules(), "第3期")


def _order() -> bytes:
    items = pd.DataFrame(
        {
            "item_id": [101, 102],
            "ledger_name": ["土地", "沉淀资金"],
            "title": ["B-02地块", "2019年专项资金"],
            "park_name": ["包头稀土高新技术产业开发区", "包头稀土高新技术产业开发区"],
            "status": ["整改中", "待整改"],
            "deadline": [date(2023, 5, 31), date(2023, 6, 12)],
            "days_left": [-8.0, 4.0],
            "returned_reason": [None, "材料不全"],
            "is_overdue": [True, False],
        }
    )
    return order_docx("包头市自然资源局", items, ASOF, "包头市", True, "督办〔2023〕5号")


def _runs(document) -> Iterator:
    """Every run of the body, its tables and its footers."""
    paragraphs = list(document.paragraphs)
    paragraphs += [p for table in document.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    for section in document.sections:
        paragraphs += section.footer.paragraphs + section.even_page_footer.paragraphs
    for paragraph in paragraphs:
        yield from paragraph.runs


@pytest.mark.parametrize("make", [_bulletin, _notice, _order], ids=["要情通报", "督导通报", "督办单"])
def test_every_run_of_each_word_document_names_its_chinese_font_for_word(make: Callable[[], bytes]) -> None:
    """Word takes the font of Chinese characters from w:eastAsia, not from the run's font name: without it the 仿宋
    of a 公文 comes out in Word's default East Asian font."""
    runs = [run for run in _runs(Document(io.BytesIO(make()))) if run.text.strip()]
    assert runs
    for run in runs:
        fonts = run._element.rPr.rFonts if run._element.rPr is not None else None
        east_asian = None if fonts is None else fonts.get(qn("w:eastAsia"))
        assert east_asian in typography.FAMILIES and east_asian == run.font.name, (run.text, east_asian)


DOCUMENT_LIBRARIES = {"docx", "pptx", "xlsxwriter", "kaleido"}


def _imported(path: Path) -> set[str]:
    """The top-level packages a module imports, wherever in it the import stands (lazy imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "charts").glob("*.py")), ids=lambda p: p.name)
def test_charts_draw_figures_without_any_document_library_or_reports(path: Path) -> None:
    assert not _imported(path) & (DOCUMENT_LIBRARIES | {"reports"})


@pytest.mark.parametrize("path", sorted((ROOT / "reports").glob("*.py")), ids=lambda p: p.name)
def test_reports_make_documents_without_streamlit_or_pages(path: Path) -> None:
    assert not _imported(path) & {"streamlit", "pages", "ui"}
