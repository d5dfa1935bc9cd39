"""Plotting: functions that take arrays or a history (never a network) and draw."""

from .style import COLORS, PALETTE, apply_style, color, freeze_layout, new_figure, style  # noqa: F401
