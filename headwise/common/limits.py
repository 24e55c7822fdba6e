"""How long each kind of text may be, in characters: one rule for the API's schemas, the models and
the pages' forms (a note refused by the API is refused by the page too)."""

from __future__ import annotations

CODE = 64  # a code from a fixed list, an IANA zone, a rule id
SHORT = 200  # a name, a title, a one-line answer
NOTES = 5000  # free-text notes (about two pages)
LONG = 20000  # a consent text the client agrees to
ITEMS = 50  # entries in a list of codes or short texts
