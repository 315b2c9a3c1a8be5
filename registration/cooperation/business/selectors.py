"""Reads of customs business online, always scoped to the asking enterprise."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import ClearanceErrorContest, ContestAttachment, ContestStatus

ERROR_STATUSES = ("returned", "rejected")


def error_log_entries(*, enterprise):
    """The declaration lists of this enterprise's clearance error log (as the log shows them)."""
    from declarations.models import Inventory

    return Inventory.objects.filter(Q(sender=enterprise) | Q(ebc_enterprise=enterprise)).filter(
        status__in=ERROR_STATUSES
    )


def error_log_entry(*, enterprise, pk: int):
    """One entry of the enterprise's error log; any other list is 404."""
    return get_object_or_404(
        error_log_entries(enterprise=enterprise).only(
            "pk", "invt_no", "cop_no", "order_no", "status", "return_reasons", "updated_at"
        ),
        pk=pk,
    )


def corrected_entries():
    """Subquery of the declaration lists whose clearance error customs upheld a contest of."""
    return ClearanceErrorContest.objects.filter(status=ContestStatus.UPHELD).values("inventory_id")


def contests_for(*, enterprise):
    return ClearanceErrorContest.objects.filter(enterprise=enterprise).select_related("inventory")


def contest_get(*, enterprise, pk: int) -> ClearanceErrorContest:
    return get_object_or_404(
        contests_for(enterprise=enterprise).prefetch_related("attachments", "history__actor"), pk=pk
    )


def contest_attachment_get(*, enterprise, pk: int) -> ContestAttachment:
    return get_object_or_404(ContestAttachment.objects.filter(contest__enterprise=enterprise), pk=pk)


def contests_by_entry(*, enterprise, inventory_ids) -> dict[int, ClearanceErrorContest]:
    """For each list of a page of the log, the contest to show: an upheld one (whoever filed
    it: the entry is corrected for everyone), else this enterprise's latest. One query."""
    rows = ClearanceErrorContest.objects.filter(inventory_id__in=list(inventory_ids)).filter(
        Q(enterprise=enterprise) | Q(status=ContestStatus.UPHELD)
    )
    result: dict[int, ClearanceErrorContest] = {}
    for contest in rows.order_by("submitted_at", "pk"):
        current = result.get(contest.inventory_id)
        if current is not None and current.status == ContestStatus.UPHELD:
            continue
        result[contest.inventory_id] = contest
    return result


def officer_for(*, enterprise):
    """The enterprise's coordinating officer, or None."""
    from .models import CoordinatingOfficer

    return CoordinatingOfficer.objects.filter(enterprises__enterprise=enterprise, active=True).first()
