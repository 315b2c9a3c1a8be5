"""Why the system closed a change request is read in the reader's language; a reviewer's typed
reason is kept as typed."""

import datetime as dt
import re

import pytest
from django.utils import translation

from authorization import services
from authorization.models import AuthorizationChange

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff]")


def _reason_cell(page: str) -> str:
    match = re.search(r'field-decision_reason_text.*?<div class="readonly">(.*?)</div>', page, re.S)
    assert match, page
    return match.group(1)


def test_an_expired_authorizations_closed_change_reads_in_each_reviewers_language(
    owner, broker, authorization_factory, staff_factory, otp_client_factory
):
    auth = authorization_factory(owner, broker, status="approved", valid_to=dt.date(2026, 6, 30))
    change = services.authorization_request_change(
        authorization=auth, enterprise=owner, terms={"scope": "import"}, today=dt.date(2026, 6, 1)
    )
    with translation.override("zh-hans"):  # the nightly job, under whatever language
        services.authorizations_expire_and_renew(on_date=dt.date(2026, 7, 1))
    assert AuthorizationChange.objects.get(pk=change.pk).status == "withdrawn"

    url = f"/admin/authorization/authorizationchange/{change.pk}/change/"
    english = otp_client_factory(staff_factory(language="en"))
    reason = _reason_cell(english.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "The authorization expired." in reason and not CJK.search(reason)
    chinese = otp_client_factory(staff_factory(language="zh-hans"))
    reason = _reason_cell(chinese.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
    assert CJK.search(reason) and "expired" not in reason


def test_a_reviewers_reason_is_kept_as_typed(owner, broker, authorization_factory, reviewer):
    auth = authorization_factory(owner, broker, status="approved")
    change = services.authorization_request_change(
        authorization=auth, enterprise=owner, terms={"scope": "import"}, today=dt.date(2026, 6, 1)
    )
    with translation.override("zh-hans"):
        services.authorization_change_reject(change=change, actor=reviewer, reason="R-1042 wrong scope")
    assert AuthorizationChange.objects.get(pk=change.pk).decision_reason == "R-1042 wrong scope"
