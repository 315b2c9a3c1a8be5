"""Customs screens for the declarations app, one module per part (goods register, lists)."""

from . import goods, lists  # noqa: F401
