"""The enterprise information page's "at a glance" figures and its list of waiting items.

Read-only queries on other parts' models (authorizations, declaration lists, summaries), each
scoped to the asking enterprise and aggregated in the database (one query per block).
"""

from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from . import selectors
from .models import AnnualReportStatus, QuestionStatus


def _url(name, *args, fallback=""):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def _status_counts(qs, model) -> list[tuple[str, int]]:
    labels = dict(model._meta.get_field("status").choices or [])
    rows = qs.values("status").annotate(n=Count("pk")).order_by("status")
    return [(str(labels.get(r["status"], r["status"])), r["n"]) for r in rows]


def enterprise_glance(*, enterprise, user) -> dict:
    from registration.models import EnterpriseStatus

    waiting: list[dict] = []
    from .services import annual_report_year

    year = annual_report_year()
    report = selectors.annual_report_for(enterprise=enterprise, year=year)
    if report is None or report.status == AnnualReportStatus.RETURNED:
        waiting.append(
            {
                "label": _("Annual report for %(year)s to submit") % {"year": year}
                if report is None
                else _("Annual report for %(year)s returned for correction") % {"year": year},
                "count": 1,
                "link": reverse("cooperation:annual_report"),
            }
        )
    if enterprise.status == EnterpriseStatus.CORRECTIONS_REQUESTED:
        waiting.append(
            {
                "label": _("Registration corrections asked by customs"),
                "count": 1,
                "link": _url("registration:status"),
            }
        )

    clearance_error_count = selectors.clearance_errors(enterprise=enterprise).count()
    returned = selectors.clearance_errors(enterprise=enterprise).filter(status="returned").count()
    if returned:
        waiting.append(
            {
                "label": _("Returned declaration lists to correct"),
                "count": returned,
                "link": reverse("cooperation:clearance_errors"),
            }
        )

    from django.db.models import Q

    from authorization.models import Authorization
    from declarations.summaries.models import SummaryForm

    qs = Authorization.objects.filter(Q(principal=enterprise) | Q(agent=enterprise))
    authorization_counts = _status_counts(qs, Authorization)
    supplement = qs.filter(status="supplement_requested").count()
    if supplement:
        waiting.append(
            {
                "label": _("Authorizations needing supplementary materials"),
                "count": supplement,
                "link": _url("authorization:list"),
            }
        )

    # requests the other party started: this enterprise's confirmation is what they wait for
    to_confirm = qs.filter(status="awaiting_confirmation").filter(
        Q(principal=enterprise, initiated_by="agent") | Q(agent=enterprise, initiated_by="principal")
    )
    confirm_pks = list(to_confirm.values_list("pk", flat=True)[:2])
    if confirm_pks:
        single = len(confirm_pks) == 1
        waiting.append(
            {
                "label": _("Authorizations waiting for your confirmation"),
                "count": 1 if single else to_confirm.count(),
                "link": _url("authorization:confirm", confirm_pks[0])
                if single
                else _url("authorization:list") + "?status=awaiting_confirmation",
            }
        )

    summary_counts = _status_counts(SummaryForm.objects.filter(enterprise=enterprise), SummaryForm)

    answered = selectors.questions_for(enterprise=enterprise).filter(status=QuestionStatus.ANSWERED).count()
    if answered:
        waiting.append(
            {
                "label": _("Questions answered by customs"),
                "count": answered,
                "link": reverse("cooperation:questions"),
            }
        )
    unread_notices = selectors.unread_notice_count(enterprise=enterprise, user=user)
    if unread_notices:
        waiting.append(
            {
                "label": _("New policy notices"),
                "count": unread_notices,
                "link": reverse("cooperation:notices"),
            }
        )

    return {
        "waiting": waiting,
        "clearance_error_count": clearance_error_count,
        "authorization_counts": authorization_counts,
        "summary_counts": summary_counts,
        "unread_notices": unread_notices,
    }
