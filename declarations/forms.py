from django import forms
from django.utils.translation import gettext_lazy as _

from customs_portal.code_tables.widgets import CodeInput

from .models import Goods, GoodsStatus, InventoryStatus
from .services.goods import goods_field_errors


class GoodsForm(forms.ModelForm):
    class Meta:
        model = Goods
        fields = [
            "item_no",
            "name",
            "description",
            "gcode",
            "unit",
            "unit1",
            "licence",
            "export_duty",
            "export_rebate",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "unit": CodeInput("unit"),
            "unit1": CodeInput("unit"),
        }
        help_texts = {
            "gcode": _("The 10-digit customs commodity code, for example 8517130000."),
            "unit": _("3-digit customs unit code, for example 007 (piece)."),
            "unit1": _("3-digit customs unit code of the legal quantity, for example 035 (kilogram)."),
        }

    def clean(self):
        cleaned = super().clean()
        for name, message in goods_field_errors(cleaned).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def validate_unique(self):
        """Item numbers are unique per enterprise: the service says so with a clear message."""


class GoodsFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + GoodsStatus.choices
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=60)


class InventoryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + InventoryStatus.choices
    )
    date_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    order_no = forms.CharField(label=_("Order number"), required=False, max_length=60)
