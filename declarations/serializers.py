"""Intake serializers: one entry (JSON object or XML entity) -> the typed entry dict.

The field rules are read from the CEB schema itself (``declarations/schema``), once per
process, so that the JSON endpoints enforce exactly what the XSD enforces on XML: required
fields, ``length``/``minLength``/``maxLength`` (after whitespace collapsing where the schema
says so), decimal ``totalDigits``/``fractionDigits`` and integer digits. XML entities go
through the same serializers after schema validation, so both paths yield identical dicts.

One stricter rule than the schema, applied to both paths alike: the business keys
(``NON_BLANK``: order, list, waybill, inventory and item numbers) may not be blank, because
an empty key cannot be matched or de-duplicated. Everything else is exactly the schema; the
business rules (party codes, totals...) are the batch services' job.

The serializers are deliberately plain (not DRF field trees): a batch of 1,000 inventories
with five lines is ~150,000 field checks per request, and the intake rate matters.

Output (the contract with the batch services in ``declarations.services``):
- keys are the schema's element names (camelCase, ``POD`` as spelt);
- strings are ``str``, decimals ``decimal.Decimal``, integers ``int``;
- an absent optional string is ``""``; an absent optional number is left out;
- goods/list lines are under ``"lines"`` as a list of dicts of the list's fields.
"""

from __future__ import annotations

import decimal
import re
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy as _
from lxml import etree

from customs_portal import texts

from .ceb import KIND_BY_NAME, SCHEMA_FILE

XS = "{http://www.w3.org/2001/XMLSchema}"
_DECIMAL_LEXICAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_INT_LEXICAL = re.compile(r"^[+-]?\d+$")
_SPACES = re.compile(r"[ \t\r\n]+")
INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # xs:int

# Field errors are stored texts (customs_portal.texts): the receipt renders them in the
# request's language, the clearance error log in each reader's.
NOT_STRING = texts.define("declarations.field.not_string", _("must be a string"))
REQUIRED = texts.define("declarations.field.required", _("is required"))
EXACT_LENGTH = texts.define(
    "declarations.field.exact_length", _("must be exactly %(n)d characters (got %(got)d)")
)
MAX_LENGTH = texts.define(
    "declarations.field.max_length", _("must be at most %(n)d characters (got %(got)d)")
)
MIN_LENGTH = texts.define("declarations.field.min_length", _("must be at least %(n)d characters"))
NOT_DECIMAL = texts.define("declarations.field.not_decimal", _("must be a decimal number"))
FRACTION_DIGITS = texts.define(
    "declarations.field.fraction_digits", _("may have at most %(n)d decimal places")
)
TOTAL_DIGITS = texts.define("declarations.field.total_digits", _("may have at most %(n)d digits"))
NOT_INTEGER = texts.define("declarations.field.not_integer", _("must be a whole number"))
OUT_OF_RANGE = texts.define("declarations.field.out_of_range", _("is out of range"))
NOT_A_FIELD = texts.define("declarations.field.unknown", _("is not a field of this message"))
NOT_OBJECT = texts.define("declarations.field.entry_not_object", _("each entry must be a JSON object"))
NO_LINES = texts.define("declarations.field.no_lines", _("at least one line is required"))
TOO_MANY_LINES = texts.define("declarations.field.too_many_lines", _("at most %(n)d lines per entry"))
LINE_NOT_OBJECT = texts.define("declarations.field.line_not_object", _("each line must be a JSON object"))


class FieldError(ValueError):
    """A field's value is refused; ``text`` (a stored text) says why."""

    def __init__(self, message_id: str, **params):
        self.text = texts.stored(message_id, **params)
        super().__init__(message_id)

    def __str__(self) -> str:
        return texts.render(self.text)


NON_BLANK = frozenset({"orderNo", "copNo", "logisticsNo", "invtNo", "itemNo", "coElNo"})

# The business key of each kind: the receipt's ``key``.
KEY_FIELDS = {
    "order": "orderNo",
    "payment": "orderNo",
    "waybill": "logisticsNo",
    "inventory": "copNo",
    "cancel": "copNo",
    "departure": "copNo",
    "waybill_summary": "copNo",
    "arrival": "copNo",
    "refund": "coElNo",
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str  # "string", "decimal", "int"
    required: bool
    length: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    total_digits: int | None = None
    fraction_digits: int | None = None
    collapse: bool = False
    default: str | None = None


def _spec(element) -> FieldSpec:
    restriction = element.find(f"{XS}simpleType/{XS}restriction")
    base = restriction.get("base", "xs:string").split(":")[-1] if restriction is not None else "string"
    facets = {}
    if restriction is not None:
        for facet in restriction:
            if isinstance(facet.tag, str):
                facets[facet.tag.replace(XS, "")] = facet.get("value")

    def number(name):
        return int(facets[name]) if name in facets else None

    return FieldSpec(
        name=element.get("name"),
        type={"decimal": "decimal", "int": "int", "integer": "int"}.get(base, "string"),
        required=element.get("minOccurs") != "0",
        length=number("length"),
        min_length=number("minLength"),
        max_length=number("maxLength"),
        total_digits=number("totalDigits"),
        fraction_digits=number("fractionDigits"),
        collapse=facets.get("whiteSpace") == "collapse",
        default=element.get("default"),
    )


@cache
def schema_fields(element_name: str) -> tuple[FieldSpec, ...]:
    """The fields of one top-level CEB element (``OrderHead``, ``InventoryList``...), in order."""
    tree = etree.parse(str(SCHEMA_FILE), etree.XMLParser(resolve_entities=False, no_network=True))
    for element in tree.getroot().iterchildren(f"{XS}element"):
        if element.get("name") == element_name:
            sequence = element.find(f"{XS}complexType/{XS}sequence")
            return tuple(_spec(child) for child in sequence.iterchildren(f"{XS}element") if child.get("name"))
    raise LookupError(element_name)


def _digits(value: decimal.Decimal) -> tuple[int, int]:
    """(total digits, fraction digits) of a decimal's value, as XSD counts them."""
    sign, digits, exponent = value.normalize().as_tuple()
    if digits == (0,):
        return 1, 0
    if exponent >= 0:
        return len(digits) + exponent, 0
    fraction = -exponent
    return max(len(digits), fraction), fraction


def clean_value(spec: FieldSpec, value):
    """The typed value of one field, or raise ValueError with a readable reason."""
    if spec.type == "string":
        if not isinstance(value, str):
            raise FieldError(NOT_STRING)
        if spec.collapse:
            value = _SPACES.sub(" ", value).strip()
        size = len(value)
        if spec.required and spec.name in NON_BLANK and not value.strip():
            raise FieldError(REQUIRED)
        if not value and not spec.required:
            return ""
        if spec.length is not None and size != spec.length:
            raise FieldError(EXACT_LENGTH, n=spec.length, got=size)
        if spec.max_length is not None and size > spec.max_length:
            raise FieldError(MAX_LENGTH, n=spec.max_length, got=size)
        if spec.min_length is not None and size < spec.min_length:
            raise FieldError(MIN_LENGTH, n=spec.min_length)
        return value

    if spec.type == "decimal":
        if isinstance(value, bool):
            raise FieldError(NOT_DECIMAL)
        if isinstance(value, decimal.Decimal):
            number = value
        elif isinstance(value, int):
            number = decimal.Decimal(value)
        elif isinstance(value, float):
            number = decimal.Decimal(repr(value))
        elif isinstance(value, str):
            text = value.strip()
            if text == "" and spec.default is not None:
                text = spec.default
            if not _DECIMAL_LEXICAL.match(text):
                raise FieldError(NOT_DECIMAL)
            number = decimal.Decimal(text)
        else:
            raise FieldError(NOT_DECIMAL)
        if not number.is_finite():
            raise FieldError(NOT_DECIMAL)
        total, fraction = _digits(number)
        if spec.fraction_digits is not None and fraction > spec.fraction_digits:
            raise FieldError(FRACTION_DIGITS, n=spec.fraction_digits)
        if spec.total_digits is not None and total > spec.total_digits:
            raise FieldError(TOTAL_DIGITS, n=spec.total_digits)
        return number

    # int
    if isinstance(value, bool):
        raise FieldError(NOT_INTEGER)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _INT_LEXICAL.match(value.strip()):
        number = int(value.strip())
    else:
        raise FieldError(NOT_INTEGER)
    if not INT_MIN <= number <= INT_MAX:
        raise FieldError(OUT_OF_RANGE)
    if spec.total_digits is not None and len(str(abs(number))) > spec.total_digits:
        raise FieldError(TOTAL_DIGITS, n=spec.total_digits)
    return number


def _field_error(name: str, text) -> dict:
    return texts.joined([name, text], ": ")


def _clean_fields(specs, data: dict, prefix: str, errors: list, allowed_extra=()) -> dict:
    out = {}
    known = set()
    for spec in specs:
        known.add(spec.name)
        value = data.get(spec.name)
        if value is None:
            if spec.required:
                errors.append(_field_error(prefix + spec.name, texts.stored(REQUIRED)))
            elif spec.type == "string":
                out[spec.name] = ""
            continue
        try:
            out[spec.name] = clean_value(spec, value)
        except FieldError as exc:
            errors.append(_field_error(prefix + spec.name, exc.text))
    for name in data:
        if name not in known and name not in allowed_extra:
            errors.append(_field_error(prefix + name, texts.stored(NOT_A_FIELD)))
    return out


class EntrySerializer:
    """Validate one entry of one kind; DRF-like: ``is_valid()``, ``validated_data``, ``errors``."""

    kind: str = ""

    def __init__(self, data):
        self.initial_data = data
        self.validated_data: dict | None = None
        self.error_texts: list = []  # why the entry is refused: stored texts

    @property
    def errors(self) -> list[str]:
        """The errors rendered in the active language."""
        return [texts.render(error) for error in self.error_texts]

    @property
    def key(self) -> str:
        """The business key as sent (for the receipt), even when the entry is invalid."""
        data = self.initial_data if isinstance(self.initial_data, dict) else {}
        value = data.get(KEY_FIELDS[self.kind], "")
        return value[:60] if isinstance(value, str) else str(value)[:60]

    @property
    def guid(self) -> str:
        data = self.initial_data if isinstance(self.initial_data, dict) else {}
        value = data.get("guid", "")
        return value[:36] if isinstance(value, str) else ""

    def is_valid(self) -> bool:
        message_kind = KIND_BY_NAME[self.kind]
        data = self.initial_data
        errors: list = []
        if not isinstance(data, dict):
            self.error_texts = [texts.stored(NOT_OBJECT)]
            return False
        head_element = message_kind.head or message_kind.entity
        if message_kind.lines:
            out = _clean_fields(schema_fields(head_element), data, "", errors, allowed_extra=("lines",))
            lines = data.get("lines")
            maximum = max_lines(message_kind.entity, message_kind.lines)
            if not isinstance(lines, list) or not lines:
                errors.append(_field_error("lines", texts.stored(NO_LINES)))
            elif maximum is not None and len(lines) > maximum:
                errors.append(_field_error("lines", texts.stored(TOO_MANY_LINES, n=maximum)))
            else:
                line_specs = schema_fields(message_kind.lines)
                out["lines"] = []
                for index, line in enumerate(lines, start=1):
                    if not isinstance(line, dict):
                        errors.append(_field_error(f"lines[{index}]", texts.stored(LINE_NOT_OBJECT)))
                        continue
                    out["lines"].append(_clean_fields(line_specs, line, f"lines[{index}].", errors))
        else:
            out = _clean_fields(schema_fields(head_element), data, "", errors)
        self.error_texts = errors
        if errors:
            return False
        self.validated_data = out
        return True


@cache
def max_lines(entity: str, lines: str) -> int | None:
    """``maxOccurs`` of the list inside its entity (100 for goods lines, unbounded for departures)."""
    tree = etree.parse(str(SCHEMA_FILE), etree.XMLParser(resolve_entities=False, no_network=True))
    for element in tree.getroot().iterchildren(f"{XS}element"):
        if element.get("name") == entity:
            for child in element.iter(f"{XS}element"):
                if child.get("ref") == f"ceb:{lines}":
                    value = child.get("maxOccurs", "1")
                    return None if value == "unbounded" else int(value)
    return None


class OrderEntrySerializer(EntrySerializer):
    """CEB303 order: OrderHead + ``lines`` of OrderList."""

    kind = "order"


class PaymentEntrySerializer(EntrySerializer):
    """CEB403 receipt (payment record): the Receipts fields."""

    kind = "payment"


class WaybillEntrySerializer(EntrySerializer):
    """CEB505 waybill: the Logistics fields."""

    kind = "waybill"


class InventoryEntrySerializer(EntrySerializer):
    """CEB603 declaration list: InventoryHead + ``lines`` of InventoryList."""

    kind = "inventory"


class InventoryCancelEntrySerializer(EntrySerializer):
    """CEB605 cancellation of a declared list: the InvtCancel fields."""

    kind = "cancel"


class DepartureEntrySerializer(EntrySerializer):
    """CEB509 departure: DepartureHead + ``lines`` of DepartureList (the logistics numbers)."""

    kind = "departure"


class WaybillSummaryEntrySerializer(EntrySerializer):
    """CEB607 waybill summary: WayBillHead + ``lines`` of WayBillList (lists and total packages)."""

    kind = "waybill_summary"


class ArrivalEntrySerializer(EntrySerializer):
    """CEB507 arrival: ArrivalHead + ``lines`` of ArrivalList (waybills or total packages)."""

    kind = "arrival"


class RefundEntrySerializer(EntrySerializer):
    """CEB213 return: InvtRefundHead + ``lines`` of InvtRefundList (declarations.returns)."""

    kind = "refund"


SERIALIZERS: dict[str, type[EntrySerializer]] = {
    cls.kind: cls
    for cls in (
        OrderEntrySerializer,
        PaymentEntrySerializer,
        WaybillEntrySerializer,
        InventoryEntrySerializer,
        InventoryCancelEntrySerializer,
        DepartureEntrySerializer,
        WaybillSummaryEntrySerializer,
        ArrivalEntrySerializer,
        RefundEntrySerializer,
    )
}


# --- the XML fast path ----------------------------------------------------------------------
# An XML entity has passed the XSD, which checks every facet the serializers check (lengths,
# digits, required fields, the number of lines). What is left to do is to type the values and
# apply the portal's own stricter rules (NON_BLANK keys, at least one line, xs:int's range for
# integer fields): done here straight from the lxml tree, without a dict of strings and a field
# loop per entity. An entity that fails any of these goes the serializer's way, which words the
# error: the fast path never decides a refusal.
FAST_KINDS = frozenset(SERIALIZERS)  # the six kinds above; a kind added later takes the serializer


class _NotFast(Exception):
    """This entity needs the serializer (it breaks a portal rule, or is not what was expected)."""


def _as_string(text: str) -> str:
    return text


def _as_collapsed(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _decimal_converter(spec: FieldSpec):
    default = spec.default

    def convert(text: str) -> decimal.Decimal:
        text = text.strip()
        if text == "" and default is not None:
            text = default
        try:
            number = decimal.Decimal(text)
        except decimal.InvalidOperation:
            raise _NotFast from None
        if not number.is_finite():
            raise _NotFast
        return number

    return convert


def _as_int(text: str) -> int:
    try:
        number = int(text.strip())
    except ValueError:
        raise _NotFast from None
    if not INT_MIN <= number <= INT_MAX:
        raise _NotFast
    return number


@dataclass(frozen=True)
class _ElementPlan:
    fields: dict  # "{ns}name" -> (name, converter)
    defaults: dict  # the optional strings, "" when absent
    non_blank: tuple[str, ...]  # required keys that may not be blank (NON_BLANK)


@cache
def _element_plan(element_name: str) -> _ElementPlan:
    from .ceb import CEB_NS

    fields, defaults, non_blank = {}, {}, []
    for spec in schema_fields(element_name):
        if spec.type == "decimal":
            convert = _decimal_converter(spec)
        elif spec.type == "int":
            convert = _as_int
        else:
            convert = _as_collapsed if spec.collapse else _as_string
            if not spec.required:
                defaults[spec.name] = ""
            elif spec.name in NON_BLANK:
                non_blank.append(spec.name)
        fields[f"{{{CEB_NS}}}{spec.name}"] = (spec.name, convert)
    return _ElementPlan(fields=fields, defaults=defaults, non_blank=tuple(non_blank))


def _typed_fields(element, plan: _ElementPlan, raw: dict | None) -> dict:
    out = dict(plan.defaults)
    fields = plan.fields
    for child in element:
        try:
            name, convert = fields[child.tag]
        except KeyError:
            raise _NotFast from None
        text = child.text or ""
        if raw is not None:
            raw[name] = text
        out[name] = convert(text)
    for name in plan.non_blank:
        if not out[name].strip():
            raise _NotFast
    return out


def xml_entry(element, kind: str) -> tuple[dict, dict] | None:
    """One schema-valid XML entity of ``kind`` as (its head's strings, the typed entry).

    The typed entry is exactly what the kind's serializer's ``validated_data`` would be for
    ``ceb.entity_dict(element)``; the head's strings are that dict without its lines (the
    receipt and the sender check read only the head). None when the entity is not for the
    fast path (a kind without it, or a rule the serializer must word).
    """
    if kind not in FAST_KINDS:
        return None
    message_kind = KIND_BY_NAME[kind]
    raw: dict = {}
    try:
        if message_kind.head is None:
            return raw, _typed_fields(element, _element_plan(message_kind.entity), raw)
        from .ceb import CEB_NS

        head = element.find(f"{{{CEB_NS}}}{message_kind.head}")
        if head is None:
            return None
        out = _typed_fields(head, _element_plan(message_kind.head), raw)
        line_plan = _element_plan(message_kind.lines)
        out["lines"] = [
            _typed_fields(line, line_plan, None)
            for line in element.iterchildren(f"{{{CEB_NS}}}{message_kind.lines}")
        ]
        if not out["lines"]:
            return None
        return raw, out
    except _NotFast:
        return None
