"""Text cells bound for spreadsheets (CSV and XLSX downloads)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
