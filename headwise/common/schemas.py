"""What every request body and query of the JSON API must be, decided once for every route.

Every request body's schema derives from :class:`In`, every query string's from :class:`QueryIn`
(never from ``ninja.Schema`` directly):

* **A JSON object.** ``[]``, ``"hello"`` or ``5`` as a body answer 422 naming ``body``.
* **Only the documented fields.** An unknown field answers 422 naming it.
* **Strict types.** ``true`` is not a number, ``1`` is not a boolean, ``"5"`` is not a number and
  a number is not a date; pydantic's lax conversions are refused (422 naming the field).
  (A query string's values are all text, so :class:`QueryIn` reads them as the schema's types.)
* **Text with a documented maximum.** Every text field (also inside lists) declares a
  ``max_length``; a schema without one fails when it is defined, so a new field cannot forget it.
* **Text that can be stored.** NUL characters and lone UTF-16 surrogates (what a JavaScript app
  sends after cutting a note through an emoji) answer 422 naming the field.
* **Dates inside the calendar** of :mod:`headwise.common.dates` (1900 … 2999).

:data:`LocalTime` is a wall-clock time without an offset (a reminder at 20:30 wherever the client
is): an aware time answers 422, and the schema says ``HH:MM[:SS]`` as the answers are written.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
import uuid
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, ClassVar

import annotated_types
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import (
    AfterValidator,
    ConfigDict,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic import model_validator as _model_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from headwise.common import dates
from headwise.common.limits import CODE as CODE
from headwise.common.limits import ITEMS as ITEMS
from headwise.common.limits import LONG as LONG
from headwise.common.limits import NOTES as NOTES
from headwise.common.limits import SHORT as SHORT

#: Maximum lengths, in characters, of the kinds of text the API takes are one rule with the models
#: and the pages: :mod:`headwise.common.limits` (CODE, SHORT, NOTES, LONG, ITEMS).

Code = Annotated[str, StringConstraints(max_length=CODE)]
Short = Annotated[str, StringConstraints(max_length=SHORT)]

_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


def _naive(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise PydanticCustomError("time_with_offset", _("Give a local time without an offset, as HH:MM."))
    return value


#: A local wall-clock time, ``HH:MM`` or ``HH:MM:SS``, without a zone.
LocalTime = Annotated[
    dt.time,
    AfterValidator(_naive),
    WithJsonSchema({"type": "string", "pattern": _TIME_PATTERN, "description": "Local time, HH:MM[:SS]"}),
]

_NUMBERS = (int, float, Decimal)
_TEXTUAL = (str, dt.date, dt.time, dt.timedelta, uuid.UUID, Decimal, Enum)
_KNOWN = (bool, *_NUMBERS, *_TEXTUAL, list, tuple, set, dict, type(None))


def _kinds(annotation: Any) -> set[Any]:
    """The scalar types a field annotation admits (``object`` when it cannot be told)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return _kinds(args[0])
    if origin in (typing.Union, types.UnionType):
        return set().union(*(_kinds(a) for a in args))
    if origin is typing.Literal:
        return {type(a) for a in args}
    if origin is not None:
        return {origin}
    if annotation is None or annotation is type(None):
        return {type(None)}
    if isinstance(annotation, type):
        return {annotation}
    return {object}


def _wrong_type(value: Any, kinds: set[Any]) -> str | None:
    """Why ``value`` (decoded JSON) is not of a type the field documents, or ``None``."""
    if any(not (isinstance(k, type) and issubclass(k, _KNOWN)) or issubclass(k, Schema) for k in kinds):
        return None  # a nested schema, or a type with its own validation (AwareDatetime)
    if isinstance(value, bool):
        return None if bool in kinds else _("Send a value of the documented type, not true or false.")
    if isinstance(value, (int, float)):
        numeric = any(isinstance(k, type) and issubclass(k, _NUMBERS) and k is not bool for k in kinds)
        return None if numeric else _("Send a value of the documented type, not a number.")
    if isinstance(value, str):
        textual = any(isinstance(k, type) and issubclass(k, _TEXTUAL) for k in kinds)
        return None if textual else _("Send a value of the documented type, not text.")
    return None


def _unstorable(value: Any) -> str | None:
    """Why a text somewhere in ``value`` cannot be stored, or ``None``."""
    if isinstance(value, str):
        if "\x00" in value:
            return _("Remove the NUL character: it cannot be stored.")
        if any("\ud800" <= c <= "\udfff" for c in value):
            return _(
                "This text has a broken character (a lone UTF-16 surrogate, e.g. half an emoji); "
                "send valid Unicode."
            )
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            problem = _unstorable(key) or _unstorable(item)
            if problem:
                return problem
    if isinstance(value, (list, tuple)):
        for item in value:
            problem = _unstorable(item)
            if problem:
                return problem
    return None


def _flat(metadata: list[Any]) -> list[Any]:
    """Constraints, with those of a ``Field(...)`` inside ``Annotated`` taken out of it."""
    return [m for item in metadata for m in (item.metadata if isinstance(item, FieldInfo) else [item])]


def _unbounded_text(annotation: Any, metadata: list[Any]) -> bool:
    """Whether ``annotation`` holds text (also in a list or as a dict key) without a maximum."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return _unbounded_text(args[0], [*metadata, *args[1:]])
    if origin in (typing.Union, types.UnionType):
        return any(_unbounded_text(a, metadata) for a in args)
    if origin in (list, tuple, set, frozenset, dict):
        return any(_unbounded_text(a, []) for a in args)
    if annotation is str:
        return not any(
            isinstance(m, annotated_types.MaxLen) or getattr(m, "max_length", None) is not None
            for m in _flat(metadata)
        )
    return False


def _unbounded_number(annotation: Any, metadata: list[Any]) -> bool:
    """Whether ``annotation`` holds a number without an upper bound (the database's is finite)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return _unbounded_number(args[0], [*metadata, *args[1:]])
    if origin in (typing.Union, types.UnionType):
        return any(_unbounded_number(a, metadata) for a in args)
    if origin in (list, tuple, set, frozenset):
        return any(_unbounded_number(a, []) for a in args)
    if annotation in (int, float, Decimal):
        return not any(isinstance(m, (annotated_types.Le, annotated_types.Lt)) for m in _flat(metadata))
    return False


class In(Schema):
    """The base of every input schema of the API: see the module's docstring."""

    model_config = ConfigDict(extra="forbid")
    #: Bodies are JSON, whose types are the client's to choose: refuse lax conversions.
    strict_types: ClassVar[bool] = True

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for name, info in cls.model_fields.items():
            if _unbounded_text(info.annotation, list(info.metadata)):
                raise TypeError(f"{cls.__name__}.{name}: every text field of the API needs a max_length")
            if _unbounded_number(info.annotation, list(info.metadata)):
                raise TypeError(f"{cls.__name__}.{name}: every number of the API needs a maximum (le)")

    @_model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        if data is None or isinstance(data, (list, str, int, float, bool)):
            raise PydanticCustomError("body_not_object", _("Send a JSON object."))
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _strict(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if cls.strict_types and field is not None and value is not None:
            problem = _wrong_type(value, _kinds(field.annotation))
            if problem:
                raise PydanticCustomError("wrong_type", problem)
        problem = _unstorable(value)
        if problem:
            raise PydanticCustomError("text_unstorable", problem)
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _in_calendar(cls, value: Any) -> Any:
        if isinstance(value, (dt.date, dt.datetime)):
            problem = dates.calendar_problem(value)
            if problem:
                raise PydanticCustomError("date_out_of_range", problem)
        return value


class QueryIn(In):
    """The base of every query-string schema: the same rules, but every value arrives as text,
    so ``include_archived=true`` and ``limit=50`` are read as the schema's types."""

    strict_types: ClassVar[bool] = False
