from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransitConfig(AppConfig):
    """The parcel's way out after release: declared on collection, waybill summaries (CEB607),
    arrival at the supervision site (CEB507), and which exit customs require arrival."""

    name = "declarations.transit"
    label = "transit"
    verbose_name = _("Collection, arrival and total packages")
    default_auto_field = "django.db.models.BigAutoField"
