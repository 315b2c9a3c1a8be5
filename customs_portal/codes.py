"""Named constants for the China Customs codes the portal's rules use (``Currency.CNY``).

A stored text keeps the code (``texts.code(Currency, "502")``); the reader sees the name from
the code tables (``customs_portal.code_tables``) in their language with the code beside it:
"US Dollar (502)" / "美元 (502)". Their labels, too, are read from the code tables.
"""

from django.db import models
from django.utils.functional import lazy


def _table_name(table: str, code: str) -> str:
    from customs_portal.code_tables import lookup

    return lookup.name(table, code) or code


# a label read from the code tables when it is shown, in the reader's language: one source
table_name = lazy(_table_name, str)


class Currency(models.TextChoices):
    HKD = "110", table_name("currency", "110")
    JPY = "116", table_name("currency", "116")
    CNY = "142", table_name("currency", "142")
    EUR = "300", table_name("currency", "300")
    GBP = "303", table_name("currency", "303")
    USD = "502", table_name("currency", "502")


class Country(models.TextChoices):
    HONG_KONG = "110", table_name("country", "110")
    JAPAN = "116", table_name("country", "116")
    MACAO = "121", table_name("country", "121")
    SINGAPORE = "132", table_name("country", "132")
    KOREA = "133", table_name("country", "133")
    THAILAND = "136", table_name("country", "136")
    CHINA = "142", table_name("country", "142")
    BELGIUM = "301", table_name("country", "301")
    UNITED_KINGDOM = "303", table_name("country", "303")
    GERMANY = "304", table_name("country", "304")
    FRANCE = "305", table_name("country", "305")
    ITALY = "307", table_name("country", "307")
    NETHERLANDS = "309", table_name("country", "309")
    SPAIN = "312", table_name("country", "312")
    RUSSIA = "344", table_name("country", "344")
    CANADA = "501", table_name("country", "501")
    UNITED_STATES = "502", table_name("country", "502")
    AUSTRALIA = "601", table_name("country", "601")
    NEW_ZEALAND = "609", table_name("country", "609")
