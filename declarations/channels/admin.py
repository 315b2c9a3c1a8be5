"""Risk officers' screens: the red-channel queue, pulling released lists back, the rules,
the inspection rate and the exchange-rate table.

Every decision goes through the services (run_transition: locked row, one history entry), so
of two officers acting on the same list at once the second gets a clear error.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from casework.admin import CaseAdminMixin
from customs_portal import texts
from customs_portal.admin_queues import LargeQueueAdminMixin, QueueAdminMixin
from customs_portal.code_tables.admin import code_display
from customs_portal.code_tables.lookup import label as code_label
from customs_portal.code_tables.widgets import CodeInput
from customs_portal.errors import ApplicationError
from customs_portal.permissions import user_has_staff_role
from declarations.models import Inventory, InventoryHistory, InventoryStatus

from . import services
from .models import ChannelDecision, ExchangeRate, InspectionSetting, RedList, ReleasedList, RiskRule

# what a list's name (Inventory.__str__) reads
LIST_NAME = {"id", "invt_no", "cop_no"}


def _is_risk_officer(request) -> bool:
    return user_has_staff_role(request.user, "risk_officer")


class RiskOfficerOnly:
    """Model permissions come from the risk-officer group; the role is checked as well."""

    def has_module_permission(self, request):
        return _is_risk_officer(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _is_risk_officer(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return _is_risk_officer(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return _is_risk_officer(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_risk_officer(request) and super().has_delete_permission(request, obj)


# --- rules, rate, exchange rates ---------------------------------------------------------------
@admin.register(RiskRule)
class RiskRuleAdmin(QueueAdminMixin, RiskOfficerOnly, admin.ModelAdmin):
    list_display = [
        "name",
        "gcode_prefix",
        "country_named",
        "dishonest_only",
        "enterprise",
        "value_above",
        "reason",
        "active",
    ]
    list_filter = ["active", "dishonest_only"]
    country_named = code_display("country", "country", RiskRule._meta.get_field("country").verbose_name)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "country":  # typed as a code, offered with the countries' names
            kwargs["widget"] = CodeInput("country")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    list_select_related = ["enterprise"]
    search_fields = [
        "name",
        "gcode_prefix",
        "country",
        "reason",
        "enterprise__name",
        "enterprise__customs_code",
    ]
    raw_id_fields = ["enterprise"]
    fields = [
        "name",
        "gcode_prefix",
        "country",
        "dishonest_only",
        "enterprise",
        "value_above",
        "reason",
        "active",
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class InspectionSettingForm(forms.ModelForm):
    class Meta:
        model = InspectionSetting
        fields = ["rate", "note"]


@admin.register(InspectionSetting)
class InspectionSettingAdmin(QueueAdminMixin, RiskOfficerOnly, admin.ModelAdmin):
    """Add a row to change the rate; past rows stay as the record of what applied when."""

    form = InspectionSettingForm
    list_display = ["rate_percent", "set_at", "set_by", "note"]
    list_select_related = ["set_by"]

    @admin.display(description=_("inspection rate"), ordering="rate")
    def rate_percent(self, obj):
        return f"{obj.rate * 100:.2f}%"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        rate = services.inspection_rate_current()
        extra_context = {
            **(extra_context or {}),
            "title": gettext("Inspection rate: %(rate)s of the lists are drawn for inspection")
            % {"rate": f"{rate * 100:.2f}%"},
        }
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        created = services.inspection_rate_set(rate=obj.rate, actor=request.user, note=obj.note)
        obj.pk = created.pk


@admin.register(ExchangeRate)
class ExchangeRateAdmin(QueueAdminMixin, RiskOfficerOnly, admin.ModelAdmin):
    list_display = ["month_display", "currency_named", "rate", "updated_at"]
    list_filter = ["currency"]
    currency_named = code_display("currency", "currency", _("currency"))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "currency":
            kwargs["widget"] = CodeInput("currency")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    search_fields = ["currency"]
    date_hierarchy = "month"
    fields = ["currency", "month", "rate"]

    @admin.display(description=_("month"), ordering="month")
    def month_display(self, obj):
        return f"{obj.month:%Y-%m}"


@admin.register(ChannelDecision)
class ChannelDecisionAdmin(LargeQueueAdminMixin, RiskOfficerOnly, admin.ModelAdmin):
    list_display = [
        "inventory",
        "kind",
        "channel",
        "drawn_for_inspection",
        "reasons_text",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["channel", "kind", "drawn_for_inspection"]
    search_fields = ["inventory__invt_no", "inventory__cop_no", "inventory__ebc_name"]
    list_select_related = ["inventory", "decided_by"]
    readonly_fields = [
        "inventory",
        "kind",
        "channel",
        "drawn_for_inspection",
        "draw",
        "inspection_rate",
        "reasons_text",
        "decided_by",
        "decided_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # a decision shows its list by number: the other ~60 columns of the list stay unread
        unread = [f"inventory__{f.name}" for f in Inventory._meta.concrete_fields if f.name not in LIST_NAME]
        return super().get_queryset(request).defer(*unread)


# --- the lists ---------------------------------------------------------------------------------
def _facts(obj):
    """The list's declared data an officer reviews, with translated labels."""
    return [
        (_("Inventory number"), obj.invt_no or "—"),
        (_("Enterprise's list number"), obj.cop_no),
        (_("Status"), obj.get_status_display()),
        (_("Channel"), obj.get_channel_display()),
        (_("Order number"), obj.order_no),
        (_("Waybill number"), obj.logistics_no),
        (_("E-commerce enterprise"), f"{obj.ebc_name} ({obj.ebc_code})"),
        (_("Declaring enterprise"), f"{obj.agent_name} ({obj.agent_code})"),
        (_("Production and sales unit"), f"{obj.owner_name} ({obj.owner_code})"),
        (_("Country of arrival"), code_label("country", obj.country)),
        (_("Exit customs"), code_label("customs", obj.port_code)),
        (_("Value"), f"{obj.total_value:.2f}"),
        (_("Licence number"), obj.license_no or "—"),
        (_("Declared"), _when(obj.declared_at)),
        (pgettext_lazy("time", "Released"), _when(obj.released_at)),
        *_transit_facts(obj),
    ]


def _transit_facts(obj):
    """The list's trade mode, bill, total package and arrival (declarations.transit)."""
    from declarations.transit import trade_modes
    from declarations.transit.selectors import transit_of

    transit = transit_of(inventory=obj)
    return [
        (_("Trade mode"), trade_modes.label(obj.trade_mode)),
        (_("Bill of lading"), (transit.bill_no if transit else "") or "—"),
        (_("Total package"), (transit.total_package_no if transit else "") or "—"),
        (_("Arrived at the supervision site"), _when(transit.arrived_at if transit else None)),
    ]


def _status_label(value: str) -> str:
    try:
        return InventoryStatus(value).label
    except ValueError:
        return value or "—"


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


# what the queues' columns show (list_display of RedListAdmin and ReleasedListAdmin)
LIST_COLUMNS = [
    "invt_no", "cop_no", "ebc_name", "country", "total_value", "declared_at", "released_at", "channel", "status",
]  # fmt: skip


class ListAdminBase(CaseAdminMixin, LargeQueueAdminMixin, RiskOfficerOnly, admin.ModelAdmin):
    decision_choices: list = []
    list_display = ["inventory_number", "exporter", "arrival_country", "value", "declared", "channel_reasons"]
    search_fields = ["invt_no", "cop_no", "order_no", "logistics_no", "ebc_name", "ebc_code"]
    list_per_page = 50
    readonly_fields = ["facts", "goods_lines", "channel_reasons", "decisions", "timeline"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        choices = self.decision_choices

        class DecisionForm(forms.ModelForm):
            decision = forms.ChoiceField(label=_("Decision"), choices=[("", "—"), *choices])
            reason = forms.CharField(
                label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
            )

            class Meta:
                model = self.model
                fields = []

            def clean(self):
                cleaned = super().clean()
                if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
                    self.add_error("reason", _("Give the enterprise a reason for the rejection."))
                return cleaned

        kwargs["form"] = DecisionForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ["facts", "goods_lines", "channel_reasons"]}),
            (_("Decision"), {"fields": ["decision", "reason"]}),
            (_("History"), {"fields": ["decisions", "timeline"]}),
        ]

    def get_queryset(self, request):
        latest_first = ChannelDecision.objects.order_by("-decided_at", "-pk")
        queryset = (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("channel_decisions", queryset=latest_first, to_attr="decisions_latest_first")
            )
            .order_by("declared_at", "pk")
        )
        if request.method == "GET":
            # the queue page reads its columns only: building 50 lists of ~60 columns each was
            # a quarter of its time (the decisions and actions, POSTs, get whole rows)
            queryset = queryset.only(*LIST_COLUMNS)
        return queryset

    def get_object(self, request, object_id, from_field=None):
        # Open any list by id, even one another officer has just moved out of this queue: the
        # decision then fails with the state machine's clear message instead of "not found".
        try:
            return self.model._base_manager.get(pk=int(object_id))
        except (ValueError, self.model.DoesNotExist):
            return None

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # --- columns and read-only parts ---------------------------------------------------------
    @admin.display(description=_("Inventory number"), ordering="invt_no")
    def inventory_number(self, obj):
        return obj.invt_no or obj.cop_no

    @admin.display(description=_("E-commerce enterprise"), ordering="ebc_name")
    def exporter(self, obj):
        return obj.ebc_name

    @admin.display(description=_("Country of arrival"), ordering="country")
    def arrival_country(self, obj):
        return code_label("country", obj.country)

    @admin.display(description=_("Value"), ordering="total_value")
    def value(self, obj):
        return f"{obj.total_value:.2f}"

    @admin.display(description=_("Declared"), ordering="declared_at")
    def declared(self, obj):
        return _when(obj.declared_at)

    @admin.display(description=pgettext_lazy("time", "Released"), ordering="released_at")
    def released(self, obj):
        return _when(obj.released_at)

    @admin.display(description=_("Channel"), ordering="channel")
    def channel_display(self, obj):
        return obj.get_channel_display()

    @admin.display(description=_("declaration list"))
    def facts(self, obj):
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", _facts(obj)),
        )

    @admin.display(description=_("Goods lines"))
    def goods_lines(self, obj):
        rows = obj.lines.values_list(
            "gnum", "item_no", "gname", "gcode", "country", "currency", "total_price"
        )
        head = [
            "#",
            _("Item number"),
            _("Goods name"),
            _("Commodity code"),
            _("Destination country"),
            _("Currency"),
            _("Total price"),
        ]
        return format_html(
            "<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
            format_html_join("", "<th>{}</th>", ((h,) for h in head)),
            format_html_join(
                "",
                "<tr>" + "<td>{}</td>" * 7 + "</tr>",
                (
                    (
                        gnum,
                        item_no,
                        gname,
                        gcode,
                        code_label("country", country),
                        code_label("currency", currency),
                        price,
                    )
                    for gnum, item_no, gname, gcode, country, currency, price in rows
                ),
            ),
        )

    @admin.display(description=_("why (customs only)"))
    def channel_reasons(self, obj):
        decisions = getattr(obj, "decisions_latest_first", None)
        if decisions is None:  # the change page: one list, one query
            decisions = list(obj.channel_decisions.order_by("-decided_at", "-pk")[:1])
        decision = decisions[0] if decisions else None
        if decision is None:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{}</li>", ((texts.render(r.get("message", "")),) for r in decision.reasons)
            ),
        )

    @admin.display(description=_("channel decisions (customs only)"))
    def decisions(self, obj):
        rows = [
            (
                _when(d.decided_at),
                d.get_kind_display(),
                d.get_channel_display(),
                d.reasons_text,
                d.decided_by or "—",
            )
            for d in obj.channel_decisions.select_related("decided_by").order_by("decided_at", "pk")
        ]
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join("", "<tr>" + "<td>{}</td>" * 5 + "</tr>", rows),
        )

    @admin.display(description=_("timeline"))
    def timeline(self, obj):
        rows = [
            (
                _when(h.at),
                h.actor_display,
                _status_label(h.from_status),
                _status_label(h.to_status),
                texts.render(h.reason),
            )
            for h in InventoryHistory.objects.filter(inventory_id=obj.pk).select_related("actor")
        ]
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join("", "<tr>" + "<td>{}</td>" * 5 + "</tr>", rows),
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # a decision moves the list out of this queue: there is nothing to "continue editing"
        extra_context = {**(extra_context or {}), "show_save_and_continue": False}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def decide(self, request, obj, decision: str, reason: str):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        request._channels_done = None
        try:
            self.decide(request, obj, form.cleaned_data["decision"], form.cleaned_data.get("reason") or "")
        except ApplicationError as exc:
            request._channels_done = False
            self.message_user(request, str(exc), level=messages.ERROR)
        else:
            request._channels_done = True

    def save_related(self, request, form, formsets, change):
        """Nothing to save beside the decision: the inlines are read only."""

    def log_change(self, request, obj, message):
        if getattr(request, "_channels_done", None):
            super().log_change(request, obj, message)

    def response_change(self, request, obj):
        done = getattr(request, "_channels_done", None)
        if done is False:
            return HttpResponseRedirect(request.path)
        self.message_user(request, self.done_message % {"list": obj}, level=messages.SUCCESS)
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    def _run_bulk(self, request, queryset, action):
        done = 0
        for inventory in queryset:
            try:
                action(inventory)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{inventory}: {exc}", level=messages.ERROR)
        return done


@admin.register(RedList)
class RedListAdmin(ListAdminBase):
    """The red-channel queue: release after on-site review, or reject with a reason."""

    decision_choices = [("release", _("Release")), ("reject", _("Reject"))]
    done_message = _("Your decision on list %(list)s is recorded.")
    actions = ["release_selected"]

    def decide(self, request, obj, decision, reason):
        if decision == "release":
            services.red_list_release(inventory=obj, actor=request.user, reason=reason)
        elif decision == "reject":
            services.red_list_reject(inventory=obj, actor=request.user, reason=reason)

    @admin.action(description=_("Release the selected lists"), permissions=["change"])
    def release_selected(self, request, queryset):
        done = self._run_bulk(
            request, queryset, lambda inv: services.red_list_release(inventory=inv, actor=request.user)
        )
        self.message_user(request, _("%(n)s lists released.") % {"n": done})


@admin.register(ReleasedList)
class ReleasedListAdmin(ListAdminBase):
    """Released lists not yet departed: an officer may pull any of them back to review."""

    decision_choices = [("pull_back", _("Pull back to on-site review"))]
    done_message = _("List %(list)s is back in the red-channel queue.")
    list_display = ["inventory_number", "exporter", "arrival_country", "value", "released", "channel_display"]
    actions = ["pull_back_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-released_at", "-pk")

    def decide(self, request, obj, decision, reason):
        if decision == "pull_back":
            services.released_list_pull_back(inventory=obj, actor=request.user, reason=reason)

    @admin.action(description=_("Pull the selected lists back to review"), permissions=["change"])
    def pull_back_selected(self, request, queryset):
        done = self._run_bulk(
            request, queryset, lambda inv: services.released_list_pull_back(inventory=inv, actor=request.user)
        )
        self.message_user(request, _("%(n)s lists pulled back to review.") % {"n": done})
