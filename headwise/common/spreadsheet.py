"""The one rule for text cells of a CSV that people open in a spreadsheet.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel and LibreOffice (OWASP, "CSV Injection"): a client named
``=HYPERLINK("http://…")`` would become a link in the practice's spreadsheet. Such a cell gets a
leading apostrophe, which spreadsheets show as text; every other cell is unchanged.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text``, with an apostrophe first when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
