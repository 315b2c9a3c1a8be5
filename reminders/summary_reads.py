"""Read-only queries on the declarations and summaries parts, for the summary deadline.

Who owes a monthly summary: the consignor (e-commerce enterprise) of every declaration list
released in the month, except lists counted in summary statistics only (statistics flag A,
domain rule 8). Once the summaries part records the month's summary as declared, that
enterprise is resolved and its reminders stop.
"""

import datetime as dt

from django.apps import apps
from django.db.models import Q

from registration.models import Enterprise

# the summary statuses that mean "declared to customs": reminders stop
DONE_STATUSES = {
    "declared",
    "submitted",
    "resubmitted",
    "accepted",
    "approved",
    "cleared",
    "released",
    "completed",
    "filed",
}


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _summary_model():
    try:
        return apps.get_model("summaries", "SummaryForm")
    except LookupError:
        return None


def _enterprise_field(model) -> str | None:
    """The summary's enterprise: its one foreign key to Enterprise (preferring the consignor)."""
    fks = [
        f.name
        for f in model._meta.get_fields()
        if getattr(f, "many_to_one", False) and getattr(f, "related_model", None) is Enterprise
    ]
    for preferred in ("ebc_enterprise", "enterprise", "consignor"):
        if preferred in fks:
            return preferred
    return fks[0] if len(fks) == 1 else None


def _period_q(model, period: dt.date) -> Q | None:
    names = {f.name for f in model._meta.get_fields()}
    for name in ("period", "month", "period_start"):
        if name in names:
            field = model._meta.get_field(name)
            if field.get_internal_type() == "DateField":
                return Q(**{f"{name}__gte": period, f"{name}__lt": _next_month(period)})
            return Q(**{name: period.strftime("%Y-%m")})
    if {"year", "month"} <= names:
        return Q(year=period.year, month=period.month)
    return None


def enterprise_summaries(enterprise):
    SummaryForm = _summary_model()
    field = _enterprise_field(SummaryForm) if SummaryForm is not None else None
    if field is None:
        return SummaryForm.objects.none() if SummaryForm is not None else []
    return SummaryForm.objects.filter(**{field: enterprise})


def _declared_enterprises(period: dt.date):
    """Enterprises whose summary for ``period`` is declared, or None if that cannot be told."""
    SummaryForm = _summary_model()
    if SummaryForm is None:
        return None
    field, period_q = _enterprise_field(SummaryForm), _period_q(SummaryForm, period)
    if field is None or period_q is None:
        return None
    forms = SummaryForm.objects.filter(period_q)
    pending = forms.exclude(status__in=DONE_STATUSES).values(f"{field}_id")
    return (
        forms.filter(status__in=DONE_STATUSES).exclude(**{f"{field}_id__in": pending}).values(f"{field}_id")
    )


def pending_summaries(*, period: dt.date) -> list[tuple[int, str]]:
    """(enterprise id, customs code) of every enterprise that owes the summary for ``period``."""
    from declarations.models import Inventory, InventoryStatus

    ids = (
        Inventory.objects.filter(
            status__in=[InventoryStatus.RELEASED, InventoryStatus.DEPARTED],
            released_at__date__gte=period,
            released_at__date__lt=_next_month(period),
        )
        .exclude(statistics_flag="A")
        .values("ebc_enterprise_id")
    )
    qs = Enterprise.objects.filter(pk__in=ids)
    declared = _declared_enterprises(period)
    if declared is not None:
        qs = qs.exclude(pk__in=declared)
    return list(qs.order_by("pk").values_list("pk", "customs_code"))
