from django.core.management.base import CommandError

from customs_portal.errors import ApplicationError
from registration.models import Enterprise


def month_arg(value: str):
    from declarations.summaries.services import parse_month

    try:
        return parse_month(value)
    except ApplicationError as exc:
        raise CommandError(str(exc)) from None


def enterprise_arg(code: str | None):
    if not code:
        return None
    found = (
        Enterprise.objects.filter(customs_code=code).first() or Enterprise.objects.filter(uscc=code).first()
    )
    if found is None:
        raise CommandError(f"no enterprise with customs code {code}")
    return found
