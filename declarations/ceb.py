"""China Customs CEB messages (2022-05 schema): safe parsing, schema validation, entry dicts.

The schema travels with the code (``declarations/schema/``, copied verbatim from the
specification with the XML-signature schema it imports), so the portal never reads a path
outside its own tree. A message is read in this order, and refused at the first failure:

1. size: a body over ``MAX_MESSAGE_BYTES`` is refused before any parsing;
2. well-formedness, without DTDs, entities or network access (a DOCTYPE is refused outright:
   the CEB messages never carry one, and it is what entity-expansion and external-entity
   attacks need);
3. the root must be one of the six messages the portal accepts;
4. the XSD (loaded once per process);
5. each business entity becomes a plain dict of strings (``entity_dicts``), which then goes
   through the same serializers as the JSON endpoints (``declarations.serializers``).

An XML signature (``ds:Signature``) may be absent; when present it is kept with the raw
message but not verified (``ParsedMessage.signed``).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

CEB_NS = "http://www.chinaport.gov.cn/ceb"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
SCHEMA_FILE = SCHEMA_DIR / "cross-border-export-202205.xsd"

# Bounded size: the largest legitimate message (100 inventories of 100 lines) is a few MB.
MAX_MESSAGE_BYTES = 10 * 1024 * 1024

# Message-level error codes of the specification (0001-0999 format errors).
CODE_NOT_WELL_FORMED = "0001"
CODE_SCHEMA = "0002"
CODE_UNKNOWN_MESSAGE = "0003"
CODE_TOO_LARGE = "0004"


@dataclass(frozen=True)
class MessageKind:
    """One accepted message: its root, the intake kind and where its entities sit."""

    root: str
    kind: str  # order, payment, waybill, inventory, cancel, departure
    entity: str  # the repeated business entity under the root
    head: str | None  # the head element inside the entity (None: the entity is the head)
    lines: str | None  # the goods/list element inside the entity


MESSAGE_KINDS = {
    kind.root: kind
    for kind in (
        MessageKind("CEB303Message", "order", "Order", "OrderHead", "OrderList"),
        MessageKind("CEB403Message", "payment", "Receipts", None, None),
        MessageKind("CEB505Message", "waybill", "Logistics", None, None),
        MessageKind("CEB603Message", "inventory", "Inventory", "InventoryHead", "InventoryList"),
        MessageKind("CEB605Message", "cancel", "InvtCancel", None, None),
        MessageKind("CEB509Message", "departure", "Departure", "DepartureHead", "DepartureList"),
    )
}
KIND_BY_NAME = {kind.kind: kind for kind in MESSAGE_KINDS.values()}


class MessageRefused(Exception):
    """The message as a whole is refused: nothing in it is processed."""

    def __init__(
        self, code: str, message: str, *, errors: list[str] | None = None, guid: str = "", kind=None
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = errors or []
        self.guid = guid
        self.kind = kind

    @property
    def info(self) -> str:
        """The receipt's ``info``: the code, the reason and every schema error."""
        text = f"{self.code}: {self.message}"
        if self.errors:
            text += " " + "; ".join(self.errors)
        return text[:1000]  # returnInfo holds at most 1,000 characters


@dataclass
class ParsedMessage:
    kind: MessageKind
    guid: str
    entities: list[dict] = field(default_factory=list)  # raw strings, keyed by element name
    signed: bool = False
    raw: bytes = b""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        collect_ids=False,
    )


_schema_lock = threading.Lock()
_schema: etree.XMLSchema | None = None


def get_schema() -> etree.XMLSchema:
    """The CEB schema, parsed once per process (it takes a while: 180 KB of XSD)."""
    global _schema
    if _schema is None:
        with _schema_lock:
            if _schema is None:
                _schema = etree.XMLSchema(etree.parse(str(SCHEMA_FILE), _parser()))
    return _schema


_NS_PATTERN = re.compile("\\{(" + re.escape(CEB_NS) + "|" + re.escape(DS_NS) + ")\\}")


def _readable(message: str) -> str:
    """libxml2's messages with the namespaces shortened to the usual prefixes."""
    return _NS_PATTERN.sub(lambda m: "ceb:" if m.group(1) == CEB_NS else "ds:", message)


def _localname(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_message(body: bytes) -> ParsedMessage:
    """Read one CEB message, or raise MessageRefused with the reason."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if len(body) > MAX_MESSAGE_BYTES:
        raise MessageRefused(
            CODE_TOO_LARGE,
            _("The message is larger than %(limit)d MB and was not read.")
            % {"limit": MAX_MESSAGE_BYTES // (1024 * 1024)},
        )
    if not body.strip():
        raise MessageRefused(CODE_NOT_WELL_FORMED, _("The message is empty."))
    # A DOCTYPE is refused before parsing: CEB messages never carry one, and entity
    # expansion ("billion laughs") and external entities both need it.
    head = body[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in body.lower():
        raise MessageRefused(
            CODE_NOT_WELL_FORMED, _("Document type declarations and entities are not accepted.")
        )
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise MessageRefused(
            CODE_NOT_WELL_FORMED, _("The message is not well-formed XML: %(error)s") % {"error": exc}
        ) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise MessageRefused(
            CODE_NOT_WELL_FORMED, _("Document type declarations and entities are not accepted.")
        )

    qname = etree.QName(root)
    kind = MESSAGE_KINDS.get(qname.localname) if qname.namespace == CEB_NS else None
    guid = (root.get("guid") or "")[:36]
    if kind is None:
        raise MessageRefused(
            CODE_UNKNOWN_MESSAGE,
            _("“%(root)s” is not a message the portal accepts. Send one of: %(accepted)s (namespace %(ns)s).")
            % {"root": qname.localname, "accepted": ", ".join(MESSAGE_KINDS), "ns": CEB_NS},
            guid=guid,
        )

    schema = get_schema()
    if not schema.validate(tree):
        errors = [f"line {error.line}: {_readable(error.message)}" for error in schema.error_log]
        raise MessageRefused(
            CODE_SCHEMA,
            _("The message does not conform to the CEB schema (2022-05):"),
            errors=errors,
            guid=guid,
            kind=kind,
        )

    return ParsedMessage(
        kind=kind,
        guid=guid,
        entities=[entity_dict(element, kind) for element in root.iterchildren(f"{{{CEB_NS}}}{kind.entity}")],
        signed=root.find(f"{{{DS_NS}}}Signature") is not None,
        raw=body,
    )


def _fields(element) -> dict:
    return {_localname(child.tag): child.text or "" for child in element if _localname(child.tag)}


def entity_dict(element, kind: MessageKind) -> dict:
    """One business entity as a dict of strings, with its list under ``"lines"``."""
    if kind.head is None:
        return _fields(element)
    head = element.find(f"{{{CEB_NS}}}{kind.head}")
    data = _fields(head)
    data["lines"] = [_fields(line) for line in element.iterchildren(f"{{{CEB_NS}}}{kind.lines}")]
    return data
