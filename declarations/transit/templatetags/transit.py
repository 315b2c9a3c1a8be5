from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def auto_declaration_enabled(enterprise) -> bool:
    """Whether the enterprise has its stored lists declared on collection (the profile page)."""
    return selectors.auto_declaration_enabled(enterprise=enterprise)
