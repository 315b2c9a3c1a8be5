"""Stored texts: written once, read in each reader's language (customs_portal.texts)."""

import pytest
from django.db import models
from django.template import Context, Template
from django.utils.translation import gettext_lazy as _

from customs_portal import texts

GREETING = texts.define("tests.greeting", _("Sign in"))
SENT = texts.define("tests.sent", _("%(count)s items: %(what)s"))


class Colour(models.TextChoices):
    RED = "red", _("Red")


def test_a_stored_text_is_rendered_in_the_readers_language_not_the_writers():
    value = texts.stored(GREETING)
    assert value == {"id": "tests.greeting", "params": {}}
    assert texts.render(value, "en") == "Sign in"
    assert texts.render(value, "zh-hans") == "登录"


def test_parameters_may_be_stored_texts_and_choices_rendered_in_the_same_language():
    value = texts.stored(SENT, count=3, what=texts.stored(GREETING))
    assert texts.render(value, "en") == "3 items: Sign in"
    assert texts.render(value, "zh-hans") == "3 items: 登录"  # the test's own msgid has no catalogue entry
    from declarations.models import Channel

    colour = texts.choice(Channel, "red")
    assert texts.render(colour, "en") == "Red"
    # a choices class outside the portal's packages is not looked up: the value is shown
    assert texts.render(texts.choice(Colour, "red"), "en") == "red"


def test_legacy_plain_text_and_unknown_ids_are_shown_rather_than_failing():
    assert texts.render("stored before message ids existed") == "stored before message ids existed"
    assert texts.render({"id": "tests.removed", "params": {}}) == "tests.removed"
    assert texts.render(None) == ""


def test_a_lazy_string_cannot_be_stored_and_an_id_cannot_change_its_text():
    with pytest.raises(TypeError):
        texts.stored(SENT, count=1, what=_("Sign in"))
    with pytest.raises(texts.UnknownMessage):
        texts.stored("tests.never-defined")
    with pytest.raises(ValueError):
        texts.define("tests.greeting", _("Sign out"))


def test_the_template_filter_renders_under_the_active_language():
    from django.utils import translation

    template = Template("{% load texts %}{{ value|text }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"value": texts.stored(GREETING)})) == "登录"


def test_a_stored_choice_never_runs_anything_but_a_portal_choices_class(tmp_path):
    """A stored text is data from the database: it must not pick a callable to run."""
    marker = tmp_path / "ran"
    hostile = {"choice": "os.system", "value": f"touch {marker}"}
    assert texts.render(hostile) == f"touch {marker}"
    assert not marker.exists()
    assert texts.render({"choice": "customs_portal.texts.render", "value": "x"}) == "x"
    assert (
        texts.render({"choice": "declarations.models.InventoryStatus", "value": "released"}, "en")
        == "Released"
    )
