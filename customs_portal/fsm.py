"""Run a state-machine move the one way the portal allows.

Every move: one transaction, the row locked with select_for_update(), the transition's
conditions checked on the locked (fresh) row, one history row written. Two reviewers acting
at once: the second waits for the lock, then finds the move no longer allowed and gets a
clear ApplicationError instead of overwriting the first decision.
"""

from collections.abc import Callable

from django.db import models, transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm  # noqa: F401

from .errors import ApplicationError


def run_transition(
    *,
    instance: models.Model,
    transition: str,
    history_model: type[models.Model],
    actor=None,
    actor_label: str = "",
    reason: str | dict = "",  # a stored text (customs_portal.texts) or a person's own words
    field: str = "status",
    before: Callable[[models.Model], None] | None = None,
    after: Callable[[models.Model], None] | None = None,
    **kwargs,
):
    """Apply ``transition`` to a locked copy of ``instance``; return the locked copy.

    ``before(locked)`` may raise ApplicationError to refuse on the locked row; ``after(locked)``
    runs inside the same transaction once the history row is written.
    """
    with transaction.atomic():
        locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
        method = getattr(locked, transition)
        source = getattr(locked, field)
        if not can_proceed(method):
            raise ApplicationError(
                "invalid_transition",
                _(
                    "This action is not possible any more: the record is now “%(status)s”. "
                    "Someone may have acted on it just before you; reload the page."
                )
                % {
                    "status": locked.get_status_display() if hasattr(locked, "get_status_display") else source
                },
            )
        if before:
            before(locked)
        method(**kwargs)
        locked.save()
        history_model._default_manager.create(
            **{history_model.SUBJECT_FIELD: locked},
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=actor_label,
            from_status=source,
            to_status=getattr(locked, field),
            reason=reason or "",
        )
        if after:
            after(locked)
    return locked
