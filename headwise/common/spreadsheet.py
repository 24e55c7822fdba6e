"""The one rule for text cells of a CSV that people open in a spreadsheet.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel and LibreOffice (OWASP, "CSV Injection"): a client named
``=HYPERLINK("http://…")`` would become a link in the practice's spreadsheet. Such a cell gets a
leading apostrophe, which spreadsheets show as text.

Left as they are: cells of digits, spaces and ``( ) . / + -`` only, such as a telephone number
``+31 6 1234 5678`` or a negative number ``-3``. Without a letter, ``!``, ``|``, ``:`` or a quote a
formula can name no function, no cell and no other program (DDE), so nothing can run; an
apostrophe there would only falsify the value in an export that must be exact (GDPR art. 20).
Every other cell is unchanged.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Cells that can start like a formula but can do nothing: numbers and telephone numbers.
_INERT = re.compile(r"[0-9 ()./+\-]*")


def spreadsheet_safe(text: str) -> str:
    """``text``, with an apostrophe first when a spreadsheet would read it as a formula that can act."""
    if text.startswith(FORMULA_STARTS) and not _INERT.fullmatch(text):
        return "'" + text
    return text
