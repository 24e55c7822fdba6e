"""Edit history for clinical records: django-simple-history with one fix for its speed.

``instance.history`` in django-simple-history 3.13 builds a new manager *class* (with
``Manager.from_queryset``) every time it is read, and every save reads it once to write the
history row. Building a class costs far more than writing the row. :class:`HistoryManager` here
builds each class once and reuses it; behaviour is otherwise that of the library.
"""

from __future__ import annotations

import functools
from typing import Any

from simple_history.manager import HistoryManager as LibraryHistoryManager
from simple_history.models import HistoricalRecords


class HistoryManager(LibraryHistoryManager):  # type: ignore[misc]  # the library has no types
    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class: type, class_name: str | None = None) -> Any:
        return super().from_queryset(queryset_class, class_name)


def record_history(**options: Any) -> HistoricalRecords:
    """``HistoricalRecords`` with the cached manager class (options as the library's)."""
    options.setdefault("history_manager", HistoryManager)
    return HistoricalRecords(**options)
