"""The one error type for rule violations.

Views turn it into a form error or a flash message, the API into a 400 with a JSON body,
commands into a message on stderr and a non-zero exit.
"""

from django.utils.functional import lazy


def _interpolate(message, params) -> str:
    return str(message) % params


# ``_("... %(x)s") % params`` would translate at once, in whatever language is active when
# the error is raised; this keeps the message lazy until it is shown to the user.
interpolate_lazy = lazy(_interpolate, str)


class ApplicationError(Exception):
    def __init__(self, code: str, message, *, field: str | None = None, extra: dict | None = None):
        super().__init__(str(message))
        self.code = code
        self.message = message  # may be a lazy translation; str() it at the edge
        self.field = field
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": str(self.message)}
        if self.field:
            body["field"] = self.field
        if self.extra:
            body.update(self.extra)
        return body
