"""公文 typography for the Word documents (要情通报, 督导通报, 督办单): fonts, sizes, page, paragraphs and tables.

GB/T 9704-2012 (党政机关公文格式) where it applies: A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm (so bottom 35 mm,
right 26 mm), 3号仿宋 body, 2号小标宋 titles, 黑体 and 楷体 headings, the page number in 4号宋体 as "— 1 —" under
the text, odd pages right and even pages left, one character in. Word picks the font of Chinese text from a run's
w:eastAsia attribute, not from its font name: every run here gets both, or its Chinese comes out in Word's
default East Asian font instead of 仿宋.
"""

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

# Families: Word falls back to 宋体 where 方正小标宋简体 is not installed.
BODY, HEADING, SUBHEADING, TITLE, PAGE_NUMBER = "仿宋", "黑体", "楷体", "方正小标宋简体", "宋体"
FAMILIES = (BODY, HEADING, SUBHEADING, TITLE, PAGE_NUMBER)
# Sizes in points, by their Chinese names.
CHU, ER, SAN, SI, XIAO_SI = 42, 22, 16, 14, 12  # 初号, 二号, 三号, 四号, 小四

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT  # 156 mm
LINE = 225 / 22 * 72 / 25.4  # points: 22 lines fill the 225 mm 版心


def set_font(run, size: float, bold: bool = False, family: str = BODY, color: RGBColor | None = None) -> None:
    """The run's size, weight, colour and family, the family also as w:eastAsia (what Word uses for Chinese)."""
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = family
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), family)
    if color is not None:
        run.font.color.rgb = color


def paragraph(doc, text: str = "", size: float = SAN, bold: bool = False, family: str = BODY, **options):
    """A body paragraph (first line indented two characters), or with center=True a centred line, with indent=False
    a flush-left one, with right=True a right-aligned one. line (points) fixes the line spacing and after (points)
    the space after, where given; color colours the text."""
    added = doc.add_paragraph()
    if options.get("after") is not None:
        added.paragraph_format.space_after = Pt(options["after"])
    if options.get("line") is not None:
        added.paragraph_format.line_spacing = Pt(options["line"])
    if options.get("center"):
        added.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif options.get("right"):
        added.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif options.get("indent", True):
        added.paragraph_format.first_line_indent = Pt(size * 2)
    if text:
        set_font(added.add_run(text), size, bold, family, options.get("color"))
    return added


def table(doc, header, rows, size: float = XIAO_SI) -> None:
    """A grid: the header in bold 黑体, centred; the rows in 仿宋, the first column flush left, the others centred."""
    grid = doc.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, header, strict=True):
        cell.text = ""
        set_font(cell.paragraphs[0].add_run(str(text)), size, bold=True, family=HEADING)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in rows:
        for n, (cell, text) in enumerate(zip(grid.add_row().cells, row, strict=True)):
            set_font(cell.paragraphs[0].add_run(str(text)), size)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT if n == 0 else WD_ALIGN_PARAGRAPH.CENTER


def rule(added, color: str = "C00000", size: int = 18) -> None:
    """A line under the paragraph (the red rule under a bulletin's masthead, the black ones of its 版记)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", color)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    added._p.get_or_add_pPr().append(borders)


def _page_number(footer_line) -> None:
    """ "— PAGE —": a Word field, so Word and WPS number the pages themselves."""
    set_font(footer_line.add_run("— "), SI, family=PAGE_NUMBER)
    run = footer_line.add_run()
    set_font(run, SI, family=PAGE_NUMBER)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)
    set_font(footer_line.add_run(" —"), SI, family=PAGE_NUMBER)


def page_setup(doc) -> None:
    """A4 with the 公文 margins, and the page number under the text, odd pages right and even pages left."""
    doc.settings.odd_and_even_pages_header_footer = True
    for section in doc.sections:
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = TOP, BOTTOM
        section.left_margin, section.right_margin = LEFT, RIGHT
        section.footer_distance = Mm(28)  # the number sits about 7 mm below the last line of text
        for footer, alignment, side in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent"),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent"),
        ):
            footer_line = footer.paragraphs[0]
            footer_line.alignment = alignment
            setattr(footer_line.paragraph_format, side, Pt(SI))  # 空一字
            _page_number(footer_line)
