import pytest
from django.utils import translation

from tests.declarations.conftest import authorization_factory  # noqa: F401 - shared fixture
from tests.summaries.factories import listed


@pytest.fixture
def shop(enterprise_factory):
    return enterprise_factory(roles=("owner", "ecommerce"), name="Shop 商店有限公司")


@pytest.fixture
def departed(shop):
    """A departed B list of ``shop`` released in October 2026 (two lines: 2 × 100, 4 × 60.5)."""
    from tests.summaries.factories import line

    return listed(
        shop,
        goods=[
            line(qty="2", qty1="2", total="100"),
            line(gcode="8517620000", qty="4", qty1="4", total="60.5"),
        ],
    )


@pytest.fixture(autouse=True)
def _english():
    """Receipts, notes and messages are read in English here (each test asking otherwise says so)."""
    with translation.override("en"):
        yield
