"""Text that came from a user or a file, shown as itself: never as Markdown, a link, an image or coloured text.

Every Streamlit element that takes a string body (markdown, caption, error/warning/info/success, subheader, the
cells of st.table, widget labels) renders it as Markdown with Streamlit's extensions: `![x](url)` makes each
viewer's browser fetch url, `:red[**…**]` colours text, a bare http:// or www. address becomes a link. plain()
backslash-escapes what would start such a construct, so the characters show as written; numbers, dates and
parentheses (1,234.50 · 2023-06-08 · E-53地块(闲置土地)) keep their form: a link or an image needs its brackets,
which are escaped. A bare address (http://…, www.…, a@b.c) gets an invisible word joiner that keeps it from
becoming a link.
"""

import re

import pandas as pd

_ANYWHERE = re.compile(r"([\\`*_{}\[\]#+!|<>~$:&^])")  # links, images, emphasis, code, HTML, math, directives
_LINE_START = re.compile(r"(?m)^(\s*)([-=]|\d{1,9}(?=[.)](\s|$)))")  # lists, setext headings, thematic breaks
# GFM turns http://…, www.… and a@b.c into links after parsing, from the text itself: escapes do not stop it, an
# invisible word joiner (U+2060) inside the pattern does.
_AUTOLINK = re.compile(r"(?i)(://|\bwww(?=\.)|@)")
JOINER = "\u2060"


def plain(value: object) -> str:
    """value as literal text inside Markdown (None and NaN as an empty string)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = _AUTOLINK.sub(lambda m: ":" + JOINER + "//" if m.group(1) == "://" else m.group(1) + JOINER, str(value))
    text = _ANYWHERE.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if m.group(2) in "-=" else m.group(0) + "\\", text)


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for st.table (which renders its cells as Markdown): every text cell escaped, empty cells kept (the
    index holds the page's own labels and is left as it is)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_plain_cell)
    return out


def _plain_cell(value: object) -> object:
    return value if value is None or (not isinstance(value, str) and pd.isna(value)) else plain(value)
