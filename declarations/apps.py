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
    from django.contrib.auth.models import Group, Permission

    from customs_portal.permissions import STAFF_ROLES

    group, _created = Group.objects.using(using).get_or_create(name=STAFF_ROLES["reviewer"])
    perms = Permission.objects.using(using).filter(
        content_type__app_label="declarations", codename__in=GOODS_REVIEWER_PERMISSIONS
    )
    group.permissions.add(*perms)
