"""Hostile JSON bodies and failures mid-batch: the intake answers each with a JSON error that
says what is wrong (400, 413, 500, 503), never a 500 HTML page, and stores nothing.
"""

import io
import json
import logging

import pytest
from django.db import DatabaseError, OperationalError, connection

from customs_portal.api import MAX_JSON_BYTES, BodyTooLarge, SafeJSONParser
from declarations.models import Departure, IntakeRejection, Order, Payment, Waybill

from . import ceb_builders as b
from . import in_english

# every test here reads the answers in English (fixtures shared by the intake tests)
_english = in_english._english
api_client_for = in_english.api_client_for

ENDPOINTS = [
    "/api/v1/orders/",
    "/api/v1/payments/",
    "/api/v1/waybills/",
    "/api/v1/inventories/",
    "/api/v1/inventory-cancels/",
    "/api/v1/departures/",
]


@pytest.fixture
def platform(enterprise_factory):
    return enterprise_factory(roles=("platform", "ecommerce", "owner", "broker", "logistics", "payment"))


@pytest.fixture
def api(api_client_for, platform):
    return api_client_for(platform)


def post_raw(api, body: bytes, endpoint="/api/v1/orders/"):
    return api.generic("POST", endpoint, body, content_type="application/json")


def assert_nothing_stored():
    for model in (Order, Payment, Waybill, Departure, IntakeRejection):
        assert not model.objects.exists(), model.__name__


def order_body(platform, **fields) -> dict:
    entry = b.order_entry(ebp=platform, ebc=platform)
    entry.update(fields)
    return {"entries": [entry]}


# --- refused as a whole: 400 {"code": "invalid_json", "message"} ----------------------------
HOSTILE = {
    # name: (raw JSON text with the offending part in place, what the message must say; {at} is
    # where the text's first \u escape stands)
    "nan": ('{"entries": [{"orderNo": "A", "goodsValue": NaN}]}', "NaN, which is not a number JSON allows"),
    "infinity": ('{"entries": [{"freight": Infinity}]}', "Infinity, which is not a number JSON allows"),
    "minus-infinity": ('{"entries": [{"freight": -Infinity}]}', "-Infinity, which is not a number"),
    "nul-in-value": (
        '{"entries": [{"orderNo": "ORD\\u0000X"}]}',
        "NUL character (\\u0000) at character {at}: it is not accepted",
    ),
    "nul-in-key": ('{"entries": [{"or\\u0000der": "X"}]}', "NUL character (\\u0000) at character {at}"),
    "lone-high-surrogate": (
        '{"entries": [{"orderNo": "ORD\\ud800"}]}',
        "lone surrogate (\\ud800) at character {at}: it is not Unicode text",
    ),
    "lone-low-surrogate-in-a-line": (
        '{"entries": [{"lines": [{"itemName": "\\udc00x"}]}]}',
        "lone surrogate (\\udc00) at character {at}",
    ),
    "2000-deep": ('{"entries": ' + "[" * 2000 + "]" * 2000 + "}", "nested more than 64 levels deep"),
    "65-deep": ('{"entries": [' + '{"a": ' * 64 + "1" + "}" * 64 + "]}", "nested more than 64 levels deep"),
    "65-deep-empty": ('{"entries": [' + "[" * 63 + "]" * 63 + "]}", "nested more than 64 levels deep"),
    "high-then-escaped-backslash": (
        '{"entries": [{"note": "\\uD83D\\\\\\uDE00"}]}',
        "lone surrogate (\\ud83d)",
    ),
    "not-json": ("{not json", "The body is not valid JSON"),
}


@pytest.mark.parametrize("body, expected", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_json_is_a_400_that_says_what_is_wrong_and_stores_nothing(api, body, expected):
    response = post_raw(api, body.encode())
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    assert answer["code"] == "invalid_json"
    assert expected.format(at=body.find("\\u")) in answer["message"]
    assert_nothing_stored()


def test_utf8_encoded_surrogates_are_refused_as_not_utf8(api):
    # the bytes CESU-8 would use for U+D800: Python's json.loads(bytes) would let them through
    body = b'{"entries": [{"orderNo": "ORD\xed\xa0\x80"}]}'
    response = post_raw(api, body)
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_json",
        "message": "The body is not UTF-8 text (at byte offset 29).",
    }
    assert_nothing_stored()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_intake_endpoint_refuses_nan_and_nul(api, endpoint):
    for body in ('{"entries": [{"x": NaN}]}', '{"entries": [{"x": "\\u0000"}]}'):
        response = post_raw(api, body.encode(), endpoint)
        assert response.status_code == 400 and response.json()["code"] == "invalid_json"
    assert_nothing_stored()


def test_a_valid_surrogate_pair_and_64_levels_are_not_refused(api, platform):
    body = order_body(platform, note="emoji \U0001f600, a backslash then u0000: \\u0000")
    text = json.dumps(body)  # ensure_ascii: the emoji travels as the pair \ud83d\ude00
    assert "\\ud83d\\ude00" in text and "\\\\u0000" in text
    response = post_raw(api, text.encode())
    assert response.status_code == 200, response.content
    [receipt] = response.json()
    assert receipt["status"] == "accepted", receipt
    deep = '{"entries": [' + '{"a": ' * 62 + "1" + "}" * 62 + "]}"  # 64 levels with the two outer
    response = post_raw(api, deep.encode())
    assert response.status_code == 200 and response.json()[0]["status"] == "rejected"


# --- bounded: 413 {"code": "too_large", "message"}, judged before reading ------------------
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_json_body_over_10_mb_is_a_413_and_nothing_is_stored(api, platform, endpoint):
    entry = b.order_entry(ebp=platform, ebc=platform)
    entry["note"] = "x" * (MAX_JSON_BYTES + 1)  # one entry, just over the limit
    response = post_raw(api, json.dumps({"entries": [entry]}).encode(), endpoint)
    assert response.status_code == 413
    assert response.json() == {
        "code": "too_large",
        "message": "The body is larger than 10 MB and was not read.",
    }
    assert_nothing_stored()


def test_a_json_body_of_exactly_10_mb_is_read(api, platform):
    body = order_body(platform)
    text = json.dumps(body)
    padded = text[:-1] + " " * (MAX_JSON_BYTES - len(text)) + "}"  # JSON allows the whitespace
    assert len(padded.encode()) == MAX_JSON_BYTES
    response = post_raw(api, padded.encode())
    assert response.status_code == 200 and response.json()[0]["status"] == "accepted"


def test_the_goods_api_is_bounded_and_strict_too(api):
    response = api.generic(
        "POST", "/api/v1/goods/", b'{"item_no": "A\\u0000", "name": NaN}', content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_json"
    big = b'{"name": "' + b"x" * MAX_JSON_BYTES + b'"}'
    response = api.generic("POST", "/api/v1/goods/", big, content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_the_parser_bounds_what_it_reads_even_without_a_declared_length():
    stream = io.BytesIO(b"[" + b" " * MAX_JSON_BYTES + b"]")
    with pytest.raises(BodyTooLarge):
        SafeJSONParser().parse(stream, parser_context={"request": None})


# --- failures in the middle of a batch: JSON 500 / 503, logged, never the HTML page --------
def _failing_on(table: str, error: Exception):
    def wrapper(execute, sql, params, many, context):
        if table in sql:
            raise error
        return execute(sql, params, many, context)

    return wrapper


def test_a_database_error_mid_batch_is_a_json_500_logged_with_its_traceback(api, platform, caplog):
    body = {"entries": [b.order_entry(ebp=platform, ebc=platform) for _ in range(3)]}
    failing = _failing_on('"declarations_order"', DatabaseError("disk full on /var/lib/secret"))
    with caplog.at_level(logging.ERROR, logger="customs_portal.api"), connection.execute_wrapper(failing):
        response = api.post("/api/v1/orders/", body, format="json")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "server_error",
        "message": "The request could not be completed because of a database error: send it again later.",
    }
    assert "secret" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "customs_portal.api"]
    assert "POST /api/v1/orders/" in record.getMessage() and record.exc_info[0] is DatabaseError
    assert not Order.objects.exists()


def test_a_database_that_cannot_be_reached_is_a_json_503(api, platform):
    failing = _failing_on('"declarations_order"', OperationalError("could not connect to server"))
    with connection.execute_wrapper(failing):
        response = api.post("/api/v1/orders/", order_body(platform), format="json")
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert response["Retry-After"] == "60"


def test_any_unexpected_error_in_an_api_view_is_a_json_500(api, platform, monkeypatch):
    from declarations import api as declarations_api

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(declarations_api, "intake_entries", broken)
    response = api.post("/api/v1/payments/", order_body(platform), format="json")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error" and "a bug" not in response.content.decode()


# --- the other errors are the same JSON shape ----------------------------------------------
def test_api_errors_are_json_with_a_code_and_a_message(api, client):
    anonymous = client.get("/api/v1/goods/")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    for address in ("/api/v1/goods/not-a-number/", "/api/v1/nothing-here/", "/api/v1/goods/999999/"):
        response = api.get(address)
        assert response.status_code == 404, address
        assert response.json() == {"code": "not_found", "message": "Not found."}, address
    xml = api.generic("POST", "/api/v1/orders/", b"<x/>", content_type="application/xml")
    assert xml.status_code == 415 and xml.json()["code"] == "unsupported_media_type"
    bad_status = api.get("/api/v1/inventories/", {"status": "nonsense"})
    assert bad_status.status_code == 400 and "status" in bad_status.json()
