"""An authorization's timeline reads in the reader's language, whoever's request wrote it."""

import datetime as dt
import html

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from authorization import services
from authorization.models import AuthorizationPreference


@pytest.mark.parametrize(("writer", "reader"), [("zh-hans", "en"), ("en", "zh-hans")])
def test_an_automatic_confirmation_is_read_in_the_readers_language(
    owner, broker, owner_user, broker_user, authorization_factory, pdf_upload, client, writer, reader
):
    AuthorizationPreference.objects.create(enterprise=broker, auto_confirm_partners=True)
    authorization_factory(owner, broker, status="approved", scope="import")  # existing partners
    with translation.override(writer):
        authorization = services.authorization_create(
            enterprise=owner, as_party="principal", counterparty=broker, scope="export",
            valid_from=dt.date(2026, 6, 1), valid_to=dt.date(2027, 5, 31), power_of_attorney=pdf_upload(),
            actor=owner_user, today=dt.date(2026, 6, 1),
        )  # fmt: skip
    assert authorization.status == "under_review"

    def note(language):
        with translation.override(language):
            return translation.gettext("Automatic confirmation by %(name)s") % {"name": broker.name}

    assert note(reader) != note(writer)
    client.force_login(broker_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = reader
    response = client.get(reverse("authorization:detail", args=[authorization.pk]))
    page = html.unescape(response.content.decode())
    assert note(reader) in page and note(writer) not in page
