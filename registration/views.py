"""Trader pages of registration: sign up, verify, follow the application, correct it, the
enterprise profile and its operators. Views parse input, check who asks, call one service."""

import uuid

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customs_portal import kept_uploads
from customs_portal.errors import ApplicationError
from customs_portal.uploads import upload_response

from . import credentials, languages, services
from .forms import (
    AcceptInvitationForm,
    CorrectionForm,
    InviteForm,
    NameChangeForm,
    ProfileForm,
    SendCodeForm,
    SignupForm,
    VerifyForm,
    apply_error,
)
from .models import Enterprise, EnterpriseStatus, NameChange, Role, User

AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _own_enterprise(request) -> Enterprise:
    """The signed-in trader's enterprise, whatever its status; 404 for anyone else."""
    enterprise = getattr(request.user, "enterprise", None)
    if enterprise is None:
        raise Http404
    return enterprise


def _admin_only(request, enterprise: Enterprise) -> None:
    if not (request.user.is_enterprise_admin and request.user.enterprise_id == enterprise.pk):
        raise Http404


def _approved_only(request):
    enterprise = _own_enterprise(request)
    if not enterprise.is_approved:
        return None
    return enterprise


# --- sign-up and verification -----------------------------------------------------------------
SIGNUP = "signup"  # its kept uploads (customs_portal.kept_uploads)
SIGNUP_PENDING = "signup_pending"  # session: the checked answers waiting for confirmation


def signup(request):
    """The sign-up's answers. Valid answers lead to the check page; a scan that passed its checks
    is kept on the server across a failed submission (and shown as already uploaded)."""
    if request.user.is_authenticated:
        return redirect("registration:status" if getattr(request.user, "enterprise", None) else "home")
    kept = kept_uploads.kept(request, SIGNUP)
    if request.method != "POST":
        pending = request.session.get(SIGNUP_PENDING)
        form = SignupForm(initial=pending["answers"] if pending else None, kept_uploads=kept)
        return render(request, "registration/signup.html", {"form": form})
    form = SignupForm(request.POST, request.FILES, kept_uploads=kept)
    valid = form.is_valid()
    for name in SignupForm.FILE_FIELDS:
        upload = request.FILES.get(name)
        if upload is not None and name not in form.errors:
            kept[name] = kept_uploads.keep(request, SIGNUP, name, upload)
    form.kept_uploads = kept
    if valid:
        data = form.cleaned_data
        try:
            services.enterprise_signup_precheck(uscc=data["uscc"], username=data["username"])
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            request.session[SIGNUP_PENDING] = {
                "answers": form.answers(),
                "password_hash": make_password(data["password1"]),
                "state": uuid.uuid4().hex,
            }
            return redirect("registration:signup_check")
    return render(request, "registration/signup.html", {"form": form})


def _signup_rows(answers: dict, kept: dict) -> list[tuple[str, str, str]]:
    """(label, value, field) for each answer of the check page, in the form's order."""
    fields = SignupForm.base_fields
    rows = []
    for name, field in fields.items():
        if name in ("password1", "password2", "privacy_version"):
            continue
        if name in SignupForm.FILE_FIELDS:
            value = kept[name]["name"]
        elif name == "roles":
            value = ", ".join(str(Role(role).label) for role in answers["roles"])
        elif name == "pilot_zone":
            value = _("Yes") if answers["pilot_zone"] else _("No")
        elif name == "channel":
            value = dict(field.choices)[answers["channel"]]
        else:
            value = answers[name]
        rows.append((field.label, value, name))
    if answers.get("privacy_version"):
        rows.append(
            (
                _("Privacy notice"),
                _("Version %(version)s, read and accepted") % {"version": answers["privacy_version"]},
                "privacy_consent",
            )
        )
    return rows


def signup_check(request):
    """Check your answers before registering (a legal act): what will be sent, the declaration
    beside the button. A POST from a page older than the latest answers is refused."""
    if request.user.is_authenticated:
        return redirect("registration:status" if getattr(request.user, "enterprise", None) else "home")
    pending = request.session.get(SIGNUP_PENDING)
    kept = kept_uploads.kept(request, SIGNUP)
    if not pending or set(kept) != set(SignupForm.FILE_FIELDS):
        messages.error(request, _("Fill in the registration form first."))
        return redirect("registration:signup")
    if request.method == "POST":
        if request.POST.get("state") != pending["state"]:
            messages.error(
                request,
                _("Your answers changed after this page was shown. Check them again before you register."),
            )
            return redirect("registration:signup_check")
        answers = dict(pending["answers"])
        channel = answers.pop("channel")
        privacy_version = answers.pop("privacy_version", None)
        files = {name: kept_uploads.open_kept(kept[name]) for name in SignupForm.FILE_FIELDS}
        try:
            with transaction.atomic():  # the account and the consent to the privacy notice, together
                user = services.enterprise_signup(
                    **answers,
                    **files,
                    password_hash=pending["password_hash"],
                    language=translation.get_language(),
                )
                if privacy_version:
                    from registration.cooperation.business.privacy import privacy_consent_record

                    privacy_consent_record(user=user, version=privacy_version)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return redirect("registration:signup")
        finally:
            for handle in files.values():
                handle.close()
        kept_uploads.discard(request, SIGNUP)
        request.session.pop(SIGNUP_PENDING, None)
        login(request, user, backend=AUTH_BACKEND)  # the session key rotates at login
        try:
            destination = services.verification_code_send(
                user=user, channel=channel, client_address=_client_address(request)
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("Your registration is saved. We sent a verification code to %(destination)s.")
                % {"destination": destination},
            )
        return redirect("registration:verify")
    context = {"rows": _signup_rows(pending["answers"], kept), "state": pending["state"]}
    return render(request, "registration/signup_check.html", context)


@login_required
def verify(request):
    enterprise = _own_enterprise(request)
    if enterprise.status != EnterpriseStatus.UNVERIFIED:
        return redirect("registration:status")
    verify_form = VerifyForm(request.POST if request.POST.get("action") == "verify" else None)
    send_form = SendCodeForm(request.POST if request.POST.get("action") == "send" else None)
    if request.method == "POST":
        if request.POST.get("action") == "send" and send_form.is_valid():
            try:
                destination = services.verification_code_send(
                    user=request.user,
                    channel=send_form.cleaned_data["channel"],
                    client_address=_client_address(request),
                )
            except ApplicationError as exc:
                apply_error(send_form, exc)
            else:
                messages.success(
                    request, _("We sent a new code to %(destination)s.") % {"destination": destination}
                )
                return redirect("registration:verify")
        elif request.POST.get("action") == "verify" and verify_form.is_valid():
            try:
                services.enterprise_verify(user=request.user, code=verify_form.cleaned_data["code"])
            except ApplicationError as exc:
                apply_error(verify_form, exc)
            else:
                messages.success(
                    request, _("Your account is activated. Your registration now waits for customs review.")
                )
                return redirect("registration:status")
    return render(
        request,
        "registration/verify.html",
        {
            "verify_form": verify_form,
            "send_form": send_form,
            "enterprise": enterprise,
            "locked_until": services.verification_locked_until(user=request.user),
        },
    )


# --- where the application stands -------------------------------------------------------------
STEPS = [
    (EnterpriseStatus.UNVERIFIED, EnterpriseStatus.UNVERIFIED.label),
    (EnterpriseStatus.PENDING_REVIEW, EnterpriseStatus.PENDING_REVIEW.label),
    (EnterpriseStatus.APPROVED, EnterpriseStatus.APPROVED.label),
]


@login_required
def status(request):
    enterprise = _own_enterprise(request)
    history = enterprise.history.select_related("actor").order_by("-at", "-id")[:20]
    order = [s for s, _label in STEPS]
    current = enterprise.status if enterprise.status in order else EnterpriseStatus.PENDING_REVIEW
    steps = [
        {"label": label, "done": order.index(s) < order.index(current), "current": s == current}
        for s, label in STEPS
    ]
    return render(
        request,
        "registration/status.html",
        {
            "enterprise": enterprise,
            "history": history,
            "steps": steps,
            "is_admin": request.user.is_enterprise_admin,
            "S": EnterpriseStatus,
            "pending_name_change": _pending_name_change(enterprise),
        },
    )


@login_required
def correct(request):
    enterprise = _own_enterprise(request)
    _admin_only(request, enterprise)
    if enterprise.status != EnterpriseStatus.CORRECTIONS_REQUESTED:
        return redirect("registration:status")
    form = CorrectionForm(
        request.POST or None, request.FILES or None, initial=CorrectionForm.initial_for(enterprise)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.enterprise_resubmit(
                enterprise=enterprise,
                actor=request.user,
                data={field: data[field] for field in services.CORRECTION_FIELDS},
                roles=data["roles"],
                licence_file=data.get("licence_file"),
                tax_certificate_file=data.get("tax_certificate_file"),
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Your corrected registration was sent to customs again."))
            return redirect("registration:status")
    return render(request, "registration/correct.html", {"form": form, "enterprise": enterprise})


DOCUMENT_FIELDS = {"licence": "licence_file", "tax": "tax_certificate_file"}


@login_required
def document(request, kind: str):
    """The trader's own uploaded scans (never public media; type from the content)."""
    enterprise = _own_enterprise(request)
    if kind == "new-licence":  # the licence sent with the pending name change
        change = _pending_name_change(enterprise)
        scan = change.licence_file if change else None
    else:
        field = DOCUMENT_FIELDS.get(kind)
        scan = getattr(enterprise, field) if field else None
    return upload_response(scan, inline=True, download_name=kind)


def _pending_name_change(enterprise: Enterprise) -> NameChange | None:
    return NameChange.objects.pending().filter(enterprise=enterprise).first()


def _latest_name_change(enterprise: Enterprise) -> NameChange | None:
    """The enterprise's most recent name change, shown while pending or once refused (with the
    reviewer's reason) until a later request replaces it."""
    change = enterprise.name_changes.select_related("reviewer").order_by("-created_at", "-id").first()
    return change


# --- the user's language ------------------------------------------------------------------------
@login_required
@require_POST
def language(request):
    """The user's language (the profile's select): messages are sent in it and the portal
    switches to it now and at each sign-in."""
    try:
        chosen = languages.user_language_set(user=request.user, language=request.POST.get("language", ""))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        languages.language_switch(request, chosen)
        messages.success(request, _("Your language is saved."))
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("registration:profile")
    return redirect(target)


# --- profile and operators (approved enterprises) ---------------------------------------------
@login_required
def profile(request):
    enterprise = _approved_only(request)
    if enterprise is None:
        return redirect("registration:status")
    users = enterprise.users.order_by("-is_enterprise_admin", "username")
    invitations = enterprise.invitations.filter(accepted_at__isnull=True)[:20]
    return render(
        request,
        "registration/profile.html",
        {
            "enterprise": enterprise,
            "users": users,
            "invitations": invitations,
            "is_admin": request.user.is_enterprise_admin,
            "history": enterprise.history.select_related("actor").order_by("-at", "-id")[:10],
            "name_change": _latest_name_change(enterprise),
            "two_factor_required": credentials.two_factor_required(user=request.user),
        },
    )


def _admin_page(request):
    enterprise = _approved_only(request)
    if enterprise is not None:
        _admin_only(request, enterprise)
    return enterprise


@login_required
def profile_edit(request):
    enterprise = _admin_page(request)
    if enterprise is None:
        return redirect("registration:status")
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_for(enterprise))
    if request.method == "POST" and form.is_valid():
        try:
            # a new contact e-mail or mobile number waits for the code sent to it
            sent = credentials.enterprise_profile_update_confirming_contacts(
                enterprise=enterprise,
                actor=request.user,
                data=form.cleaned_data,
                client_address=_client_address(request),
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The enterprise details are saved."))
            for _kind, destination in sent:
                messages.info(
                    request,
                    _("We sent a code to %(destination)s: the new contact takes effect once it is entered.")
                    % {"destination": destination},
                )
            if sent:
                kind = "email" if sent[0][0] == credentials.KIND_EMAIL else "phone"
                return redirect("security:contact_confirm", target="enterprise", kind=kind)
            return redirect("registration:profile")
    return render(
        request,
        "registration/form_page.html",
        {"form": form, "page_title": _("Change enterprise details"), "submit_label": _("Save")},
    )


@login_required
def name_change(request):
    """Ask customs to approve a new company name; the enterprise stays approved under its
    current name meanwhile. While a request is pending, the page shows it instead of the form."""
    enterprise = _admin_page(request)
    if enterprise is None:
        return redirect("registration:status")
    pending = _pending_name_change(enterprise)
    form = NameChangeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_name_change_request(
                enterprise=enterprise,
                actor=request.user,
                new_name=form.cleaned_data["new_name"],
                licence_file=form.cleaned_data["licence_file"],
            )
        except ApplicationError as exc:
            apply_error(form, exc)
            pending = _pending_name_change(enterprise)
        else:
            messages.success(
                request,
                _(
                    "The name change was sent to customs for review. Until customs approves it, the "
                    "enterprise keeps working under its current name."
                ),
            )
            return redirect("registration:profile")
    changes = enterprise.name_changes.select_related("reviewer").order_by("-created_at", "-id")[:10]
    return render(
        request,
        "registration/name_change.html",
        {"form": form, "enterprise": enterprise, "pending": pending, "changes": changes},
    )


@login_required
def invite(request):
    enterprise = _admin_page(request)
    if enterprise is None:
        return redirect("registration:status")
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                enterprise=enterprise,
                actor=request.user,
                email=form.cleaned_data["email"],
                accept_url_for=lambda token: reverse("registration:accept_invitation", args=[token]),
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("registration:profile")
    return render(
        request,
        "registration/form_page.html",
        {"form": form, "page_title": _("Invite an operator"), "submit_label": _("Send the invitation")},
    )


@login_required
@require_POST
def deactivate_user(request, pk: int):
    enterprise = _admin_page(request)
    if enterprise is None:
        return redirect("registration:status")
    user = get_object_or_404(User, pk=pk, enterprise=enterprise)
    try:
        services.operator_deactivate(enterprise=enterprise, actor=request.user, user=user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(username)s can no longer sign in.") % {"username": user.username})
    return redirect("registration:profile")


def accept_invitation(request, token: str):
    if request.user.is_authenticated:
        messages.error(request, _("Sign out first to accept an invitation."))
        return redirect("home")
    try:
        invitation = services.invitation_get_open(token=token)
    except ApplicationError as exc:
        return render(
            request, "registration/invitation_invalid.html", {"message": str(exc.message)}, status=404
        )
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invitation_accept(
                token=token,
                username=data["username"],
                password=data["password1"],
                name=data["name"],
                phone=data["phone"],
                language=translation.get_language(),
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            login(request, user, backend=AUTH_BACKEND)
            messages.success(request, _("Welcome. Your account is ready."))
            return redirect("home")
    return render(request, "registration/accept_invitation.html", {"form": form, "invitation": invitation})
