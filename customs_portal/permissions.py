"""Who may see what, for views: traders only ever reach their own enterprise's data."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

STAFF_ROLES = {
    "reviewer": "customs reviewer",
    "risk_officer": "risk officer",
    "ops": "ops",
}


class EnterpriseMemberRequiredMixin(AccessMixin):
    """A signed-in trader of an enterprise that customs has approved.

    ``self.enterprise`` is then the user's enterprise; selectors take it, never an id from
    the URL alone.
    """

    require_admin = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        enterprise = getattr(request.user, "enterprise", None)
        if enterprise is None:
            raise PermissionDenied
        if not enterprise.is_approved:
            return redirect("registration:status")
        if self.require_admin and not request.user.is_enterprise_admin:
            raise PermissionDenied
        self.enterprise = enterprise
        return super().dispatch(request, *args, **kwargs)


class EnterpriseAdminRequiredMixin(EnterpriseMemberRequiredMixin):
    require_admin = True


def user_has_staff_role(user, role: str) -> bool:
    if not (user.is_authenticated and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return STAFF_ROLES[role] in _staff_group_names(user)


def _staff_group_names(user) -> frozenset[str]:
    """The user's staff groups, read once per user object: the admin asks for a role once per
    model and permission on every page (menu, actions, links), and ``request.user`` is loaded
    afresh for each request, so this is one query per request (as Django caches permissions)."""
    try:
        return user._staff_group_names
    except AttributeError:
        names = frozenset(user.groups.filter(name__in=STAFF_ROLES.values()).values_list("name", flat=True))
        user._staff_group_names = names
        return names


def staff_role_grant(*, role: str, app_label: str, codenames: list[str], using: str = "default") -> None:
    """Give a staff role's group these permissions of one app; idempotent.

    Each app calls it from its own post_migrate receiver with the permissions its screens
    need, so the groups are complete after every ``migrate``.
    """
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.using(using).get_or_create(name=STAFF_ROLES[role])
    perms = Permission.objects.using(using).filter(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.add(*perms)
