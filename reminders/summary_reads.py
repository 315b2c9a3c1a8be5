"""Read-only queries on the declarations and summaries parts, for the summary deadline.

Who owes a monthly summary: the consignor (e-commerce enterprise) of every declaration list
released in the month, except lists counted in summary statistics only (statistics flag A,
domain rule 8). Once the summaries part records the month's summary as declared, that
enterprise is resolved and its reminders stop.
"""

import datetime as dt

from declarations.summaries.models import SummaryForm, SummaryStatus
from registration.models import Enterprise

# the summary statuses that mean "declared to customs": reminders stop (a draft is not
# declared yet, a returned form is owed again)
DONE_STATUSES = (SummaryStatus.SUBMITTED, SummaryStatus.ACCEPTED, SummaryStatus.RESUBMITTED)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def enterprise_summaries(enterprise):
    return SummaryForm.objects.filter(enterprise=enterprise)


def _declared_enterprises(period: dt.date):
    """Enterprises whose every summary form for ``period`` is declared."""
    forms = SummaryForm.objects.filter(month__gte=period, month__lt=_next_month(period))
    pending = forms.exclude(status__in=DONE_STATUSES).values("enterprise_id")
    return forms.filter(status__in=DONE_STATUSES).exclude(enterprise_id__in=pending).values("enterprise_id")


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
        .filter(duty_form__isnull=True)  # tax-related lists are declared on forms of their own
        .values("ebc_enterprise_id")
    )
    qs = Enterprise.objects.filter(pk__in=ids).exclude(pk__in=_declared_enterprises(period))
    return list(qs.order_by("pk").values_list("pk", "customs_code"))
