"""The reviewers' dashboard: each queue a staff member may work, with its count, its oldest case
and that case's due date, linked to the filtered queue.

Each queue costs at most three queries whatever its size: the count (PostgreSQL's planner
estimate past ``ESTIMATE_ABOVE`` rows, as on the queue pages), the oldest row (through an
index on the waiting status or the age column) and the number assigned to the viewer. An app
adds its queue with ``register(Queue(...))`` from its ``admin.py``.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customs_portal.admin_queues import ESTIMATE_ABOVE, planner_row_estimate
from customs_portal.workdays import WorkdayCalendar

# the deadlines the reminders chase (domain: a review within three working days; a question
# answered within two), so that the dashboard and the reminders name the same day
from reminders.kinds import QUESTION_WORKING_DAYS, REVIEW_WORKING_DAYS

from .selectors import assigned_ids


@dataclass(frozen=True)
class Queue:
    key: str
    label: object
    model: str  # "app_label.ModelName"; the viewer needs its change permission (works the queue)
    waiting: Q
    age_field: str  # the oldest case is the one with the smallest value here
    url_name: str  # the queue's page (the admin changelist, or an app's own queue page)
    query: str = ""  # the filter that page needs to show exactly this queue
    due_field: str = ""  # a stored due date, or…
    due_working_days: int = 0  # …due this many working days after the age field's date
    role: str = ""  # a customs role the viewer needs besides the permission
    large: bool = False  # a table that grows with the parcels: estimate its count
    case: bool = False  # assignable (casework.admin.CaseAdminMixin): count the viewer's own
    extra: dict = field(default_factory=dict)

    def model_class(self):
        return apps.get_model(self.model)

    def queryset(self) -> QuerySet:
        model = self.model_class()
        return model._base_manager.filter(self.waiting)


QUEUES: list[Queue] = []


def register(queue: Queue) -> None:
    QUEUES[:] = [q for q in QUEUES if q.key != queue.key] + [queue]


def _count(queryset: QuerySet, large: bool) -> tuple[int, bool]:
    if large:
        estimate = planner_row_estimate(queryset)
        if estimate is not None and estimate > ESTIMATE_ABOVE:
            return estimate, True
    return queryset.count(), False


def _local_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def visible_queues(user) -> list[Queue]:
    from customs_portal.permissions import user_has_staff_role

    out = []
    for queue in QUEUES:
        opts = queue.model_class()._meta
        # a queue the viewer may work: decide on its cases, not only read them
        if not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            continue
        if queue.role and not user_has_staff_role(user, queue.role):
            continue
        out.append(queue)
    return out


def dashboard(user, *, today: dt.date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    calendar = WorkdayCalendar()
    rows = []
    for queue in visible_queues(user):
        queryset = queue.queryset()
        count, estimated = _count(queryset, queue.large)
        oldest = None
        due = None
        mine = None
        if count:
            columns = [queue.age_field, *([queue.due_field] if queue.due_field else [])]
            oldest = queryset.order_by(queue.age_field, "pk").values("pk", *columns).first()
            if oldest is not None:
                if queue.due_field:
                    due = oldest[queue.due_field]
                elif queue.due_working_days and oldest[queue.age_field] is not None:
                    try:
                        due = calendar.add_working_days(
                            _local_date(oldest[queue.age_field]), queue.due_working_days
                        )
                    except Exception:  # a year the official calendar does not cover yet: no date
                        due = None
            if queue.case:
                mine = queryset.filter(pk__in=assigned_ids(queue.model_class()).filter(assignee=user)).count()
        url = reverse(queue.url_name) + (f"?{queue.query}" if queue.query else "")
        mine_url = reverse(queue.url_name) + "?" + "&".join(p for p in (queue.query, "assigned=me") if p)
        rows.append(
            {
                "queue": queue,
                "label": queue.label,
                "count": count,
                "estimated": estimated,
                "oldest": _local_date(oldest[queue.age_field]) if oldest else None,
                "oldest_url": _change_url(queue, oldest["pk"]) if oldest else "",
                "due": due,
                "overdue": bool(due and due < today),
                "url": url,
                "mine": mine,
                "mine_url": mine_url if queue.case else "",
            }
        )
    return rows


def _change_url(queue: Queue, pk) -> str:
    opts = queue.model_class()._meta
    if queue.extra.get("case_url"):
        return reverse(queue.extra["case_url"], args=[pk])
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])


# --- the queues of the portal's own apps -------------------------------------------------------
for _queue in [
    Queue(
        "registrations",
        _("Registrations to review"),
        "registration.Enterprise",
        Q(status="pending_review"),
        "submitted_at",
        "admin:registration_enterprise_changelist",
        query="status__exact=pending_review",
        due_working_days=REVIEW_WORKING_DAYS,
        case=True,
        extra={"case_url": "admin:registration_enterprise_review"},
    ),
    Queue(
        "name_changes",
        _("Company name changes to review"),
        "registration.NameChange",
        Q(status="pending"),
        "created_at",
        "admin:registration_namechange_queue",
        due_working_days=REVIEW_WORKING_DAYS,
        extra={"case_url": "admin:registration_namechange_review"},
    ),
    Queue(
        "authorizations",
        _("Authorizations to review"),
        "authorization.Authorization",
        Q(status="under_review"),
        "review_due_date",
        "admin:authorization_authorization_changelist",
        query="queue=waiting",
        due_field="review_due_date",
        case=True,
    ),
    Queue(
        "authorization_changes",
        _("Authorization changes to review"),
        "authorization.AuthorizationChange",
        Q(status="pending"),
        "review_due_date",
        "admin:authorization_authorizationchange_changelist",
        query="queue=waiting",
        due_field="review_due_date",
    ),
    Queue(
        "goods",
        _("Goods to review"),
        "declarations.Goods",
        Q(status="pending"),
        "created_at",
        "admin:declarations_goods_changelist",
        query="status__exact=pending",
        large=True,
    ),
    Queue(
        "cancel_requests",
        _("List cancellation requests"),
        "declarations.InventoryCancelRequest",
        Q(status="pending"),
        "received_at",
        "admin:declarations_inventorycancelrequest_changelist",
        query="status__exact=pending",
        large=True,
    ),
    Queue(
        "red_lists",
        _("Red-channel lists for on-site review"),
        "channels.RedList",
        Q(status="under_review"),
        "declared_at",
        "admin:channels_redlist_changelist",
        role="risk_officer",
        large=True,
        case=True,
    ),
    Queue(
        "summaries",
        _("Summary forms to decide"),
        "summaries.SummaryForm",
        Q(status__in=["submitted", "resubmitted"]),
        "submitted_at",
        "admin:summaries_summaryform_changelist",
        query="queue=waiting",
        case=True,
    ),
    Queue(
        "annual_reports",
        _("Annual reports to review"),
        "cooperation.AnnualReport",
        Q(status="submitted"),
        "submitted_at",
        "admin:cooperation_annualreport_changelist",
        query="status__exact=submitted",
        due_working_days=REVIEW_WORKING_DAYS,
    ),
    Queue(
        "questions",
        _("Questions awaiting an answer"),
        "cooperation.Question",
        Q(status="open"),
        "waiting_since",
        "admin:cooperation_question_changelist",
        query="status__exact=open",
        due_working_days=QUESTION_WORKING_DAYS,
        case=True,
    ),
]:
    register(_queue)
