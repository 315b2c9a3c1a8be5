"""Reads of the cooperation platform, always scoped to the asking enterprise."""

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404

from .models import AnnualReport, NoticeRead, PolicyNotice, Question, QuestionAttachment


def annual_reports(*, enterprise):
    return AnnualReport.objects.filter(enterprise=enterprise).order_by("-year")


def annual_report_for(*, enterprise, year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(enterprise=enterprise, year=year).first()


def notices_for(*, enterprise, user):
    """Published notices that concern the enterprise, each with ``is_read`` for this user."""
    return PolicyNotice.objects.for_enterprise(enterprise).annotate(
        is_read=Exists(NoticeRead.objects.filter(notice=OuterRef("pk"), user=user))
    )


def unread_notice_count(*, enterprise, user) -> int:
    return notices_for(enterprise=enterprise, user=user).filter(is_read=False).count()


def notice_get(*, enterprise, user, pk: int) -> PolicyNotice:
    return get_object_or_404(notices_for(enterprise=enterprise, user=user), pk=pk)


def questions_for(*, enterprise):
    return Question.objects.filter(enterprise=enterprise)


def question_get(*, enterprise, pk: int) -> Question:
    return get_object_or_404(
        Question.objects.filter(enterprise=enterprise).prefetch_related(
            "messages__attachments", "messages__author"
        ),
        pk=pk,
    )


def attachment_get(*, enterprise, pk: int) -> QuestionAttachment:
    """An attachment of one of the enterprise's questions; any other is 404."""
    return get_object_or_404(
        QuestionAttachment.objects.filter(message__question__enterprise=enterprise), pk=pk
    )


def clearance_error_page(*, enterprise, after=None, before=None, size=25):
    """One page of the clearance error log, newest change first, without counting or sorting the lists."""
    from declarations.selectors import returned_inventory_page

    return returned_inventory_page(
        enterprise=enterprise, parties=("sender", "ebc_enterprise"), after=after, before=before, size=size
    )


def clearance_errors(*, enterprise):
    """The clearance error log as it counts: this enterprise's declaration lists returned or
    rejected, less those customs corrected after a contest."""
    from django.apps import apps
    from django.db.models import Q

    from .business.selectors import corrected_entries

    Inventory = apps.get_model("declarations", "Inventory")
    return (
        Inventory.objects.filter(Q(sender=enterprise) | Q(ebc_enterprise=enterprise))
        .filter(status__in=["returned", "rejected"])
        # an entry customs corrected after a contest (纠错) no longer counts against the enterprise
        .exclude(pk__in=corrected_entries())
        .only("pk", "invt_no", "cop_no", "order_no", "status", "return_reasons", "updated_at")
        .order_by("-updated_at", "-pk")
    )
