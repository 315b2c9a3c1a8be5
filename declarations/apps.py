from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DeclarationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "declarations"

    def ready(self):
        post_migrate.connect(ensure_goods_review_permissions, sender=self)


# Customs reviewers review the goods register and read the signed messages kept at intake.
# They also decide cancellation requests (CEB605) and read the entries refused at intake.
GOODS_REVIEWER_PERMISSIONS = [
    "view_goods",
    "change_goods",
    "view_goodshistory",
    "view_receivedmessage",
    "view_inventorycancelrequest",
    "change_inventorycancelrequest",
    "view_intakerejection",
]


def ensure_goods_review_permissions(sender, using="default", **kwargs):
    from customs_portal.permissions import staff_role_grant

    staff_role_grant(
        role="reviewer", app_label="declarations", codenames=GOODS_REVIEWER_PERMISSIONS, using=using
    )
