"""China Customs CEB messages (2022-05 schema): safe parsing, schema validation, entry dicts.

The schema travels with the code (``declarations/schema/``, copied verbatim from the
specification with the XML-signature schema it imports), so the portal never reads a path
outside its own tree. A message is read in this order, and refused at the first failure:

1. size: a body over ``MAX_MESSAGE_BYTES`` is refused before any parsing;
2. a streaming pre-scan (libxml2 events, no tree) that bounds the *work*, not only the bytes:
   a DOCTYPE anywhere, in any encoding, is refused as soon as the parser meets it (CEB
   messages never carry one, and entity expansion and external entities both need it), and
   so is a message past any of the ``MAX_*`` structure limits below (elements, attributes,
   depth, text), before the tree is built or the schema sees it;
3. well-formedness, without DTDs, entities or network access; every parser the portal uses
   here has a resolver that refuses every URL, so no file or address is ever opened on a
   message's behalf;
4. the root must be one of the six messages the portal accepts;
5. the XSD (loaded once per process, its one import served from ``SCHEMA_DIR`` and nothing
   else);
6. the intake reads each business entity straight from the validated tree into the typed
   entry the batch services take (``declarations.serializers.xml_entry``: the schema has
   checked every field, only the portal's stricter rules are checked again); an entity that
   fails one of those, and every kind without that fast path, becomes a plain dict of strings
   (``entity_dict``, also ``ParsedMessage.entities``) and goes through the same serializers
   as the JSON endpoints (``declarations.serializers``).

An XML signature (``ds:Signature``) may be absent; when present it is kept with the raw
message but not verified (``ParsedMessage.signed``).
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

CEB_NS = "http://www.chinaport.gov.cn/ceb"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
SCHEMA_FILE = SCHEMA_DIR / "cross-border-export-202205.xsd"

# Bounded size: the largest legitimate message (100 inventories of 100 lines) is about 4.5 MB.
MAX_MESSAGE_BYTES = 10 * 1024 * 1024

# Message-level error codes of the specification (0001-0999 format errors).
CODE_NOT_WELL_FORMED = "0001"
CODE_SCHEMA = "0002"
CODE_UNKNOWN_MESSAGE = "0003"
CODE_TOO_LARGE = "0004"
CODE_TOO_COMPLEX = "0005"  # within the size limit, but past a structure limit below

# Structure limits, checked by the pre-scan before the tree is built: the bytes alone do not
# bound the work (8 MB of attributes on one element cost 19 s in the schema's error log).
# Each is far above what a legitimate message needs. The largest ones the schema allows are
# 100 inventories of 100 lines (about 175,000 elements, 4.5 MB) and a departure whose list of
# waybills (unbounded in the XSD) fills the 10 MB (about 300,000 elements).
# (Comments and processing instructions are dropped by the parser and cost nothing.)
MAX_ELEMENTS = 500_000
MAX_DEPTH = 32  # a CEB message nests 5 deep (root, ds:Signature, KeyInfo, X509Data, X509Certificate)
# attributes and namespace declarations (xmlns:x="...") count alike: the root carries guid,
# version and one or two xmlns; ds: elements one or two attributes
MAX_ATTRIBUTES_PER_ELEMENT = 16
MAX_ATTRIBUTES = 10_000  # in the whole message: the root's and the signature's are a dozen
MAX_TEXT_CHARS = 1024 * 1024  # one element's text: the longest CEB field is 1,000 characters
# (a base64 certificate in the signature a few KB); libxml2 itself stops at 10 MB
PRESCAN_CHUNK = 64 * 1024  # the pre-scan feeds the parser this much at a time
MAX_REPORTED_ERRORS = 50  # schema errors put in a receipt (its info holds 1,000 characters)


@dataclass(frozen=True)
class MessageKind:
    """One accepted message: its root, the intake kind and where its entities sit."""

    root: str
    kind: str  # order, payment, waybill, inventory, cancel, waybill_summary, arrival, departure
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
        # declarations.transit: the waybill summary groups released lists, arrival reports them
        MessageKind("CEB607Message", "waybill_summary", "WayBill", "WayBillHead", "WayBillList"),
        MessageKind("CEB507Message", "arrival", "Arrival", "ArrivalHead", "ArrivalList"),
        MessageKind("CEB509Message", "departure", "Departure", "DepartureHead", "DepartureList"),
        # returns (declarations.returns): CEB213 carries its goods lines itself
        MessageKind("CEB213Message", "refund", "InvtRefund", "InvtRefundHead", "InvtRefundList"),
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


class ParsedMessage:
    """One message that passed every check: its kind, guid, signature mark and entities.

    ``entities`` (a dict of strings per business entity, see ``entity_dict``) is built on first
    use from the validated tree (``root``): the request path of ``Prefer: respond-async`` only
    counts them (``entity_count``), and the intake reads typed rows straight from the tree
    (``declarations.intake.prepared_entries``).
    """

    def __init__(
        self,
        kind: MessageKind,
        guid: str,
        entities: list[dict] | None = None,
        signed: bool = False,
        raw: bytes = b"",
        cop_code: str = "",  # BaseTransfer/copCode: the enterprise the message says transmitted it
        root=None,  # the validated lxml tree's root element
    ):
        self.kind = kind
        self.guid = guid
        self.signed = signed
        self.raw = raw
        self.cop_code = cop_code
        self.root = root
        self._entities = entities

    def entity_elements(self) -> list:
        """The business entities' elements, in order (empty without a tree)."""
        if self.root is None:
            return []
        return list(self.root.iterchildren(f"{{{CEB_NS}}}{self.kind.entity}"))

    @property
    def entities(self) -> list[dict]:
        if self._entities is None:
            self._entities = [entity_dict(element, self.kind) for element in self.entity_elements()]
        return self._entities

    @entities.setter
    def entities(self, value: list[dict]) -> None:
        self._entities = value

    @property
    def entity_count(self) -> int:
        if self._entities is not None:
            return len(self._entities)
        return len(self.entity_elements())


class ExternalResourceRefused(Exception):
    """Raised by ``RefuseAll`` when libxml2 asks for any URL on a message's behalf."""


class RefuseAll(etree.Resolver):
    """Refuses every URL (file, http, /proc/self/fd/N...): a message never opens anything.

    Returning None would hand the URL back to libxml2's default loader, so this raises: lxml
    stops the parse and re-raises the exception from ``fromstring``/``feed``.
    """

    def resolve(self, system_url, public_id, context):
        raise ExternalResourceRefused(system_url or public_id or "")


class SchemaFilesOnly(etree.Resolver):
    """For loading the XSD: serves the schema files of ``SCHEMA_DIR``, refuses every other URL."""

    FILES = {str(path): path for path in SCHEMA_DIR.glob("*.xsd")}

    def resolve(self, system_url, public_id, context):
        path = self.FILES.get((system_url or "").removeprefix("file://"))
        if path is None:
            raise ExternalResourceRefused(system_url or public_id or "")
        return self.resolve_string(path.read_bytes(), context, base_url=str(path))


def message_parser(**options) -> etree.XMLParser:
    """The parser configuration for messages: no DTD, entities, network or file access.

    ``options`` add to it (the pre-scan's ``target``); whatever they say, the parser's only
    resolver refuses every URL.
    """
    settings = {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "dtd_validation": False,
        "huge_tree": False,
        "remove_pis": True,
        "remove_comments": True,
        # collect_ids stays on: lxml's collect_ids=False sets libxml2's XML_SKIP_IDS bit in
        # ``loadsubset``, which makes libxml2 load a DOCTYPE's external subset
    }
    parser = etree.XMLParser(**(settings | options))
    parser.resolvers.add(RefuseAll())
    return parser


_schema_lock = threading.Lock()
_schema: etree.XMLSchema | None = None


def schema_parser() -> etree.XMLParser:
    """The parser that loads the XSD: it opens the files of ``SCHEMA_DIR`` and nothing else."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    parser.resolvers.add(SchemaFilesOnly())
    return parser


def get_schema() -> etree.XMLSchema:
    """The CEB schema, parsed once per process (it takes a while: 180 KB of XSD).

    Its parser only ever opens the files of ``SCHEMA_DIR`` (the xmldsig import included);
    validating a message fetches nothing either (a schema is given, so libxml2 ignores the
    message's ``xsi:schemaLocation``).
    """
    global _schema
    if _schema is None:
        with _schema_lock:
            if _schema is None:
                _schema = etree.XMLSchema(etree.parse(str(SCHEMA_FILE), schema_parser()))
    return _schema


_NS_PATTERN = re.compile("\\{(" + re.escape(CEB_NS) + "|" + re.escape(DS_NS) + ")\\}")


def _readable(message: str) -> str:
    """libxml2's messages with the namespaces shortened to the usual prefixes."""
    return _NS_PATTERN.sub(lambda m: "ceb:" if m.group(1) == CEB_NS else "ds:", message)


def _localname(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _doctype_refused() -> MessageRefused:
    return MessageRefused(
        CODE_NOT_WELL_FORMED,
        _("A DOCTYPE (document type declaration) is not allowed in a CEB message; it was not read."),
    )


def _not_well_formed(exc) -> MessageRefused:
    return MessageRefused(
        CODE_NOT_WELL_FORMED, _("The message is not well-formed XML: %(error)s") % {"error": exc}
    )


class _PrescanTarget:
    """Parser target of the pre-scan: counts as libxml2 reads, raises at the first excess.

    No tree is built; the parser stops at the exception, so the work is bounded by the limits
    rather than by the size of the body.
    """

    def __init__(self):
        self.elements = 0
        self.attributes = 0
        self.declarations = 0  # namespace declarations of the element about to start
        self.depth = 0
        self.text = 0

    def doctype(self, name, public_id, system_url):
        # called as soon as libxml2 has read <!DOCTYPE ...>, after decoding, before any
        # external subset would be loaded
        raise _doctype_refused()

    def _count_attributes(self, count):
        if count > MAX_ATTRIBUTES_PER_ELEMENT:
            raise MessageRefused(
                CODE_TOO_COMPLEX,
                _("An element has more than %(limit)s attributes; the message was not read.")
                % {"limit": MAX_ATTRIBUTES_PER_ELEMENT},
            )
        if self.attributes + count > MAX_ATTRIBUTES:
            raise MessageRefused(
                CODE_TOO_COMPLEX,
                _("The message has more than %(limit)s attributes in all; it was not read.")
                % {"limit": f"{MAX_ATTRIBUTES:,}"},
            )

    def start_ns(self, prefix, uri):
        self.declarations += 1
        self._count_attributes(self.declarations)

    def start(self, tag, attrib):
        self.elements += 1
        if self.elements > MAX_ELEMENTS:
            raise MessageRefused(
                CODE_TOO_COMPLEX,
                _("The message has more than %(limit)s elements; it was not read.")
                % {"limit": f"{MAX_ELEMENTS:,}"},
            )
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise MessageRefused(
                CODE_TOO_COMPLEX,
                _("The message nests elements more than %(limit)s deep; it was not read.")
                % {"limit": MAX_DEPTH},
            )
        count = self.declarations + len(attrib)
        self._count_attributes(count)
        self.attributes += count
        self.declarations = 0
        self.text = 0

    def end(self, tag):
        self.depth -= 1
        self.text = 0

    def data(self, text):
        self.text += len(text)
        if self.text > MAX_TEXT_CHARS:
            raise MessageRefused(
                CODE_TOO_COMPLEX,
                _("An element's text is longer than %(limit)s characters; the message was not read.")
                % {"limit": f"{MAX_TEXT_CHARS:,}"},
            )

    def close(self):
        return self


def prescan(body: bytes) -> None:
    """Stream ``body`` through libxml2 without building a tree; raise MessageRefused on a
    DOCTYPE, a structure limit, an external reference or a well-formedness error."""
    parser = message_parser(target=_PrescanTarget())
    try:
        for offset in range(0, len(body), PRESCAN_CHUNK):
            parser.feed(body[offset : offset + PRESCAN_CHUNK])
        parser.close()
    except ExternalResourceRefused:
        raise _doctype_refused() from None
    except etree.XMLSyntaxError as exc:
        raise _not_well_formed(exc) from None


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
    prescan(body)
    try:
        root = etree.fromstring(body, message_parser())
    except ExternalResourceRefused:
        raise _doctype_refused() from None
    except etree.XMLSyntaxError as exc:
        raise _not_well_formed(exc) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise _doctype_refused()  # the pre-scan refuses these: kept as a second lock

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
        errors = [
            f"line {error.line}: {_readable(error.message)}"
            for error in itertools.islice(schema.error_log, MAX_REPORTED_ERRORS)
        ]
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
        root=root,
        signed=root.find(f"{{{DS_NS}}}Signature") is not None,
        raw=body,
        cop_code=(root.findtext(f"{{{CEB_NS}}}BaseTransfer/{{{CEB_NS}}}copCode") or "").strip(),
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
