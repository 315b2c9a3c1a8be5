"""API keys: each key speaks for one enterprise (platforms push electronic data with it).

Services first (used by the pages below, ``create_api_key`` and the admin alike), then the
pages where an enterprise administrator lists, creates and revokes its own keys. The key
itself is shown once, when it is created; only its hash is stored.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from customs_portal.errors import ApplicationError, interpolate_lazy
from customs_portal.permissions import EnterpriseAdminRequiredMixin

from .models import Enterprise, EnterpriseAPIKey, EnterpriseStatus

NAME_MAX = 50  # AbstractAPIKey.name


# --- services -----------------------------------------------------------------------------------
def api_key_create(*, enterprise: Enterprise, name: str, actor=None) -> tuple[EnterpriseAPIKey, str]:
    """A new key for an approved enterprise; returns (the stored key, the key to show once)."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError("name_required", _("Give the key a name."), field="name")
    if len(name) > NAME_MAX:
        raise ApplicationError(
            "name_too_long",
            interpolate_lazy(_("The name is longer than %(max)s characters."), {"max": NAME_MAX}),
            field="name",
        )
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if locked.status != EnterpriseStatus.APPROVED:
            raise ApplicationError(
                "enterprise_not_approved",
                _("Only an enterprise that customs has approved can have API keys."),
            )
        if EnterpriseAPIKey.objects.filter(enterprise=locked, name=name, revoked=False).exists():
            raise ApplicationError("name_taken", _("A key with this name is already in use."), field="name")
        return EnterpriseAPIKey.objects.create_key(
            name=name, enterprise=locked, created_by=actor if getattr(actor, "pk", None) else None
        )


def api_key_revoke(*, api_key: EnterpriseAPIKey, enterprise: Enterprise) -> EnterpriseAPIKey:
    """Revoke one of ``enterprise``'s keys for good (a revoked key cannot be restored)."""
    with transaction.atomic():
        locked = (
            EnterpriseAPIKey.objects.select_for_update().filter(pk=api_key.pk, enterprise=enterprise).first()
        )
        if locked is None:
            raise ApplicationError("not_found", _("No such API key."))
        if not locked.revoked:
            locked.revoked = True
            locked.save(update_fields=["revoked"])
    return locked


def api_keys_of(*, enterprise: Enterprise):
    return EnterpriseAPIKey.objects.filter(enterprise=enterprise).order_by("revoked", "-created")


# --- pages ----------------------------------------------------------------------------------------
class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        help_text=_("What the key is for, e.g. the system that sends your data."),
    )


class ApiKeyListView(EnterpriseAdminRequiredMixin, View):
    def get(self, request):
        return self._render(request, ApiKeyForm())

    def post(self, request):
        form = ApiKeyForm(request.POST)
        if form.is_valid():
            try:
                api_key, key = api_key_create(
                    enterprise=self.enterprise, name=form.cleaned_data["name"], actor=request.user
                )
            except ApplicationError as exc:
                form.add_error("name" if exc.field == "name" else None, str(exc))
            else:
                # shown on this response only; never stored in clear or put in the session
                response = render(
                    request, "registration/api_key_created.html", {"api_key": api_key, "key": key}
                )
                response["Cache-Control"] = "no-store"
                return response
        return self._render(request, form, status=400)

    def _render(self, request, form, status=200):
        return render(
            request,
            "registration/api_keys.html",
            {
                "form": form,
                "page_obj": Paginator(api_keys_of(enterprise=self.enterprise), 25).get_page(
                    request.GET.get("page")
                ),
            },
            status=status,
        )


class ApiKeyRevokeView(EnterpriseAdminRequiredMixin, View):
    def post(self, request, prefix: str):
        # scoped to the user's own enterprise: another enterprise's key is simply not found
        api_key = EnterpriseAPIKey.objects.filter(enterprise=self.enterprise, prefix=prefix).first()
        if api_key is None:
            raise Http404
        api_key_revoke(api_key=api_key, enterprise=self.enterprise)
        messages.success(
            request, interpolate_lazy(_("The key “%(name)s” is revoked."), {"name": api_key.name})
        )
        return redirect("account:api_keys")
