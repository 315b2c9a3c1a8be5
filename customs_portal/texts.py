"""Texts a person reads later, stored as a message id with parameters and rendered for the reader.

A notification, an e-mail, a return reason or a history note is written by one person (or by
the system, under whatever language the request had) and read by others, in their own
language, maybe years later. So nothing of the kind is stored as finished text: it is stored
as ``{"id": MESSAGE_ID, "params": {...}}`` and rendered when it is read or sent, under the
reader's language (``render(value, language)``; in templates ``{{ value|text }}``).

Message ids are registered once, beside the code that uses them, with their English source
string (translated through the catalogues like any other string)::

    RETURNED = texts.define("inventory.returned", _("list %(list)s was returned: %(reasons)s"))
    history.reason = texts.stored(RETURNED, list=inventory.invt_no, reasons=...)

A parameter may itself be a stored text (rendered in the same language), a choice of a
``TextChoices`` class (``texts.choice(InventoryStatus, "released")``: rendered as its label),
or plain data (numbers, codes, names). Anything stored before this existed is plain text and is
shown as it was.
"""

from __future__ import annotations

from decimal import Decimal
from importlib import import_module
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import translation
from django.utils.functional import Promise

_REGISTRY: dict[str, Promise | str] = {}


class UnknownMessage(LookupError):
    """A stored text names a message id no module has defined."""


def define(message_id: str, source: Promise | str) -> str:
    """Register ``message_id`` for its source string (a lazy translation); returns the id."""
    existing = _REGISTRY.get(message_id)
    if existing is not None:
        with translation.override(None):  # compare the English sources, not a translation
            if str(existing) != str(source):
                raise ValueError(f"message id {message_id!r} is defined twice with different texts")
    _REGISTRY[message_id] = source
    return message_id


class Stored(dict):
    """A stored text as read back: a plain dict (stored and compared as such) that prints itself
    in the active language, so ``{{ entry.reason }}`` and ``str(entry.reason)`` read right."""

    def __str__(self) -> str:
        return render(self)


def stored(message_id: str, **params: Any) -> dict:
    """The value to store for ``message_id`` with ``params`` (JSON-serialisable, or stored texts)."""
    if message_id not in _REGISTRY:
        raise UnknownMessage(message_id)
    return Stored(id=message_id, params={name: _param(value) for name, value in params.items()})


def choice(choices_class, value: str) -> dict:
    """A ``TextChoices`` value, rendered as its label in the reader's language."""
    return Stored(choice=f"{choices_class.__module__}.{choices_class.__qualname__}", value=str(value))


def code(choices_class, value: str) -> dict:
    """A code of a parameter table (``customs_portal.codes``): its name in the reader's language
    with the code beside it, or the bare code when the table does not list it."""
    return Stored(
        choice=f"{choices_class.__module__}.{choices_class.__qualname__}", value=str(value), code=True
    )


def joined(items, sep: str = "; ") -> dict:
    """Several texts (stored texts, choices or plain data) read as one, joined by ``sep``: no
    message of its own, so nothing to translate (``"orderNo: …; charge: …"``)."""
    return Stored(join=[_param(item) for item in items], sep=sep)


def field_path(path: str) -> dict:
    """A field path of a CEB message (``lines[1].gcode``), read as "Line 1: commodity code"."""
    return Stored(field_path=str(path))


def field_label(model, name: str) -> dict:
    """A model field's name (its verbose_name) in the reader's language."""
    return Stored(verbose=model._meta.label, name=name)


def _param(value):
    if isinstance(value, Promise):
        raise TypeError("a lazy translation cannot be stored: define a message id and pass stored(...)")
    if isinstance(value, (list, tuple)):
        return [_param(item) for item in value]
    if isinstance(value, Decimal):  # amounts keep their digits: "12.50", not 12.5
        return str(value)
    return value


def wrap(value):
    """A value read from storage: a stored text (dict) becomes ``Stored``; anything else as is."""
    if _is_text(value) and not isinstance(value, Stored):
        return Stored(value)
    return value


class StoredTextField(models.JSONField):
    """A column holding a stored text (or, for rows written before, the plain text as it was);
    read back as ``Stored``, which prints itself in the active language."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("encoder", DjangoJSONEncoder)
        kwargs.setdefault("default", str)  # "": no text (a callable, as JSONField asks)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("encoder") is DjangoJSONEncoder:
            del kwargs["encoder"]
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return wrap(super().from_db_value(value, expression, connection))

    def to_python(self, value):
        return wrap(super().to_python(value))


def _is_text(value) -> bool:
    return isinstance(value, dict) and bool(value.keys() & {"id", "choice", "verbose", "join", "field_path"})


def _render_param(value):
    if isinstance(value, dict) and _is_text(value):
        return _render(value)
    if isinstance(value, list):
        return ", ".join(str(_render_param(item)) for item in value)
    return value


# Where a stored choice may name its class: the portal's own packages. A stored text is data
# read back from the database; it never chooses which code runs.
CHOICE_PACKAGES = (
    "customs_portal",
    "registration",
    "authorization",
    "declarations",
    "reminders",
    "notifications",
)


def _choices_class(dotted: str):
    module, _sep, name = str(dotted).rpartition(".")
    if module.split(".", 1)[0] not in CHOICE_PACKAGES:
        return None
    try:
        choices = getattr(import_module(module), name)
    except (ImportError, AttributeError, ValueError):
        return None
    return choices if isinstance(choices, type) and issubclass(choices, models.Choices) else None


# a stored code of a parameter table reads with its name from the code tables (one source)
CODE_TABLES = {"customs_portal.codes.Currency": "currency", "customs_portal.codes.Country": "country"}


def _choice_label(dotted: str, value: str, with_code: bool = False) -> str:
    if with_code and dotted in CODE_TABLES:
        from customs_portal.code_tables import lookup

        name = lookup.name(CODE_TABLES[dotted], value)
        return f"{name} ({value})" if name else f"{value} {lookup.UNKNOWN_MARK}"
    choices = _choices_class(dotted)
    if choices is None:
        return str(value)
    try:
        label = str(choices(value).label)
    except ValueError:
        return str(value)
    return f"{label} ({value})" if with_code else label


def _field_label(label: str, name: str) -> str:
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    try:
        return str(apps.get_model(label)._meta.get_field(name).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist, AttributeError):
        return name


def _render(value) -> str:
    if "join" in value:
        return str(value.get("sep", "; ")).join(str(_render_param(item)) for item in value["join"])
    if "verbose" in value:
        return _field_label(value["verbose"], value.get("name", ""))
    if "field_path" in value:
        from customs_portal.ceb_fields import field_path_label

        return field_path_label(value["field_path"])
    if "choice" in value:
        return _choice_label(value["choice"], value.get("value", ""), bool(value.get("code")))
    source = _REGISTRY.get(value["id"])
    if source is None:
        return value["id"]  # a message removed from the code: show its id rather than fail
    params = {name: _render_param(param) for name, param in (value.get("params") or {}).items()}
    text = str(source)
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):
        return text


def render(value, language: str | None = None) -> str:
    """``value`` as the reader reads it: a stored text rendered in ``language`` (default: the
    active one), or legacy plain text as it was stored."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if not _is_text(value):
        return str(value)
    if language:
        with translation.override(language):
            return _render(value)
    return _render(value)
