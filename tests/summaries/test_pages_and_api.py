"""Trader pages, the API and the reviewers' admin: who sees what, and the moves through them."""

import datetime as dt

import pytest
from django.urls import reverse

from declarations.summaries.models import SummaryForm, SummaryStatus
from declarations.summaries.services import summary_form_submit, summary_month_build

from .factories import listed

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)
NUMBER = "223320261000012345"


@pytest.fixture
def form(exporter):
    listed(exporter)
    listed(exporter, flag="A")
    summary_month_build(enterprise=exporter, month=OCT)
    return SummaryForm.objects.get()


@pytest.fixture
def exporter_client(client, exporter_user):
    client.force_login(exporter_user)
    return client


@pytest.fixture
def outsider_client(client, other_enterprise, trader_factory):
    client.force_login(trader_factory(other_enterprise))
    return client


def page_urls(form):
    return [
        reverse("summaries:overview") + "?month=2026-10",
        reverse("summaries:month_csv") + "?month=2026-10",
        reverse("summaries:month_json") + "?month=2026-10",
        reverse("summaries:form_detail", args=[form.pk]),
        reverse("summaries:form_pdf", args=[form.pk]),
        reverse("summaries:form_ceb701", args=[form.pk]),
    ]


def test_the_exporter_sees_the_month_forms_lines_and_statistics(exporter_client, form):
    page = exporter_client.get(reverse("summaries:overview") + "?month=2026-10", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "2026-11-16" in html and str(form) in html
    assert html.count('data-testid="summary-form"') == 1 and html.count('data-testid="statistic"') == 1
    detail = exporter_client.get(reverse("summaries:form_detail", args=[form.pk]))
    assert detail.status_code == 200
    assert detail.content.decode().count('data-testid="line"') == 1
    assert 'data-testid="submit-form"' in detail.content.decode()


def test_the_live_preview_merges_this_months_departed_lists_without_saving(exporter_client, exporter):
    from django.utils import timezone

    today = timezone.localdate()
    listed(exporter, released=today.replace(day=1).isoformat())
    page = exporter_client.get(reverse("summaries:overview"))
    assert page.status_code == 200
    assert 'data-testid="preview"' in page.content.decode()
    assert not SummaryForm.objects.filter(month=today.replace(day=1)).exists()


def test_the_exporter_submits_and_resubmits_through_the_pages(exporter_client, form, reviewer):
    from declarations.summaries.services import summary_form_return

    check = exporter_client.get(reverse("summaries:form_submit", args=[form.pk]))
    state = check.context["state"]
    response = exporter_client.post(reverse("summaries:form_submit", args=[form.pk]), {"state": state})
    assert response.status_code == 302
    form = SummaryForm.objects.get()
    assert form.status == SummaryStatus.SUBMITTED
    again = exporter_client.post(
        reverse("summaries:form_submit", args=[form.pk]), {"state": state}, follow=True
    )
    assert again.status_code == 200 and list(again.context["messages"])  # told it is not possible any more
    summary_form_return(form=form, actor=reviewer, reason="wrong port")
    exporter_client.post(reverse("summaries:form_resubmit", args=[form.pk]), {"note": "port fixed"})
    assert SummaryForm.objects.get().status == SummaryStatus.RESUBMITTED


def test_downloads(exporter_client, form, exporter_user):
    csv = exporter_client.get(reverse("summaries:month_csv") + "?month=2026-10")
    assert csv.status_code == 200 and b"8518220000" in csv.content
    pdf = exporter_client.get(reverse("summaries:form_pdf", args=[form.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    draft_xml = exporter_client.get(reverse("summaries:form_ceb701", args=[form.pk]))
    assert draft_xml.status_code == 302  # a draft has no CEB701 yet
    summary_form_submit(form=form, actor=exporter_user)
    xml = exporter_client.get(reverse("summaries:form_ceb701", args=[form.pk]))
    assert xml.status_code == 200 and b"CEB701Message" in xml.content


def test_another_enterprise_finds_nothing(outsider_client, form):
    for url in page_urls(form)[3:]:
        assert outsider_client.get(url).status_code == 404, url
    for name in ("summaries:form_submit", "summaries:form_resubmit"):
        assert outsider_client.post(reverse(name, args=[form.pk])).status_code == 404
    page = outsider_client.get(reverse("summaries:overview") + "?month=2026-10")
    assert 'data-testid="summary-form"' not in page.content.decode()
    assert (
        outsider_client.get(reverse("summaries:overview") + f"?for={form.enterprise_id}").status_code == 404
    )
    assert (
        outsider_client.get(reverse("summaries:month_csv") + f"?for={form.enterprise_id}").status_code == 404
    )
    assert SummaryForm.objects.get().status == SummaryStatus.DRAFT


def test_anonymous_is_sent_to_sign_in(client, form):
    for url in page_urls(form):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    response = client.post(reverse("summaries:form_submit", args=[form.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_broker_declares_only_under_a_valid_authorization(
    client, form, exporter, broker, trader_factory, authorize
):
    client.force_login(trader_factory(broker))
    detail = reverse("summaries:form_detail", args=[form.pk])
    assert client.get(detail).status_code == 404
    assert client.post(reverse("summaries:form_submit", args=[form.pk])).status_code == 404
    authorization = authorize(principal=exporter, agent=broker)
    assert client.get(detail).status_code == 200
    overview = client.get(reverse("summaries:overview") + f"?month=2026-10&for={exporter.pk}")
    assert overview.status_code == 200 and str(form) in overview.content.decode()
    state = client.get(reverse("summaries:form_submit", args=[form.pk])).context["state"]
    client.post(reverse("summaries:form_submit", args=[form.pk]), {"state": state})
    form = SummaryForm.objects.get()
    assert form.status == SummaryStatus.SUBMITTED and form.submitted_by == broker
    type(authorization).objects.filter(pk=authorization.pk).update(
        valid_from=dt.date(2019, 1, 1), valid_to=dt.date(2020, 1, 1)
    )
    assert client.get(detail).status_code == 404  # expired: the broker no longer sees it


# --- API -------------------------------------------------------------------------------
def test_api_month_has_the_export_shape(api_client_for, exporter, form):
    response = api_client_for(exporter).get("/api/v1/summaries/?month=2026-10")
    assert response.status_code == 200
    data = response.json()
    assert data["month"] == "2026-10" and data["deadline"] == "2026-11-16"
    assert [f["id"] for f in data["forms"]] == [form.pk] and len(data["statistics"]) == 1
    assert api_client_for(exporter).get("/api/v1/summaries/?month=nope").status_code == 400
    deadline = api_client_for(exporter).get("/api/v1/summaries/deadline/?month=2026-01")
    assert deadline.json() == {"month": "2026-01", "deadline": "2026-02-24"}


def test_api_submit_then_ceb701(api_client_for, exporter, form):
    api = api_client_for(exporter)
    assert api.get(f"/api/v1/summaries/forms/{form.pk}/").json()["status"] == "draft"
    assert api.get(f"/api/v1/summaries/forms/{form.pk}/ceb701/").status_code == 400
    response = api.post(f"/api/v1/summaries/forms/{form.pk}/submit/")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    again = api.post(f"/api/v1/summaries/forms/{form.pk}/submit/")
    assert again.status_code == 400 and again.json()["code"] == "invalid_transition"
    xml = api.get(f"/api/v1/summaries/forms/{form.pk}/ceb701/")
    assert xml.status_code == 200 and xml["Content-Type"].startswith("application/xml")
    history = SummaryForm.objects.get().history.get()
    assert history.actor is None and exporter.customs_code in history.actor_label


def test_api_other_enterprise_404_and_anonymous_401(api_client_for, other_enterprise, exporter, form):
    from rest_framework.test import APIClient

    api = api_client_for(other_enterprise)
    for url in (f"/api/v1/summaries/forms/{form.pk}/", f"/api/v1/summaries/forms/{form.pk}/ceb701/"):
        assert api.get(url).status_code == 404
    for url in (f"/api/v1/summaries/forms/{form.pk}/submit/", f"/api/v1/summaries/forms/{form.pk}/resubmit/"):
        assert api.post(url).status_code == 404
    assert api.get(f"/api/v1/summaries/?month=2026-10&enterprise={exporter.customs_code}").status_code == 404
    assert api.get("/api/v1/summaries/?month=2026-10").json()["forms"] == []
    anonymous = APIClient()
    for url in (
        "/api/v1/summaries/?month=2026-10",
        "/api/v1/summaries/deadline/?month=2026-10",
        f"/api/v1/summaries/forms/{form.pk}/",
        f"/api/v1/summaries/forms/{form.pk}/ceb701/",
    ):
        assert anonymous.get(url).status_code == 401, url
    assert anonymous.post(f"/api/v1/summaries/forms/{form.pk}/submit/").status_code == 401
    assert SummaryForm.objects.get().status == SummaryStatus.DRAFT


def test_api_broker_with_authorization_sees_the_principal(api_client_for, broker, exporter, form, authorize):
    authorize(principal=exporter, agent=broker)
    api = api_client_for(broker)
    data = api.get(f"/api/v1/summaries/?month=2026-10&enterprise={exporter.customs_code}").json()
    assert [f["id"] for f in data["forms"]] == [form.pk]
    assert api.post(f"/api/v1/summaries/forms/{form.pk}/submit/").status_code == 200


# --- admin -----------------------------------------------------------------------------
def test_reviewer_queue_accept_with_number_and_return_with_reason(reviewer_client, exporter, exporter_user):
    listed(exporter)
    listed(exporter, country="303")
    summary_month_build(enterprise=exporter, month=OCT)
    first, second = (
        summary_form_submit(form=f, actor=exporter_user) for f in SummaryForm.objects.order_by("number")
    )
    queue = reviewer_client.get(reverse("admin:summaries_summaryform_changelist"))
    assert queue.status_code == 200 and str(first) in queue.content.decode()
    change = reviewer_client.get(reverse("admin:summaries_summaryform_change", args=[first.pk]))
    assert reverse("admin:summaries_summaryform_accept", args=[first.pk]) in change.content.decode()
    bad = reviewer_client.post(
        reverse("admin:summaries_summaryform_accept", args=[first.pk]), {"declaration_no": "12"}
    )
    assert bad.status_code == 200 and SummaryForm.objects.get(pk=first.pk).status == SummaryStatus.SUBMITTED
    reviewer_client.post(
        reverse("admin:summaries_summaryform_accept", args=[first.pk]), {"declaration_no": NUMBER}
    )
    reviewer_client.post(
        reverse("admin:summaries_summaryform_return", args=[second.pk]), {"reason": "wrong port"}
    )
    first, second = SummaryForm.objects.order_by("number")
    assert (first.status, first.declaration_no) == (SummaryStatus.ACCEPTED, NUMBER)
    assert (second.status, second.return_reason) == (SummaryStatus.RETURNED, "wrong port")
    # the second reviewer, a moment late, is told and changes nothing
    late = reviewer_client.post(
        reverse("admin:summaries_summaryform_return", args=[first.pk]), {"reason": "late"}, follow=True
    )
    from django.contrib import messages

    assert [m.level for m in late.context["messages"]][-1] == messages.ERROR
    assert SummaryForm.objects.get(pk=first.pk).status == SummaryStatus.ACCEPTED


def test_reviewers_filter_overdue_forms(reviewer_client, form):
    from unittest import mock

    url = reverse("admin:summaries_summaryform_changelist") + "?queue=all&overdue=yes"
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, 11, 17)):
        assert str(form) in reviewer_client.get(url).content.decode()
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, 11, 16)):
        assert f">{form}<" not in reviewer_client.get(url).content.decode()


def test_traders_and_anonymous_cannot_reach_the_admin_queue(client, exporter_client, form):
    url = reverse("admin:summaries_summaryform_accept", args=[form.pk])
    assert exporter_client.get(url).status_code == 302
    assert client.get(url).status_code == 302
    assert client.post(url, {"declaration_no": NUMBER}).status_code == 302
    assert SummaryForm.objects.get().status == SummaryStatus.DRAFT


def test_a_month_whose_deadline_year_is_unknown_says_how_to_add_the_calendar(exporter_client):
    page = exporter_client.get(reverse("summaries:overview") + "?month=2026-12", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "2027" in page.content.decode()
    assert exporter_client.get(reverse("summaries:overview") + "?month=2026-13").status_code == 404


def test_declaring_goes_through_a_check_page_showing_what_will_be_sent(exporter_client, form):
    url = reverse("summaries:form_submit", args=[form.pk])
    check = exporter_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert check.status_code == 200
    html = check.content.decode()
    assert SummaryForm.objects.get().status == SummaryStatus.DRAFT  # looking is not declaring
    assert f'data-testid="check-lines">{form.line_count}<' in html
    assert f'data-testid="check-inventories">{form.inventory_count}<' in html
    assert f"{form.total_price:.2f}" in html
    assert "legal responsibility" in html and 'name="csrfmiddlewaretoken"' in html
    assert html.count('data-testid="check-line"') == form.line_count


def test_a_declaration_from_a_stale_check_page_is_refused(exporter_client, form):
    url = reverse("summaries:form_submit", args=[form.pk])
    state = exporter_client.get(url).context["state"]
    SummaryForm.objects.filter(pk=form.pk).update(total_price=form.total_price + 1)  # rebuilt meanwhile
    refused = exporter_client.post(url, {"state": state}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert SummaryForm.objects.get().status == SummaryStatus.DRAFT
    assert "changed after you checked it" in refused.content.decode()
    blind = exporter_client.post(url, follow=True)  # no check page at all
    assert SummaryForm.objects.get().status == SummaryStatus.DRAFT and list(blind.context["messages"])


def test_the_submitted_status_reads_as_declared_in_chinese(exporter_client, form, exporter_user):
    summary_form_submit(form=form, actor=exporter_user)
    page = exporter_client.get(
        reverse("summaries:form_detail", args=[form.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    html = page.content.decode()
    assert "已申报" in html and "提交时间" not in html


def test_a_month_with_nothing_to_declare_is_never_shown_overdue(exporter_client):
    from django.utils import timezone

    page = exporter_client.get(reverse("summaries:overview") + "?month=2026-10", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200 and "2026-11-16" in html
    assert "overdue" not in html and 'class="overdue"' not in html
    if timezone.localdate() > dt.date(2026, 11, 16):
        assert "nothing to declare for this month" in html


def test_a_draft_form_past_its_deadline_is_shown_overdue(exporter_client, form):
    from django.utils import timezone

    if timezone.localdate() <= dt.date(2026, 11, 16):
        pytest.skip("the October deadline has not passed yet")
    html = exporter_client.get(
        reverse("summaries:overview") + "?month=2026-10", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "days overdue" in html or "day overdue" in html
