"""Pages of sign-in, recovery and the second factor. They parse input, check who asks and call
registration.credentials."""

import time

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from customs_portal.errors import ApplicationError

from . import credentials
from .credential_forms import (
    CodeForm,
    ContactChangeForm,
    LoginCodeForm,
    PasswordConfirmForm,
    PasswordResetConfirmForm,
    PasswordResetRequestForm,
    PortalLoginForm,
    RequireTwoFactorForm,
    TotpConfirmForm,
)
from .forms import apply_error
from .models import User

PENDING_LOGIN = "registration:pending_login"
PENDING_RESET = "registration:password_reset"
KINDS = {"email": credentials.KIND_EMAIL, "phone": credentials.KIND_PHONE}
TARGETS = ("user", "enterprise")


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


# --- sign-in in two steps ---------------------------------------------------------------------
class PortalLoginView(LoginView):
    """The password first; a user with a second factor (or whose enterprise requires one) is
    signed in only after the next page."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True
    authentication_form = PortalLoginForm

    def form_valid(self, form):
        user = form.get_user()
        step = credentials.login_next_step(user=user)
        if step == "done":
            return super().form_valid(form)
        self.request.session[PENDING_LOGIN] = {
            "user": user.pk,
            "backend": user.backend,
            "step": step,
            "next": self.get_success_url(),
            "at": time.time(),
            "hash": user.get_session_auth_hash(),
            "failures": 0,
        }
        return redirect("security:login_code" if step == "code" else "security:totp_setup")


def _pending_login(request, step: str):
    """The user who gave the right password in this session, within 5 minutes; or None."""
    data = request.session.get(PENDING_LOGIN)
    if not data or data.get("step") != step or time.time() - data["at"] > credentials.PENDING_LOGIN_SECONDS:
        return None, None
    user = User.objects.filter(pk=data["user"], is_active=True).first()
    if user is None or user.get_session_auth_hash() != data["hash"]:  # password changed since
        return None, None
    return user, data


def _finish_login(request, user: User, data: dict, device):
    request.session.pop(PENDING_LOGIN, None)
    login(request, user, backend=data["backend"])
    if device is not None:
        otp_login(request, device)
    target = data.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    return target


def login_code(request):
    user, data = _pending_login(request, "code")
    if user is None:
        request.session.pop(PENDING_LOGIN, None)
        messages.error(request, _("Sign in again: enter your user name and password."))
        return redirect("login")
    form = LoginCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = credentials.second_factor_verify(user=user, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            data["failures"] = data.get("failures", 0) + 1
            if data["failures"] >= credentials.PENDING_LOGIN_MAX_FAILURES:
                request.session.pop(PENDING_LOGIN, None)
                messages.error(request, _("Too many wrong codes. Sign in again."))
                return redirect("login")
            request.session[PENDING_LOGIN] = data
            apply_error(form, exc)
        else:
            target = _finish_login(request, user, data, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _("You signed in with a recovery code. %(left)s recovery codes are left.")
                    % {"left": credentials.recovery_codes_left(user=user)},
                )
            return redirect(target)
    return render(request, "registration/login_code.html", {"form": form})


# --- password ------------------------------------------------------------------------------------
def password_reset(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        try:
            credentials.password_reset_request(
                identifier=identifier,
                channel=form.cleaned_data["channel"],
                client_address=_client_address(request),
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            request.session[PENDING_RESET] = {"identifier": identifier}
            messages.info(
                request,
                _(
                    "If this names an account with a confirmed address for the channel you chose, "
                    "we sent it a code. It is valid for 10 minutes."
                ),
            )
            return redirect("security:password_reset_confirm")
    return render(request, "registration/password_reset.html", {"form": form})


def password_reset_confirm(request):
    data = request.session.get(PENDING_RESET)
    if not data:
        return redirect("security:password_reset")
    form = PasswordResetConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            credentials.password_reset_confirm(
                identifier=data["identifier"],
                code=form.cleaned_data["code"],
                password=form.cleaned_data["new_password1"],
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            request.session.pop(PENDING_RESET, None)
            messages.success(
                request,
                _("Your password is changed and you were signed out everywhere. Sign in with the new one."),
            )
            return redirect("login")
    return render(request, "registration/password_reset_confirm.html", {"form": form})


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # this session stays signed in, under a new key
        credentials.password_change(user=user, keep_session=request.session.session_key)
        messages.success(request, _("Your password is changed. Your other sessions were signed out."))
        return redirect("security:overview")
    return render(
        request,
        "registration/account_form.html",
        {"form": form, "page_title": _("Change your password"), "submit_label": _("Change the password")},
    )


# --- what the user keeps --------------------------------------------------------------------------
@login_required
def overview(request):
    user = request.user
    device = credentials.totp_device(user=user)
    return render(
        request,
        "registration/security.html",
        {
            "verified": credentials.verified_channels(user=user),
            "two_factor_on": device is not None,
            "two_factor_required": credentials.two_factor_required(user=user),
            "recovery_codes_left": credentials.recovery_codes_left(user=user) if device else 0,
            "pending_email": credentials.contact_change_pending(user=user, target="user", kind="email"),
            "pending_phone": credentials.contact_change_pending(user=user, target="user", kind="phone"),
        },
    )


@login_required
def contact_change(request, kind: str):
    if kind not in KINDS:
        raise Http404
    form = ContactChangeForm(request.POST or None, kind=KINDS[kind])
    if request.method == "POST" and form.is_valid():
        try:
            destination = credentials.contact_change_start(
                user=request.user,
                target="user",
                kind=KINDS[kind],
                value=form.cleaned_data["value"],
                client_address=_client_address(request),
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.info(request, _("We sent a code to %(destination)s.") % {"destination": destination})
            return redirect("security:contact_confirm", target="user", kind=kind)
    title = _("Change your e-mail") if kind == "email" else _("Change your mobile phone")
    return render(
        request,
        "registration/account_form.html",
        {
            "form": form,
            "page_title": title,
            "submit_label": _("Send a code"),
            "intro": _(
                "We send a code to the new address. It takes effect once you enter the code; the old one is told."
            ),
        },
    )


def _enterprise_admin_of_approved(request):
    enterprise = getattr(request.user, "enterprise", None)
    if enterprise is None or not enterprise.is_approved or not request.user.is_enterprise_admin:
        raise Http404
    return enterprise


@login_required
def contact_confirm(request, target: str, kind: str):
    if target not in TARGETS or kind not in KINDS:
        raise Http404
    if target == "enterprise":
        _enterprise_admin_of_approved(request)
    back = "security:overview" if target == "user" else "registration:profile"
    pending = credentials.contact_change_pending(user=request.user, target=target, kind=KINDS[kind])
    if pending is None:
        messages.error(request, _("No change is waiting for a code, or its code expired. Start again."))
        return redirect(back)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = credentials.contact_change_confirm(
                user=request.user, target=target, kind=KINDS[kind], code=form.cleaned_data["code"]
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("%(address)s is confirmed and now in use.") % {"address": new})
            other = "phone" if kind == "email" else "email"
            if credentials.contact_change_pending(user=request.user, target=target, kind=KINDS[other]):
                return redirect("security:contact_confirm", target=target, kind=other)
            return redirect(back)
    return render(
        request,
        "registration/contact_confirm.html",
        {"form": form, "pending": pending, "back": back, "is_email": kind == "email"},
    )


# --- the second factor ------------------------------------------------------------------------------
def totp_setup(request):
    """Turn on an authenticator: signed in, or right after the password when the enterprise
    requires one (the user is signed in once it works)."""
    data = None
    if request.user.is_authenticated:
        user = request.user
    else:
        user, data = _pending_login(request, "setup")
        if user is None:
            return redirect_to_login(request.get_full_path())
    if credentials.totp_device(user=user) is not None:
        messages.info(request, _("A second factor is already turned on."))
        return redirect("security:overview")
    device = credentials.totp_setup_device(user=user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = credentials.totp_confirm(user=user, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            if data is not None:
                target = _finish_login(request, user, data, device)
            else:
                otp_login(request, device)
                target = reverse("security:overview")
            return render(
                request,
                "registration/recovery_codes.html",
                {"codes": codes, "next": target, "just_turned_on": True},
            )
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return render(
        request,
        "registration/totp_setup.html",
        {
            "form": form,
            "uri": device.config_url,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": data is not None,
        },
    )


@login_required
def totp_disable(request):
    if credentials.totp_device(user=request.user) is None:
        return redirect("security:overview")
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            credentials.two_factor_disable(user=request.user, password=form.cleaned_data["password"])
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The second factor is turned off."))
            return redirect("security:overview")
    return render(
        request,
        "registration/account_form.html",
        {
            "form": form,
            "page_title": _("Turn off the second factor"),
            "submit_label": _("Turn off"),
            "intro": _(
                "Your authenticator and your recovery codes stop working. Enter your password to confirm."
            ),
        },
    )


@login_required
@require_POST
def recovery_codes(request):
    if credentials.totp_device(user=request.user) is None:
        raise Http404
    codes = credentials.recovery_codes_renew(user=request.user)
    return render(
        request,
        "registration/recovery_codes.html",
        {"codes": codes, "next": reverse("security:overview"), "just_turned_on": False},
    )


@login_required
@require_POST
def enterprise_two_factor(request):
    enterprise = _enterprise_admin_of_approved(request)
    form = RequireTwoFactorForm(request.POST)
    form.is_valid()
    required = bool(form.cleaned_data.get("required"))
    try:
        ended = credentials.enterprise_two_factor_set(
            enterprise=enterprise, actor=request.user, required=required
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        if required:
            messages.success(
                request,
                _(
                    "Every user now signs in with a second factor. %(count)s sessions of users without one were ended."
                )
                % {"count": ended},
            )
        else:
            messages.success(request, _("A second factor is no longer required."))
    return redirect("registration:profile")
