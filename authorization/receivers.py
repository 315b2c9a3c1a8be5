"""Listeners for other apps' signals."""

from .services import authorizations_mark_party_renamed


def on_enterprise_name_changed(sender, *, enterprise, old_name="", actor=None, **kwargs):
    """A company-name change was approved: its approved authorizations need updated party details."""
    authorizations_mark_party_renamed(enterprise=enterprise, old_name=old_name, actor=actor)
