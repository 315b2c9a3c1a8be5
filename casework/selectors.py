"""Reads of casework (staff only: nothing here is ever reached from a trader's page or the API)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, OuterRef, Subquery

from .models import CaseAssignment, CaseEvent, CaseNote
from .services import case_key


def case_panel(*, case: Model) -> dict:
    """What a case's admin page shows: the assignee, the assignment history and the notes."""
    content_type, object_id = case_key(case)
    assignment = (
        CaseAssignment.objects.filter(content_type=content_type, object_id=object_id)
        .select_related("assignee")
        .first()
    )
    return {
        "assignee": assignment.assignee if assignment else None,
        "events": list(
            CaseEvent.objects.filter(content_type=content_type, object_id=object_id).select_related(
                "actor", "from_assignee", "to_assignee"
            )
        ),
        "notes": list(
            CaseNote.objects.filter(content_type=content_type, object_id=object_id).select_related("author")
        ),
    }


def assignee_subquery(model: type[Model], field: str = "assignee_id") -> Subquery:
    """The case's assignee (a column of the queue's own query: no query per row)."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    return Subquery(
        CaseAssignment.objects.filter(content_type=content_type, object_id=OuterRef("pk")).values(field)[:1]
    )


def assigned_ids(model: type[Model]):
    """The ids of ``model``'s cases that someone is assigned to (a subquery)."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    return CaseAssignment.objects.filter(content_type=content_type, assignee__isnull=False).values(
        "object_id"
    )
