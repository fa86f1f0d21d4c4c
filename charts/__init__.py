"""Pure builders: plotly figures, number formats, the look shared by every chart."""
