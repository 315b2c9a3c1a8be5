"""Reads for monthly summaries, always scoped to the asking enterprise.

An e-commerce enterprise sees its own forms; a customs broker sees the forms of every
e-commerce enterprise that has authorized it for export today (domain: an agent declares for
a principal only under an approved authorization valid on that day).
"""

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from declarations.models import Inventory
from registration.models import Enterprise

from .models import REVIEW_STATUSES, SummaryForm, SummaryStatistic, SummaryStatus


def principals_for(*, enterprise: Enterprise, on_date: dt.date | None = None) -> QuerySet[Enterprise]:
    """The enterprises whose summaries ``enterprise`` may see: itself and its export principals."""
    from authorization.models import Authorization, AuthorizationStatus, Scope

    on_date = on_date or timezone.localdate()
    principal_ids = Authorization.objects.filter(
        agent=enterprise,
        status=AuthorizationStatus.APPROVED,
        scope__in=[Scope.EXPORT, Scope.BOTH],
        valid_from__lte=on_date,
        valid_to__gte=on_date,
    ).values("principal_id")
    return Enterprise.objects.filter(Q(pk=enterprise.pk) | Q(pk__in=principal_ids)).order_by("name")


def summary_forms_for(*, enterprise: Enterprise) -> QuerySet[SummaryForm]:
    return SummaryForm.objects.filter(enterprise__in=principals_for(enterprise=enterprise)).select_related(
        "enterprise", "owner_enterprise", "submitted_by"
    )


def month_forms(*, principal: Enterprise, month: dt.date) -> QuerySet[SummaryForm]:
    return SummaryForm.objects.filter(enterprise=principal, month=month).order_by("number")


def month_statistics(*, principal: Enterprise, month: dt.date) -> QuerySet[SummaryStatistic]:
    return SummaryStatistic.objects.filter(enterprise=principal, month=month)


def months_with_forms(*, principal: Enterprise) -> list[dict]:
    """One row per month with forms: counts per status, for the month list."""
    return list(
        SummaryForm.objects.filter(enterprise=principal)
        .values("month")
        .annotate(
            forms=Count("id"),
            drafts=Count("id", filter=Q(status=SummaryStatus.DRAFT)),
            returned=Count("id", filter=Q(status=SummaryStatus.RETURNED)),
            waiting=Count("id", filter=Q(status__in=REVIEW_STATUSES)),
            accepted=Count("id", filter=Q(status=SummaryStatus.ACCEPTED)),
            total=Sum("total_price"),
        )
        .order_by("-month")
    )


def form_inventories(*, form: SummaryForm) -> QuerySet[Inventory]:
    return Inventory.objects.filter(summary_link__form=form).order_by("invt_no")
