"""The design system: GOV.UK Frontend served by the portal itself (pinned, licensed, no CDN),
its form groups for every form, and status tags coloured by what a status means."""

import json
import re
from pathlib import Path

import pytest
from django import forms
from django.template import Context, Template

from customs_portal.templatetags.design import STATUS_COLOURS

ROOT = Path(__file__).resolve().parents[2]
VERSION = json.loads((ROOT / "scripts/design-system/package.json").read_text())["dependencies"][
    "govuk-frontend"
]


def test_the_pinned_version_is_the_one_served_with_its_licence():
    vendor = ROOT / f"static/vendor/govuk-frontend-{VERSION}"
    assert (vendor / "govuk-frontend.min.js").read_text().startswith(f'const version="{VERSION}"')
    assert "MIT License" in (vendor / "LICENSE.txt").read_text()
    css = (ROOT / "static/css/design-system.css").read_text()
    assert f"GOV.UK Frontend {VERSION}" in css.splitlines()[2]
    assert (
        f"govuk-frontend-{VERSION}/govuk-frontend.min.js" in (ROOT / "static/js/design-system.js").read_text()
    )


def test_no_gov_uk_font_and_no_byte_order_mark_in_the_stylesheet():
    css = (ROOT / "static/css/design-system.css").read_text(encoding="utf-8")
    assert "GDS Transport" not in css and "@font-face" not in css
    assert "\ufeff" not in css  # it would break the first rule after the header comment


@pytest.mark.django_db
def test_every_page_loads_the_design_system_from_the_portal_itself(client):
    html = client.get("/registration/signup/").content.decode()
    assert '<link rel="stylesheet" href="/static/css/design-system.css">' in html
    assert '<script type="module" src="/static/js/design-system.js"></script>' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from another host


STATUS_CHOICES = [
    "registration.models.EnterpriseStatus",
    "registration.models.NameChangeStatus",
    "registration.cooperation.models.AnnualReportStatus",
    "registration.cooperation.models.QuestionStatus",
    "authorization.models.AuthorizationStatus",
    "declarations.models.GoodsStatus",
    "declarations.models.InventoryStatus",
    "declarations.summaries.models.SummaryStatus",
]


@pytest.mark.parametrize("path", STATUS_CHOICES)
def test_every_status_has_a_colour_that_says_what_it_means(path):
    from django.utils.module_loading import import_string

    coloured = set().union(*STATUS_COLOURS.values())
    missing = [value for value in import_string(path).values if value not in coloured]
    assert not missing, f"{path}: no colour for {missing}"


def test_a_status_tag_is_coloured_and_keeps_its_test_id():
    html = Template(
        '{% load design %}{% status_tag "rejected" "Rejected" "st" %}|{% status_tag "x" "?" %}'
    ).render(Context())
    assert html == (
        '<strong class="status govuk-tag govuk-tag--red" data-testid="st">Rejected</strong>|'
        '<strong class="status govuk-tag govuk-tag--grey">?</strong>'
    )


class _Form(forms.Form):
    name = forms.CharField(help_text="help")
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    ok = forms.BooleanField()


def test_the_shared_form_include_renders_form_groups_with_describedby_matching_rendered_ids():
    form = _Form({"name": "", "kind": ""})
    html = Template('{% include "includes/form.html" %}').render(Context({"form": form}))
    assert 'class="govuk-input govuk-input--error"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'id="id_name_helptext"' in html and 'id="id_name_error"' in html
    assert '<fieldset class="govuk-fieldset" aria-describedby="id_kind_error">' in html
    assert 'class="govuk-radios__input"' in html and 'id="id_kind_0"' in html
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    described = {i for v in re.findall(r'aria-describedby="([^"]+)"', html) for i in v.split()}
    assert described <= ids


def test_the_error_summary_links_each_error_to_its_control():
    form = _Form({"name": "", "kind": "", "ok": ""})
    html = Template(
        '{% load design %}{% page_forms_with_errors as forms_with_errors %}{% include "includes/error_summary.html" %}'
    ).render(Context({"form": form}))
    assert '<a href="#id_name">' in html and '<a href="#id_kind_0">' in html and '<a href="#id_ok">' in html
    unbound = Template("{% load design %}{% page_forms_with_errors as f %}{{ f|length }}").render(
        Context({"form": _Form()})
    )
    assert unbound == "0"
