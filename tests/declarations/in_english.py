"""Fixtures for the tests that read the portal's answers in English.

A test module takes them by assigning them to module names (``_english = in_english._english``,
``api_client_for = in_english.api_client_for``): its tests then run under English and its API
clients ask for English answers.
"""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def api_client_for(api_client_for):
    """The shared fixture, asking for English answers."""

    def create(enterprise):
        client = api_client_for(enterprise)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return create
