"""The intake endpoints refuse bad requests as a whole, cleanly, before any entry is processed."""

import pytest

from declarations import ceb

from . import in_english

# every test here reads the answers in English (fixtures shared by the intake tests)
_english = in_english._english
api_client_for = in_english.api_client_for


@pytest.fixture
def platform(enterprise_factory):
    return enterprise_factory(roles=("platform", "ecommerce"))


@pytest.fixture
def api(api_client_for, platform):
    return api_client_for(platform)


def post_xml(api, body, content_type="application/xml"):
    return api.generic("POST", "/api/v1/messages/", body, content_type=content_type)


def test_more_than_a_thousand_entries_is_refused_and_nothing_is_processed(api, monkeypatch):
    from declarations import intake

    called = []
    monkeypatch.setattr(intake, "intake_entries", lambda **kw: called.append(kw))
    response = api.post("/api/v1/orders/", {"entries": [{}] * 1001}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_entries"
    assert "At most 1000 entries" in response.json()["message"]
    assert called == []


@pytest.mark.parametrize(
    "body", [{"entries": {}}, {"orders": []}, [], {"entries": []}], ids=["dict", "no-key", "list", "empty"]
)
def test_a_body_without_an_entries_list_is_a_400(api, body):
    response = api.post("/api/v1/payments/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] in {"invalid_body", "no_entries"}


def test_invalid_json_is_a_400_not_a_500(api):
    response = api.generic("POST", "/api/v1/waybills/", b"{not json", content_type="application/json")
    assert response.status_code == 400


def test_intake_needs_an_api_key(client):
    response = client.post("/api/v1/orders/", {"entries": []}, content_type="application/json")
    assert response.status_code in (401, 403)
    response = client.post("/api/v1/messages/", b"<x/>", content_type="application/xml")
    assert response.status_code in (401, 403)


def test_a_wrong_api_key_is_refused(client, db):
    response = client.post(
        "/api/v1/orders/",
        {"entries": []},
        content_type="application/json",
        HTTP_AUTHORIZATION="Api-Key nope.nope",
    )
    assert response.status_code in (401, 403)


def test_billion_laughs_over_http_is_a_400_receipt(api):
    body = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><ceb:CEB303Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="x" version="1.0">&lol2;</ceb:CEB303Message>"""
    response = post_xml(api, body)
    assert response.status_code == 400
    [receipt] = response.json()
    assert receipt["status"] == "rejected" and receipt["info"].startswith("0001: ")


def test_external_entity_over_http_is_a_400_and_leaks_nothing(api):
    body = b"""<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ceb:CEB303Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="x" version="1.0">&xxe;</ceb:CEB303Message>"""
    response = post_xml(api, body, content_type="text/xml")
    assert response.status_code == 400
    assert "root:" not in response.content.decode()


def test_a_50_megabyte_body_is_refused_cleanly(api):
    body = b"<ceb:CEB303Message>" + b"x" * (50 * 1024 * 1024) + b"</ceb:CEB303Message>"
    response = post_xml(api, body)
    assert response.status_code == 413
    [receipt] = response.json()
    assert receipt["info"].startswith(ceb.CODE_TOO_LARGE)


def test_an_unknown_message_is_refused_with_its_name(api):
    response = post_xml(api, b'<ceb:CEB999Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"/>')
    assert response.status_code == 400
    assert "CEB999Message" in response.json()[0]["info"]


def test_xml_must_be_sent_as_xml(api):
    response = api.generic("POST", "/api/v1/messages/", b"<a/>", content_type="application/json")
    assert response.status_code == 415
