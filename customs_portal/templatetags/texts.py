"""``{{ value|text }}``: a stored text (``customs_portal.texts``) in the reader's language."""

from django import template

from customs_portal import texts
from customs_portal.ceb_fields import field_path_label

register = template.Library()


@register.filter(name="text")
def text(value) -> str:
    return texts.render(value)


@register.filter(name="return_reason")
def return_reason(value) -> str:
    """One item of a list's ``return_reasons`` (``{"field", "reason"}``, or the plain text of an
    old row) as "field: reason" in the reader's language."""
    if isinstance(value, dict) and ("reason" in value or "field" in value or "message" in value):
        reason = texts.render(value.get("reason") or value.get("message") or "")
        return f"{field_path_label(value['field'])}: {reason}" if value.get("field") else reason
    return texts.render(value)


@register.filter(name="field_path")
def field_path(value) -> str:
    """A CEB field path (``lines[1].gcode``) as the reader reads it ("Line 1: commodity code")."""
    return field_path_label(value)
