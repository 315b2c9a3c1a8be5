from django.http import Http404

from .models import InboxMessage


def inbox_message_get(*, sender, guid) -> InboxMessage:
    """The sender's own message; any other enterprise's is not found (404), never forbidden."""
    message = InboxMessage.objects.filter(sender=sender, guid=guid).defer("body").first()
    if message is None:
        raise Http404
    return message
