"""A text input for a customs code that offers the table's codes with their names as the trader
types ("011 件" / "011 piece"): the value stays the code, so typing it still works."""

from django import forms
from django.utils.html import format_html, format_html_join

from . import lookup


class CodeInput(forms.TextInput):
    def __init__(self, table: str, attrs=None):
        self.table = table
        super().__init__(attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"codes-{self.table}-{name}"
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        codes = sorted(lookup.tables().get(self.table, {}))
        options = format_html_join(
            "", '<option value="{}">{}</option>', ((code, lookup.label(self.table, code)) for code in codes)
        )
        return format_html('{}<datalist id="codes-{}-{}">{}</datalist>', html, self.table, name, options)
