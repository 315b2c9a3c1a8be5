from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomsPortalConfig(AppConfig):
    name = "customs_portal"
    verbose_name = _("Portal settings")
