"""Reads, scoped to the asking enterprise: a duty form (and its bill) belongs to the
e-commerce enterprise that is the list's consignor; anyone else gets "not found"."""

from django.shortcuts import get_object_or_404

from .models import DutyForm


def duty_forms_for(*, enterprise):
    return DutyForm.objects.filter(enterprise=enterprise).select_related("inventory", "bill")


def duty_form_get(*, enterprise, pk) -> DutyForm:
    return get_object_or_404(duty_forms_for(enterprise=enterprise), pk=pk)


def duty_form_of_inventory(*, enterprise, inventory) -> DutyForm | None:
    return duty_forms_for(enterprise=enterprise).filter(inventory=inventory).first()
