from django.db import models
from django.utils.translation import gettext_lazy as _


class CodeTable(models.TextChoices):
    COUNTRY = "country", _("Countries and regions")
    CURRENCY = "currency", _("Currencies")
    TRANSPORT = "transport", _("Transport modes")
    CUSTOMS = "customs", _("Customs offices")
    UNIT = "unit", _("Units of measure")
    TRADE_MODE = "trade_mode", _("Trade modes")


class CustomsCode(models.Model):
    """One code of one of China Customs' parameter tables, as of the edition that last changed it.

    A code dropped by a newer edition is retired (``valid_to`` set), never deleted: forms and
    lists filed under it still read with its name.
    """

    table = models.CharField(_("table"), max_length=20, choices=CodeTable.choices)
    code = models.CharField(_("code"), max_length=10)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    edition = models.CharField(_("edition"), max_length=40)

    class Meta:
        verbose_name = _("customs code")
        verbose_name_plural = _("customs codes")
        ordering = ["table", "code"]
        constraints = [models.UniqueConstraint(fields=["table", "code"], name="code_tables_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"
