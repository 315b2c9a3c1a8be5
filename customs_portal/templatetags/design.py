"""The design system's pieces for Django pages (GOV.UK Frontend's markup, the portal's words).

- ``{% page_forms_with_errors as forms %}``: the forms of the page (any form in the context)
  that have errors, for the error summary at the top and the "Error: " title prefix.
- ``{{ field|govuk_widget }}``: a field's widget with the component's classes (and its error
  modifier); Django's own aria-describedby (help text, error ids) is kept, and the shared form
  include renders exactly those ids.
- ``{% status_tag value label %}``: a status as a tag coloured by what it means.
"""

from django import forms, template
from django.utils.html import format_html

register = template.Library()

# widget type -> (the component's class, its error modifier)
WIDGET_CLASSES = {
    "text": ("govuk-input", "govuk-input--error"),
    "email": ("govuk-input", "govuk-input--error"),
    "password": ("govuk-input", "govuk-input--error"),
    "number": ("govuk-input", "govuk-input--error"),
    "url": ("govuk-input", "govuk-input--error"),
    "date": ("govuk-input", "govuk-input--error"),
    "datetime": ("govuk-input", "govuk-input--error"),
    "time": ("govuk-input", "govuk-input--error"),
    "dateinput": ("govuk-input", "govuk-input--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "selectmultiple": ("govuk-select", "govuk-select--error"),
    "nullbooleanselect": ("govuk-select", "govuk-select--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "clearablefile": ("govuk-file-upload", "govuk-file-upload--error"),
    "checkbox": ("govuk-checkboxes__input", ""),
}


@register.filter
def govuk_widget(field: forms.BoundField):
    classes = WIDGET_CLASSES.get(field.widget_type)
    if classes is None:
        return field.as_widget()
    base, error = classes
    own = field.field.widget.attrs.get("class", "")
    names = " ".join(name for name in (own, base, error if field.errors else "") if name)
    return field.as_widget(attrs={"class": names})


def _forms_in(value):
    if isinstance(value, forms.BaseForm):
        yield value
    elif isinstance(value, forms.BaseFormSet):
        yield from value.forms
        yield value  # its own (non-form) errors


@register.simple_tag(takes_context=True)
def page_forms_with_errors(context) -> list:
    """The page's forms (every form or formset in the context) that were submitted with errors."""
    found, seen = [], set()
    for value in context.flatten().values():
        for form in _forms_in(value):
            if id(form) in seen:
                continue
            seen.add(id(form))
            if isinstance(form, forms.BaseFormSet):
                if form.is_bound and form.non_form_errors():
                    found.append(form)
            elif form.is_bound and form.errors:
                found.append(form)
    return found


@register.simple_tag
def error_summary_items(form) -> list[tuple[str, str]]:
    """(anchor, message) for each error of a form or formset, in the order of its fields; an
    error of the whole form links to the form's first field."""
    if isinstance(form, forms.BaseFormSet):
        return [("", str(error)) for error in form.non_form_errors()]
    items = []
    visible = list(form.visible_fields())
    first = f"#{visible[0].auto_id}" if visible and visible[0].auto_id else ""
    for error in form.non_field_errors():
        items.append((first, str(error)))
    for field in form:
        if field.is_hidden:
            for error in field.errors:
                items.append((first, str(error)))
            continue
        anchor = _anchor(field)
        for error in field.errors:
            items.append((anchor, str(error)))
    return items


def _anchor(field: forms.BoundField) -> str:
    if not field.auto_id:
        return ""
    if field.field.widget.use_fieldset and field.subwidgets:
        # radios and checkbox groups: the first option (GOV.UK's rule; the group has no id)
        return f"#{field.subwidgets[0].id_for_label}"
    return f"#{field.id_for_label or field.auto_id}"


# What a status means, by its stored value, across the portal's state machines: the colour of its tag.
STATUS_COLOURS = {
    # done, in the trader's favour
    "green": {"approved", "accepted", "released", "departed", "answered", "confirmed"},
    # refused or ended against the trader
    "red": {"rejected", "revoked", "expired", "cancelled"},
    # the trader has something to do
    "orange": {"returned", "corrections_requested", "supplement_requested", "unverified", "draft"},
    # waiting for someone else
    "yellow": {
        "submitted",
        "pending",
        "pending_review",
        "under_review",
        "awaiting_confirmation",
        "open",
        "resubmitted",
    },
    # in the process, nothing to do
    "teal": {"stored", "declared"},
    "grey": {"closed"},
}
_COLOUR_OF = {value: colour for colour, values in STATUS_COLOURS.items() for value in values}


@register.simple_tag
def status_tag(value, label, testid=""):
    """A status as a tag coloured by what it means: ``<strong class="status govuk-tag …">``."""
    colour = _COLOUR_OF.get(str(value or "").lower(), "grey")
    if testid:
        return format_html(
            '<strong class="status govuk-tag govuk-tag--{}" data-testid="{}">{}</strong>',
            colour,
            testid,
            label,
        )
    return format_html('<strong class="status govuk-tag govuk-tag--{}">{}</strong>', colour, label)


@register.filter
def kept_upload(form, name):
    """The upload the server holds for a form's file field (``form.kept_uploads[name]``), if any."""
    return (getattr(form, "kept_uploads", None) or {}).get(name)
