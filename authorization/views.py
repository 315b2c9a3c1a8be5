"""Trader pages for authorizations. Every lookup goes through the selectors, scoped to the
signed-in user's enterprise: another enterprise's authorization is simply not found (404)."""

import secrets
import uuid
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.shortcuts import render as _render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View

from customs_portal import kept_uploads
from customs_portal.errors import ApplicationError
from customs_portal.permissions import EnterpriseMemberRequiredMixin
from customs_portal.uploads import upload_response

from . import selectors, services
from .forms import (
    AuthorizationCreateForm,
    ChangeRequestForm,
    ConfirmForm,
    FilterForm,
    ImportUploadForm,
    PreferenceForm,
    ReasonForm,
    SupplementForm,
)
from .imports import COLUMNS, import_rows, read_table, validate_rows
from .models import Authorization, AuthorizationChange, AuthorizationDocument, AuthorizationPreference
from .models import AuthorizationStatus as S

PAGE_SIZE = 20

# Form pages: (title, submit button label).
FORM_PAGES = {
    "authorization/create.html": (
        gettext_lazy("New declaration authorization"),
        gettext_lazy("Continue"),
    ),
    "authorization/confirm.html": (gettext_lazy("Confirm the authorization"), gettext_lazy("Confirm")),
    "authorization/revoke.html": (
        gettext_lazy("Revoke the authorization"),
        pgettext_lazy("revoke an authorization", "Revoke"),
    ),
    "authorization/change.html": (gettext_lazy("Request a change"), gettext_lazy("Send to customs")),
    "authorization/supplement.html": (
        gettext_lazy("Answer the supplement request"),
        gettext_lazy("Send to customs"),
    ),
    "authorization/preferences.html": (gettext_lazy("Authorization settings"), gettext_lazy("Save")),
}

DESTRUCTIVE_PAGES = {"authorization/revoke.html"}


def render(request, template_name, context=None, status=None):
    context = dict(context or {})
    if template_name in FORM_PAGES:
        context.setdefault("page_title", FORM_PAGES[template_name][0])
        context.setdefault("submit_label", FORM_PAGES[template_name][1])
        # a destructive act looks like one: the danger style on its button
        context.setdefault("submit_class", "danger" if template_name in DESTRUCTIVE_PAGES else "")
    return _render(request, template_name, context, status=status)


def _apply_service_error(form, exc: ApplicationError) -> None:
    if exc.field and exc.field in form.fields:
        form.add_error(exc.field, str(exc))
    else:
        form.add_error(None, str(exc))


def _name_changes_pending(enterprise_ids) -> list:
    """Company-name changes customs is reviewing for these parties (the old name stays in force
    until approved; both parties see it coming)."""
    from registration.models import NameChange

    return list(
        NameChange.objects.pending().filter(enterprise_id__in=set(enterprise_ids)).order_by("old_name")
    )


class AuthorizationMixin(EnterpriseMemberRequiredMixin):
    def get_authorization(self, pk) -> Authorization:
        return selectors.authorization_get(enterprise=self.enterprise, pk=pk)


class AuthorizationListView(EnterpriseMemberRequiredMixin, View):
    def get(self, request):
        counterparties = selectors.authorization_counterparties(enterprise=self.enterprise)
        filters = FilterForm(request.GET or None, counterparties=counterparties)
        criteria = {}
        if filters.is_valid():
            data = filters.cleaned_data
            criteria = {
                "status": data["status"],
                "counterparty": data["counterparty"],
                "expiring_within": data["expiring_within"],
                "search": data["q"],
            }
        qs = selectors.authorization_list(enterprise=self.enterprise, **criteria)
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "authorization/list.html",
            {
                "page_obj": page,
                "filters": filters,
                "enterprise": self.enterprise,
                "name_changes_pending": _name_changes_pending(
                    [self.enterprise.pk, *(pk for pk, _name in counterparties)]
                ),
            },
        )


class AuthorizationCreateView(EnterpriseMemberRequiredMixin, View):
    template_name = "authorization/create.html"

    def check_role(self):
        # Only a goods owner / e-commerce enterprise (principal) or a broker (agent) takes part.
        enterprise = self.enterprise
        if not (enterprise.is_owner or enterprise.is_ecommerce or enterprise.is_broker):
            raise PermissionDenied

    def get(self, request):
        self.check_role()
        pending = request.session.get(_create_key(self.enterprise))  # back from the check page
        form = AuthorizationCreateForm(
            initial=pending["answers"] if pending else None, enterprise=self.enterprise
        )
        form.kept_uploads = kept_uploads.kept(request, _uploads(self.enterprise))
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        """Valid answers lead to the check page (nothing is sent yet); a scan that passed its
        checks is kept on the server for the check page, or across a failed submission."""
        self.check_role()
        kept = kept_uploads.kept(request, _uploads(self.enterprise))
        form = AuthorizationCreateForm(request.POST, request.FILES, enterprise=self.enterprise)
        valid = form.is_valid()
        if request.FILES.get("power_of_attorney") and "power_of_attorney" not in form.errors:
            kept["power_of_attorney"] = kept_uploads.keep(
                request, _uploads(self.enterprise), "power_of_attorney", request.FILES["power_of_attorney"]
            )
        if request.FILES.getlist("documents") and "documents" not in form.errors:
            kept["documents"] = kept_uploads.keep_many(
                request, _uploads(self.enterprise), "documents", request.FILES.getlist("documents")
            )
        form.kept_uploads = kept
        if valid:
            answers = {name: request.POST.get(name, "") for name in form.fields if name not in CREATE_FILES}
            request.session[_create_key(self.enterprise)] = {"answers": answers, "state": uuid.uuid4().hex}
            return redirect("authorization:create_check")
        return render(request, self.template_name, {"form": form}, status=400)


CREATE_FILES = ("power_of_attorney", "documents")


def _uploads(enterprise) -> str:
    """The kept uploads (customs_portal.kept_uploads) of an enterprise's new authorization."""
    return f"authorization_create:{enterprise.pk}"


def _create_key(enterprise) -> str:
    return f"authorization_create_pending:{enterprise.pk}"


class AuthorizationCreateCheckView(EnterpriseMemberRequiredMixin, View):
    """Check a new authorization before sending it (a legal act): what will be sent, the
    declaration beside the button. The answers are validated again when sent; a POST from an
    older check page (the answers changed since) is refused."""

    template_name = "authorization/create_check.html"

    def _form(self, pending):
        form = AuthorizationCreateForm(pending["answers"], enterprise=self.enterprise)
        form.is_valid()
        return form

    def get(self, request):
        pending = request.session.get(_create_key(self.enterprise))
        if not pending:
            return redirect("authorization:create")
        form = self._form(pending)
        if form.errors:
            return render(request, AuthorizationCreateView.template_name, {"form": form}, status=400)
        kept = kept_uploads.kept(request, _uploads(self.enterprise))
        rows = []
        for field in form:
            if field.name in CREATE_FILES:
                value = kept.get(field.name, {}).get("name") or _("None")
            elif field.name == "counterparty_code":
                other = form.cleaned_data["counterparty"]
                value = f"{other.name} ({pending['answers'][field.name]})"
            elif field.name == "auto_renew":
                value = _("Yes") if form.cleaned_data["auto_renew"] else _("No")
            else:
                value = pending["answers"].get(field.name, "")
                value = dict(getattr(field.field, "choices", ()) or ()).get(value, value)
            rows.append((field.label, value, field.name))
        context = {"rows": rows, "state": pending["state"]}
        return render(request, self.template_name, context)

    def post(self, request):
        pending = request.session.get(_create_key(self.enterprise))
        if not pending:
            return redirect("authorization:create")
        if request.POST.get("state") != pending["state"]:
            messages.error(
                request,
                _("The authorization changed after this page was shown. Check it again before you send it."),
            )
            return redirect("authorization:create_check")
        form = self._form(pending)
        if form.errors:  # the rules again, at sending time
            return render(request, AuthorizationCreateView.template_name, {"form": form}, status=400)
        data = form.cleaned_data
        kept = kept_uploads.kept(request, _uploads(self.enterprise))
        poa = kept_uploads.open_kept(kept["power_of_attorney"]) if "power_of_attorney" in kept else None
        documents = kept_uploads.open_kept_many(kept["documents"]) if "documents" in kept else []
        try:
            authorization = services.authorization_create(
                enterprise=self.enterprise,
                as_party=data["as_party"],
                counterparty=data["counterparty"],
                scope=data["scope"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                auto_renew=data["auto_renew"],
                power_of_attorney=poa,
                documents=documents,
                own_contact={k: data[k] for k in ("contact_name", "contact_phone", "contact_email")},
                actor=request.user,
            )
        except ApplicationError as exc:
            _apply_service_error(form, exc)
            form.kept_uploads = kept
            return render(request, AuthorizationCreateView.template_name, {"form": form}, status=400)
        finally:
            for handle in [poa, *documents]:
                if handle is not None:
                    handle.close()
        kept_uploads.discard(request, _uploads(self.enterprise))
        request.session.pop(_create_key(self.enterprise), None)
        if authorization.status == S.UNDER_REVIEW:
            messages.success(
                request, _("Confirmed automatically by the other party: customs reviews it now.")
            )
        else:
            messages.success(request, _("Sent to the other party for confirmation."))
        overlapping = list(selectors.overlapping_authorizations(authorization=authorization))
        if overlapping:
            messages.warning(
                request,
                _(
                    "Note: it overlaps %(numbers)s, already between the same two enterprises for "
                    "the same goods on some of the same days. Revoke those you no longer need."
                )
                % {"numbers": ", ".join(str(other) for other in overlapping)},
            )
        return redirect("authorization:detail", authorization.pk)


class AuthorizationDetailView(AuthorizationMixin, View):
    def get(self, request, pk):
        authorization = self.get_authorization(pk)
        party = authorization.party_of(self.enterprise)
        pending = selectors.authorization_pending_change(authorization=authorization)
        context = {
            "authorization": authorization,
            "party": party,
            "history": selectors.authorization_history(authorization=authorization),
            "documents": authorization.documents.select_related("change").all(),
            "pending_change": pending,
            "changes": authorization.changes.all(),
            "can_confirm": authorization.status == S.AWAITING_CONFIRMATION
            and party == authorization.confirming_party,
            "can_supplement": authorization.status == S.SUPPLEMENT_REQUESTED,
            "is_approved": authorization.status == S.APPROVED,
            "counterparty": authorization.counterparty_of(self.enterprise),
            "name_changes_pending": _name_changes_pending(
                [authorization.principal_id, authorization.agent_id]
            ),
        }
        return render(request, "authorization/detail.html", context)


class ConfirmView(AuthorizationMixin, View):
    template_name = "authorization/confirm.html"

    def _form(self, authorization, data=None, files=None):
        return ConfirmForm(
            data, files, authorization=authorization, party=authorization.party_of(self.enterprise)
        )

    def get(self, request, pk):
        authorization = self.get_authorization(pk)
        return render(
            request, self.template_name, {"authorization": authorization, "form": self._form(authorization)}
        )

    def post(self, request, pk):
        authorization = self.get_authorization(pk)
        form = self._form(authorization, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.authorization_confirm(
                    authorization=authorization,
                    enterprise=self.enterprise,
                    actor=request.user,
                    contact={k: data[k] for k in ("contact_name", "contact_phone", "contact_email")},
                    power_of_attorney=data["power_of_attorney"],
                    documents=data["documents"],
                )
            except ApplicationError as exc:
                _apply_service_error(form, exc)
            else:
                messages.success(request, _("Confirmed: customs reviews the authorization now."))
                return redirect("authorization:detail", authorization.pk)
        return render(request, self.template_name, {"authorization": authorization, "form": form}, status=400)


class RevokeView(AuthorizationMixin, View):
    template_name = "authorization/revoke.html"

    def get(self, request, pk):
        authorization = self.get_authorization(pk)
        return render(request, self.template_name, {"authorization": authorization, "form": ReasonForm()})

    def post(self, request, pk):
        authorization = self.get_authorization(pk)
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                services.authorization_revoke(
                    authorization=authorization,
                    enterprise=self.enterprise,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as exc:
                _apply_service_error(form, exc)
            else:
                messages.success(request, _("The authorization is revoked."))
                return redirect("authorization:detail", authorization.pk)
        return render(request, self.template_name, {"authorization": authorization, "form": form}, status=400)


class ChangeRequestView(AuthorizationMixin, View):
    template_name = "authorization/change.html"

    def get(self, request, pk):
        authorization = self.get_authorization(pk)
        form = ChangeRequestForm(authorization=authorization)
        return render(request, self.template_name, {"authorization": authorization, "form": form})

    def post(self, request, pk):
        authorization = self.get_authorization(pk)
        form = ChangeRequestForm(request.POST, request.FILES, authorization=authorization)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.authorization_request_change(
                    authorization=authorization,
                    enterprise=self.enterprise,
                    actor=request.user,
                    terms={name: data[name] for name in services.CHANGE_TERMS},
                    power_of_attorney=data["power_of_attorney"],
                    documents=data["documents"],
                    note=data["note"],
                )
            except ApplicationError as exc:
                _apply_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Change request sent to customs. The current terms stay in force until it is approved."
                    ),
                )
                return redirect("authorization:detail", authorization.pk)
        return render(request, self.template_name, {"authorization": authorization, "form": form}, status=400)


class ChangeWithdrawView(AuthorizationMixin, View):
    def post(self, request, pk):
        authorization = self.get_authorization(pk)
        try:
            services.authorization_change_withdraw(
                authorization=authorization, enterprise=self.enterprise, actor=request.user
            )
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Change request withdrawn."))
        return redirect("authorization:detail", authorization.pk)


class SupplementView(AuthorizationMixin, View):
    template_name = "authorization/supplement.html"

    def _context(self, authorization, form):
        last_request = authorization.history.filter(event="request_supplement").order_by("-id").first()
        return {"authorization": authorization, "form": form, "request_entry": last_request}

    def get(self, request, pk):
        authorization = self.get_authorization(pk)
        return render(request, self.template_name, self._context(authorization, SupplementForm()))

    def post(self, request, pk):
        authorization = self.get_authorization(pk)
        form = SupplementForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.authorization_resubmit(
                    authorization=authorization,
                    enterprise=self.enterprise,
                    actor=request.user,
                    documents=form.cleaned_data["documents"],
                    power_of_attorney=form.cleaned_data["power_of_attorney"],
                    note=form.cleaned_data["note"],
                )
            except ApplicationError as exc:
                _apply_service_error(form, exc)
            else:
                messages.success(
                    request, _("Supplementary materials sent: customs reviews the authorization again.")
                )
                return redirect("authorization:detail", authorization.pk)
        return render(request, self.template_name, self._context(authorization, form), status=400)


class RenewalView(AuthorizationMixin, View):
    def post(self, request, pk):
        authorization = self.get_authorization(pk)
        turn_on = request.POST.get("auto_renew") == "on"
        try:
            services.authorization_set_renewal(
                authorization=authorization,
                enterprise=self.enterprise,
                actor=request.user,
                auto_renew=turn_on,
            )
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Automatic renewal switched on.") if turn_on else _("Automatic renewal switched off."),
            )
        return redirect("authorization:detail", authorization.pk)


class PreferenceView(EnterpriseMemberRequiredMixin, View):
    template_name = "authorization/preferences.html"

    def get(self, request):
        preference = AuthorizationPreference.objects.filter(enterprise=self.enterprise).first()
        form = PreferenceForm(
            initial={"auto_confirm_partners": bool(preference and preference.auto_confirm_partners)}
        )
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        if not request.user.is_enterprise_admin:
            raise PermissionDenied
        form = PreferenceForm(request.POST)
        if form.is_valid():
            services.authorization_preference_set(
                enterprise=self.enterprise, auto_confirm_partners=form.cleaned_data["auto_confirm_partners"]
            )
            messages.success(request, _("Settings saved."))
            return redirect("authorization:preferences")
        return render(request, self.template_name, {"form": form}, status=400)


# --- documents: only to the two parties (and to verified staff) -----------------------------
def _serve(field_file) -> FileResponse:
    # the type sniffed from the content, never guessed from the stored name
    return upload_response(field_file, download_name=PurePath(field_file.name).name, inline=True)


class DocumentView(View):
    """The power of attorney or a supplementary document, served only to the two parties and to
    staff who signed in with their second factor and may view authorizations."""

    def _authorization(self, request, pk) -> Authorization:
        user = request.user
        if user.is_staff:
            verified = getattr(user, "is_verified", lambda: False)()
            if verified and user.has_perm("authorization.view_authorization"):
                return get_object_or_404(Authorization, pk=pk)
            raise PermissionDenied
        enterprise = getattr(user, "enterprise", None)
        if enterprise is None or not enterprise.is_approved:
            raise PermissionDenied
        return selectors.authorization_get(enterprise=enterprise, pk=pk)

    def get(self, request, pk, kind, doc_pk=None):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        authorization = self._authorization(request, pk)
        if kind == "poa":
            return _serve(authorization.power_of_attorney)
        if kind == "change-poa":
            change = get_object_or_404(AuthorizationChange, pk=doc_pk, authorization=authorization)
            return _serve(change.power_of_attorney)
        document = get_object_or_404(AuthorizationDocument, pk=doc_pk, authorization=authorization)
        return _serve(document.file)


# --- bulk import (brokers) ------------------------------------------------------------------
SESSION_KEY = "authorization_imports"


class ImportView(EnterpriseMemberRequiredMixin, View):
    """Upload → preview with every row's errors → confirm (only a file without errors).

    The checked file is kept under a random token recorded in the uploader's session, so only
    that session (and that enterprise) can confirm it, and it is validated again on confirm."""

    template_name = "authorization/import.html"

    def check_broker(self):
        if not self.enterprise.is_broker:
            raise PermissionDenied

    def get(self, request):
        self.check_broker()
        return render(request, self.template_name, {"form": ImportUploadForm(), "columns": COLUMNS})

    def post(self, request):
        self.check_broker()
        if "token" in request.POST:
            return self._confirm(request)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "columns": COLUMNS}, status=400)
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            header, rows = read_table(content, upload.name)
        except ApplicationError as exc:
            form.add_error("file", str(exc))
            return render(request, self.template_name, {"form": form, "columns": COLUMNS}, status=400)
        result = validate_rows(agent=self.enterprise, rows=rows, header=header)
        token = ""
        if result.is_valid:
            token = secrets.token_urlsafe(24)
            suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
            path = default_storage.save(
                f"authorization/imports/{self.enterprise.pk}/{token}{suffix}", ContentFile(content)
            )
            stored = request.session.get(SESSION_KEY, {})
            stored[token] = {"path": path, "name": upload.name, "at": timezone.now().isoformat()}
            request.session[SESSION_KEY] = stored
        return render(
            request,
            "authorization/import_preview.html",
            {"result": result, "token": token, "file_name": upload.name},
            status=200 if result.is_valid else 400,
        )

    def _confirm(self, request):
        token = request.POST.get("token", "")
        stored = request.session.get(SESSION_KEY, {})
        entry = stored.get(token)
        if not entry or not entry["path"].startswith(f"authorization/imports/{self.enterprise.pk}/"):
            messages.error(request, _("This import is no longer available; upload the file again."))
            return redirect("authorization:import")
        try:
            with default_storage.open(entry["path"], "rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            messages.error(request, _("This import is no longer available; upload the file again."))
            return redirect("authorization:import")
        try:
            header, rows = read_table(content, entry["path"])
            # Re-validated on confirm: the register may have changed since the preview.
            result = import_rows(agent=self.enterprise, rows=rows, header=header, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, str(exc))
            return redirect("authorization:import")
        if not result.is_valid:
            return render(
                request,
                "authorization/import_preview.html",
                {"result": result, "token": "", "file_name": entry["name"]},
                status=400,
            )
        default_storage.delete(entry["path"])
        stored.pop(token, None)
        request.session[SESSION_KEY] = stored
        messages.success(
            request,
            _("Import saved: %(created)s created, %(updated)s updated.")
            % {"created": result.created, "updated": result.updated},
        )
        return redirect("authorization:list")
