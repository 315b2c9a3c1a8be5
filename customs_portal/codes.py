"""Named constants for the China Customs codes the portal's rules use (``Currency.CNY``).

A stored text keeps the code (``texts.code(Currency, "502")``); the reader sees the name from
the code tables (``customs_portal.code_tables``) in their language with the code beside it:
"US Dollar (502)" / "美元 (502)". The labels here only name the constants.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    HKD = "110", _("Hong Kong dollar")
    JPY = "116", _("Japanese yen")
    CNY = "142", _("Renminbi")
    EUR = "300", _("Euro")
    GBP = "303", _("Pound sterling")
    USD = "502", _("US dollar")


class Country(models.TextChoices):
    HONG_KONG = "110", _("Hong Kong, China")
    JAPAN = "116", _("Japan")
    MACAO = "121", _("Macao, China")
    SINGAPORE = "132", _("Singapore")
    KOREA = "133", _("Republic of Korea")
    THAILAND = "136", _("Thailand")
    CHINA = "142", _("China")
    BELGIUM = "301", _("Belgium")
    UNITED_KINGDOM = "303", _("United Kingdom")
    GERMANY = "304", _("Germany")
    FRANCE = "305", _("France")
    ITALY = "307", _("Italy")
    NETHERLANDS = "309", _("Netherlands")
    SPAIN = "312", _("Spain")
    RUSSIA = "344", _("Russia")
    CANADA = "501", _("Canada")
    UNITED_STATES = "502", _("United States")
    AUSTRALIA = "601", _("Australia")
    NEW_ZEALAND = "609", _("New Zealand")
