"""What every customs admin can take, for the apps of today and of tomorrow.

``PortalAdminMixin``: the theme's conventions and the export of the list, as filtered and
searched, to CSV and XLSX (``<changelist>/export/csv/``; links on the list page).
``CaseAdminMixin`` (includes the above): the queue becomes a list of cases that reviewers
assign (to themselves or to a colleague; every change a history row) and annotate with
internal notes, shown on the case's page; the list gets an "assigned to" column and filter.

Put it first in the bases: ``class ReturnAdmin(CaseAdminMixin, QueueAdminMixin, admin.ModelAdmin)``.
A page of one's own (not the change form) includes ``casework/case_panel.html`` with
``case_panel=self.case_panel_context(request, obj)``.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customs_portal.errors import ApplicationError
from customs_portal.permissions import STAFF_ROLES, user_has_staff_role

from . import export, selectors, services

LABELS = {
    "casework": _("Casework"),
    "assigned_to": _("Assigned to"),
    "nobody": _("Nobody"),
    "assign_me": _("Assign to me"),
    "assign": _("Assign"),
    "unassign": _("Unassign"),
    "assign_history": _("Assignment history"),
    "notes": _("Internal notes (customs only, never shown to the enterprise)"),
    "no_notes": _("No notes yet."),
    "add_note": _("Add the note"),
    "note": pgettext_lazy("internal note", "Note"),
    "when": _("When"),
    "who": _("Who"),
    "from": _("previously assigned to"),
    "to": _("now assigned to"),
    "export": _("Export"),
}


def is_customs_staff(user) -> bool:
    """A signed-in staff member holding one of the customs roles."""
    return any(user_has_staff_role(user, role) for role in STAFF_ROLES)


class AssignmentFilter(admin.SimpleListFilter):
    title = _("assigned to")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Assigned to me")), ("none", _("Unassigned")), ("others", _("Assigned to others"))]

    def queryset(self, request, queryset):
        # through the assignments' own index (assignee, kind), never a scan of the queue's table
        assigned = selectors.assigned_ids(queryset.model)
        if self.value() == "me":
            return queryset.filter(pk__in=assigned.filter(assignee=request.user))
        if self.value() == "none":
            return queryset.exclude(pk__in=assigned)
        if self.value() == "others":
            return queryset.filter(pk__in=assigned.exclude(assignee=request.user))
        return queryset


class StatusHistoryInline(admin.TabularInline):
    """A state machine's history (customs_portal.models.StatusHistory) as a reader reads it:
    when, who, from and to by their names, and the reason in the reader's language. Read only.

    ``class FooHistoryInline(StatusHistoryInline): model = FooHistory``; extra columns go
    between "who" and "from" through ``extra_fields``."""

    extra = 0
    can_delete = False
    extra_fields: tuple = ()

    def get_fields(self, request, obj=None):
        return ["at", "who", *self.extra_fields, "from_label", "to_label", "why"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("who"))
    def who(self, obj):
        return obj.actor_display

    @admin.display(description=_("from"))
    def from_label(self, obj):
        return obj.from_status_label or "—"

    @admin.display(description=_("to"))
    def to_label(self, obj):
        return obj.to_status_label or "—"

    @admin.display(description=_("reason"))
    def why(self, obj):
        return obj.reason_text() or "—"


class PortalAdminMixin:
    export_formats = tuple(export.FORMATS)

    def has_export_permission(self, request) -> bool:
        return is_customs_staff(request.user) and self.has_view_permission(request)

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name=f"{opts.app_label}_{opts.model_name}_export",
            ),
            *super().get_urls(),
        ]

    def export_links(self, request) -> list[tuple[str, str]]:
        if not self.has_export_permission(request):
            return []
        opts = self.model._meta
        query = request.GET.urlencode()
        return [
            (
                label,
                reverse(f"admin:{opts.app_label}_{opts.model_name}_export", args=[fmt])
                + (f"?{query}" if query else ""),
            )
            for fmt, label in export.FORMATS.items()
            if fmt in self.export_formats
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "export_links": self.export_links(request),
            "export_label": LABELS["export"],
        }
        return super().changelist_view(request, extra_context)

    def export_view(self, request, fmt: str):
        if fmt not in self.export_formats:
            raise Http404
        if not self.has_export_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        if fmt == "csv":
            return export.csv_response(self, changelist, request)
        return export.xlsx_response(self, changelist, request)


class CaseAdminMixin(PortalAdminMixin):
    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                case_assignee_id=selectors.assignee_subquery(self.model),
                case_assignee_name=selectors.assignee_subquery(self.model, "assignee__username"),
            )
        )

    def get_list_display(self, request):
        return [*super().get_list_display(request), "case_assignee"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), AssignmentFilter]

    @admin.display(description=_("assigned to"), ordering="case_assignee_name")
    def case_assignee(self, obj):
        return getattr(obj, "case_assignee_name", None) or "—"

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/case/",
                self.admin_site.admin_view(self.case_view),
                name=f"{opts.app_label}_{opts.model_name}_case",
            ),
            *super().get_urls(),
        ]

    def case_panel_context(self, request, obj) -> dict | None:
        if obj is None or not (is_customs_staff(request.user) and self.has_view_permission(request, obj)):
            return None
        opts = self.model._meta
        can_work = self.has_change_permission(request, obj)
        return {
            **selectors.case_panel(case=obj),
            "can_work": can_work,
            "workers": list(services.case_workers(model=self.model)) if can_work else [],
            "action_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_case", args=[obj.pk]),
            "next": request.get_full_path(),
            "labels": LABELS,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = {**(extra_context or {}), "case_panel": self.case_panel_context(request, obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def case_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not (is_customs_staff(request.user) and self.has_change_permission(request, obj)):
            raise PermissionDenied
        opts = self.model._meta
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        action = request.POST.get("action")
        try:
            if action == "assign_me":
                services.case_assign(case=obj, assignee=request.user, actor=request.user)
            elif action == "unassign":
                services.case_assign(case=obj, assignee=None, actor=request.user)
            elif action == "assign":
                assignee = get_user_model().objects.filter(pk=_int(request.POST.get("assignee"))).first()
                if assignee is None:
                    raise ApplicationError("casework_assignee", _("Choose whom to assign the case to."))
                services.case_assign(case=obj, assignee=assignee, actor=request.user)
            elif action == "note":
                services.case_note_add(case=obj, author=request.user, text=request.POST.get("text", ""))
            else:
                raise ApplicationError("casework_action", _("Choose what to do with the case."))
        except ApplicationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            done = _("Note added.") if action == "note" else _("Assignment recorded.")
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(back)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
