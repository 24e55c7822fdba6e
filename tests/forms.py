"""Submitting a page's form as a browser would, for "saving unchanged changes nothing" tests."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.test import Client as HttpClient
from django.utils.datastructures import MultiValueDict


class FormValues(HTMLParser):
    """What a browser would submit from the first form with a given action: checked radios and
    boxes, text inputs, selected options and text areas, unchanged."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.values = action, False, MultiValueDict()
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") in (self.action, "", None) and not self.values
        if not self.inside or "name" not in a:
            if tag == "option" and self.inside and self._select and "selected" in a:
                self.values.appendlist(self._select, a.get("value") or "")
            return
        name = a["name"] or ""
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.values.appendlist(name, a.get("value") or "on")
            elif kind not in ("submit", "button"):
                self.values.appendlist(name, a.get("value") or "")
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea = name
            self.values.appendlist(name, "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            values = self.values.getlist(self._textarea)
            # A browser drops one newline right after <textarea>.
            values[-1] += data.removeprefix("\n") if not values[-1] else data
            self.values.setlist(self._textarea, values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def resubmit(http: HttpClient, url: str, **changes: str) -> Any:
    """Post the page's form back as a browser would, with ``changes`` typed over its values."""
    page = http.get(url)
    parser = FormValues(url)
    parser.feed(page.content.decode())
    for name, value in changes.items():
        parser.values.setlist(name, [value])
    return http.post(url, parser.values)
