"""The answer to every intake entry (XML or JSON): one receipt per business entry."""

from typing import Any

from django.utils import translation

from customs_portal import texts

ACCEPTED = "accepted"
DUPLICATE = "duplicate"
REJECTED = "rejected"


class Receipt:
    """One entry's answer. ``text`` says why: a stored text (customs_portal.texts) or plain data,
    kept so for the clearance error log, where each reader reads it in their own language;
    ``info`` is the same rendered in the active language. ``info=`` is accepted for plain text."""

    __slots__ = ("guid", "key", "status", "text", "_rendered")

    def __init__(self, guid: str, key: str, status: str, text: Any = "", *, info: Any = None):
        self.guid = guid
        self.key = key  # the entry's business key: orderNo, logisticsNo, copNo...
        self.status = status  # accepted | duplicate | rejected
        self.text = info if info is not None else text
        self._rendered: tuple[str | None, str] | None = None  # (language, info): rendered once

    def __eq__(self, other) -> bool:
        if not isinstance(other, Receipt):
            return NotImplemented
        return (self.guid, self.key, self.status, self.info) == (
            other.guid,
            other.key,
            other.status,
            other.info,
        )

    def __repr__(self) -> str:
        return f"Receipt(guid={self.guid!r}, key={self.key!r}, status={self.status!r}, info={self.info!r})"

    @property
    def info(self) -> str:
        """Why, rendered in the active language (CEB returnInfo: at most 1,000 characters)."""
        text = self.text
        if not text:
            return ""
        if isinstance(text, str):
            return text[:1000]
        language = translation.get_language()
        if self._rendered is None or self._rendered[0] != language:
            self._rendered = (language, texts.render(text)[:1000])
        return self._rendered[1]

    def as_dict(self) -> dict:
        # not dataclasses.asdict: it deep-copies, and a batch answers a thousand of these
        return {"guid": self.guid, "key": self.key, "status": self.status, "info": self.info}
