"""``{{ value|text }}``: a stored text (``customs_portal.texts``) in the reader's language."""

from django import template

from customs_portal import texts

register = template.Library()


@register.filter(name="text")
def text(value) -> str:
    return texts.render(value)
