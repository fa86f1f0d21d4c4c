"""Pure builders: plotly figures, pydeck decks, number formats, the look shared by every chart (no document library)."""
