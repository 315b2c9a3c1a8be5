"""``{{ value|text }}``: a stored text (``customs_portal.texts``) in the reader's language."""

from django import template

from customs_portal import texts

register = template.Library()


@register.filter(name="text")
def text(value) -> str:
    return texts.render(value)


@register.filter(name="return_reason")
def return_reason(value) -> str:
    """One item of a list's ``return_reasons`` (``{"field", "reason"}``, or the plain text of an
    old row) as "field: reason" in the reader's language."""
    if isinstance(value, dict) and ("reason" in value or "field" in value):
        reason = texts.render(value.get("reason") or value.get("message") or "")
        return f"{value['field']}: {reason}" if value.get("field") else reason
    return texts.render(value)
