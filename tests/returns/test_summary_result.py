"""Customs' summary result (CEB792): taken in by ops or by a reviewer's upload."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from customs_portal.errors import ApplicationError
from declarations.summaries import services as summaries
from declarations.summaries.models import SummaryForm, SummaryResult, SummaryStatus
from declarations.summaries.results import summary_result_import
from tests.summaries.factories import line, listed

from .ceb792 import result_message

pytestmark = pytest.mark.django_db
OFFICIAL_SAMPLE = (
    Path(__file__).resolve().parent.parent / "declarations" / "ceb_samples" / "CEB792Message.xml"
)
NUMBER = "224420261000012345"


@pytest.fixture
def submitted(shop, trader_factory):
    listed(shop, goods=[line(total="100")])
    listed(shop, goods=[line(gcode="8517620000", total="20")], owner=None, country="303")
    summaries.summary_month_build(enterprise=shop, month=dt.date(2026, 10, 1))
    trader = trader_factory(shop)
    forms = list(SummaryForm.objects.order_by("number"))
    for form in forms:
        summaries.summary_form_submit(form=form, actor=trader)
    return [SummaryForm.objects.get(pk=f.pk) for f in forms]


def test_a_result_with_a_declaration_number_accepts_the_form(submitted):
    form = submitted[0]
    report = summary_result_import(body=result_message((form, {"entryId": NUMBER})), actor_label="ops")
    form = SummaryForm.objects.get(pk=form.pk)
    assert form.status == SummaryStatus.ACCEPTED
    assert form.declaration_no == NUMBER
    assert report.changed == 1
    assert "declaration number 224420261000012345" in str(form.history.last().reason)


def test_a_result_with_a_reason_returns_the_form_and_tells_the_enterprise(submitted):
    from notifications.models import Notification

    form = submitted[0]
    summary_result_import(
        body=result_message((form, {"note": "申报要素不全", "decState": "R"})), actor_label="ops"
    )
    form = SummaryForm.objects.get(pk=form.pk)
    assert form.status == SummaryStatus.RETURNED
    assert form.return_reason == "申报要素不全"
    assert Notification.objects.filter(kind="summary_returned", enterprise=form.enterprise).count() == 1


def test_one_message_answers_several_forms(submitted):
    summary_result_import(
        body=result_message(
            (submitted[0], {"entryId": NUMBER}), (submitted[1], {"entryId": "224420261000012346"})
        )
    )
    assert sorted(SummaryForm.objects.values_list("declaration_no", flat=True)) == [
        NUMBER,
        "224420261000012346",
    ]


def test_taking_the_same_message_in_twice_changes_nothing(submitted):
    body = result_message((submitted[0], {"entryId": NUMBER}))
    summary_result_import(body=body)
    again = summary_result_import(body=body)
    assert again.changed == 0
    assert SummaryResult.objects.count() == 1
    assert submitted[0].history.count() == 2  # submitted, accepted


def test_a_message_with_one_bad_result_changes_nothing(submitted):
    body = result_message(
        (submitted[0], {"entryId": NUMBER}), (submitted[1], {"entryId": "22442026100001234X"})
    )
    with pytest.raises(ApplicationError) as refused:
        summary_result_import(body=body)
    assert "not an 18-digit declaration number" in str(refused.value)
    assert not SummaryForm.objects.filter(status=SummaryStatus.ACCEPTED).exists()
    assert not SummaryResult.objects.exists()


def test_a_result_saying_nothing_is_refused(submitted):
    with pytest.raises(ApplicationError) as refused:
        summary_result_import(body=result_message((submitted[0], {})))
    assert "neither a declaration number" in str(refused.value)


def test_a_result_for_another_enterprises_form_finds_nothing(submitted, enterprise_factory):
    other = enterprise_factory(roles=("ecommerce",))
    with pytest.raises(ApplicationError) as refused:
        summary_result_import(
            body=result_message((submitted[0], {"entryId": NUMBER, "ebcCode": other.customs_code}))
        )
    assert "no declared summary form" in str(refused.value)
    assert SummaryForm.objects.get(pk=submitted[0].pk).status == SummaryStatus.SUBMITTED


def test_a_draft_is_not_accepted_by_a_result(shop):
    listed(shop)
    summaries.summary_month_build(enterprise=shop, month=dt.date(2026, 10, 1))
    with pytest.raises(ApplicationError):
        summary_result_import(body=result_message((SummaryForm.objects.get(), {"entryId": NUMBER})))


def test_a_number_already_on_another_form_is_refused(submitted):
    summary_result_import(body=result_message((submitted[0], {"entryId": NUMBER})))
    with pytest.raises(ApplicationError) as refused:
        summary_result_import(body=result_message((submitted[1], {"entryId": NUMBER})))
    assert "already recorded on another form" in str(refused.value)
    assert SummaryForm.objects.get(pk=submitted[1].pk).status == SummaryStatus.SUBMITTED


def test_the_official_sample_without_gseqno_is_refused_with_the_reason():
    with pytest.raises(ApplicationError) as refused:
        summary_result_import(body=OFFICIAL_SAMPLE.read_bytes())
    text = str(refused.value)
    assert "does not conform to the CEB schema" in text
    assert "gseqno" in text


def test_the_same_message_without_gseqno_is_refused_too(submitted):
    with pytest.raises(ApplicationError):
        summary_result_import(body=result_message((submitted[0], {"entryId": NUMBER}), gseqno=False))
    assert not SummaryResult.objects.exists()


@pytest.mark.parametrize(
    "body,text",
    [
        (b"", "empty"),
        (b"<a><b></a>", "not well-formed"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x/>', "DOCTYPE"),
        (b'<ceb:CEB701Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"/>', "not a summary result message"),
    ],
)
def test_hostile_or_wrong_files_are_refused_clearly(body, text):
    with pytest.raises(ApplicationError) as refused:
        summary_result_import(body=body)
    assert text in str(refused.value)


def test_once_a_result_exists_the_number_is_not_typed_by_hand(submitted, reviewer):
    summary_result_import(body=result_message((submitted[0], {"note": "补充材料"})))
    form = SummaryForm.objects.get(pk=submitted[0].pk)
    summaries.summary_form_resubmit(form=form, actor=_trader(form), note="x")
    with pytest.raises(ApplicationError) as refused:
        summaries.summary_form_accept(form=form, actor=reviewer, declaration_no=NUMBER)
    assert "not typed by hand" in str(refused.value)
    # where no result exists, typing it stays possible
    summaries.summary_form_accept(form=submitted[1], actor=reviewer, declaration_no=NUMBER)


def _trader(form):
    from registration.models import User

    return User.objects.filter(enterprise=form.enterprise).first()


# --- the ops command ------------------------------------------------------------------------------
def test_the_command_takes_a_file_in_and_reports(submitted, tmp_path, capsys):
    path = tmp_path / "result.xml"
    path.write_bytes(result_message((submitted[0], {"entryId": NUMBER})))
    call_command("import_summary_result", str(path))
    assert "accepted 224420261000012345" in capsys.readouterr().out
    call_command("import_summary_result", str(path))
    assert "unchanged" in capsys.readouterr().out


def test_the_command_exits_nonzero_on_a_refused_file(tmp_path):
    with pytest.raises(CommandError, match="gseqno"):
        call_command("import_summary_result", str(OFFICIAL_SAMPLE))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_summary_result", str(tmp_path / "missing.xml"))


# --- the reviewers' upload ------------------------------------------------------------------------
URL = "/admin/summaries/summaryform/import-result/"


def test_a_reviewer_uploads_a_result(reviewer_client, submitted):
    upload = SimpleUploadedFile(
        "r.xml", result_message((submitted[0], {"entryId": NUMBER})), "application/xml"
    )
    response = reviewer_client.post(URL, {"file": upload})
    assert response.status_code == 302
    assert SummaryForm.objects.get(pk=submitted[0].pk).declaration_no == NUMBER


def test_an_upload_that_is_not_xml_is_refused(reviewer_client, submitted):
    upload = SimpleUploadedFile("r.pdf", b"%PDF-1.4 ...", "application/pdf")
    response = reviewer_client.post(URL, {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert not SummaryResult.objects.exists()


def test_the_upload_shows_why_a_file_was_refused(reviewer_client):
    upload = SimpleUploadedFile("r.xml", OFFICIAL_SAMPLE.read_bytes(), "application/xml")
    response = reviewer_client.post(URL, {"file": upload})
    assert response.status_code == 200
    assert "gseqno" in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "trader", "risk_officer"])
def test_only_reviewers_upload(
    client, otp_client_factory, staff_factory, trader_factory, shop, submitted, who
):
    if who == "trader":
        client.force_login(trader_factory(shop))
    elif who == "risk_officer":
        client = otp_client_factory(staff_factory("risk_officer"))
    upload = SimpleUploadedFile(
        "r.xml", result_message((submitted[0], {"entryId": NUMBER})), "application/xml"
    )
    client.post(URL, {"file": upload})
    assert not SummaryResult.objects.exists()


def test_the_trader_sees_the_result_on_the_form(client, trader_factory, shop, submitted):
    summary_result_import(body=result_message((submitted[0], {"entryId": NUMBER})))
    client.force_login(trader_factory(shop))
    page = client.get(reverse("summaries:form_detail", args=[submitted[0].pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert NUMBER in text and 'data-testid="summary-result"' in text
