"""The notification centre's "Mark as read" (a link-styled button) is readable: WCAG AA 4.5:1."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

CSS = (Path(__file__).resolve().parents[2] / "static/css/portal.css").read_text()


def _rules():
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", CSS):
        for selector in selectors.split(","):
            yield (
                selector.strip(),
                {
                    k.strip(): v.strip()
                    for k, _c, v in (d.partition(":") for d in body.split(";"))
                    if v.strip()
                },
            )


def _value(value: str) -> str:
    variables = dict(rule for selector, rules in _rules() if selector == ":root" for rule in rules.items())
    return re.sub(r"var\((--[\w-]+)\)", lambda m: variables[m.group(1)], value)


def _computed(selectors: tuple[str, ...], prop: str) -> str:
    """The value of ``prop`` the last rule among ``selectors`` sets (they are of rising specificity)."""
    found = None
    for selector, declarations in _rules():
        if selector in selectors and prop in declarations:
            found = declarations[prop]
    return _value(found)


def _luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_a_link_styled_button_has_aa_contrast_on_the_page():
    colour = _computed(("button", "button.link"), "color")
    assert _computed(("button.link",), "background") == "none"  # it sits on the page itself
    for background in ("#fff", _value("var(--bg)")):
        assert contrast(colour, background) >= 4.5, (colour, background)


@pytest.mark.django_db
def test_mark_as_read_is_a_link_styled_button(trader_client, trader):
    from notifications.services import notification_create

    notification_create(
        kind="waiting", title="新通知", enterprise=trader.enterprise, users=[trader], email=False
    )
    html = trader_client.get(reverse("notifications:notifications")).content.decode()
    assert re.search(r'<button type="submit" class="link">[^<]+</button>', html)
