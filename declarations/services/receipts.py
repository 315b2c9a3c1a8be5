"""The answer to every intake entry (XML or JSON): one receipt per business entry."""

from dataclasses import dataclass

ACCEPTED = "accepted"
DUPLICATE = "duplicate"
REJECTED = "rejected"


@dataclass(frozen=True)
class Receipt:
    guid: str
    key: str  # the entry's business key: orderNo, logisticsNo, copNo...
    status: str  # accepted | duplicate | rejected
    info: str = ""  # why (CEB returnInfo: at most 1,000 characters)

    def as_dict(self) -> dict:
        # not dataclasses.asdict: it deep-copies, and a batch answers a thousand of these
        return {"guid": self.guid, "key": self.key, "status": self.status, "info": self.info}
