"""Trader pages read in words: no raw status value, field path or Python repr in what a trader sees.

The demo data (the same the browser journeys and the screenshots use) holds a returned list with
its reasons, stored and declared lists, a declared summary form and authorizations with their
history: every page of the trader's journey is fetched and its visible text checked.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

RAW_STATUSES = (
    "stored", "declared", "submitted", "draft", "returned", "rejected", "released", "under_review",
    "pending_confirmation", "appStatus", "system",
)  # fmt: skip
FIELD_PATH = re.compile(r"\blines\[\d*\]|\b[a-z]+[A-Z][A-Za-z]*\b|\w\.\w+[A-Z]")
REPR = re.compile(r"\{'|\[\{|\{\"|'\w+': ")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|head)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&"))


@pytest.fixture
def demo(client):
    call_command("seed_demo", stdout=StringIO())
    from django.contrib.auth import get_user_model

    User = get_user_model()

    return User.objects.get(username="demo-exporter")


def trader_pages(user):
    from authorization.models import Authorization
    from declarations.models import Inventory
    from declarations.summaries.models import SummaryForm

    enterprise = user.enterprise
    pages = ["/cooperation/clearance-errors/", reverse("declarations:clearance_errors")]
    pages += [
        reverse("declarations:inventory_detail", args=[i.pk])
        for i in Inventory.objects.filter(sender__isnull=False)
    ]
    pages += [
        reverse("summaries:form_detail", args=[f.pk])
        for f in SummaryForm.objects.filter(enterprise=enterprise)
    ]
    pages += [reverse("authorization:detail", args=[a.pk]) for a in Authorization.objects.all()]
    return pages


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_trader_pages_show_no_raw_internals(client, demo, language):
    client.force_login(demo)
    problems, seen = [], set()
    for url in trader_pages(demo):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code != 200:
            continue  # another enterprise's list or authorization
        seen.add(url.split("/")[1] + ("/" + url.split("/")[2] if url.startswith("/declarations/") else ""))
        text = visible_text(response.content.decode())
        # in English a few status values are also words of a sentence ("customs returned it"):
        # there only a value beside a history arrow or in snake_case counts; in Chinese, any
        for status in RAW_STATUSES:
            if language == "en" and "_" not in status and status not in ("appStatus", "system"):
                # a value on its own beside the arrow, not the last word of a label ("Temporarily stored")
                pattern = rf"(?<![\w-])(?<![A-Za-z] ){status}\s*→|→\s*{status}(?![\w-])"
            else:
                pattern = rf"(?<![\w-]){status}(?![\w-])"
            for match in re.finditer(pattern, text):
                problems.append((url, "status", text[max(0, match.start() - 40) : match.end() + 40]))
        for pattern in (FIELD_PATH, REPR):
            for match in pattern.finditer(text):
                problems.append((url, "raw", text[max(0, match.start() - 40) : match.end() + 40]))
    assert seen >= {
        "cooperation",
        "declarations/clearance-errors",
        "declarations/lists",
        "summaries",
        "authorizations",
    }
    assert not problems, "\n".join(map(str, problems))


def test_a_reason_given_as_a_message_reads_as_its_text_not_a_dict(trader_client, enterprise):
    from tests.reminders.factories import returned_inventory

    returned_inventory(sender=enterprise, reasons=[{"message": "payment amount differs", "code": "E12"}])
    text = visible_text(trader_client.get("/cooperation/clearance-errors/").content.decode())
    assert "payment amount differs" in text and not REPR.search(text)


# --- customs codes: every one a trader reads carries its name ------------------------------


def demo_codes(user) -> dict[str, set[str]]:
    """The customs codes the demo data holds, by table: what the trader's pages may show."""
    from declarations.models import Goods, Inventory, InventoryLine
    from declarations.summaries.models import SummaryForm, SummaryLine

    codes: dict[str, set[str]] = {t: set() for t in ("country", "currency", "transport", "customs", "unit")}
    for port, customs, country, traf in Inventory.objects.values_list(
        "port_code", "customs_code", "country", "traf_mode"
    ):
        codes["customs"] |= {port, customs}
        codes["country"].add(country)
        codes["transport"].add(traf)
    for country, currency, unit, unit1 in InventoryLine.objects.values_list(
        "country", "currency", "unit", "unit1"
    ):
        codes["country"].add(country)
        codes["currency"].add(currency)
        codes["unit"] |= {unit, unit1}
    for traf, country, port in SummaryForm.objects.values_list("traf_mode", "country", "port_code"):
        codes["transport"].add(traf)
        codes["country"].add(country)
        codes["customs"].add(port)
    for country, currency, unit1 in SummaryLine.objects.values_list(
        "destination_country", "currency", "unit1"
    ):
        codes["country"].add(country)
        codes["currency"].add(currency)
        codes["unit"].add(unit1)
    for unit, unit1 in Goods.objects.values_list("unit", "unit1"):
        codes["unit"] |= {unit, unit1}
    return {table: {c for c in values if c} for table, values in codes.items()}


def code_pages(user):
    from declarations.models import Goods
    from declarations.summaries.models import SummaryForm

    enterprise = user.enterprise
    forms = SummaryForm.objects.filter(enterprise=enterprise)
    pages = trader_pages(user)
    pages += [
        reverse("declarations:goods_detail", args=[g.pk]) for g in Goods.objects.filter(enterprise=enterprise)
    ]
    pages += [reverse("declarations:inventory_list"), reverse("declarations:goods_list")]
    pages += [f"{reverse('summaries:overview')}?month={m:%Y-%m}" for m in {f.month for f in forms}]
    pages += [reverse("summaries:form_submit", args=[f.pk]) for f in forms]  # the check page
    return pages


TRANSPORT_LABELS = ("Transport mode", "运输方式")


def transport_mode_values(html: str) -> list[str]:
    """What a page shows as a transport mode: beside its label in a list of facts, or in the
    column of a table headed by it (one character codes cannot be told from counts otherwise)."""
    values = [
        visible_text(value).strip()
        for label, value in re.findall(r"<dt>([^<]*)</dt>\s*<dd[^>]*>(.*?)</dd>", html, flags=re.S)
        if label.strip() in TRANSPORT_LABELS
    ]
    for table in re.findall(r"<table\b.*?</table>", html, flags=re.S):
        headers = [visible_text(h).strip() for h in re.findall(r"<th\b[^>]*>(.*?)</th>", table, flags=re.S)]
        column = next((i for i, h in enumerate(headers) if h in TRANSPORT_LABELS), None)
        if column is None:
            continue
        for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", table, flags=re.S):
            cells = re.findall(r"<td\b[^>]*>(.*?)</td>", row, flags=re.S)
            if len(cells) > column:
                values.append(visible_text(cells[column]).strip())
    return values


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_trader_pages_show_every_customs_code_with_its_name(client, demo, language):
    from customs_portal.code_tables import lookup

    codes = demo_codes(demo)
    assert (
        codes["country"] and codes["currency"] and codes["customs"] and codes["unit"] and codes["transport"]
    )
    names: dict[str, set[str]] = {}  # a code may sit in several tables (142: China and Renminbi)
    for table, values in codes.items():
        for code in values:
            names.setdefault(code, set()).add(lookup.name(table, code, language) or lookup.UNKNOWN_MARK)
    client.force_login(demo)
    problems, checked = [], 0
    for url in code_pages(demo):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code != 200:
            continue
        html = response.content.decode()
        text = visible_text(html)
        for code, readable in names.items():
            if len(code) < 3:
                continue  # one-character transport modes: checked beside their label below
            for match in re.finditer(rf"(?<![\w.\-/:]){re.escape(code)}(?![\w.\-/:%])", text):
                after, before = (
                    text[match.end() : match.end() + 40],
                    text[max(0, match.start() - 40) : match.start()],
                )
                checked += 1
                if not any(after.startswith(f" {name}") or before.endswith(f"{name} (") for name in readable):
                    problems.append((url, code, text[max(0, match.start() - 40) : match.end() + 40]))
        for value in transport_mode_values(html):
            checked += 1
            if not re.fullmatch(r"\S+ \S.*", value):
                problems.append((url, "transport mode", value))
    assert checked, "no customs code on the trader's pages: the demo data changed?"
    assert not problems, "\n".join(map(str, problems))
