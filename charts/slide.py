"""What one slide shows (its heading, figure, headline figures, table, notes), drawn both by the PowerPoint decks
(reports/deck.py) and by the meeting-room screen (charts/meeting.py)."""

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from charts.overview import Card
from charts.theme import Stamp


@dataclass(frozen=True)
class Headline:
    """A figure a slide is about, shown large: value (95.9%), what it is (整改完成率), tone good/bad colours it."""

    value: str
    label: str
    tone: str = ""


@dataclass(frozen=True, eq=False)
class Slide:
    """One slide, drawn both by the deck (汇报材料, 会议材料) and by 会议模式: its heading, the figure (made by a charts
    builder), the stamp for its footnote, then optionally headline figures, a summary sentence, the ledger cards
    (the KPI slide) or a table instead of a figure, and notes. drill: the figure's customdata[0] is a league
    code the meeting may drill into. key names the kind of slide (kpis, phases, compare, map, ...)."""

    title: str
    figure: go.Figure | None
    stamp: Stamp
    headlines: tuple[Headline, ...] = ()
    summary: str = ""
    cards: tuple[Card, ...] = ()
    table: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()
    drill: bool = False
    key: str = ""

    def summary_text(self) -> str:
        """One sentence for a slide without room for large figures: the summary, or the headlines in a row."""
        return self.summary or "；".join(f"{h.label} {h.value}" for h in self.headlines)
