"""Assigning a case and writing internal notes: the only writers of casework's tables."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customs_portal.errors import ApplicationError, interpolate_lazy

from .models import NOTE_MAX_LENGTH, CaseAssignment, CaseEvent, CaseNote


def case_key(case: Model) -> tuple[ContentType, int]:
    """A case's generic key: its concrete model's content type (proxies share it) and its id."""
    return ContentType.objects.get_for_model(case, for_concrete_model=True), case.pk


def case_workers(*, model: type[Model]) -> QuerySet:
    """The staff users who may work cases of ``model``: active staff who may view its rows
    (the customs roles hand out that permission), one query."""
    opts = model._meta
    perm = Permission.objects.filter(
        content_type__app_label=opts.app_label, codename=f"view_{opts.model_name}"
    ).first()
    who = Q(is_superuser=True)
    if perm is not None:
        who |= Q(groups__permissions=perm) | Q(user_permissions=perm)
    return get_user_model().objects.filter(who, is_active=True, is_staff=True).distinct().order_by("username")


def _may_work(user, model) -> bool:
    opts = model._meta
    return bool(
        user
        and user.is_active
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    )


def case_assign(*, case: Model, assignee, actor) -> CaseAssignment:
    """Give ``case`` to ``assignee`` (None: nobody); one history row per real change.

    The same assignment twice is one change; of two reviewers assigning at once, the second
    waits for the first (the row is locked) and then records its own change after it."""
    model = type(case)
    if not _may_work(actor, model):
        raise ApplicationError("casework_forbidden", _("You may not assign this case."))
    if assignee is not None and not _may_work(assignee, model):
        raise ApplicationError(
            "casework_assignee",
            interpolate_lazy(
                _("%(user)s may not work this kind of case."), {"user": assignee.get_username()}
            ),
            field="assignee",
        )
    content_type, object_id = case_key(case)
    with transaction.atomic():
        CaseAssignment.objects.get_or_create(content_type=content_type, object_id=object_id)
        assignment = CaseAssignment.objects.select_for_update().get(
            content_type=content_type, object_id=object_id
        )
        previous_id = assignment.assignee_id
        new_id = assignee.pk if assignee is not None else None
        if previous_id == new_id:
            return assignment
        assignment.assignee = assignee
        assignment.assigned_at = timezone.now() if assignee is not None else None
        assignment.save(update_fields=["assignee", "assigned_at"])
        CaseEvent.objects.create(
            content_type=content_type,
            object_id=object_id,
            actor=actor,
            from_assignee_id=previous_id,
            to_assignee=assignee,
        )
    return assignment


def case_note_add(*, case: Model, author, text: str) -> CaseNote:
    """A staff-only note on ``case``, in the author's own words."""
    if not _may_work(author, type(case)):
        raise ApplicationError("casework_forbidden", _("You may not write notes on this case."))
    text = (text or "").strip()
    if not text:
        raise ApplicationError("casework_note_empty", _("Write the note first."), field="text")
    if len(text) > NOTE_MAX_LENGTH:
        raise ApplicationError(
            "casework_note_long",
            interpolate_lazy(_("A note has at most %(max)d characters."), {"max": NOTE_MAX_LENGTH}),
            field="text",
        )
    content_type, object_id = case_key(case)
    return CaseNote.objects.create(content_type=content_type, object_id=object_id, author=author, text=text)
