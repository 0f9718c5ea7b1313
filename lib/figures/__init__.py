"""Figures, one module per page plus common (palette, Canvas, animation controls, projector
font scaling): data in, Plotly or matplotlib figure out. May import lib.rules and lib.core;
never lib.train, lib.site or lib.ui, and never Streamlit."""
