"""The CSRF failure page is the portal's own: translated, no inline style, under the CSP."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "The form could not be sent"), ("zh-hans", "表单未能提交")]
)
def test_a_post_without_its_csrf_token_gets_the_portals_own_page(language, heading):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert heading in html and "<style" not in html and "style=" not in html
    assert "default-src 'self'" in response["Content-Security-Policy"]
