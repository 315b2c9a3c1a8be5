"""Reads for traders and platforms, always scoped to the asking enterprise."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import IntakeRejection, Inventory

# The parties whose lists a trader sees in the browser, and a platform when it polls.
PAGE_PARTIES = ("ebc_enterprise", "agent_enterprise", "owner_enterprise", "ebp_enterprise")
API_PARTIES = PAGE_PARTIES + ("logistics_enterprise",)


def _party_filter(enterprise, parties) -> Q:
    condition = Q()
    for name in parties:
        condition |= Q(**{name: enterprise})
    return condition


def inventory_list(*, enterprise, parties=PAGE_PARTIES, status="", date_from=None, date_to=None, order_no=""):
    qs = Inventory.objects.filter(_party_filter(enterprise, parties))
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(received_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(received_at__date__lte=date_to)
    if order_no:
        qs = qs.filter(order_no=order_no)
    return qs.order_by("-received_at", "-pk")


def inventory_get(*, enterprise, pk, parties=PAGE_PARTIES) -> Inventory:
    """One list the enterprise is a party to, or 404."""
    return get_object_or_404(
        Inventory.objects.filter(_party_filter(enterprise, parties)).prefetch_related(
            "lines", "history__actor"
        ),
        pk=pk,
    )


def intake_rejections(*, enterprise):
    """The entries this enterprise sent that were refused at intake."""
    return IntakeRejection.objects.filter(sender=enterprise).order_by("-pk")


def returned_inventories(*, enterprise):
    """Lists of this enterprise that customs returned or rejected, with their reasons."""
    return (
        Inventory.objects.filter(_party_filter(enterprise, PAGE_PARTIES))
        .filter(status__in=["returned", "rejected"])
        .order_by("-updated_at", "-pk")
    )


def reasons_by_field(reasons) -> list[tuple[str, str]]:
    """A list's return reasons as (field, reason) pairs, whatever shape they were stored in."""
    pairs = []
    for reason in reasons or []:
        if isinstance(reason, dict):
            pairs.append(
                (str(reason.get("field", "")), str(reason.get("reason") or reason.get("message") or ""))
            )
        else:
            pairs.append(("", str(reason)))
    return pairs
