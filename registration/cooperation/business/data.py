"""The enterprise's data: one archive of everything it has in the portal (prepared by a Celery
task, with progress), and the retention rule that purges closed personal data."""

import datetime as dt
import io
import json
import zipfile

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customs_portal.errors import ApplicationError

from .models import BusinessSettings, DataExport, ExportStatus, JoinRequest, JoinStatus, PurgeLog

CHUNK = 2000


def export_request(*, enterprise, actor) -> DataExport:
    """The enterprise's administrator asks for the archive; one at a time."""
    if not (actor.is_enterprise_admin and actor.enterprise_id == enterprise.pk):
        raise ApplicationError("not_admin", _("Only the enterprise's administrator can do this."))
    with transaction.atomic():
        busy = (
            DataExport.objects.select_for_update()
            .filter(enterprise=enterprise, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])
            .first()
        )
        if busy is not None:
            return busy
        export = DataExport.objects.create(enterprise=enterprise, requested_by=actor)
        from .tasks import data_export_task

        transaction.on_commit(lambda: data_export_task.delay(export.pk))
    return export


def _sections(enterprise):
    """(file name, queryset of dicts) for every kind of record the enterprise holds."""
    from authorization.models import Authorization
    from declarations.models import Inventory
    from declarations.summaries.models import SummaryForm
    from registration.cooperation.models import AnnualReport, QuestionMessage
    from registration.models import Enterprise

    from .models import CertificationApplication, ClearanceErrorContest, RatingChange

    user_fields = ("id", "username", "first_name", "last_name", "email", "phone", "is_enterprise_admin",
                   "is_active", "date_joined", "last_login", "language")  # fmt: skip
    return [
        ("registration.json", Enterprise.objects.filter(pk=enterprise.pk).values()),
        ("users.json", enterprise.users.order_by("pk").values(*user_fields)),
        (
            "authorizations.json",
            Authorization.objects.filter(Q(principal=enterprise) | Q(agent=enterprise))
            .order_by("pk")
            .values(),
        ),
        (
            "declaration_lists.json",
            Inventory.objects.filter(Q(sender=enterprise) | Q(ebc_enterprise=enterprise))
            .order_by("pk")
            .values(
                "id",
                "invt_no",
                "cop_no",
                "order_no",
                "logistics_no",
                "status",
                "trade_mode",
                "ie_date",
                "port_code",
                "country",
                "return_reasons",
                "updated_at",
            ),  # fmt: skip
        ),
        ("summaries.json", SummaryForm.objects.filter(enterprise=enterprise).order_by("pk").values()),
        ("annual_reports.json", AnnualReport.objects.filter(enterprise=enterprise).order_by("pk").values()),
        (
            "questions.json",
            QuestionMessage.objects.filter(question__enterprise=enterprise)
            .order_by("question_id", "pk")
            .values(
                "question_id",
                "question__subject",
                "question__category",
                "question__status",
                "from_customs",
                "text",
                "created_at",
            ),  # fmt: skip
        ),
        (
            "clearance_error_contests.json",
            ClearanceErrorContest.objects.filter(enterprise=enterprise).order_by("pk").values(),
        ),
        (
            "certifications.json",
            CertificationApplication.objects.filter(enterprise=enterprise).order_by("pk").values(),
        ),
        ("rating_changes.json", RatingChange.objects.filter(enterprise=enterprise).order_by("pk").values()),
    ]


def export_build(*, export_id: int) -> DataExport | None:
    """Prepare the archive (safe to run twice: a finished export is left alone)."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status not in (ExportStatus.QUEUED, ExportStatus.FAILED):
            return export
        export.status, export.progress = ExportStatus.RUNNING, 0
        export.save(update_fields=["status", "progress"])
    sections = _sections(export.enterprise)
    buffer = io.BytesIO()
    try:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for n, (name, queryset) in enumerate(sections, start=1):
                rows = list(queryset.iterator(chunk_size=CHUNK))
                archive.writestr(name, json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1))
                # progress is its own short write, so the page shows it while the task runs
                DataExport.objects.filter(pk=export.pk).update(progress=int(n * 100 / (len(sections) + 1)))
    except Exception:
        DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED)
        raise
    export.file.save(
        f"enterprise-{export.enterprise.uscc}-{timezone.localdate():%Y%m%d}.zip",
        ContentFile(buffer.getvalue()),
        save=False,
    )
    export.status, export.progress, export.finished_at = ExportStatus.READY, 100, timezone.now()
    export.save(update_fields=["file", "status", "progress", "finished_at"])
    return export


# --- retention -------------------------------------------------------------------------------------
def personal_data_purge(*, now=None, dry_run: bool = False) -> PurgeLog | dict:
    """Purge personal data closed longer than the retention period set in admin, and log it:
    decided requests to join (deleted), removed members' contact details (blanked; the account
    row stays for the history it signs), prepared archives (file deleted)."""
    from registration.models import User

    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=BusinessSettings.load().retention_days)
    joins = JoinRequest.objects.exclude(status=JoinStatus.PENDING).filter(decided_at__lt=cutoff)
    # a removed member: deactivated, not signed in since the cutoff, contact details still held
    members = (
        User.objects.filter(is_active=False, is_staff=False, enterprise__isnull=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .exclude(email="", phone="", first_name="", last_name="")
    )
    archives = DataExport.objects.filter(
        status__in=[ExportStatus.READY, ExportStatus.FAILED], created_at__lt=cutoff
    )
    details = (
        [{"kind": "join_request", "id": pk} for pk in joins.values_list("pk", flat=True)]
        + [{"kind": "member", "id": pk} for pk in members.values_list("pk", flat=True)]
        + [{"kind": "archive", "id": pk} for pk in archives.values_list("pk", flat=True)]
    )
    counts = {
        "join_requests": sum(d["kind"] == "join_request" for d in details),
        "members": sum(d["kind"] == "member" for d in details),
        "archives": sum(d["kind"] == "archive" for d in details),
    }
    if dry_run:
        return {"cutoff": cutoff, **counts}
    with transaction.atomic():
        JoinRequest.objects.filter(pk__in=[d["id"] for d in details if d["kind"] == "join_request"]).delete()
        User.objects.filter(pk__in=[d["id"] for d in details if d["kind"] == "member"]).update(
            email="", phone="", first_name="", last_name=""
        )
        archive_rows = list(
            DataExport.objects.filter(pk__in=[d["id"] for d in details if d["kind"] == "archive"])
        )
        names = [export.file.name for export in archive_rows if export.file]
        storage = DataExport._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
        DataExport.objects.filter(pk__in=[e.pk for e in archive_rows]).update(
            file="", status=ExportStatus.PURGED
        )
        return PurgeLog.objects.create(cutoff=cutoff, details=details, **counts)
