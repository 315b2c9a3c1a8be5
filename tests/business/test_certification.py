"""Credit certification (认证): apply with the self-assessment and reports, customs asks for more,
visits, decides; the rating changes from its effective date; re-certification reminders."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from customs_portal import texts
from customs_portal.errors import ApplicationError
from notifications.models import Notification
from registration.cooperation.business.certification import (
    certification_apply,
    certification_decide,
    certification_request_more,
    certification_resubmit,
    certification_visit_record,
    rating_changes_apply,
)
from registration.cooperation.business.models import CertificationApplication, RatingChange
from registration.models import Enterprise
from reminders.kinds import Context, validity

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="audit-2025.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def apply(enterprise, actor, sections, **extra):
    data = {
        "enterprise": enterprise,
        "actor": actor,
        "requested_rating": "advanced",
        "answers": {s.pk: (True, f"Yes: {s.title_en}") for s in sections},
        "files": [pdf()],
    }
    data.update(extra)
    return certification_apply(**data)


def test_trader_applies_in_the_browser_with_every_section_answered(trader_client, enterprise, sections):
    form = trader_client.get(
        "/cooperation/certification/apply/", HTTP_ACCEPT_LANGUAGE="zh-CN"
    ).content.decode()
    assert "内部控制" in form and "说明如何复核申报。" in form
    data = {"requested_rating": "advanced", "reports": [pdf()]}
    for s in sections:
        data[f"meets_{s.pk}"] = "on"
        data[f"explain_{s.pk}"] = f"我们的{s.title_zh}"
    response = trader_client.post("/cooperation/certification/apply/", data)
    application = CertificationApplication.objects.get(enterprise=enterprise)
    assert response.status_code == 302
    assert application.answers.count() == 2 and application.reports.count() == 1
    assert application.status == "submitted" and application.history.count() == 1


def test_an_incomplete_self_assessment_or_no_report_is_refused_with_nothing_saved(
    trader_client, enterprise, trader, sections
):
    with pytest.raises(ApplicationError) as exc:
        apply(enterprise, trader, sections, answers={sections[0].pk: (True, "ok")})
    from django.utils import translation

    with translation.override("en"):  # named in the reader's language
        assert exc.value.code == "assessment_incomplete" and "Financial standing" in str(exc.value)
    with pytest.raises(ApplicationError) as exc:
        apply(enterprise, trader, sections, files=[])
    assert exc.value.code == "reports_required"
    response = trader_client.post(
        "/cooperation/certification/apply/", {"requested_rating": "advanced"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert CertificationApplication.objects.count() == 0


def test_one_open_application_per_enterprise(enterprise, trader, sections):
    apply(enterprise, trader, sections)
    with pytest.raises(ApplicationError) as exc:
        apply(enterprise, trader, sections)
    assert exc.value.code == "application_open"


def test_more_requested_visit_recorded_granted_and_rating_changes_with_history(
    trader_client, enterprise, trader, reviewer, sections
):
    application = apply(enterprise, trader, sections)
    certification_request_more(application=application, reviewer=reviewer, note="Add the 2025 audit report.")
    assert Notification.objects.filter(user=trader, kind="certification").count() == 1
    with pytest.raises(ApplicationError):  # nothing sent
        certification_resubmit(application=application, actor=trader, response=" ")
    certification_resubmit(
        application=application, actor=trader, response="Attached.", files=[pdf("audit.pdf")]
    )
    visit_day = timezone.localdate() - dt.timedelta(days=1)
    certification_visit_record(
        application=application, reviewer=reviewer, visited_on=visit_day, officers="王强, 李娜", findings="OK"
    )
    today = timezone.localdate()
    application = certification_decide(
        application=application,
        reviewer=reviewer,
        grant=True,
        effective_date=today,
        valid_until=today + dt.timedelta(days=3 * 365),
    )
    assert application.status == "granted"
    assert Enterprise.objects.get(pk=enterprise.pk).credit_rating == "advanced"
    change = RatingChange.objects.get(enterprise=enterprise)
    assert change.from_rating == "general" and change.to_rating == "advanced" and change.applied
    page = trader_client.get("/cooperation/certification/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Advanced certified enterprise" in page and today.isoformat() in page
    detail = trader_client.get(f"/cooperation/certification/{application.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    html = detail.content.decode()
    assert "王强, 李娜" in html and "Add the 2025 audit report." in html
    assert application.history.count() == 5  # applied, asked, resubmitted, visited, granted
    note = Notification.objects.filter(user=trader, kind="certification").order_by("-pk").first()
    assert "高级认证企业" in texts.render(note.title, "zh-hans")


def test_a_later_effective_date_changes_the_rating_only_from_that_day(enterprise, trader, reviewer, sections):
    application = apply(enterprise, trader, sections)
    today = timezone.localdate()
    certification_decide(
        application=application, reviewer=reviewer, grant=True, effective_date=today + dt.timedelta(days=10)
    )
    assert Enterprise.objects.get(pk=enterprise.pk).credit_rating == "general"
    assert rating_changes_apply(today=today + dt.timedelta(days=9)) == 0
    assert rating_changes_apply(today=today + dt.timedelta(days=10)) == 1
    assert Enterprise.objects.get(pk=enterprise.pk).credit_rating == "advanced"
    assert rating_changes_apply(today=today + dt.timedelta(days=11)) == 0  # once


def test_refusal_needs_reasons_and_a_visit_cannot_be_in_the_future(enterprise, trader, reviewer, sections):
    application = apply(enterprise, trader, sections)
    with pytest.raises(ApplicationError):
        certification_decide(application=application, reviewer=reviewer, grant=False)
    with pytest.raises(ApplicationError):
        certification_visit_record(
            application=application,
            reviewer=reviewer,
            visited_on=timezone.localdate() + dt.timedelta(days=2),
            officers="王强",
        )
    certification_decide(
        application=application, reviewer=reviewer, grant=False, note="Audit report missing."
    )
    assert Enterprise.objects.get(pk=enterprise.pk).credit_rating == "general"
    with pytest.raises(ApplicationError):  # decided: no second decision
        certification_decide(application=application, reviewer=reviewer, grant=True)


def test_recertification_reminders_90_30_7_days_before_it_lapses(enterprise, trader, reviewer, sections):
    application = apply(enterprise, trader, sections)
    today = timezone.localdate()
    lapse = today + dt.timedelta(days=400)
    certification_decide(application=application, reviewer=reviewer, grant=True, valid_until=lapse)

    def stages(day):
        return [d.stage for d in validity(Context(day)) if d.subject.startswith("CERT-")]

    assert stages(lapse - dt.timedelta(days=91)) == []
    assert stages(lapse - dt.timedelta(days=90)) == ["D-90"]
    assert stages(lapse - dt.timedelta(days=20)) == ["D-30"]
    assert stages(lapse - dt.timedelta(days=7)) == ["D-7"]
    assert stages(lapse + dt.timedelta(days=1)) == ["EXPIRED"]
    due = [d for d in validity(Context(lapse - dt.timedelta(days=7))) if d.subject.startswith("CERT-")][0]
    assert "高级认证企业" in texts.render(due.title, "zh-hans")


def test_reviewer_takes_each_step_in_admin(reviewer_client, enterprise, trader, sections):
    application = apply(enterprise, trader, sections)
    url = f"/admin/business/certificationapplication/{application.pk}/change/"
    assert reviewer_client.get(url).status_code == 200
    reviewer_client.post(
        url, {"step": "visit", "visited_on": timezone.localdate().isoformat(), "officers": "王强"}
    )
    assert application.visits.count() == 1
    reviewer_client.post(url, {"step": "grant", "effective_date": timezone.localdate().isoformat()})
    assert CertificationApplication.objects.get(pk=application.pk).status == "granted"
    assert reviewer_client.get("/admin/business/assessmentsection/").status_code == 200


# --- tenant rules -------------------------------------------------------------------------------
def test_another_enterprise_sees_nothing_of_the_application(
    client, enterprise, other_enterprise, trader, trader_factory, sections
):
    application = apply(enterprise, trader, sections)
    report = application.reports.get()
    client.force_login(trader_factory(other_enterprise))
    assert client.get(f"/cooperation/certification/{application.pk}/").status_code == 404
    assert client.post(f"/cooperation/certification/{application.pk}/", {"response": "x"}).status_code == 404
    assert client.get(f"/cooperation/certification/reports/{report.pk}/").status_code == 404
    assert "Yes: Internal control" not in client.get("/cooperation/certification/").content.decode()


@pytest.mark.parametrize(
    "path",
    ["/cooperation/certification/", "/cooperation/certification/apply/", "/cooperation/certification/1/"],
)
def test_certification_pages_need_a_member_of_an_approved_enterprise(
    client, path, enterprise_factory, trader_factory, staff_factory
):
    assert client.get(path).status_code == 302
    client.force_login(staff_factory("reviewer"))
    assert client.get(path).status_code == 403
    client.force_login(trader_factory(enterprise_factory(approved=False)))
    assert client.get(path).status_code == 302


def test_reports_for_staff_need_the_second_factor_and_the_role(
    client, enterprise, trader, sections, reviewer_client, staff_factory, otp_client_factory
):
    application = apply(enterprise, trader, sections)
    url = f"/cooperation/certification/reports/{application.reports.get().pk}/"
    client.force_login(staff_factory("reviewer"))
    assert client.get(url).status_code == 403
    assert otp_client_factory(staff_factory("risk_officer")).get(url).status_code == 403
    assert reviewer_client.get(url).status_code == 200
