"""Hostile CEB XML: no DOCTYPE gets through, no file is ever opened, and the work is bounded.

An attacker with an API key posts to ``/api/v1/messages/``: a DOCTYPE hidden after a long
comment or sent in UTF-16 must be refused alike whether the file it names exists or not,
without opening it (a FIFO and a pipe tell us if anything tried), and a message built to be
expensive (700k attributes, 100k nested or 600k elements...) is refused by the pre-scan in
well under the time its full parse and schema validation would take.
"""

import contextlib
import errno
import os
import threading
import time
from types import SimpleNamespace

import pytest
from lxml import etree

from declarations import ceb

from . import ceb_builders as b
from . import in_english

_english = in_english._english
api_client_for = in_english.api_client_for

ROOT = f'<ceb:CEB303Message xmlns:ceb="{ceb.CEB_NS}" guid="{"0" * 36}" version="1.0">'
END = "</ceb:CEB303Message>"
DOCTYPE_REFUSED = "0001: A DOCTYPE (document type declaration) is not allowed in a CEB message"
PARTY = SimpleNamespace(customs_code="3100000001", name="Test Trading 有限公司")
SECONDS = 2.0  # generous: the pre-scan refuses each of these in a fraction of it


@pytest.fixture
def api(api_client_for, enterprise_factory):
    return api_client_for(enterprise_factory(roles=("platform", "ecommerce")))


def post_xml(api, body):
    return api.generic("POST", "/api/v1/messages/", body, content_type="application/xml")


def doctype_message(url, encoding="UTF-8"):
    """A DOCTYPE naming ``url`` after a 5 KB comment, in ``encoding``, using an entity it could define."""
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<!-- {"x" * 5000} -->\n'
        f'<!DOCTYPE ceb:CEB303Message SYSTEM "{url}">\n'
        f"{ROOT}<ceb:Order><ceb:OrderHead><ceb:note>&e;</ceb:note></ceb:OrderHead></ceb:Order>{END}"
    )
    return text.encode(encoding)


@contextlib.contextmanager
def fifo_watch(path):
    """Yields a list that gets an entry if anything opens the FIFO ``path`` for reading.

    Opening a FIFO to write without blocking succeeds only while a reader has it open: the
    watcher then writes a byte and closes, so a reader that got there is unblocked, not hung.
    """
    os.mkfifo(path)
    opened, stop = [], threading.Event()

    def watch():
        while not stop.is_set():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                assert exc.errno == errno.ENXIO
                time.sleep(0.005)
                continue
            opened.append(True)
            with contextlib.suppress(OSError):
                os.write(fd, b"x")
            os.close(fd)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield opened
    finally:
        stop.set()
        watcher.join(5)


# --- DOCTYPE and external references -------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16", "UTF-16BE"])
def test_a_hidden_doctype_is_refused_alike_whether_its_file_exists_or_not(api, tmp_path, encoding):
    not_a_dtd = tmp_path / "passwd"
    not_a_dtd.write_text("root:x:0:0:secret-line\n")
    defines_the_entity = tmp_path / "entity.dtd"
    defines_the_entity.write_text('<!ENTITY e "defined-by-the-file">')
    missing = tmp_path / "missing.dtd"
    answers = []
    for path in (not_a_dtd, defines_the_entity, missing):
        response = post_xml(api, doctype_message(f"file://{path}", encoding))
        assert response.status_code == 400, response.content
        [receipt] = response.json()
        assert receipt["status"] == "rejected"
        assert receipt["info"].startswith(DOCTYPE_REFUSED), receipt["info"]
        answers.append(response.content)
    assert answers[0] == answers[1] == answers[2]
    for leak in (b"secret-line", b"root:", b"defined-by-the-file", str(tmp_path).encode()):
        assert leak not in answers[0]


def test_no_file_named_by_a_doctype_is_opened(api, tmp_path):
    with fifo_watch(tmp_path / "fifo") as opened:
        response = post_xml(api, doctype_message(f"file://{tmp_path / 'fifo'}"))
    assert response.status_code == 400
    assert response.json()[0]["info"].startswith(DOCTYPE_REFUSED)
    assert opened == []


@pytest.mark.parametrize("which", ["stdin", "pipe"])
def test_a_doctype_naming_a_file_descriptor_does_not_hang_the_worker(api, which):
    """``/proc/self/fd/0`` (a worker's stdin) or any open pipe: reading it would block for good."""
    read_end, write_end = os.pipe()
    saved_stdin = os.dup(0) if which == "stdin" else None
    if saved_stdin is not None:
        os.dup2(read_end, 0)
    fd = 0 if which == "stdin" else read_end
    done, unblocked = threading.Event(), []

    def watchdog():  # a stuck read is ended (end of file) after 5 s, and the test fails
        if not done.wait(5):
            unblocked.append(True)
            os.close(write_end)

    guard = threading.Thread(target=watchdog, daemon=True)
    guard.start()
    try:
        started = time.monotonic()
        response = post_xml(api, doctype_message(f"file:///proc/self/fd/{fd}"))
        elapsed = time.monotonic() - started
    finally:
        done.set()
        guard.join()
        if saved_stdin is not None:
            os.dup2(saved_stdin, 0)
            os.close(saved_stdin)
        os.close(read_end)
        if not unblocked:
            os.close(write_end)
    assert unblocked == [] and elapsed < SECONDS
    assert response.status_code == 400
    assert response.json()[0]["info"].startswith(DOCTYPE_REFUSED)


def test_the_message_parser_refuses_every_url_even_when_told_to_load_a_dtd(tmp_path):
    """The resolver is the second lock: even a parser told to load DTDs opens nothing."""
    with fifo_watch(tmp_path / "fifo") as opened:
        body = f'<!DOCTYPE r SYSTEM "file://{tmp_path / "fifo"}"><r/>'.encode()
        with pytest.raises(ceb.ExternalResourceRefused):
            etree.fromstring(body, ceb.message_parser(load_dtd=True))
        body = f'<!DOCTYPE r [<!ENTITY e SYSTEM "{tmp_path / "fifo"}">]><r>&e;</r>'.encode()
        with pytest.raises(ceb.ExternalResourceRefused):
            etree.fromstring(body, ceb.message_parser(resolve_entities=True))
    assert opened == []


def test_the_schema_loader_opens_only_the_portals_schema_files(tmp_path):
    xsd = tmp_path / "importer.xsd"
    xsd.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        f'<xs:import namespace="urn:x" schemaLocation="{tmp_path / "fifo"}"/></xs:schema>'
    )
    with fifo_watch(tmp_path / "fifo") as opened:
        tree = etree.fromstring(xsd.read_bytes(), ceb.schema_parser(), base_url=str(xsd))
        with pytest.raises((ceb.ExternalResourceRefused, etree.XMLSchemaParseError)):
            etree.XMLSchema(tree)
    assert opened == []
    assert isinstance(ceb.get_schema(), etree.XMLSchema)  # the real one, import included, loads


def test_validation_ignores_a_schema_location_in_the_message(tmp_path):
    body = b.message("order", [b.order_entry(ebp=PARTY, ebc=PARTY)]).replace(
        b"guid=",
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        + f'xsi:schemaLocation="{ceb.CEB_NS} file://{tmp_path / "fifo"}" guid='.encode(),
        1,
    )
    with fifo_watch(tmp_path / "fifo") as opened:
        assert len(ceb.parse_message(body).entities) == 1
    assert opened == []


# --- bounded work ------------------------------------------------------------------------------
def _attributes(n):
    return ROOT.replace(">", " " + " ".join(f'a{i}="1"' for i in range(n)) + ">", 1) + END


def _declarations(n):
    return ROOT.replace(">", " " + " ".join(f'xmlns:n{i}="urn:{i}"' for i in range(n)) + ">", 1) + END


EXPENSIVE = {
    "700k attributes on one element": (lambda: _attributes(700_000), "attributes"),
    "350k namespace declarations": (lambda: _declarations(350_000), "attributes"),
    "100k nested elements": (lambda: ROOT + "<ceb:x>" * 100_000 + "</ceb:x>" * 100_000 + END, "deep"),
    "600k sibling elements": (lambda: ROOT + "<ceb:x/>" * 600_000 + END, "elements"),
    "4 MB of text in one element": (
        lambda: ROOT + "<ceb:note>" + "x" * 4_000_000 + "</ceb:note>" + END,
        "text",
    ),
    "2,000 attributes on each of 10 elements": (
        lambda: ROOT + ("<ceb:x " + " ".join(f'a{i}="1"' for i in range(2_000)) + "/>") * 10 + END,
        "attributes",
    ),
    "8,000 elements with 12 attributes each": (
        lambda: ROOT + ("<ceb:x " + " ".join(f'a{i}="1"' for i in range(12)) + "/>") * 8_000 + END,
        "attributes in all",
    ),
}


@pytest.mark.parametrize("case", list(EXPENSIVE))
def test_an_expensive_message_is_refused_quickly_with_the_limit_it_broke(api, case):
    build, limit = EXPENSIVE[case]
    body = build().encode()
    assert len(body) <= ceb.MAX_MESSAGE_BYTES  # within the byte limit: only the work is bounded
    started = time.monotonic()
    response = post_xml(api, body)
    elapsed = time.monotonic() - started
    assert response.status_code == 400, response.content[:300]
    [receipt] = response.json()
    assert receipt["status"] == "rejected"
    assert receipt["info"].startswith(f"{ceb.CODE_TOO_COMPLEX}: "), receipt["info"]
    assert limit in receipt["info"] and "was not read" in receipt["info"]
    assert elapsed < SECONDS, f"{case}: {elapsed:.2f} s"


# --- legitimate messages are well inside the limits --------------------------------------------
def _inventories(n, lines):
    line = {"itemNo": "SKU-1", "gcode": "8518220000", "qty": "2", "price": "50", "totalPrice": "100"}
    return [
        b.inventory_entry(
            ebp=PARTY,
            ebc=PARTY,
            agent=PARTY,
            owner=PARTY,
            logistics=PARTY,
            order_no=f"ORD{i}",
            logistics_no=f"LN{i}",
            lines=[line] * lines,
        )  # fmt: skip
        for i in range(n)
    ]


def test_the_largest_inventory_message_the_schema_allows_parses():
    message = ceb.parse_message(b.message("inventory", _inventories(100, 100), signature=b.SIGNATURE))
    assert len(message.entities) == 100
    assert {len(entity["lines"]) for entity in message.entities} == {100}
    assert message.signed


def test_a_thousand_entry_message_passes_the_prescan_and_meets_the_schemas_own_limit():
    body = b.message("inventory", _inventories(1000, 3))
    ceb.prescan(body)  # within every structure limit
    with pytest.raises(ceb.MessageRefused) as refused:
        ceb.parse_message(body)
    assert refused.value.code == ceb.CODE_SCHEMA  # the XSD allows 100 inventories a message
    assert "ceb:Inventory" in refused.value.info and "not expected" in refused.value.info


def test_a_departure_of_fifty_thousand_waybills_parses():
    entry = b.departure_entry(logistics=PARTY, logistics_nos=[f"LN{i:010d}" for i in range(50_000)])
    message = ceb.parse_message(b.message("departure", [entry]))
    assert len(message.entities[0]["lines"]) == 50_000


def test_a_message_in_utf16_without_a_doctype_is_still_read():
    body = b.message("order", [b.order_entry(ebp=PARTY, ebc=PARTY)]).decode()
    body = body.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert ceb.parse_message(body).entities[0]["ebcName"] == PARTY.name
