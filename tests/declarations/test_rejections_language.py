"""The clearance error log is read in the reader's language, whatever language the entry was
refused in; the synchronous receipt stays in the language of the request that sent it.

A platform sends refused orders through the JSON API in one language; a user of the same
enterprise reading in the other language opens the clearance error log. Enterprise names and
codes are ASCII codes the test chooses, so what is left is the portal's own wording.
"""

import re
from html import unescape

import pytest
from django.urls import reverse

from declarations.models import IntakeRejection

from . import ceb_builders as b

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
ASCII_WORD = re.compile(r"[A-Za-z]{3,}")
# what the receipt names as sent: field names (camelCase) and codes
FIELD = re.compile(r"\b[a-z]+[A-Z][A-Za-z]*\b")
ROW = re.compile(r'<tr data-testid="intake-rejection">(.*?)</tr>', re.S)
CELL = re.compile(r"<td>(.*?)</td>", re.S)
LANGUAGES = ("en", "zh-hans")


def _english_fails(text: str) -> None:
    assert not CJK.search(text), text


def _chinese_fails(text: str) -> None:
    assert CJK.search(text), text
    leftover = ASCII_WORD.findall(FIELD.sub("", text))
    assert not leftover, (leftover, text)


CHECK = {"en": _english_fails, "zh-hans": _chinese_fails}


def _refused_orders(platform, ebc, not_ebc):
    schema = b.order_entry(ebp=platform, ebc=ebc)
    schema["goodsValue"] = "1.1234567"  # 0002: a field error
    unknown = b.order_entry(ebp=platform, ebc=ebc)
    unknown["ebcCode"] = "QX99999999"  # 2001: no approved enterprise
    wrong_role = b.order_entry(ebp=platform, ebc=not_ebc)  # 4001: not an e-commerce enterprise
    return [schema, unknown, wrong_role]


@pytest.mark.parametrize("sent_in", LANGUAGES)
def test_refusals_are_read_in_the_readers_language(
    sent_in, enterprise_factory, trader_factory, api_client_for, client
):
    platform = enterprise_factory(roles=("platform",), name="QX-P")
    ebc = enterprise_factory(roles=("ecommerce", "owner"), name="QX-E")
    not_ebc = enterprise_factory(roles=("logistics",), name="QX-L")
    api = api_client_for(platform)
    answer = api.post(
        "/api/v1/orders/",
        {"entries": _refused_orders(platform, ebc, not_ebc)},
        format="json",
        HTTP_ACCEPT_LANGUAGE=sent_in,
    )
    assert answer.status_code == 200
    receipts = answer.json()
    assert [r["status"] for r in receipts] == ["rejected"] * 3
    # the synchronous answer: the request's language, the receipt code in front
    assert [r["info"][:6] for r in receipts] == ["0002: ", "2001: ", "4001: "]
    for receipt in receipts:
        CHECK[sent_in](receipt["info"])
    assert IntakeRejection.objects.filter(sender=platform).count() == 3

    for reader_language in LANGUAGES:
        reader = trader_factory(platform, username=f"reader-{reader_language}", language=reader_language)
        client.force_login(reader)
        page = client.get(reverse("declarations:clearance_errors"), HTTP_ACCEPT_LANGUAGE=reader_language)
        assert page.status_code == 200
        rows = ROW.findall(page.content.decode())
        reasons = sorted(unescape(CELL.findall(row)[2]) for row in rows)
        assert [reason[:6] for reason in reasons] == ["0002: ", "2001: ", "4001: "]
        for reason in reasons:
            CHECK[reader_language](reason)
        assert "goodsValue" in reasons[0] and "QX99999999" in reasons[1] and "QX-L" in reasons[2]
        client.logout()
