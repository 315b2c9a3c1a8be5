"""Signals other apps listen to (so registration needs to know nothing about them)."""

from django.dispatch import Signal

# Sent inside the transaction that approves a company-name change.
# kwargs: enterprise (the Enterprise, already renamed), old_name (str), actor (User or None)
enterprise_name_changed = Signal()
